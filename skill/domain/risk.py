"""The editorial clot-risk rule: a long journey, a recent operation or leg cast, or days in
bed, said beside a cramp, means a doctor first (content/red_flags.toml `[clot_risk]`).

The thresholds are content; this module reads the few numbers people say with them ("a
seven hour flight", "my operation five weeks ago", "four days in bed"). It only refers and
holds back: it never says what causes what. Ordinary sitting is no journey (001 lists it
among the ordinary causes of cramps). Pure module: no SDK imports.

Rules, for words already lower-cased and split (`skill.domain.safety.words`):
- a journey word with a length of at least `travel_hours` ("long", "long haul", "all day",
  "overnight" count as long), not said to be more than `travel_weeks` weeks ago;
- an operation or cast word, not said to be more than `operation_months` months ago (no
  time said counts: the cautious reading);
- a bed word with at least `bed_days` days (a week or more counts), or "bedridden".
"""
from __future__ import annotations

from collections.abc import Sequence

from skill.domain.content import ClotRiskRule

_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "couple": 2, "three": 3, "few": 3, "four": 4,
    "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11,
    "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50,
    "several": 3, "half": 0.5,
}
#: A unit word -> its length in days.
_UNITS = {
    "hour": 1 / 24, "hours": 1 / 24, "hr": 1 / 24, "hrs": 1 / 24, "day": 1, "days": 1,
    "night": 1, "nights": 1, "week": 7, "weeks": 7, "fortnight": 14, "fortnights": 14,
    "month": 30, "months": 30, "year": 365, "years": 365,
}
_LONG_TRIP = ("long", "haul", "overnight", "whole", "all")
_BEDRIDDEN = ("bedridden", "bedbound")


def number(word: str) -> float | None:
    """A count said as a word or digits ("seven", "12", "a", "couple"); None otherwise."""
    if word.isdigit():
        return float(word)
    return _NUMBERS.get(word)


def lengths(heard: Sequence[str]) -> list[tuple[int, float]]:
    """(place of the unit word, length in days) for each "<number> <unit>" said ("seven
    hour", "five weeks", "a fortnight", "last month" as one month)."""
    found: list[tuple[int, float]] = []
    for place, word in enumerate(heard):
        unit = _UNITS.get(word)
        if unit is None:
            continue
        before = heard[place - 1] if place else ""
        count = number(before)
        if count is None and before == "last":
            count = 1
        if count is None and place >= 2 and heard[place - 2] == "few":
            count = 3
        if count is None and word in ("fortnight", "hour", "day", "week", "month", "year", "night"):
            count = 1  # "a fortnight ago", "all day", "last month"
        if count is not None:
            found.append((place, count * unit))
    return found


def _long_ago(heard: Sequence[str], limit_days: float) -> bool:
    """Whether the words place the event more than `limit_days` ago ("last year", "five
    months ago", "back in twenty fifteen", "in 2019")."""
    if "years" in heard or ("last" in heard and "year" in heard):
        return True
    if any(len(w) == 4 and w.isdigit() and w.startswith(("19", "20")) for w in heard):
        return True
    for place, word in enumerate(heard[:-1]):  # "twenty fifteen", "twenty nineteen"
        if word == "twenty" and number(heard[place + 1]) is not None and heard[place + 1] not in _UNITS:
            return True
    return any(days > limit_days for _place, days in lengths(heard)
               if days >= 7 and _is_past(heard, _place))


def _is_past(heard: Sequence[str], place: int) -> bool:
    """A length followed by "ago" (or "back"), or "last week": when it happened, not how
    long it lasted."""
    if place and heard[place - 1] == "last":
        return True
    return any(w in ("ago", "back", "since") for w in heard[place + 1:place + 3])


def _has(heard: Sequence[str], phrases: Sequence[str]) -> bool:
    text = f" {' '.join(heard)} "
    return any(f" {phrase} " in text for phrase in phrases)


def travel_risk(heard: Sequence[str], rule: ClotRiskRule) -> bool:
    if not _has(heard, rule.travel_words):
        return False
    if _long_ago(heard, rule.travel_weeks * 7):
        return False
    hours = [days * 24 for place, days in lengths(heard) if not _is_past(heard, place)]
    return any(h >= rule.travel_hours for h in hours) or any(w in _LONG_TRIP for w in heard) \
        and not hours


def operation_risk(heard: Sequence[str], rule: ClotRiskRule) -> bool:
    if not _has(heard, rule.operation_words):
        return False
    return not _long_ago(heard, rule.operation_months * 30)


def bed_risk(heard: Sequence[str], rule: ClotRiskRule) -> bool:
    if any(w in _BEDRIDDEN for w in heard):
        return True
    if not (_has(heard, rule.bed_words) or "bed" in heard):
        return False
    return any(days >= rule.bed_days for place, days in lengths(heard)
               if not _is_past(heard, place) and days >= 1)


def clot_risk(heard: Sequence[str], rule: ClotRiskRule) -> bool:
    """Whether these words name a journey, an operation or cast, or days in bed past the
    rule's thresholds."""
    return bool(heard) and (travel_risk(heard, rule) or operation_risk(heard, rule)
                            or bed_risk(heard, rule))
