""""Is this serious?" as a pure state machine that keeps no answers.

The state is which question is being asked, and whether relief is held back this session
(`held_back`: DialogState.referred, set after a "not sure" to an emergency sign that rules
out the steps, or any referral). The questions come in the safe order, and the check asks
no more once an answer decides. Rules:
- emergency questions come first; "yes" to one ends the check: EMERGENCY;
- "not sure" on an emergency question is answered at once (when to call the emergency
  number: `Ask(..., unsure=True)`), then the remaining questions are asked: a later "yes"
  still decides, and nothing that offers massage or heat comes before the end;
- doctor-first questions (other symptoms with the cramps) come before the doctor questions:
  "yes" or "not sure" ends it with DOCTOR_FIRST: a doctor before anything else, and no
  massage, heat or stretch until then, as when the symptom is named outright
  (content/red_flags.toml's "doctor" tier);
- on a doctor question, "yes" or "not sure" (the cautious reading) ends it: DOCTOR;
- "no" moves to the next question; "no" to the last one: REASSURE, or WATCH (when to call
  the emergency number, otherwise a doctor) while relief is held back.
A length of time said in answer ("fifteen minutes") is a yes or a no only for a question
about how long the cramp has lasted (`duration_reply`).
No SDK imports; the question wording lives in content/serious.toml.
"""
from __future__ import annotations

from collections.abc import Sequence
from enum import Enum

from msgspec import Struct

#: The check asks at most this many questions.
MAX_QUESTIONS = 6


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
    """The check goes on: ask question number `index` (0-based). `unsure`: the reply was
    "not sure" to an emergency question, whose own "not sure" line (when to call the
    emergency number) is said first."""

    index: int
    unsure: bool = False


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
    seen_doctor = seen_plain_doctor = False
    for kind in kinds:
        seen_doctor = seen_doctor or kind in DOCTOR_KINDS
        seen_plain_doctor = seen_plain_doctor or kind is Kind.DOCTOR
        if seen_doctor and kind is Kind.EMERGENCY:
            raise ValueError("emergency questions must come before doctor questions")
        # a yes to a doctor question ends the check: other symptoms must be asked first
        if seen_plain_doctor and kind is Kind.DOCTOR_FIRST:
            raise ValueError("doctor-first questions must come before doctor questions")


def answer(kinds: Sequence[Kind], index: int, reply: Reply, *,
           held_back: bool = False, doubted: bool = False) -> Verdict:
    """Where the check goes after `reply` to question `index` of `kinds`. `held_back`: no
    relief may be offered this session; `doubted`: "not sure" was said to an earlier
    emergency question (with either, "no" to the last question is WATCH, never REASSURE).
    An index out of range (stale or tampered state) starts again at the first question."""
    validate(kinds)
    if not 0 <= index < len(kinds):
        return Ask(0)
    unsure = False
    if kinds[index] is Kind.EMERGENCY:
        if reply is Reply.YES:
            return Done(CheckResult.EMERGENCY)
        unsure = reply is Reply.UNSURE
    elif reply is not Reply.NO:
        return Done(CheckResult.DOCTOR_FIRST if kinds[index] is Kind.DOCTOR_FIRST
                    else CheckResult.DOCTOR)
    if index + 1 < len(kinds):
        return Ask(index + 1, unsure=unsure)
    # the last question answered: "not sure" to an emergency one is the cautious WATCH
    return Done(CheckResult.WATCH if unsure or held_back or doubted else CheckResult.REASSURE)


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
