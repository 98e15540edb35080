"""How close an utterance is to a sample: word order (difflib) and shared meaningful words.

Two views, the better one wins:
- order: difflib's ratio over the (lightly stemmed) word sequences, good for short phrases
  such as "go back one" against "go back";
- words: a cosine over the content words (stop words dropped), each weighted by how
  specific it is to one intent (inverse intent frequency), so "countdown" pulls hard towards
  the timer while "my" pulls nowhere.
Deliberately small: a stand-in for Alexa's NLU good enough to catch model regressions.
"""
from __future__ import annotations

import math
from collections.abc import Iterable
from difflib import SequenceMatcher

STOP_WORDS = frozenset("""
a an the i i'm i've i'll me my mine you your it it's its this that these those is am are was
be been do does did to for of in on at with and or so just now please can could would will
what what's how there there's here then oh um uh okay ok really very some any one
""".split())

_SUFFIXES = (("ies", "y"), ("ied", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", ""),
             ("ly", ""))


def stem(word: str) -> str:
    """A light suffix strip (cramping, cramped, cramps -> cramp); slot markers pass through."""
    if word.startswith("<") or "'" in word:  # slot markers; "what's", "don't" stay whole
        return word
    for suffix, replacement in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)] + replacement
            break
    # wake / waking -> wak, ease / easing -> eas
    return word[:-1] if word.endswith("e") and len(word) > 3 else word


def stems(words: Iterable[str]) -> tuple[str, ...]:
    return tuple(stem(w) for w in words)


def content_words(stemmed: Iterable[str]) -> frozenset[str]:
    """The meaningful words: no stop words, no stray letters ("what's" -> "what s")."""
    return frozenset(w for w in stemmed if w not in STOP_WORDS and len(w) > 1)


class IntentWordWeights:
    """Inverse intent frequency for every content word of the model's samples."""

    def __init__(self, words_by_intent: dict[str, set[str]]) -> None:
        total = len(words_by_intent)
        counts: dict[str, int] = {}
        for words in words_by_intent.values():
            for word in words:
                counts[word] = counts.get(word, 0) + 1
        self._weights = {w: math.log(1 + total / n) for w, n in counts.items()}
        self._unknown = math.log(1 + total)  # a word no sample uses counts as specific

    def weight(self, word: str) -> float:
        return self._weights.get(word, self._unknown)

    def cosine(self, left: frozenset[str], right: frozenset[str]) -> float:
        if not left or not right:
            return 0.0
        shared = sum(self.weight(w) ** 2 for w in left & right)
        norm = math.sqrt(sum(self.weight(w) ** 2 for w in left)
                         * sum(self.weight(w) ** 2 for w in right))
        return shared / norm if norm else 0.0


def order_ratio(left: tuple[str, ...], right: tuple[str, ...]) -> float:
    return SequenceMatcher(None, left, right, autojunk=False).ratio()
