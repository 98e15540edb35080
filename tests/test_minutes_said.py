"""`minutes_said` (skill.domain.safety): a cramp's length in minutes said as "for <number>
minutes" inside other words, as a plain table."""
from __future__ import annotations

import pytest

from skill.domain.safety import minutes_said, words


@pytest.mark.parametrize(("text", "minutes"), [
    ("locked up for like fifteen mins", 15),
    ("for twenty five minutes and it won't let go", 25),
    ("cramping for 12 min", 12),
    ("for a good twenty minutes", 20),
    ("for about forty minutes", 40),
    ("for five minutes", 5),
    ("about twenty minutes ago", None),   # when, not how long
    ("twenty minutes", None),             # no "for": the duration slot's own job
    ("for ages", None),
    ("", None),
])
def test_minutes_said(text: str, minutes: float | None) -> None:
    assert minutes_said(words(text)) == minutes
