"""The serious-check state machine: every path, as a table."""
from __future__ import annotations

import itertools

import pytest

from skill.domain.triage import Ask, Done, Kind, Outcome, Reply, evaluate, validate

E, D = Kind.EMERGENCY, Kind.DOCTOR
Y, N, U = Reply.YES, Reply.NO, Reply.UNSURE
KINDS = (E, E, D, D, D)


@pytest.mark.parametrize("replies, verdict", [
    # start
    ((), Ask(0)),
    # emergency signs first: any yes ends at once
    ((Y,), Done(Outcome.EMERGENCY)),
    ((N, Y), Done(Outcome.EMERGENCY)),
    ((U, Y), Done(Outcome.EMERGENCY)),
    # no emergency sign: on to the doctor questions
    ((N,), Ask(1)),
    ((N, N), Ask(2)),
    ((N, N, Y), Done(Outcome.DOCTOR)),
    ((N, N, N, Y), Done(Outcome.DOCTOR)),
    ((N, N, N, N, Y), Done(Outcome.DOCTOR)),
    # "not sure" on a doctor question is read cautiously: see a doctor
    ((N, N, U), Done(Outcome.DOCTOR)),
    ((N, N, N, N, U), Done(Outcome.DOCTOR)),
    # "not sure" on an emergency question: keep asking, end no better than WATCH
    ((U,), Ask(1)),
    ((U, N), Ask(2)),
    ((N, U, N, N, N), Done(Outcome.WATCH)),
    ((U, U, N, N, N), Done(Outcome.WATCH)),
    ((U, N, Y), Done(Outcome.WATCH)),
    ((N, U, N, U), Done(Outcome.WATCH)),
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
    an emergency "yes" always wins, and "all no" is the only way to REASSURE."""
    for replies in itertools.product((Y, N, U), repeat=len(KINDS)):
        verdicts = [evaluate(KINDS, replies[:n]) for n in range(len(KINDS) + 1)]
        assert isinstance(verdicts[-1], Done)
        first_done = next(v for v in verdicts if isinstance(v, Done))
        emergency_yes = any(r is Y for r, k in zip(replies, KINDS) if k is E)
        if emergency_yes:
            assert first_done.outcome is Outcome.EMERGENCY
        if first_done.outcome is Outcome.REASSURE:
            assert set(replies) == {N}


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
