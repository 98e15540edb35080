"""The countdown plan: duration parsing and clamping, checkpoints, and its timing."""
from __future__ import annotations

import pytest

from skill.domain import ssml
from skill.domain.countdown import hold_play_seconds, hold_time, plan_countdown, spoken_duration

from .words import COUNTDOWN_WORDS, HALFWAY, LAST_FIVE, RELEASE, TEN_LEFT

LIMITS = dict(default=30, minimum=10, maximum=120)


@pytest.mark.parametrize("value, seconds, note", [
    (None, 30, None),
    ("", 30, None),
    ("PT30S", 30, None),
    ("PT45S", 45, None),
    ("PT1M", 60, None),
    ("PT1M30S", 90, None),
    ("PT10S", 10, None),
    ("PT2M", 120, None),
    ("PT5S", 10, "shortest"),
    ("PT1.5S", 10, "shortest"),
    ("PT3M30S", 120, "longest"),
    ("PT1H", 120, "longest"),
    ("P1D", 120, "longest"),
    ("P1W", 120, "longest"),
    ("P1Y", 120, "longest"),
    ("P99999999Y", 120, "longest"),
    ("PT0S", 10, "shortest"),
    ("PT-5S", 30, "didn't catch"),
    ("-PT5S", 30, "didn't catch"),
    ("garbage", 30, "didn't catch"),
    ("thirty seconds", 30, "didn't catch"),
    ("?", 30, "didn't catch"),
    ("PT", 30, "didn't catch"),
])
def test_hold_time_clamps_and_explains(value, seconds, note) -> None:
    result = hold_time(value, **LIMITS, words=COUNTDOWN_WORDS)
    assert result.seconds == seconds
    if note is None:
        assert result.note is None
    else:
        assert note in result.note


@pytest.mark.parametrize("seconds", [10, 15, 30, 45, 60, 120])
def test_hold_plays_for_the_requested_time(seconds) -> None:
    plan = plan_countdown(seconds, "Hold the stretch.", COUNTDOWN_WORDS)
    assert abs(hold_play_seconds(plan) - seconds) <= 2
    # measured again from the rendered SSML, the way a device would receive it
    rendered = ssml.speak(ssml.render(plan.hold))
    assert abs(ssml.ssml_play_seconds(rendered) - seconds) <= 2
    assert ssml.problems(ssml.speak(ssml.render(plan.segments))) == []


def _spoken(plan) -> list[str]:
    return [s.text for s in plan.hold if isinstance(s, ssml.Text)]


@pytest.mark.parametrize("seconds, expected", [
    # 10-11 s: the start says the length, and "Five." falls on (or just after) halfway
    (10, list(LAST_FIVE)),
    (11, list(LAST_FIVE)),
    (12, [TEN_LEFT, HALFWAY, *LAST_FIVE]),
    (15, [TEN_LEFT, HALFWAY, *LAST_FIVE]),
    (17, [TEN_LEFT, HALFWAY, *LAST_FIVE]),
    # 18-21 s: halfway and ten-left too close to say apart: one phrase, true order
    (18, ["Ten seconds left, halfway.", *LAST_FIVE]),
    (19, ["Ten seconds left, halfway.", *LAST_FIVE]),
    (20, ["Halfway, ten seconds left.", *LAST_FIVE]),
    (21, ["Halfway, ten seconds left.", *LAST_FIVE]),
    (22, [HALFWAY, TEN_LEFT, *LAST_FIVE]),
    (24, [HALFWAY, TEN_LEFT, *LAST_FIVE]),
    (30, [HALFWAY, TEN_LEFT, *LAST_FIVE]),
    (120, [HALFWAY, TEN_LEFT, *LAST_FIVE]),
])
def test_checkpoints_in_order(seconds, expected) -> None:
    assert _spoken(plan_countdown(seconds, "Hold.", COUNTDOWN_WORDS)) == expected


def _said_at(plan) -> dict[str, float]:
    """When each checkpoint starts to be heard, within a joined phrase too ("Halfway, ten
    seconds left." -> Halfway at its start, Ten seconds left 0.4 s later)."""
    clock, said_at = 0.0, {}
    for segment in plan.hold:
        if isinstance(segment, ssml.Text):
            at = clock
            for part in segment.text.split(", "):
                said_at[part[:1].upper() + part[1:].rstrip(".") + "."] = at
                at += ssml.speech_seconds(part)
        clock += ssml.play_seconds([segment])
    return said_at


@pytest.mark.parametrize("seconds, moments", [
    (15, {TEN_LEFT: 5, HALFWAY: 7.5, "Five.": 10, "One.": 14}),
    (20, {HALFWAY: 10, "Five.": 15, "One.": 19}),
    (60, {HALFWAY: 30, TEN_LEFT: 50, "Five.": 55, "One.": 59}),
])
def test_checkpoints_fall_at_their_moment(seconds, moments) -> None:
    said_at = _said_at(plan_countdown(seconds, "Hold.", COUNTDOWN_WORDS))
    for words, moment in moments.items():
        assert said_at[words] == pytest.approx(moment), words


@pytest.mark.parametrize("seconds", range(10, 121))
def test_every_length_says_every_checkpoint_near_its_moment(seconds) -> None:
    """From 12 s up: halfway, ten seconds left and five-to-one, none dropped; each heard
    within a second of when it is true (a joined second part comes just after)."""
    plan = plan_countdown(seconds, "Hold.", COUNTDOWN_WORDS)
    said_at = _said_at(plan)
    true_at = {word: seconds - (5 - i) for i, word in enumerate(LAST_FIVE)}
    if seconds >= 12:
        true_at |= {HALFWAY: seconds / 2, TEN_LEFT: seconds - 10}
    assert set(said_at) == set(true_at)
    for words, moment in true_at.items():
        assert abs(said_at[words] - moment) < 1.0, (seconds, words, said_at[words])
    assert abs(hold_play_seconds(plan) - seconds) <= 2


def test_plan_order_instruction_note_release() -> None:
    plan = plan_countdown(45, "Pull your toes up.", COUNTDOWN_WORDS, "The longest count I do is 2 minutes.")
    text = ssml.spoken_text(ssml.speak(ssml.render(plan.segments)))
    assert text.startswith("Pull your toes up. The longest count I do is 2 minutes. 45 seconds, starting now.")
    assert text.endswith(RELEASE)


@pytest.mark.parametrize("seconds, said", [(30, "30 seconds"), (60, "1 minute"), (90, "90 seconds"),
                                           (120, "2 minutes")])
def test_spoken_duration(seconds, said) -> None:
    assert spoken_duration(seconds) == said
