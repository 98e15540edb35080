"""SSML as a person would hear it: text and timed pauses.

`segments()` turns `<speak>...</speak>` into text and pause pieces (for printing and for
espeak-ng with real silences); `render()` prints them as "text [pause 10s] text".
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass

from skill.domain import ssml as ssml_doc

_SENTENCE_PAUSE = 0.5


@dataclass(frozen=True)
class Segment:
    text: str = ""
    pause: float = 0.0  # seconds of silence; a segment is either text or a pause

    @property
    def is_pause(self) -> bool:
        return not self.text


class SsmlError(ValueError):
    """The SSML is not well-formed XML: Alexa would refuse it."""


def segments(ssml: str) -> list[Segment]:
    """Text and pauses in speaking order; consecutive pauses merge, whitespace collapses."""
    xml = ssml.strip()
    if not xml.startswith("<speak"):
        xml = f"<speak>{xml}</speak>"
    try:
        root = ssml_doc.parse(xml)
    except ET.ParseError as exc:
        raise SsmlError(f"invalid SSML: {exc}") from None
    raw: list[Segment] = []
    _walk(root, raw)
    return _merge(raw)


def _walk(element: ET.Element, out: list[Segment]) -> None:
    tag = element.tag
    if tag == "break":
        out.append(Segment(pause=break_seconds(element.attrib)))
    elif tag == "audio":
        out.append(Segment(text="[audio]"))
    elif tag == "sub" and "alias" in element.attrib:
        out.append(Segment(text=element.attrib["alias"]))
    else:
        if element.text:
            out.append(Segment(text=element.text))
        for child in element:
            _walk(child, out)
        if tag in ("p", "s"):
            out.append(Segment(pause=_SENTENCE_PAUSE if tag == "s" else 2 * _SENTENCE_PAUSE))
    if element.tail:
        out.append(Segment(text=element.tail))


def break_seconds(attributes: dict[str, str]) -> float:
    """A break's length as Alexa would play it; an unreadable time plays as a medium break."""
    try:
        return ssml_doc.break_seconds(attributes)
    except ValueError:
        return ssml_doc.break_seconds({})


def _merge(raw: list[Segment]) -> list[Segment]:
    merged: list[Segment] = []
    for segment in raw:
        if segment.is_pause:
            if segment.pause <= 0:
                continue
            if merged and merged[-1].is_pause:
                merged[-1] = Segment(pause=merged[-1].pause + segment.pause)
            else:
                merged.append(segment)
            continue
        text = " ".join(segment.text.split())
        if not text:
            continue
        if merged and not merged[-1].is_pause:
            merged[-1] = Segment(text=f"{merged[-1].text} {text}")
        else:
            merged.append(Segment(text=text))
    return merged


def format_seconds(seconds: float) -> str:
    return f"{seconds:g}s"


def render(ssml: str) -> str:
    """Readable text: breaks shown as [pause 10s]. Invalid SSML is shown, marked."""
    try:
        parts = segments(ssml)
    except SsmlError as exc:
        return f"[{exc}] {ssml}"
    return " ".join(f"[pause {format_seconds(s.pause)}]" if s.is_pause else s.text for s in parts)


def speech_ssml(output_speech: dict | None) -> str | None:
    """The SSML of an outputSpeech object (PlainText is escaped and wrapped)."""
    if not isinstance(output_speech, dict):
        return None
    if output_speech.get("type") == "PlainText":
        from xml.sax.saxutils import escape

        return f"<speak>{escape(str(output_speech.get('text', '')))}</speak>"
    ssml = output_speech.get("ssml")
    return ssml if isinstance(ssml, str) else None
