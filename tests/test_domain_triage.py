"""The serious-check state machine: every path, as a table. The state is the question's
index and whether relief is held back this session: the check keeps no answers."""
from __future__ import annotations

import itertools

import pytest

from skill.domain.triage import (
    Ask, CheckResult, Done, Kind, Reply, answer, duration_reply, holds_back_relief, is_urgent,
    validate)

E, D, F = Kind.EMERGENCY, Kind.DOCTOR, Kind.DOCTOR_FIRST
Y, N, U = Reply.YES, Reply.NO, Reply.UNSURE
KINDS = (E, E, E, F, D, D)


@pytest.mark.parametrize("index, reply, verdict", [
    # emergency signs first: a yes ends at once
    (0, Y, Done(CheckResult.EMERGENCY)),
    (1, Y, Done(CheckResult.EMERGENCY)),
    (2, Y, Done(CheckResult.EMERGENCY)),
    # "not sure" on an emergency question: its own line at once, then the next question
    (0, U, Ask(1, unsure=True)),
    (1, U, Ask(2, unsure=True)),
    (2, U, Ask(3, unsure=True)),
    # no: the next question
    (0, N, Ask(1)),
    (2, N, Ask(3)),
    (3, N, Ask(4)),
    (4, N, Ask(5)),
    # other symptoms, asked before the doctor questions: a doctor first, nothing else
    (3, Y, Done(CheckResult.DOCTOR_FIRST)),
    (3, U, Done(CheckResult.DOCTOR_FIRST)),
    # doctor questions (coming back; walking once it has gone): yes or not sure is a doctor
    (4, Y, Done(CheckResult.DOCTOR)),
    (4, U, Done(CheckResult.DOCTOR)),
    (5, Y, Done(CheckResult.DOCTOR)),
    (5, U, Done(CheckResult.DOCTOR)),
    # no to the last question: all clear
    (5, N, Done(CheckResult.REASSURE)),
    # a stale or tampered index starts again
    (9, Y, Ask(0)),
    (-1, N, Ask(0)),
])
def test_paths(index, reply, verdict) -> None:
    assert answer(KINDS, index, reply) == verdict


def run(replies: tuple[Reply, ...], held_back: bool = False) -> tuple[Done, list[int]]:
    """Walk the check with `replies` from the first question: how it ends, and the
    questions after which the "not sure" line was said."""
    index, unsure_lines = 0, []
    for said in replies:
        verdict = answer(KINDS, index, said, held_back=held_back)
        if isinstance(verdict, Done):
            return verdict, unsure_lines
        if verdict.unsure:
            unsure_lines.append(index)
        index = verdict.index
    raise AssertionError("the check did not end")


def test_every_reply_sequence_ends_at_the_first_yes_or_doctor_not_sure() -> None:
    """Exhaustive: "not sure" to an emergency question is answered at once and the check
    goes on; the first "yes", or "not sure" to a doctor question, decides; "all no" is the
    only way to REASSURE."""
    for replies in itertools.product((Y, N, U), repeat=len(KINDS)):
        decisive = next((n for n, r in enumerate(replies)
                         if r is Y or (r is U and KINDS[n] is not E)), None)
        done, unsure_lines = run(replies)
        asked = replies if decisive is None else replies[:decisive + 1]
        assert unsure_lines == [n for n, r in enumerate(asked) if r is U and KINDS[n] is E]
        if decisive is None:
            assert done.result is CheckResult.REASSURE
        else:
            expected = {E: CheckResult.EMERGENCY, F: CheckResult.DOCTOR_FIRST,
                        D: CheckResult.DOCTOR}[KINDS[decisive]]
            assert done.result is expected


def test_other_symptoms_are_asked_before_any_doctor_question() -> None:
    """Review finding: a yes to "do they keep coming back?" ended the check before the
    other-symptoms question was asked. No doctor answer can come before it."""
    for replies in itertools.product((Y, N, U), repeat=len(KINDS)):
        done, _ = run(replies)
        if done.result is CheckResult.DOCTOR:
            assert replies[KINDS.index(F)] is N


@pytest.mark.parametrize("replies, result", [
    ((N, N, N, N, N, N), CheckResult.WATCH),       # all no: the watch advice, not reassurance
    ((U, N, N, N, N, N), CheckResult.WATCH),
    ((N, N, N, N, Y), CheckResult.DOCTOR),         # a later yes still decides
    ((N, N, N, Y), CheckResult.DOCTOR_FIRST),
    ((N, Y), CheckResult.EMERGENCY),
])
def test_while_relief_is_held_back_the_check_never_ends_reassuring(replies, result) -> None:
    assert run(replies, held_back=True)[0].result is result


def test_not_sure_on_a_last_emergency_question_is_the_watch_advice() -> None:
    assert answer((E,), 0, U) == Done(CheckResult.WATCH)
    assert answer((E, E), 1, U) == Done(CheckResult.WATCH)


@pytest.mark.parametrize("result, urgent", [
    (CheckResult.EMERGENCY, True), (CheckResult.WATCH, True), (CheckResult.DOCTOR_FIRST, True),
    (CheckResult.DOCTOR, False), (CheckResult.REASSURE, False),
])
def test_results_naming_the_emergency_number_are_urgent(result, urgent) -> None:
    assert is_urgent(result) is urgent


@pytest.mark.parametrize("result, holds_back", [
    (CheckResult.EMERGENCY, True), (CheckResult.DOCTOR_FIRST, True),
    (CheckResult.WATCH, False), (CheckResult.DOCTOR, False), (CheckResult.REASSURE, False),
])
def test_no_relief_step_is_offered_after_an_emergency_or_other_symptoms(result, holds_back) -> None:
    assert holds_back_relief(result) is holds_back


@pytest.mark.parametrize("over_minutes, seconds, reply", [
    # a question about how long it has lasted: at or over the limit is a yes (cautious)
    (10, 15 * 60, Y),
    (10, 10 * 60 + 1, Y),
    (10, 10 * 60, Y),
    (10, 2 * 3600, Y),
    # under it is a no
    (10, 10 * 60 - 1, N),
    (10, 5 * 60, N),
    (10, 45, N),
    (1, 60, Y),
    (1, 59, N),
    # any other question: a time answers nothing (ask again)
    (None, 15 * 60, None),
    (None, 45, None),
    # an unreadable time answers nothing either
    (10, None, None),
])
def test_a_length_of_time_as_an_answer(over_minutes, seconds, reply) -> None:
    assert duration_reply(over_minutes, seconds) == reply


def test_a_single_doctor_question_list_works() -> None:
    assert answer((D,), 0, N) == Done(CheckResult.REASSURE)
    assert answer((D,), 0, Y) == Done(CheckResult.DOCTOR)


@pytest.mark.parametrize("kinds, message", [
    ((), "at least one"),
    ((E, E, D, D, D, D, D), "at most 6"),
    ((D, E), "before doctor"),
    ((F, E), "before doctor"),
    ((E, D, F), "doctor-first questions must come before doctor questions"),
    ((E, F, D, F), "doctor-first questions must come before doctor questions"),
])
def test_invalid_question_lists_are_refused(kinds, message) -> None:
    with pytest.raises(ValueError, match=message):
        validate(kinds)
