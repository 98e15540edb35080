"""Is one webhook answer a sensible spoken answer? Reusable checks on response JSON.

Pure functions over the JSON body the webhook returns, so any test (matrix, fuzzing,
conversations) can hold answers to the same bar:
- the platform's rules from `ssml_checks.response_problems` (a ResponseEnvelope, valid
  SSML with breaks of at most 10 s and under 8,000 characters, under 24 KB);
- it says something (unless the request may not be answered with speech);
- a session that is not closed (`shouldEndSession` not true) has a reprompt;
- it is not one of the skill's error fallbacks (the catch-all exception handler or the
  web host's safety net), which would mean something failed underneath;
- at most two sentences come before the first question (the countdown aside).

`answer_problems(body)` lists what is wrong (empty: fine); `assert_sensible(body)` fails a
test with all of it at once.
"""
from __future__ import annotations

import re
from typing import Any

from skill.app import SAFETY_NET_SPEECH
from skill.domain import ssml
from .words import TROUBLE

from .ssml_checks import response_problems

#: Spoken only when something failed: the exception handler's and the web host's words.
ERROR_FALLBACKS = (TROUBLE, SAFETY_NET_SPEECH)
#: Where one spoken sentence ends and the next begins.
SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def response_of(body: dict[str, Any]) -> dict[str, Any]:
    response = body.get("response") if isinstance(body, dict) else None
    return response if isinstance(response, dict) else {}


def speech_ssml(body: dict[str, Any]) -> str:
    """The outputSpeech SSML of an answer ("" when there is none)."""
    speech = response_of(body).get("outputSpeech") or {}
    return speech.get("ssml") or "" if isinstance(speech, dict) else ""


def reprompt_ssml(body: dict[str, Any]) -> str:
    """The reprompt SSML of an answer ("" when there is none)."""
    reprompt = response_of(body).get("reprompt") or {}
    speech = reprompt.get("outputSpeech") or {} if isinstance(reprompt, dict) else {}
    return speech.get("ssml") or "" if isinstance(speech, dict) else ""


def spoken(document: str) -> str:
    """The words of an SSML document ("" for none or unparsable markup)."""
    if not document or ssml.problems(document):
        return ""
    return ssml.spoken_text(document)


def said(body: dict[str, Any]) -> str:
    """The words the answer speaks."""
    return spoken(speech_ssml(body))


def reprompted(body: dict[str, Any]) -> str:
    """The words of the answer's reprompt."""
    return spoken(reprompt_ssml(body))


def session_closed(body: dict[str, Any]) -> bool:
    return response_of(body).get("shouldEndSession") is True


def is_countdown(document: str) -> bool:
    return "<break" in document


def is_error_fallback(text: str) -> bool:
    """True when the words are one of the skill's "something failed" answers."""
    return any(fallback in text for fallback in ERROR_FALLBACKS)


def sentences_before_question(text: str) -> int:
    """How many sentences come before the first question (all but the last, if none)."""
    sentences = SENTENCE_END.split(text.strip())
    questions = [i for i, sentence in enumerate(sentences) if sentence.endswith("?")]
    return questions[0] if questions else len(sentences) - 1


def answer_problems(body: Any, *, silent: bool = False) -> list[str]:
    """Everything that keeps `body` from being a sensible spoken answer. With `silent`,
    the answer must say nothing (a SessionEndedRequest may not be answered with speech)."""
    # The platform's rules; size unchecked, as states may echo huge attributes back.
    found = response_problems(body, check_size=False)
    if not isinstance(body, dict):
        return found
    speech, reprompt = speech_ssml(body), reprompt_ssml(body)
    if silent:
        if speech or reprompt:
            found.append(f"speech where none is allowed: {speech or reprompt}")
        return found
    text = said(body)
    if not text:
        found.append("no speech")
    if not session_closed(body) and not reprompted(body):
        found.append("session not closed but no reprompt")
    if is_error_fallback(text):
        found.append(f"the error fallback answered: {text}")
    if text and not is_countdown(speech) and sentences_before_question(text) > 2:
        found.append(f"more than two sentences before the question: {text}")
    return found


def assert_sensible(body: Any, *, silent: bool = False, context: str = "") -> None:
    """Fail with every problem of an answer at once (and what was asked, if given)."""
    found = answer_problems(body, silent=silent)
    assert not found, f"{context}\n  " + "\n  ".join(found) + f"\n  said: {said(body)!r}"
