"""The countdown's hold, timed from the SSML the webhook returns, by code that shares
nothing with the skill's own estimator: regular expressions for <break> and words, and
Alexa's pace of about 150 words a minute. (Checked once by ear too: espeak-ng reading the
whole 10 s and 15 s SSML at 150 wpm ran 0.4 s and 0.6 s over.)"""
from __future__ import annotations

import re

import pytest

from skill import envelopes

from .conftest import post

BREAK = re.compile(r'<break time="(\d+(?:\.\d+)?)(ms|s)"\s*/>')
WORD = re.compile(r"[A-Za-z0-9']+")
SECONDS_PER_WORD = 60 / 150


def hold_seconds(ssml: str) -> float:
    """Breaks plus spoken words from after "starting now." up to "release"."""
    start = ssml.index("starting now.") + len("starting now.")
    end = ssml.lower().index("release", start)
    middle = ssml[start:end]
    pauses = sum(float(v) / (1000 if unit == "ms" else 1) for v, unit in BREAK.findall(middle))
    words = len(WORD.findall(re.sub(r"<[^>]+>", " ", middle)))
    return pauses + words * SECONDS_PER_WORD


@pytest.mark.parametrize("seconds", [10, 15, 30, 45, 60, 120])
def test_the_hold_plays_for_the_asked_time(client, seconds: int) -> None:
    reply = post(client, envelopes.intent_request("StretchTimerIntent", {"duration": f"PT{seconds}S"}))
    ssml = reply.get_json()["response"]["outputSpeech"]["ssml"]
    assert abs(hold_seconds(ssml) - seconds) <= 2, ssml
    assert all(float(v) / (1000 if u == "ms" else 1) <= 10 for v, u in BREAK.findall(ssml))
