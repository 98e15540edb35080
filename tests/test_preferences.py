"""Preferences: the allow-list, the never-raising handler helpers, and the SDK pieces
(SkillDisabled handler, quiet-voice interceptor) inside a real ask-sdk skill."""
from __future__ import annotations

import json
import logging
from decimal import Decimal
from pathlib import Path

import pytest
from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter, AttributesManager
from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_core.skill_builder import CustomSkillBuilder
from ask_sdk_core.utils import is_intent_name, is_request_type
from ask_sdk_model import RequestEnvelope

from skill import envelopes
from skill.persistence import build_persistence_adapter
from skill.preferences import (
    PREFERENCE_KEYS,
    Preferences,
    forget,
    forget_preferences,
    load_preferences,
    sanitize_attributes,
    save_preferences,
    update_preferences,
)
from skill.handlers.interceptors import QuietVoiceInterceptor
from skill.handlers.preferences import SkillDisabledEventHandler
from skill.settings import Settings

ALICE = "amzn1.ask.account.ALICE" + "A" * 40
BOB = "amzn1.ask.account.BOB" + "B" * 42

# --- The allow-list ---------------------------------------------------------------------

LOAD_TABLE = [
    ("nothing stored", {}, Preferences()),
    ("all three", {"quiet_voice": True, "hold_seconds": 30, "heard_hints": True},
     Preferences(True, 30, True)),
    ("unknown keys ignored", {"last_cramp": "calf", "symptoms": ["swelling"], "quiet_voice": True},
     Preferences(quiet_voice=True)),
    ("bool given as a number", {"quiet_voice": 1, "heard_hints": 0}, Preferences()),
    ("bool given as text", {"quiet_voice": "true"}, Preferences()),
    ("hold at the lower bound", {"hold_seconds": 10}, Preferences(hold_seconds=10)),
    ("hold at the upper bound", {"hold_seconds": 120}, Preferences(hold_seconds=120)),
    ("hold too short", {"hold_seconds": 9}, Preferences()),
    ("hold too long", {"hold_seconds": 121}, Preferences()),
    ("hold as text", {"hold_seconds": "30"}, Preferences()),
    ("hold as a bool", {"hold_seconds": True}, Preferences()),
    ("hold as DynamoDB Decimal", {"hold_seconds": Decimal("40")}, Preferences(hold_seconds=40)),
    ("hold as a whole float", {"hold_seconds": 40.0}, Preferences(hold_seconds=40)),
    ("hold as a fraction", {"hold_seconds": 40.5}, Preferences()),
    ("hold as Decimal infinity", {"hold_seconds": Decimal("Infinity")}, Preferences()),
    ("hold explicitly none", {"hold_seconds": None}, Preferences()),
    ("not a mapping", ["quiet_voice"], Preferences()),
    ("none", None, Preferences()),
]


@pytest.mark.parametrize("case, stored, expected", LOAD_TABLE, ids=[row[0] for row in LOAD_TABLE])
def test_loading_keeps_only_known_well_typed_keys(case: str, stored, expected: Preferences) -> None:
    assert Preferences.from_attributes(stored) == expected


def test_saved_record_is_exactly_the_preference_keys() -> None:
    record = Preferences(quiet_voice=True, hold_seconds=60).to_attributes()
    assert record == {"quiet_voice": True, "hold_seconds": 60, "heard_hints": False}
    assert tuple(record) == PREFERENCE_KEYS == ("quiet_voice", "hold_seconds", "heard_hints")


def test_sanitize_drops_what_is_not_allowed() -> None:
    assert sanitize_attributes({"quiet_voice": True, "medicine": "statin", "hold_seconds": 5}) == {
        "quiet_voice": True}


@pytest.mark.parametrize("bad", [{"hold_seconds": 5}, {"hold_seconds": 121},
                                 {"quiet_voice": "yes"}, {"heard_hints": None}])
def test_invalid_preferences_cannot_be_built(bad: dict) -> None:
    with pytest.raises((ValueError, TypeError)):
        Preferences(**bad)
    with pytest.raises((ValueError, TypeError)):
        Preferences().with_changes(**bad)


# --- Handler helpers --------------------------------------------------------------------


def request_for(user_id: str, builder=envelopes.launch_request, **kwargs) -> RequestEnvelope:
    return DefaultSerializer().deserialize(json.dumps(builder(user_id=user_id, **kwargs)),
                                           RequestEnvelope)


def handler_input_for(user_id: str, adapter: AbstractPersistenceAdapter | None) -> HandlerInput:
    request = request_for(user_id)
    return HandlerInput(request_envelope=request,
                        attributes_manager=AttributesManager(request, adapter))


@pytest.fixture
def adapter(tmp_path: Path) -> AbstractPersistenceAdapter:
    return build_persistence_adapter(Settings(persistence="sqlite", db_path=tmp_path / "p.sqlite3"))


def test_helpers_round_trip_per_user(adapter) -> None:
    assert load_preferences(handler_input_for(ALICE, adapter)) == Preferences()
    updated = update_preferences(handler_input_for(ALICE, adapter), quiet_voice=True, hold_seconds=40)
    assert updated == Preferences(quiet_voice=True, hold_seconds=40)
    assert load_preferences(handler_input_for(ALICE, adapter)) == updated
    assert load_preferences(handler_input_for(BOB, adapter)) == Preferences()
    save_preferences(handler_input_for(BOB, adapter), Preferences(heard_hints=True))
    assert load_preferences(handler_input_for(ALICE, adapter)) == updated
    forget_preferences(handler_input_for(ALICE, adapter))
    assert load_preferences(handler_input_for(ALICE, adapter)) == Preferences()
    assert load_preferences(handler_input_for(BOB, adapter)) == Preferences(heard_hints=True)
    assert forget is forget_preferences


