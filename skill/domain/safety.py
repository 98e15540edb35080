"""Red flags in everyday words: which sign a phrase names, and which sign wins.

The table is content/red_flags.toml (its tiers, phrases, answers and sources); this module
holds the rules over it, so the handlers, the interaction model and the tests share one
source. Precedence, from the table's tiers: an emergency sign (001) beats a sign outside
the articles, which beats a doctor-first sign (000), which beats a long time said without
a number (the check settles it), which beats the relief tier (strong words for an ordinary
cramp, or a part of one: the hard lump, the leg that won't move, soreness afterwards).

A cramp's own length said with a number is judged by `cramp_too_long`: at or past the
limit is an emergency (the cautious reading of "more than ten minutes").
Pure module: no SDK imports.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from skill.domain.content import TIERS, Sign
from skill.domain.risk import number

_WORDS = re.compile(r"[a-z0-9']+")


def rank(sign: Sign) -> int:
    """Lower is more urgent: the sign's tier's place in TIERS."""
    return TIERS.index(sign.tier)


def strongest(signs: Iterable[Sign | None]) -> Sign | None:
    """The sign that decides the answer when several are named (None when none is)."""
    named = [sign for sign in signs if sign is not None]
    return min(named, key=rank) if named else None


#: Tiers whose answer is a referral: no relief steps may follow them.
REFERRAL_TIERS = frozenset({"emergency", "outside", "doctor"})


def is_red_flag(sign: Sign | None) -> bool:
    """A sign whose answer is a referral (emergency, outside the articles, a doctor):
    no relief steps may follow it."""
    return sign is not None and sign.tier in REFERRAL_TIERS


def words(text: str | None) -> list[str]:
    return _WORDS.findall((text or "").lower().replace("\u2019", "'"))


def signs_in(text: str | None, phrases: Sequence[tuple[tuple[str, ...], Sign]],
             starts: Mapping[str, Sequence[int]] | None = None) -> list[Sign]:
    """Every sign whose phrase appears, as whole words, in `text` (for a slot value such
    as "really swollen" that holds a phrase but is not one). `phrases` come longest first
    (`ContentIndex.sign_phrase_order`), and a word used by one phrase is not reused by a shorter one.
    `starts` (`ContentIndex.sign_phrase_starts`: first word -> places in `phrases`) only
    makes it faster: the phrases that cannot be there are never looked at."""
    heard = words(text)
    if not heard:
        return []
    present = set(heard)
    used = [False] * len(heard)
    denied = _denied(heard)
    found: list[Sign] = []
    places = (range(len(phrases)) if starts is None else
              sorted(place for word in present for place in starts.get(word, ())))
    for place in places:
        target, sign = phrases[place]
        if target[0] not in present or len(target) > len(heard):
            continue
        for start in range(len(heard) - len(target) + 1):
            end = start + len(target)
            if tuple(heard[start:end]) == target and not any(used[start:end]):
                if denied[start]:
                    continue  # "not swollen": absent; a shorter phrase inside may still count
                used[start:end] = [True] * len(target)
                found.append(sign)
                break
    return found


#: Words that say a sign is absent when they come right before it ("not swollen", "no
#: bites or stings"); "or" and "nor" carry the denial on to the next sign.
DENIALS = frozenset({"not", "no", "isn't", "aren't", "wasn't", "never", "without", "nor",
                     "nothing", "haven't", "hasn't", "didn't", "don't", "doesn't", "nae"})
CARRY_DENIAL = frozenset({"or", "nor", "any", "a", "an", "really", "that", "very", "at", "all"})


def _denied(heard: Sequence[str]) -> list[bool]:
    """For each word, whether a denial reaches it: the word right after a denial word, and
    the words joined on by "or" ("not swollen or red"); "but" and anything else end it."""
    denied = [False] * len(heard)
    reach = False
    for place, word in enumerate(heard):
        if word in DENIALS:
            reach = True
            continue
        denied[place] = reach
        if reach and word not in CARRY_DENIAL and place + 1 < len(heard) \
                and heard[place + 1] not in ("or", "nor"):
            reach = False
    return denied


def combined(signs: Sequence[Sign],
             combinations: Sequence[tuple[frozenset[str], Sign]]) -> list[Sign]:
    """`signs`, plus the sign that any named together mean ("a fall" and "can't put weight
    on it": a fall with no weight on the leg), from content/red_flags.toml's combinations."""
    named = {sign.id for sign in signs}
    return [*signs, *(becomes for together, becomes in combinations if together <= named)]


#: Words that make a sign uncertain rather than denied ("not sure if", "don't know if",
#: "might have", "maybe"): said with a sign, they are never a "no".
UNSURE_WORDS = frozenset({"maybe", "might", "might've", "perhaps", "possibly", "unsure",
                          "dunno", "idk"})
UNSURE_PHRASES = (("not", "sure"), ("don't", "know"), ("do", "not", "know"),
                  ("no", "idea"), ("can't", "tell"), ("could", "have"), ("could've",),
                  ("not", "certain"), ("sure", "if"), ("sure", "whether"), ("know", "if"),
                  ("know", "whether"))


def unsure(text: str | None) -> bool:
    """Whether words say that something is uncertain ("I don't know if", "maybe")."""
    heard = words(text)
    if UNSURE_WORDS & set(heard):
        return True
    return any(tuple(heard[i:i + len(p)]) == p for p in UNSURE_PHRASES
               for i in range(len(heard) - len(p) + 1))


#: Small words around an everyday sign word that still leave it the whole symptom ("it's a
#: bit warm", "gone really cold"): "warm and cosy in bed" is more than the symptom.
LOOSE_FILLERS = frozenset({"a", "an", "the", "bit", "little", "really", "very", "so", "quite",
                           "all", "gone", "going", "it's", "it", "is", "feels", "feel", "looks",
                           "look", "my", "kind", "of", "kinda", "sort", "now", "too", "got",
                           "getting", "turned", "turning", "went", "has", "have", "i've",
                           "i'm", "i", "am", "me", "and", "just", "bit", "lot", "more"})


def whole_symptom(text: str | None, table: Mapping[str, Sign]) -> Sign | None:
    """The sign that the words are as a whole, small words aside ("it's a bit warm":
    warmth), or None. `table` maps normalised phrases to signs (the everyday words too)."""
    kept = [w for w in words(text) if w not in LOOSE_FILLERS]
    return table.get(" ".join(kept)) if kept else None


def slot_signs(text: str | None, phrases: Sequence[tuple[tuple[str, ...], Sign]],
               starts: Mapping[str, Sequence[int]], table: Mapping[str, Sign]) -> list[Sign]:
    """Signs in a SIGN slot's words: every phrase found inside them, else the sign the
    words are as a whole (an everyday word counts only so: "my foot is cold")."""
    found = signs_in(text, phrases, starts)
    if found:
        return found
    whole = whole_symptom(text, table)
    return [whole] if whole else []


_MINUTE_WORDS = frozenset({"minute", "minutes", "min", "mins"})
_ROUGHLY = frozenset({"like", "about", "around", "almost", "nearly", "over", "maybe", "a", "good",
                      "at", "least", "more", "than", "past", "well"})
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50}


