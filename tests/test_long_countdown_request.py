"""Asking to count longer than the serious check's time limit ("it's been cramping for
fifteen minutes") may be the user telling us how long the cramp has lasted: the answer
opens with the emergency advice, in the normal voice, before the (clamped) count."""
from __future__ import annotations

import pytest

from skill.app import create_app
from skill.domain.content import load_content
from skill.settings import Settings

from .conversation import Talk

CONTENT = load_content(Settings().content_dir)
CAUTION = CONTENT.countdown.long_cramp.text


@pytest.fixture
def talk() -> Talk:
    return Talk(create_app(Settings(persistence="memory").as_local()).test_client())


@pytest.mark.parametrize("duration", ["PT15M", "PT10M1S", "PT1H", "P1D"])
def test_a_count_longer_than_the_limit_opens_with_the_emergency_advice(talk, duration) -> None:
    turn = talk.intent("StretchTimerIntent", duration=duration)
    assert turn.text.startswith("Call your local emergency number")
    assert CAUTION in turn.text and "starting now" in turn.text  # then the count goes on


@pytest.mark.parametrize("duration", ["PT10M", "PT2M", "PT30S", "PT3M30S"])
def test_a_count_within_the_limit_has_no_emergency_advice(talk, duration) -> None:
    turn = talk.intent("StretchTimerIntent", duration=duration)
    assert "emergency" not in turn.text


def test_the_advice_is_not_whispered(talk) -> None:
    talk.launch()
    talk.intent("QuietVoiceIntent")
    assert talk.intent("StretchTimerIntent", duration="PT30S").whispered
    turn = talk.intent("StretchTimerIntent", duration="PT20M")
    assert not turn.whispered and turn.text.startswith("Call your local emergency number")


def test_the_limit_comes_from_the_serious_check() -> None:
    limits = [q.over_minutes for q in CONTENT.serious.question if q.over_minutes]
    assert CONTENT.index.emergency_minutes == min(limits) == 10
