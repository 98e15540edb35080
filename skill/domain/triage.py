""""Is this serious?" as a pure state machine that keeps no answers.

The only state is which question is being asked; the first "yes" (or the cautious "not
sure") decides, so nothing a person says about their symptoms has to be kept. Rules:
- emergency questions come first; "yes" to one ends the check: EMERGENCY;
- "not sure" on an emergency question ends it at once with the cautious WATCH (when to
  call the emergency number, otherwise see a doctor): asking more would only delay that;
- on a doctor question, "yes" or "not sure" (the cautious reading) ends it: DOCTOR;
- on a doctor-first question (other symptoms with the cramps), the same ends it with
  DOCTOR_FIRST: a doctor before anything else, and no massage, heat or stretch until then,
  as when the symptom is named outright (content/red_flags.toml's "doctor" tier);
- "no" moves to the next question; "no" to the last one: REASSURE.
A length of time said in answer ("fifteen minutes") is a yes or a no only for a question
about how long the cramp has lasted (`duration_reply`).
No SDK imports; the question wording lives in content/serious.toml.
"""
from __future__ import annotations

from collections.abc import Sequence
from enum import Enum

from msgspec import Struct

#: The check asks at most this many questions.
MAX_QUESTIONS = 5


class Kind(str, Enum):
    EMERGENCY = "emergency"
    DOCTOR = "doctor"
    DOCTOR_FIRST = "doctor_first"


#: The kinds that send the user to a doctor (they come after every emergency question).
DOCTOR_KINDS = frozenset({Kind.DOCTOR, Kind.DOCTOR_FIRST})
EMERGENCY_KINDS = frozenset({Kind.EMERGENCY})


class Reply(str, Enum):
    YES = "yes"
    NO = "no"
    UNSURE = "unsure"


class CheckResult(str, Enum):
    """How the check ends (the ids of content/serious.toml's outcomes)."""

    EMERGENCY = "emergency"
    WATCH = "watch"
    DOCTOR = "doctor"
    DOCTOR_FIRST = "doctor_first"
    REASSURE = "reassure"


class Ask(Struct, frozen=True):
    """The check goes on: ask question number `index` (0-based)."""

    index: int


class Done(Struct, frozen=True):
    """The check is over."""

    result: CheckResult


Verdict = Ask | Done


def validate(kinds: Sequence[Kind]) -> None:
    """Refuse a question list the rules above can't serve."""
    if not kinds:
        raise ValueError("the check needs at least one question")
    if len(kinds) > MAX_QUESTIONS:
        raise ValueError(f"the check asks at most {MAX_QUESTIONS} questions")
    seen_doctor = False
    for kind in kinds:
        seen_doctor = seen_doctor or kind in DOCTOR_KINDS
        if seen_doctor and kind is Kind.EMERGENCY:
            raise ValueError("emergency questions must come before doctor questions")


def answer(kinds: Sequence[Kind], index: int, reply: Reply) -> Verdict:
    """Where the check goes after `reply` to question `index` of `kinds`. An index out of
    range (stale or tampered state) starts again at the first question."""
    validate(kinds)
    if not 0 <= index < len(kinds):
        return Ask(0)
    if kinds[index] is Kind.EMERGENCY:
        if reply is Reply.YES:
            return Done(CheckResult.EMERGENCY)
        if reply is Reply.UNSURE:
            return Done(CheckResult.WATCH)
    elif reply is not Reply.NO:
        return Done(CheckResult.DOCTOR_FIRST if kinds[index] is Kind.DOCTOR_FIRST
                    else CheckResult.DOCTOR)
    if index + 1 < len(kinds):
        return Ask(index + 1)
    return Done(CheckResult.REASSURE)


def is_urgent(result: CheckResult) -> bool:
    """Results that tell the user when to call the emergency number: said in the normal
    voice even to someone who asked for a whisper, so they cannot be missed."""
    return result in (CheckResult.EMERGENCY, CheckResult.WATCH, CheckResult.DOCTOR_FIRST)


def holds_back_relief(result: CheckResult) -> bool:
    """Results after which no relief step (massage, heat, stretch) is offered: the check
    ends there, as the red-flag answers do."""
    return result in (CheckResult.EMERGENCY, CheckResult.DOCTOR_FIRST)


def duration_reply(over_minutes: int | None, seconds: float | None) -> Reply | None:
    """What a length of time said in answer means. For a question about how long the cramp
    has lasted (`over_minutes` set): that long or longer is YES (the cautious reading: a
    cramp at the limit is about to pass it), shorter is NO. None when it answers nothing:
    the question is about something else, or the time was unreadable."""
    if over_minutes is None or seconds is None:
        return None
    return Reply.YES if seconds >= over_minutes * 60 else Reply.NO