def minutes_said(heard: Sequence[str]) -> float | None:
    """The longest length in minutes said as "for <number> minutes" ("for like fifteen
    mins", "for twenty five minutes", "for 12 min"), with a few softening words allowed
    after "for"; None when none is. How long the cramp itself has lasted, read cautiously:
    a length said with "for" beside a cramp is taken as the cramp's (001: more than ten
    minutes is an emergency)."""
    longest: float | None = None
    for place, word in enumerate(heard):
        if word not in _MINUTE_WORDS or place == 0:
            continue
        count, start = _count_before(heard, place)
        back = start - 1
        while back >= 0 and heard[back] in _ROUGHLY:
            back -= 1
        if count is not None and back >= 0 and heard[back] == "for":
            longest = count if longest is None else max(longest, count)
    return longest


def _count_before(heard: Sequence[str], place: int) -> tuple[float | None, int]:
    """(the number just before `place`, where it starts): "fifteen", "25", "twenty five"."""
    last = heard[place - 1]
    value = number(last)
    if value is None:
        return None, place
    if place >= 2 and heard[place - 2] in _TENS and 0 < value < 10:
        return _TENS[heard[place - 2]] + value, place - 2
    return (_TENS.get(last, value)), place - 1


def cramp_too_long(seconds: float | None, limit_minutes: int | None) -> bool:
    """Whether a cramp that has lasted `seconds` has reached the emergency limit."""
    if seconds is None or limit_minutes is None:
        return False
    return seconds >= limit_minutes * 60


def about_the_body(text: str | None, body_words: Iterable[str]) -> bool:
    """Whether unknown words heard as a symptom describe the body (a colour, the skin, a
    feeling): then they are another symptom, not words to ask about."""
    return bool(set(words(text)) & set(body_words))


def only_the_cramp(text: str | None, cramp_words: Iterable[str]) -> bool:
    """Whether words heard as a symptom only describe the cramp itself ("cramping up
    badly", "in spasm"): then they are no other symptom."""
    heard = words(text)
    return bool(heard) and set(heard) <= set(cramp_words)
