"""Session state: stale, tampered or foreign attributes give a fresh state, never a crash."""
from __future__ import annotations

import msgspec
import pytest

from skill.domain.state import KEY, DialogState

FRESH = DialogState()


@pytest.mark.parametrize("attributes", [
    None,
    {},
    "not a dict",
    {KEY: None},
    {KEY: "garbage"},
    {KEY: [1, 2, 3]},
    {KEY: {"v": 3, "flow": "relief", "step": 3}},       # a future version
    {KEY: {"step": "three"}},                           # wrong type
    {KEY: {"step": -1}},                                # out of range
    {KEY: {"step": 10**9}},
    {KEY: {"flow": "dancing"}},                         # unknown value
    {KEY: {"pending": 7}},
    {KEY: {"question": 6}},                             # the check has six questions
    {KEY: {"referred": "yes"}},
    {KEY: {"question": "0"}},
    {KEY: {"misses": 3}},
    {KEY: {"pending": "dessert"}},
    {KEY: {"v": 1, "flow": "serious", "replies": ["no"]}},  # the older state shape
    {KEY: {"hold": 0}},
    {KEY: {"muscle": ["CALF"]}},
    {KEY: {"step": True}},
    {KEY: {"last_speech": "x" * 9000}},
])
def test_unusable_attributes_give_a_fresh_state(attributes) -> None:
    assert DialogState.from_attributes(attributes) == FRESH


def test_unknown_and_missing_keys_are_tolerated() -> None:
    state = DialogState.from_attributes({KEY: {"flow": "relief", "step": 2, "colour": "blue"}})
    assert (state.flow, state.step, state.pending, state.question) == ("relief", 2, "none", None)


def test_round_trip_leaves_other_features_keys_alone() -> None:
    attributes = {"quiet": True}
    state = DialogState(pending="check", question=2, misses=1, hold=45, muscle="CALF")
    state.save(attributes)
    assert attributes["quiet"] is True
    assert DialogState.from_attributes(attributes) == state


def test_saved_state_holds_only_conversation_positions() -> None:
    attributes: dict = {}
    DialogState(flow="relief", step=1).save(attributes)
    assert set(attributes[KEY]) <= {"v", "flow", "muscle", "step", "question", "pending",
                                    "misses", "hold", "last_speech", "last_reprompt"}


def test_the_held_back_flag_round_trips_and_outlives_a_fresh_start() -> None:
    """`referred` (no relief may be offered this session) is derived, kept while the session
    lasts, and not dropped by a fresh start of the conversation in that session."""
    attributes: dict = {}
    DialogState(question=5, pending="check", referred=True).save(attributes)
    assert attributes[KEY]["referred"] is True and attributes[KEY]["question"] == 5
    state = DialogState.from_attributes(attributes)
    assert state.referred and state.question == 5
    assert state.restarted() == DialogState(referred=True)
    assert "referred" not in msgspec.to_builtins(DialogState())


def test_a_restarted_conversation_keeps_only_what_was_last_said() -> None:
    from skill.domain.state import DialogState

    busy = DialogState(flow="relief", muscle="CALF", step=3, question=2, pending="check",
                       misses=1, hold=45, topic="causes", item=2, sources=("001",),
                       last_speech="Rub the muscle.", last_reprompt="Say next.", last_urgent=True)
    assert busy.restarted() == DialogState(last_speech="Rub the muscle.", last_reprompt="Say next.")
    assert busy.but(referred=True).restarted().referred
