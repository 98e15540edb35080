"""SSML composition: escaping, chained breaks, timing estimates (the whisper: test_voice)."""
from __future__ import annotations

import pytest

from skill.domain import ssml
from skill.domain.ssml import Pause, Text


@pytest.mark.parametrize("seconds, expected", [
    (0, ""),
    (0.6, '<break time="600ms"/>'),
    (10, '<break time="10000ms"/>'),
    (10.5, '<break time="10000ms"/><break time="500ms"/>'),
    (25, '<break time="10000ms"/><break time="10000ms"/><break time="5000ms"/>'),
    (-3, ""),
])
def test_breaks_are_chained_in_pieces_of_at_most_ten_seconds(seconds, expected) -> None:
    assert ssml.break_tags(seconds) == expected


def test_text_is_escaped_and_parses_as_xml() -> None:
    doc = ssml.speak(ssml.render([Text("Salt & <pepper> \"now\""), Pause(1), Text("then")]))
    assert "&amp;" in doc and "&lt;pepper&gt;" in doc
    assert ssml.problems(doc) == []
    assert ssml.spoken_text(doc) == 'Salt & <pepper> "now"then'


def test_render_wraps_text_only() -> None:
    inner = ssml.render([Text("a"), Pause(12), Text("b")], wrap_text=lambda t: f"[{t}]")
    assert inner == '[a]<break time="10000ms"/><break time="2000ms"/>[b]'


@pytest.mark.parametrize("segments, seconds", [
    ([Text("one two three four five")], 2.0),
    ([Pause(10), Pause(5)], 15.0),
    ([Text("Five."), Pause(0.6), Text("Four.")], 1.4),
])
def test_play_seconds_counts_breaks_and_words_at_150_a_minute(segments, seconds) -> None:
    assert ssml.play_seconds(segments) == pytest.approx(seconds)
    assert ssml.ssml_play_seconds(ssml.speak(ssml.render(segments))) == pytest.approx(seconds)


@pytest.mark.parametrize("doc, problem", [
    ("<speak>fine</speak>", None),
    ("<speak>a & b</speak>", "not XML"),
    ("<say>hi</say>", "root is <say>"),
    ('<speak><break time="11s"/></speak>', "breaks over 10 s"),
    ("<speak>" + "x" * 8000 + "</speak>", "characters"),
])
def test_problems_names_what_is_wrong(doc, problem) -> None:
    found = ssml.problems(doc)
    if problem is None:
        assert found == []
    else:
        assert any(problem in p for p in found), found
