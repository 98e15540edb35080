"""Alexa SSML built from structured segments, so nothing unescaped ever reaches a device.

Speech stays a list of `Text` and `Pause` segments until the last moment, and `render`
is the only place that turns them into markup. That keeps three rules in one spot:
text is XML-escaped, a pause longer than Alexa's 10 s limit becomes a chain of breaks,
and the quiet voice (skill.domain.voice) can wrap text without touching the breaks.
Pure module: no SDK imports.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from msgspec import Struct

if TYPE_CHECKING:  # parsing is for tests, tools and the whisper; not every worker needs it
    import xml.etree.ElementTree as ET

#: Alexa's limit for one <break>.
MAX_BREAK_MS = 10_000
#: Alexa's limit for the whole outputSpeech.
MAX_SSML_CHARS = 8_000
#: Alexa's default speaking pace, used to estimate how long speech takes to play.
WORDS_PER_MINUTE = 150
SECONDS_PER_WORD = 60 / WORDS_PER_MINUTE


def escape(text: str) -> str:
    """Escape `&`, `<` and `>` for SSML text (quotes are fine outside attributes).

    What `html.escape(text, quote=False)` does, without importing `html` (and its entity
    tables) at every cold start."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_WORD = re.compile(r"[A-Za-z0-9']+")
_BREAK_TIME = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s)\s*$")


class Text(Struct, frozen=True):
    """Words to speak, as plain text (escaped when rendered)."""

    text: str


class Pause(Struct, frozen=True):
    """Silence, in seconds; any length (rendered as chained breaks of at most 10 s)."""

    seconds: float


Segment = Text | Pause
TextWrapper = Callable[[str], str]


def words_in(text: str) -> int:
    """How many spoken words a text holds (digits count as one word)."""
    return len(_WORD.findall(text))


def speech_seconds(text: str) -> float:
    """How long Alexa takes to say `text` at its default pace."""
    return words_in(text) * SECONDS_PER_WORD


def play_seconds(segments: Iterable[Segment]) -> float:
    """Estimated playing time of segments: their pauses plus their words at 150 wpm."""
    total = 0.0
    for segment in segments:
        if isinstance(segment, Pause):
            total += max(segment.seconds, 0.0)
        else:
            total += speech_seconds(segment.text)
    return total


def break_tags(seconds: float) -> str:
    """One pause as `<break>` tags of at most 10 s each (nothing for a zero pause)."""
    remaining = max(int(round(seconds * 1000)), 0)
    tags = []
    while remaining > 0:
        chunk = min(remaining, MAX_BREAK_MS)
        tags.append(f'<break time="{chunk}ms"/>')
        remaining -= chunk
    return "".join(tags)


def render(segments: Iterable[Segment], wrap_text: TextWrapper | None = None) -> str:
    """The inner SSML (no <speak>) for segments. `wrap_text` receives escaped text and may
    wrap it in an effect; breaks are never wrapped."""
    parts: list[str] = []
    for segment in segments:
        if isinstance(segment, Pause):
            parts.append(break_tags(segment.seconds))
            continue
        text = " ".join(segment.text.split())
        if not text:
            continue
        escaped = escape(text)
        parts.append(wrap_text(escaped) if wrap_text else escaped)
    return _join(parts)


def _join(parts: list[str]) -> str:
    """Join rendered parts with a space between pieces of text, none around breaks."""
    out = ""
    for part in parts:
        if not part:
            continue
        if out and not out.endswith("/>") and not part.startswith("<break"):
            out += " "
        out += part
    return out


def text(*sentences: str) -> str:
    """Inner SSML for plain sentences (the common case: no pauses)."""
    return render([Text(" ".join(s for s in sentences if s))])


def speak(inner: str) -> str:
    """Wrap inner SSML in the <speak> root."""
    return f"<speak>{inner}</speak>"


def unwrap(ssml: str) -> str:
    """Inner SSML of a `<speak>` document (the SDK's builder adds the root back)."""
    stripped = ssml.strip()
    if stripped.startswith("<speak>") and stripped.endswith("</speak>"):
        return stripped[len("<speak>"):-len("</speak>")].strip()
    return stripped


#: ElementTree rejects the undeclared `amazon:` prefix, so while parsed an amazon tag
#: (`<amazon:effect>`) travels under a plain name (`<amazon__effect>`). Escaped text never
#: holds "<", so only tags are renamed.
AMAZON_TAG = "amazon__"
_TO_PLAIN = re.compile(r"<(/?)amazon:")
_FROM_PLAIN = re.compile(r"<(/?)amazon__")
#: Alexa's pause lengths for <break strength="...">, in seconds.
_STRENGTH_SECONDS = {"none": 0.0, "x-weak": 0.0, "weak": 0.35, "medium": 0.75,
                     "strong": 1.0, "x-strong": 1.25}


def parse(ssml: str) -> ET.Element:
    """Parse an SSML document as XML, the one parser of the project (the whisper, the
    simulator and the checks use it). Amazon tags are named `AMAZON_TAG + name` while
    parsed. Raises `xml.etree.ElementTree.ParseError` for invalid markup."""
    import xml.etree.ElementTree as ET

    return ET.fromstring(_TO_PLAIN.sub(r"<\1" + AMAZON_TAG, ssml))


def serialize(root: ET.Element) -> str:
    """The document `parse` read, as SSML again (amazon tags under their own prefix)."""
    import xml.etree.ElementTree as ET

    return _FROM_PLAIN.sub(r"<\1amazon:", ET.tostring(root, encoding="unicode"))


def _break_seconds(time_value: str) -> float:
    match = _BREAK_TIME.match(time_value or "")
    if not match:
        raise ValueError(f"unreadable break time {time_value!r}")
    amount = float(match.group(1))
    return amount / 1000 if match.group(2) == "ms" else amount


def break_seconds(attributes: dict[str, str]) -> float:
    """How long a `<break>` lasts: its `time`, else its `strength` (Alexa's default for a
    bare break is medium). Raises ValueError for an unreadable time."""
    if attributes.get("time"):
        return _break_seconds(attributes["time"])
    return _STRENGTH_SECONDS.get(attributes.get("strength", "medium"), 0.75)


def breaks_in(ssml: str) -> list[float]:
    """Every <break> duration in a document, in seconds."""
    return [_break_seconds(el.get("time", "")) for el in parse(ssml).iter("break")]


def spoken_text(ssml: str) -> str:
    """The words of a document without markup."""
    return " ".join("".join(parse(ssml).itertext()).split())


def ssml_play_seconds(ssml: str) -> float:
    """Estimated playing time of a whole SSML document (breaks plus words at 150 wpm)."""
    return sum(breaks_in(ssml)) + speech_seconds(spoken_text(ssml))


def problems(ssml: str) -> list[str]:
    """Why a document is not valid Alexa SSML for this skill (empty when it is)."""
    found: list[str] = []
    if len(ssml) >= MAX_SSML_CHARS:
        found.append(f"{len(ssml)} characters (limit {MAX_SSML_CHARS})")
    from xml.etree.ElementTree import ParseError

    try:
        root = parse(ssml)
    except ParseError as error:
        return found + [f"not XML: {error}"]
    if root.tag != "speak":
        found.append(f"root is <{root.tag}>, not <speak>")
    try:
        too_long = [b for b in breaks_in(ssml) if b > MAX_BREAK_MS / 1000]
    except ValueError as error:
        return found + [str(error)]
    if too_long:
        found.append(f"breaks over 10 s: {too_long}")
    return found
