"""The "is this serious?" check as a pure state machine.

The state is just the replies given so far, so it fits in session attributes and every
decision can be recomputed from it. Rules, in order:
- emergency questions come first; a "yes" to one ends the check: EMERGENCY;
- "not sure" on an emergency question is remembered: the check ends no better than WATCH
  (say when to call the emergency number, otherwise see a doctor);
- on a doctor question, "yes" or "not sure" (the cautious reading) ends the check:
  DOCTOR (or WATCH when an emergency sign was unsure);
- all "no": REASSURE.
No SDK imports; the question wording lives in content/serious.toml.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum


class Kind(str, Enum):
    EMERGENCY = "emergency"
    DOCTOR = "doctor"


class Reply(str, Enum):
    YES = "yes"
    NO = "no"
    UNSURE = "unsure"


class Outcome(str, Enum):
    EMERGENCY = "emergency"
    WATCH = "watch"
    DOCTOR = "doctor"
    REASSURE = "reassure"


@dataclass(frozen=True)
class Ask:
    """The check goes on: ask question number `index` (0-based)."""

    index: int


@dataclass(frozen=True)
class Done:
    """The check is over."""

    outcome: Outcome


Verdict = Ask | Done


def validate(kinds: Sequence[Kind]) -> None:
    """Refuse a question list the rules above can't serve."""
    if not kinds:
        raise ValueError("the check needs at least one question")
    if len(kinds) > 5:
        raise ValueError("the check asks at most 5 questions")
    seen_doctor = False
    for kind in kinds:
        seen_doctor = seen_doctor or kind is Kind.DOCTOR
        if seen_doctor and kind is Kind.EMERGENCY:
            raise ValueError("emergency questions must come before doctor questions")


def evaluate(kinds: Sequence[Kind], replies: Sequence[Reply]) -> Verdict:
    """Where the check stands after `replies` to the questions of `kinds`, in order.
    Replies beyond the last question are ignored."""
    validate(kinds)
    unsure_emergency = False
    for kind, reply in zip(kinds, replies):
        if kind is Kind.EMERGENCY:
            if reply is Reply.YES:
                return Done(Outcome.EMERGENCY)
            unsure_emergency = unsure_emergency or reply is Reply.UNSURE
        elif reply is not Reply.NO:
            return Done(Outcome.WATCH if unsure_emergency else Outcome.DOCTOR)
    if len(replies) < len(kinds):
        return Ask(len(replies))
    return Done(Outcome.WATCH if unsure_emergency else Outcome.REASSURE)
