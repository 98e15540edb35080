"""The serious-check state machine: every path, as a table."""
from __future__ import annotations

import itertools

import pytest

from skill.domain.triage import (
    Ask, Done, Kind, Outcome, Reply, duration_reply, evaluate, is_urgent, validate)

E, D = Kind.EMERGENCY, Kind.DOCTOR
Y, N, U = Reply.YES, Reply.NO, Reply.UNSURE
KINDS = (E, E, D, D, D)


@pytest.mark.parametrize("replies, verdict", [
    # start
    ((), Ask(0)),
    # emergency signs first: any yes ends at once
    ((Y,), Done(Outcome.EMERGENCY)),
    ((N, Y), Done(Outcome.EMERGENCY)),
    # no emergency sign: on to the doctor questions
    ((N,), Ask(1)),
    ((N, N), Ask(2)),
    ((N, N, Y), Done(Outcome.DOCTOR)),
    ((N, N, N, Y), Done(Outcome.DOCTOR)),
    ((N, N, N, N, Y), Done(Outcome.DOCTOR)),
    # "not sure" on a doctor question is read cautiously: see a doctor
    ((N, N, U), Done(Outcome.DOCTOR)),
    ((N, N, N, N, U), Done(Outcome.DOCTOR)),
    # "not sure" on an emergency question: the cautious WATCH at once, no more questions
    ((U,), Done(Outcome.WATCH)),
    ((N, U), Done(Outcome.WATCH)),
    ((U, Y), Done(Outcome.WATCH)),
    ((U, N, N, N, N), Done(Outcome.WATCH)),
    # all clear
    ((N, N, N, N), Ask(4)),
    ((N, N, N, N, N), Done(Outcome.REASSURE)),
    # replies beyond the last question are ignored
    ((N, N, N, N, N, Y), Done(Outcome.REASSURE)),
])
def test_paths(replies, verdict) -> None:
    assert evaluate(KINDS, replies) == verdict


def test_every_reply_sequence_ends_within_the_questions() -> None:
    """Exhaustive: whatever is answered, the check ends after at most len(kinds) replies,
    it ends right at the first reply that is not a "no" (a "yes" or "not sure" on an
    emergency sign is never followed by another question), and "all no" is the only way
    to REASSURE."""
    for replies in itertools.product((Y, N, U), repeat=len(KINDS)):
        verdicts = [evaluate(KINDS, replies[:n]) for n in range(len(KINDS) + 1)]
        assert isinstance(verdicts[-1], Done)
        first_done = next(v for v in verdicts if isinstance(v, Done))
        first_not_no = next((n for n, r in enumerate(replies) if r is not N), None)
        if first_not_no is not None:
            assert verdicts.index(first_done) == first_not_no + 1
            expected = {(E, Y): Outcome.EMERGENCY, (E, U): Outcome.WATCH}.get(
                (KINDS[first_not_no], replies[first_not_no]), Outcome.DOCTOR)
            assert first_done.outcome is expected
        if first_done.outcome is Outcome.REASSURE:
            assert set(replies) == {N}


@pytest.mark.parametrize("outcome, urgent", [
    (Outcome.EMERGENCY, True), (Outcome.WATCH, True),
    (Outcome.DOCTOR, False), (Outcome.REASSURE, False),
])
def test_outcomes_naming_the_emergency_number_are_urgent(outcome, urgent) -> None:
    assert is_urgent(outcome) is urgent


@pytest.mark.parametrize("over_minutes, seconds, reply", [
    # a question about how long it has lasted: over the threshold is a yes
    (10, 15 * 60, Y),
    (10, 10 * 60 + 1, Y),
    (10, 2 * 3600, Y),
    # at or under it is a no
    (10, 10 * 60, N),
    (10, 5 * 60, N),
    (10, 45, N),
    (1, 61, Y),
    (1, 60, N),
    # any other question: a time answers nothing (ask again)
    (None, 15 * 60, None),
    (None, 45, None),
    # an unreadable time answers nothing either
    (10, None, None),
])
def test_a_length_of_time_as_an_answer(over_minutes, seconds, reply) -> None:
    assert duration_reply(over_minutes, seconds) == reply


def test_a_single_doctor_question_list_works() -> None:
    assert evaluate((D,), ()) == Ask(0)
    assert evaluate((D,), (N,)) == Done(Outcome.REASSURE)


@pytest.mark.parametrize("kinds, message", [
    ((), "at least one"),
    ((E, E, D, D, D, D), "at most 5"),
    ((D, E), "before doctor"),
])
def test_invalid_question_lists_are_refused(kinds, message) -> None:
    with pytest.raises(ValueError, match=message):
        validate(kinds)
