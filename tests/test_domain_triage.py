"""The serious-check state machine: every path, as a table. The state is only the
question's index: the check keeps no answers."""
from __future__ import annotations

import itertools

import pytest

from skill.domain.triage import (
    Ask, CheckResult, Done, Kind, Reply, answer, duration_reply, holds_back_relief, is_urgent,
    validate)

E, D, F = Kind.EMERGENCY, Kind.DOCTOR, Kind.DOCTOR_FIRST
Y, N, U = Reply.YES, Reply.NO, Reply.UNSURE
KINDS = (E, E, E, D, F)


@pytest.mark.parametrize("index, reply, verdict", [
    # emergency signs first: a yes ends at once
    (0, Y, Done(CheckResult.EMERGENCY)),
    (1, Y, Done(CheckResult.EMERGENCY)),
    (2, Y, Done(CheckResult.EMERGENCY)),
    # "not sure" on an emergency question: the cautious WATCH at once
    (0, U, Done(CheckResult.WATCH)),
    (2, U, Done(CheckResult.WATCH)),
    # no: the next question
    (0, N, Ask(1)),
    (2, N, Ask(3)),
    (3, N, Ask(4)),
    # doctor questions: yes or not sure (the cautious reading) is a doctor
    (3, Y, Done(CheckResult.DOCTOR)),
    (3, U, Done(CheckResult.DOCTOR)),
    # other symptoms: a doctor first, and nothing else until then
    (4, Y, Done(CheckResult.DOCTOR_FIRST)),
    (4, U, Done(CheckResult.DOCTOR_FIRST)),
    # no to the last question: all clear
    (4, N, Done(CheckResult.REASSURE)),
    # a stale or tampered index starts again
    (9, Y, Ask(0)),
    (-1, N, Ask(0)),
])
def test_paths(index, reply, verdict) -> None:
    assert answer(KINDS, index, reply) == verdict


def run(replies: tuple[Reply, ...]) -> Done:
    """Walk the check with `replies` from the first question."""
    index = 0
    for said in replies:
        verdict = answer(KINDS, index, said)
        if isinstance(verdict, Done):
            return verdict
        index = verdict.index
    raise AssertionError("the check did not end")


def test_every_reply_sequence_ends_at_the_first_reply_that_is_not_no() -> None:
    """Exhaustive: the first "yes" or "not sure" decides; "all no" is the only way to
    REASSURE."""
    for replies in itertools.product((Y, N, U), repeat=len(KINDS)):
        first = next((n for n, r in enumerate(replies) if r is not N), None)
        result = run(replies).result
        if first is None:
            assert result is CheckResult.REASSURE
        else:
            expected = {(E, Y): CheckResult.EMERGENCY, (E, U): CheckResult.WATCH,
                        (F, Y): CheckResult.DOCTOR_FIRST, (F, U): CheckResult.DOCTOR_FIRST}.get(
                (KINDS[first], replies[first]), CheckResult.DOCTOR)
            assert result is expected


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
    ((E, E, D, D, D, D), "at most 5"),
    ((D, E), "before doctor"),
    ((F, E), "before doctor"),
])
def test_invalid_question_lists_are_refused(kinds, message) -> None:
    with pytest.raises(ValueError, match=message):
        validate(kinds)
