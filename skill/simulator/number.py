"""Spoken numbers to digits, the way Alexa fills an AMAZON.NUMBER slot.

"twenty five" -> "25", "7" -> "7", "a hundred and two" -> "102", "two thousand" -> "2000".
Whole numbers only, said as one number: enough for what people tell a cramp helper (an age,
a count of nights), not a general number parser. Anything else ("a few", "three four") is
no number, so the slot cannot take it.
"""
from __future__ import annotations

from skill.simulator.duration import NUMBER_WORDS, TENS_WORDS


def parse_number(text: str) -> str | None:
    """The digits when the whole text is one whole number, else None."""
    words = text.lower().replace("-", " ").split()
    if len(words) == 1 and words[0].isdigit():
        return str(int(words[0]))
    total, current, last = 0, 0, ""
    for word in words:
        if word in ("a", "an"):
            if last:
                return None
            kind = "a"  # only before a scale: "a hundred"
        elif word in NUMBER_WORDS:
            value = NUMBER_WORDS[word]
            if last in ("ones", "a") or (last == "tens" and not 0 < value < 10):
                return None
            current, kind = current + value, "ones"
        elif word in TENS_WORDS:
            if last in ("ones", "tens", "a"):
                return None
            current, kind = current + TENS_WORDS[word], "tens"
        elif word == "hundred":
            if last not in ("ones", "a"):
                return None
            current, kind = max(current, 1) * 100, "hundred"
        elif word == "thousand":
            if last not in ("ones", "tens", "hundred", "a"):
                return None
            total, current, kind = total + max(current, 1) * 1000, 0, "thousand"
        elif word == "and" and last in ("hundred", "thousand"):
            kind = "and"
        else:
            return None
        last = kind
    return None if last in ("", "a", "and") else str(total + current)
