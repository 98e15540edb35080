"""What a screen device shows and says for a response, as text for the simulator.

Reads the `Alexa.Presentation.APL` directives of a response: the words of the rendered
document (top to bottom), its touch controls, and what its commands make the device say
(the countdown on a screen is spoken by `SpeakItem`, with `Idle` silences between).
"""
from __future__ import annotations

from typing import Any

from skill.domain.ssml import escape

RENDER = "Alexa.Presentation.APL.RenderDocument"
EXECUTE = "Alexa.Presentation.APL.ExecuteCommands"
#: What a user types after "tap" -> the control's event argument.
TAPS = {"next": "next", "back": "back", "previous": "back", "time it": "time_it",
        "is it serious": "serious", "serious": "serious", "yes": "yes", "no": "no",
        "not sure": "unsure", "again": "yes"}


def _directives(response: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [d for d in response.get("directives") or [] if isinstance(d, dict)
            and d.get("type") == kind]


def _walk(node: Any, texts: list[str], controls: list[str]) -> None:
    if isinstance(node, list):
        for item in node:
            _walk(item, texts, controls)
        return
    if not isinstance(node, dict):
        return
    if node.get("type") == "TouchWrapper":
        controls.append(str(node.get("accessibilityLabel", "")))
        return
    if node.get("type") == "Text" and node.get("text") and not str(node.get("id", "")).startswith("say"):
        texts.append(_unescape(str(node["text"])))
    for key in ("item", "items"):
        _walk(node.get(key), texts, controls)


def _unescape(text: str) -> str:
    for plain in ("&", "<", ">", '"', "'"):
        text = text.replace(escape(plain), plain) if escape(plain) != plain else text
    return text


def screen_shows(response: dict[str, Any]) -> tuple[list[str], list[str]]:
    """(lines of text, control labels) of the last document rendered; empty when none."""
    rendered = _directives(response, RENDER)
    if not rendered:
        return [], []
    texts: list[str] = []
    controls: list[str] = []
    template = (rendered[-1].get("document") or {}).get("mainTemplate") or {}
    _walk(template.get("items"), texts, controls)
    return texts, controls


def screen_says(response: dict[str, Any]) -> list[str]:
    """What the screen's commands say, in order: words, and silences as "(pause 4.5 s)"."""
    said: list[str] = []
    sources = {}
    for rendered in _directives(response, RENDER):
        sources = ((rendered.get("datasources") or {}).get("count") or {}).get("properties") or {}
    words: dict[str, str] = {}
    pending_ms = 0

    def flush() -> None:
        nonlocal pending_ms
        if pending_ms:
            said.append(f"(pause {pending_ms / 1000:g} s)")
            pending_ms = 0

    for directive in _directives(response, EXECUTE):
        for command in _flatten(directive.get("commands") or []):
            pending_ms += int(command.get("delay") or 0)
            if command.get("type") == "SetValue" and command.get("componentId") == "said":
                words["said"] = _unescape(str(command.get("value", "")))
            elif command.get("type") == "SpeakItem":
                flush()
                index = str(command.get("componentId", ""))[3:]
                said.append(words.get("said") or str(sources.get(f"s{index}", "")))
    flush()
    return said


def _flatten(commands: list[Any]) -> list[dict[str, Any]]:
    flat: list[dict[str, Any]] = []
    for command in commands:
        if isinstance(command, dict) and command.get("type") in ("Sequential", "Parallel"):
            flat.extend(_flatten(command.get("commands") or []))
        elif isinstance(command, dict):
            flat.append(command)
    return flat
