"""The "is this serious?" check as a pure state machine.

The state is just the replies given so far, so it fits in session attributes and every
decision can be recomputed from it. Rules, in order:
- emergency questions come first; a "yes" to one ends the check: EMERGENCY;
- "not sure" on an emergency question ends it at once with the cautious WATCH (when to
  call the emergency number, otherwise see a doctor): asking more would only delay that;
- on a doctor question, "yes" or "not sure" (the cautious reading) ends the check: DOCTOR;
- all "no": REASSURE.
A length of time said in answer ("fifteen minutes") is a yes or a no only for a question
about how long the cramp has lasted (`duration_reply`).
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
    for kind, reply in zip(kinds, replies):
        if kind is Kind.EMERGENCY:
            if reply is Reply.YES:
                return Done(Outcome.EMERGENCY)
            if reply is Reply.UNSURE:
                return Done(Outcome.WATCH)
        elif reply is not Reply.NO:
            return Done(Outcome.DOCTOR)
    if len(replies) < len(kinds):
        return Ask(len(replies))
    return Done(Outcome.REASSURE)


def is_urgent(outcome: Outcome) -> bool:
    """Outcomes that tell the user when to call the emergency number: said in the normal
    voice even to someone who asked for a whisper, so they cannot be missed."""
    return outcome in (Outcome.EMERGENCY, Outcome.WATCH)


def duration_reply(over_minutes: int | None, seconds: float | None) -> Reply | None:
    """What a length of time said in answer means. For a question about how long the cramp
    has lasted (`over_minutes` set): longer than that is YES, up to it is NO. None when it
    answers nothing: the question is about something else, or the time was unreadable."""
    if over_minutes is None or seconds is None:
        return None
    return Reply.YES if seconds > over_minutes * 60 else Reply.NO
