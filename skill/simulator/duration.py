"""Spoken durations to ISO 8601, the way Alexa fills an AMAZON.DURATION slot.

"twenty seconds" -> PT20S, "a minute" -> PT1M, "1 minute 30 seconds" -> PT1M30S,
"a minute and a half" -> PT1M30S, "half a minute" -> PT30S; a range takes its longer end
("three or four minutes" -> PT4M), the cautious reading of how long a cramp has lasted.
Small on purpose: the simulator needs the phrases people say to a stretch timer, not a
general number parser.
"""
from __future__ import annotations

from dataclasses import dataclass

_ONES = {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
         "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
         "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
         "eighteen": 18, "nineteen": 19, "a": 1, "an": 1}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
         "eighty": 80, "ninety": 90}
#: The number words for the AMAZON.NUMBER reader: "a" and "an" are one only in a duration.
NUMBER_WORDS = {w: n for w, n in _ONES.items() if w not in ("a", "an")}
TENS_WORDS = _TENS
_UNITS = {"hour": "H", "hours": "H", "hr": "H", "hrs": "H",
          "minute": "M", "minutes": "M", "min": "M", "mins": "M",
          "second": "S", "seconds": "S", "sec": "S", "secs": "S"}
_UNIT_SECONDS = {"H": 3600, "M": 60, "S": 1}


@dataclass(frozen=True)
class DurationMatch:
    start: int  # token index where the duration starts
    end: int    # token index just past it
    iso: str
    seconds: float


def parse_duration(text: str) -> str | None:
    """The ISO 8601 duration when the whole text is a duration, else None."""
    tokens = text.lower().replace("-", " ").split()
    match = _read_duration(tokens, 0)
    return match.iso if match and match.end == len(tokens) else None


def find_duration(tokens: list[str]) -> DurationMatch | None:
    """The first duration anywhere in a list of normalised words."""
    for start in range(len(tokens)):
        match = _read_duration(tokens, start)
        if match:
            return match
    return None


def _read_duration(tokens: list[str], start: int) -> DurationMatch | None:
    parts: dict[str, float] = {}
    position = start
    while True:
        group = _read_group(tokens, position)
        if group is None:
            break
        unit, amount, position = group
        parts[unit] = parts.get(unit, 0) + amount
        if position < len(tokens) and tokens[position] == "and" and _read_group(tokens, position + 1):
            position += 1
    if not parts:
        return None
    seconds = sum(_UNIT_SECONDS[u] * a for u, a in parts.items())
    return DurationMatch(start, position, _iso(parts), seconds)


def _read_group(tokens: list[str], i: int) -> tuple[str, float, int] | None:
    """One `<number> <unit> [and a half]` (or `half a <unit>`) starting at token i."""
    if tokens[i:i + 2] in (["half", "a"], ["half", "an"]) and i + 2 < len(tokens):
        unit = _UNITS.get(tokens[i + 2])
        return (unit, 0.5, i + 3) if unit else None
    number = _read_number(tokens, i)
    if number is None:
        return None
    amount, j = number
    if j >= len(tokens) or tokens[j] not in _UNITS:
        return None
    unit = _UNITS[tokens[j]]
    j += 1
    if tokens[j:j + 3] == ["and", "a", "half"]:
        amount, j = amount + 0.5, j + 3
    return unit, amount, j


def _read_number(tokens: list[str], i: int) -> tuple[float, int] | None:
    if i >= len(tokens):
        return None
    word = tokens[i]
    if word.isdigit():
        value, j = float(word), i + 1
    elif word in _ONES:
        value, j = float(_ONES[word]), i + 1
    elif word in _TENS:
        value, j = float(_TENS[word]), i + 1
        if j < len(tokens) and tokens[j] in _ONES and 0 < _ONES[tokens[j]] < 10 \
                and tokens[j] not in ("a", "an"):
            value, j = value + _ONES[tokens[j]], j + 1
    else:
        return None
    if tokens[j:j + 1] == ["or"] and j + 1 < len(tokens) and tokens[j + 1] not in ("a", "an"):
        upper = _read_number(tokens, j + 1)
        if upper is not None and upper[0] > value:
            value, j = upper
    if tokens[j:j + 3] == ["and", "a", "half"] and j + 3 < len(tokens) and tokens[j + 3] in _UNITS:
        value, j = value + 0.5, j + 3
    return value, j


def _iso(parts: dict[str, float]) -> str:
    """Whole units as said; a half spills into the next smaller unit (1.5 minutes -> 1M30S)."""
    whole = {"H": 0, "M": 0, "S": 0}
    carry = 0.0
    for unit in ("H", "M", "S"):
        amount = parts.get(unit, 0) + carry
        whole[unit] = int(amount)
        carry = (amount - int(amount)) * 60
    text = "".join(f"{whole[u]}{u}" for u in ("H", "M", "S") if whole[u])
    return f"PT{text or '0S'}"
