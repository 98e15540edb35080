"""Whose cramp it is, read from any words of a request: a child by word or by age.

The articles are about adults (content/side.toml's `child` answer): a child named anywhere
in a request ("my eight year old woke up crying", "it's my son, he's seven", "me lad's
six") gets the child answer, whichever slot or intent the words landed in. The child words
are the PERSON slot's `child` synonyms (content/side.toml); an age is read here:
- "N year(s) old", "N month(s) old", "N yr old" with N under 18;
- N under 18 right after "he's", "she's", "aged", or a relative's "'s" ("my grandson's
  five"); never a bare "for three years" (how long the cramps have come, not an age).
Pure module: no SDK imports.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

from skill.domain.safety import words

#: Spoken numbers below adulthood (18), as Alexa writes them into a custom slot's words.
_NUMBERS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen "
            "fourteen fifteen sixteen seventeen").split()
CHILD_AGES: dict[str, int] = {**{w: n for n, w in enumerate(_NUMBERS)},
                              **{str(n): n for n in range(18)}}

#: Units that make a number before "old" an age.
AGE_UNITS = frozenset({"year", "years", "yr", "yrs", "month", "months", "week", "weeks"})

#: Words right before a number that make it someone's age ("he's seven", "aged six").
AGE_LEADS = frozenset({"he's", "she's", "aged", "age", "turned"})

#: Relatives who are often, not always, children: a child only with an age under 18
#: ("my granddaughter's five"); with no age they are no one in particular.
RELATIVES = frozenset({"son", "daughter", "grandson", "granddaughter", "grandchild",
                       "grandkid", "nephew", "niece", "boy", "girl", "lad", "lass", "kid"})

#: Words that say a number is a time, not an age ("he's been at it ten minutes").
TIME_UNITS = frozenset({"minute", "minutes", "min", "mins", "second", "seconds", "hour",
                        "hours", "o'clock", "times", "nights", "days", "am", "pm"})


def _phrases(child_words: Iterable[str]) -> list[tuple[str, ...]]:
    return sorted({tuple(words(p)) for p in child_words if words(p)}, key=len, reverse=True)


def _has_phrase(heard: Sequence[str], phrases: Sequence[tuple[str, ...]]) -> bool:
    bare = [w[:-2] if w.endswith("'s") else w for w in heard]
    for phrase in phrases:
        size = len(phrase)
        for start in range(len(heard) - size + 1):
            if tuple(heard[start:start + size]) == phrase or \
                    tuple(bare[start:start + size]) == phrase:
                return True
    return False


def _an_age(heard: Sequence[str], place: int) -> bool:
    """Whether the number at `place` is a child's age by the words round it."""
    after = heard[place + 1:place + 3]
    if after[:1] and after[0] in TIME_UNITS:
        return False
    if len(after) == 2 and after[0] in AGE_UNITS and after[1] == "old":
        return True
    if place == 0:
        return False
    before = heard[place - 1]
    if before in AGE_LEADS:
        return True
    return before.endswith("'s") and before[:-2] in RELATIVES


def names_a_child(text: str | None, child_words: Iterable[str]) -> bool:
    """Whether `text` names a child: one of `child_words` (the PERSON `child` synonyms, a
    possessive "'s" allowed), or an age under 18 (see the module docstring)."""
    heard = words((text or "").replace("-", " "))
    if not heard:
        return False
    if _has_phrase(heard, _phrases(child_words)):
        return True
    return any(word in CHILD_AGES and _an_age(heard, place) for place, word in enumerate(heard))
