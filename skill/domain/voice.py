"""The quiet voice: turn a `<speak>` document into a whispered or soft-spoken one.

Pure: no SDK. A response interceptor calls `quiet(ssml, style)` on every outgoing speech
and reprompt, so handlers never think about it.

Whispering (`<amazon:effect name="whispered">`) may only wrap text, so each run of text is
wrapped on its own while `<break>`, `<audio>`, other effects and marks stay outside it.
Words marked up as a unit (`say-as`, `sub`, `phoneme`, `w`) count as text and are
whispered with their neighbours; structure (`p`, `s`, `prosody`, `emphasis`, ...) is kept
and its text is whispered inside it. If the input does not parse, or the result would
reach Alexa's 8,000-character limit, the input comes back unchanged: normal speech is
better than no speech.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # ElementTree loads with the first whisper, not with every worker
    import xml.etree.ElementTree as ET

from skill.domain.ssml import AMAZON_TAG, MAX_SSML_CHARS, parse, serialize

WHISPER = "whisper"
SOFT = "soft"
NORMAL = "normal"
STYLES = (WHISPER, SOFT, NORMAL)


_PLAIN_AMAZON = AMAZON_TAG

#: Marked-up words: whispered together with the text around them.
_TEXT_LIKE = {"say-as", "sub", "phoneme", "w"}
#: Structure whose text is made quiet inside it.
_CONTAINERS = {"speak", "p", "s", "prosody", "emphasis", "lang", "voice", _PLAIN_AMAZON + "domain"}
# Anything else (break, audio, mark, amazon:effect, amazon:emotion, unknown tags) is left
# exactly as it is, outside any wrapper.

_SOFT_ATTRIBUTES = {"volume": "soft", "rate": "slow"}


class _Kept(str):
    """A piece of text left in the normal voice (see `quiet`'s `keep`)."""


def quiet(ssml: str, style: str = WHISPER, keep: tuple[str, ...] = ()) -> str:
    """`ssml` spoken in `style`: "whisper", "soft" (quieter, slower prosody) or "normal".
    Every occurrence of a plain-text sentence in `keep` (as it reads once parsed, e.g. an
    emergency referral) stays in the normal voice, outside any wrapper."""
    if style not in STYLES:
        raise ValueError(f"unknown voice style {style!r}; expected one of {STYLES}")
    if style == NORMAL:
        return ssml
    from xml.etree.ElementTree import ParseError

    try:
        root = parse(ssml)
    except ParseError:
        return ssml
    if root.tag != "speak":
        return ssml
    _quiet_inside(root, style, tuple(k for k in keep if k))
    result = serialize(root)
    return result if len(result) < MAX_SSML_CHARS else ssml


def _quiet_inside(parent: ET.Element, style: str, keep: tuple[str, ...] = ()) -> None:
    """Rewrite `parent`'s content: runs of text wrapped (kept sentences left out of the
    wrappers), containers recursed into."""
    rebuilt: list = []
    run: list = []
    nodes = [piece for node in _content(parent) for piece in _split_kept(node, keep)]
    for node in nodes:
        if isinstance(node, _Kept):
            rebuilt.extend(_wrap_run(run, style))
            run = []
            rebuilt.append(str(node))
            continue
        if isinstance(node, str) or node.tag in _TEXT_LIKE:
            run.append(node)
            continue
        rebuilt.extend(_wrap_run(run, style))
        run = []
        if node.tag in _CONTAINERS and not _is_wrapper(node, style):
            _quiet_inside(node, style, keep)
        rebuilt.append(node)
    rebuilt.extend(_wrap_run(run, style))
    _set_content(parent, rebuilt)


def _split_kept(node: object, keep: tuple[str, ...]) -> list:
    """A text node cut around the first kept sentence in it (recursively), kept pieces as
    `_Kept`; any other node as it is."""
    if not keep or not isinstance(node, str) or isinstance(node, _Kept):
        return [node]
    found = [(node.find(k), k) for k in keep if k in node]
    if not found:
        return [node]
    at, sentence = min(found)
    before, after = node[:at], node[at + len(sentence):]
    return [*([before] if before else []), _Kept(sentence), *_split_kept(after, keep)]


def _wrap_run(run: list, style: str) -> list:
    """One wrapper around a run, with its outer whitespace left outside."""
    if not any(not isinstance(node, str) or node.strip() for node in run):
        return run
    nodes = list(run)
    leading = trailing = ""
    if isinstance(nodes[0], str):
        leading, nodes[0] = _split_leading(nodes[0])
    if isinstance(nodes[-1], str):
        nodes[-1], trailing = _split_trailing(nodes[-1])
    wrapper = _wrapper(style)
    _set_content(wrapper, nodes)
    return [leading, wrapper, trailing]


def _wrapper(style: str) -> ET.Element:
    import xml.etree.ElementTree as ET

    if style == WHISPER:
        return ET.Element(_PLAIN_AMAZON + "effect", {"name": "whispered"})
    return ET.Element("prosody", dict(_SOFT_ATTRIBUTES))


def _is_wrapper(element: ET.Element, style: str) -> bool:
    """Our own soft wrapper: not quietened twice, so `quiet` is idempotent."""
    return style == SOFT and element.tag == "prosody" and element.attrib == _SOFT_ATTRIBUTES


def _content(parent: ET.Element) -> list:
    """Text and child elements in document order; tails are detached from the children."""
    nodes: list = [parent.text] if parent.text else []
    for child in list(parent):
        tail, child.tail = child.tail, None
        nodes.append(child)
        if tail:
            nodes.append(tail)
    return nodes


def _set_content(parent: ET.Element, nodes: list) -> None:
    """Put text and elements back as ElementTree wants them: text, then tails."""
    for child in list(parent):
        parent.remove(child)
    parent.text = None
    last: ET.Element | None = None
    for node in nodes:
        if isinstance(node, str):
            if not node:
                continue
            if last is None:
                parent.text = (parent.text or "") + node
            else:
                last.tail = (last.tail or "") + node
        else:
            parent.append(node)
            last = node


def _split_leading(text: str) -> tuple[str, str]:
    stripped = text.lstrip()
    return text[: len(text) - len(stripped)], stripped


def _split_trailing(text: str) -> tuple[str, str]:
    stripped = text.rstrip()
    return stripped, text[len(stripped):]
