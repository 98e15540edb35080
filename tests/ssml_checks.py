"""Checks that a webhook answer is something Alexa will accept and speak.

One place for the platform's rules, so the fuzz tests, the conversation tests and the
handler tests all hold every answer to the same bar:
- the JSON deserializes as `ask_sdk_model.ResponseEnvelope` (the SDK's own serializer);
- every SSML string (outputSpeech and reprompt) parses as XML with a `<speak>` root,
  each `<break time>` is a valid duration of at most 10 s, and it is under 8,000 characters;
- the whole response is under 24 KB;
- an open session (`shouldEndSession` false) carries a reprompt.

`response_problems(body)` returns a list of readable problems (empty means fine);
`assert_valid_response(body)` fails a test with all of them at once.
"""
from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from typing import Any

from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import ResponseEnvelope

MAX_SPEECH_CHARS = 8000
MAX_BREAK_MS = 10_000
MAX_RESPONSE_BYTES = 24 * 1024
BREAK_STRENGTHS = {"none", "x-weak", "weak", "medium", "strong", "x-strong"}

_BREAK_TIME = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s)\s*$")
_SERIALIZER = DefaultSerializer()


def break_ms(value: str) -> float | None:
    """The length of a `<break time="...">` value in ms, or None if Alexa can't read it."""
    match = _BREAK_TIME.match(value)
    if match is None:
        return None
    amount, unit = float(match.group(1)), match.group(2)
    return amount * 1000 if unit == "s" else amount


def ssml_problems(ssml: Any, where: str = "ssml") -> list[str]:
    """Everything wrong with one SSML string, by Alexa's rules."""
    if not isinstance(ssml, str):
        return [f"{where}: SSML is {type(ssml).__name__}, not a string"]
    problems: list[str] = []
    if len(ssml) >= MAX_SPEECH_CHARS:
        problems.append(f"{where}: {len(ssml)} characters (limit: under {MAX_SPEECH_CHARS})")
    try:
        root = ET.fromstring(ssml)
    except (ET.ParseError, UnicodeEncodeError, ValueError) as exc:
        return problems + [f"{where}: not well-formed XML ({exc}): {ssml[:200]!r}"]
    if root.tag != "speak":
        problems.append(f"{where}: root element is <{root.tag}>, not <speak>")
    for element in root.iter("break"):
        problems.extend(_break_problems(element, where))
    return problems


def _break_problems(element: ET.Element, where: str) -> list[str]:
    problems = []
    time_value = element.get("time")
    if time_value is not None:
        millis = break_ms(time_value)
        if millis is None:
            problems.append(f"{where}: <break time={time_value!r}> is not a duration")
        elif millis > MAX_BREAK_MS:
            problems.append(f"{where}: <break time={time_value!r}> is longer than 10 s")
    strength = element.get("strength")
    if strength is not None and strength not in BREAK_STRENGTHS:
        problems.append(f"{where}: <break strength={strength!r}> is not a strength")
    return problems


def speech_problems(speech: Any, where: str) -> list[str]:
    """An outputSpeech object: SSML checked fully, plain text for length."""
    if speech is None:
        return []
    if not isinstance(speech, dict):
        return [f"{where}: outputSpeech is {type(speech).__name__}, not an object"]
    kind = speech.get("type")
    if kind == "SSML":
        return ssml_problems(speech.get("ssml"), where)
    if kind == "PlainText":
        text = speech.get("text")
        if not isinstance(text, str):
            return [f"{where}: PlainText without text"]
        if len(text) >= MAX_SPEECH_CHARS:
            return [f"{where}: {len(text)} characters (limit: under {MAX_SPEECH_CHARS})"]
        return []
    return [f"{where}: unknown outputSpeech type {kind!r}"]


def response_problems(body: Any, *, check_size: bool = True) -> list[str]:
    """Everything wrong with one 200 answer's JSON body (a dict), by Alexa's rules.

    `check_size=False` skips the 24 KB limit, for a fuzzed request whose own huge session
    attributes come back in the answer (Alexa only ever echoes what the skill sent)."""
    if not isinstance(body, dict):
        return [f"body is {type(body).__name__}, not a JSON object"]
    problems: list[str] = []
    try:
        text = json.dumps(body, allow_nan=False)
    except ValueError:
        return ["response contains NaN or Infinity, which is not JSON"]
    if check_size and len(text.encode("utf-8")) >= MAX_RESPONSE_BYTES:
        problems.append(f"response is {len(text.encode('utf-8'))} bytes (limit: under 24 KB)")
    try:
        envelope = _SERIALIZER.deserialize(payload=text, obj_type=ResponseEnvelope)
    except Exception as exc:  # noqa: BLE001 - any failure here is the finding
        return problems + [f"does not deserialize as ResponseEnvelope: {exc}"]
    if not isinstance(envelope, ResponseEnvelope) or envelope.response is None:
        return problems + ["no response object in the envelope"]
    if body.get("version") != "1.0":
        problems.append(f"version is {body.get('version')!r}, not '1.0'")
    response = body.get("response") or {}
    problems.extend(speech_problems(response.get("outputSpeech"), "outputSpeech"))
    reprompt = response.get("reprompt")
    reprompt_speech = reprompt.get("outputSpeech") if isinstance(reprompt, dict) else None
    problems.extend(speech_problems(reprompt_speech, "reprompt"))
    if response.get("shouldEndSession") is False and reprompt_speech is None:
        problems.append("session left open without a reprompt")
    return problems


def assert_valid_response(body: Any) -> None:
    problems = response_problems(body)
    assert not problems, "answer Alexa would not accept:\n  " + "\n  ".join(problems)


def assert_valid_ssml(ssml: str) -> None:
    problems = ssml_problems(ssml)
    assert not problems, "\n".join(problems)