def test_health_data_put_beside_preferences_is_never_stored(adapter) -> None:
    handler_input = handler_input_for(ALICE, adapter)
    manager = handler_input.attributes_manager
    manager.persistent_attributes["last_cramp"] = "calf"
    manager.persistent_attributes["serious_check"] = {"swelling": True}
    manager.save_persistent_attributes()  # a careless handler, bypassing the helpers
    save_preferences(handler_input, Preferences(quiet_voice=True))
    raw_store = adapter.store.store
    # Only the preference that changed is written: nothing else, health data least of all.
    assert raw_store.get_attributes(request_for(ALICE)) == {"quiet_voice": True}


def test_out_of_range_update_raises_before_saving(adapter) -> None:
    with pytest.raises(ValueError):
        update_preferences(handler_input_for(ALICE, adapter), hold_seconds=5)
    assert load_preferences(handler_input_for(ALICE, adapter)) == Preferences()


class BrokenAdapter(AbstractPersistenceAdapter):
    def get_attributes(self, request_envelope):
        raise RuntimeError("store down")

    def save_attributes(self, request_envelope, attributes):
        raise RuntimeError("store down")

    def delete_attributes(self, request_envelope):
        raise RuntimeError("store down")


@pytest.mark.parametrize("broken", [None, BrokenAdapter()], ids=["no adapter", "raising adapter"])
def test_helpers_never_raise(broken, caplog) -> None:
    with caplog.at_level(logging.WARNING, logger="skill.preferences"):
        assert load_preferences(handler_input_for(ALICE, broken)) == Preferences()
        save_preferences(handler_input_for(ALICE, broken), Preferences(quiet_voice=True))
        assert update_preferences(handler_input_for(ALICE, broken), heard_hints=True) == Preferences(
            heard_hints=True)
        forget_preferences(handler_input_for(ALICE, broken))
    assert len(caplog.records) >= 4


# --- Inside a real skill ------------------------------------------------------------------


class WhisperIntentHandler(AbstractRequestHandler):
    """Test scaffolding standing in for the real "whisper" handler."""

    def can_handle(self, handler_input):
        return is_intent_name("WhisperIntent")(handler_input)

    def handle(self, handler_input):
        update_preferences(handler_input, quiet_voice=True)
        return handler_input.response_builder.speak("Okay, I'll whisper.").ask("What next?").response


class LaunchHandler(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return is_request_type("LaunchRequest")(handler_input)

    def handle(self, handler_input):
        speech = 'Point your toes up. <break time="1s"/> Ready?'
        return handler_input.response_builder.speak(speech).ask("Ready?").response


def build_test_skill(adapter):
    builder = CustomSkillBuilder(persistence_adapter=adapter)
    builder.add_request_handler(LaunchHandler())
    builder.add_request_handler(WhisperIntentHandler())
    builder.add_request_handler(SkillDisabledEventHandler())
    builder.add_global_response_interceptor(QuietVoiceInterceptor())
    return builder.create()


def invoke(skill, envelope: dict) -> dict:
    request = DefaultSerializer().deserialize(json.dumps(envelope), RequestEnvelope)
    response = skill.invoke(request_envelope=request, context=None)
    return DefaultSerializer().serialize(response)


def speech_of(payload: dict) -> str:
    return payload["response"]["outputSpeech"]["ssml"]


WHISPERED = '<amazon:effect name="whispered">'


def test_whisper_is_remembered_per_user_and_forgotten_when_disabled(adapter) -> None:
    skill = build_test_skill(adapter)
    first = invoke(skill, envelopes.launch_request(user_id=ALICE))
    assert WHISPERED not in speech_of(first)

    said = invoke(skill, envelopes.intent_request("WhisperIntent", user_id=ALICE))
    assert speech_of(said).startswith(f"<speak>{WHISPERED}Okay")  # this answer already whispers
    assert WHISPERED in said["response"]["reprompt"]["outputSpeech"]["ssml"]

    later = invoke(skill, envelopes.launch_request(user_id=ALICE))  # a new session
    assert speech_of(later) == (f'<speak>{WHISPERED}Point your toes up.</amazon:effect> '
                                f'<break time="1s" /> {WHISPERED}Ready?</amazon:effect></speak>')
    assert WHISPERED not in speech_of(invoke(skill, envelopes.launch_request(user_id=BOB)))

    disabled = invoke(skill, envelopes.skill_disabled_event(user_id=ALICE))
    assert disabled["response"].get("outputSpeech") is None
    assert adapter.store.store.get_attributes(request_for(ALICE)) == {}
    assert WHISPERED not in speech_of(invoke(skill, envelopes.launch_request(user_id=ALICE)))


def test_store_down_still_answers(tmp_path: Path, caplog) -> None:
    corrupt = tmp_path / "p.sqlite3"
    corrupt.write_bytes(b"not a database" * 500)
    skill = build_test_skill(build_persistence_adapter(Settings(persistence="sqlite", db_path=corrupt)))
    with caplog.at_level(logging.WARNING):
        said = invoke(skill, envelopes.intent_request("WhisperIntent", user_id=ALICE))
        later = invoke(skill, envelopes.launch_request(user_id=ALICE))
    assert "Okay, I'll whisper." in speech_of(said)
    assert speech_of(later).startswith("<speak>Point your toes up.")
    assert any("preferences" in r.getMessage() for r in caplog.records)
