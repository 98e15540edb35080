"""Unusable session attributes are emptied before the SDK reads the envelope; anything
else passes through untouched (byte for byte, so nothing else changes)."""
from __future__ import annotations

import json
from datetime import date, datetime, timezone

import pytest
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope

from skill import envelopes
from skill.serializer import SkillSerializer, without_unusable_attributes


@pytest.mark.parametrize("attributes", [{}, {"cramp": {"flow": "relief"}}, None])
def test_usable_attributes_leave_the_body_untouched(attributes) -> None:
    body = json.dumps(envelopes.intent_request("AMAZON.NextIntent", session_attributes=attributes))
    assert without_unusable_attributes(body) is body


@pytest.mark.parametrize("payload", ["not json", "[1, 2]", '{"session": "x"}', '{"version": "1.0"}'])
def test_bodies_without_a_session_object_are_left_for_the_sdk(payload) -> None:
    assert without_unusable_attributes(payload) is payload


@pytest.mark.parametrize("attributes", [[], ["cramp"], "cramp", 5, 1.5, True])
def test_attributes_that_are_not_an_object_become_empty(attributes) -> None:
    envelope = envelopes.intent_request("AMAZON.NextIntent")
    envelope["session"]["attributes"] = attributes
    repaired = json.loads(without_unusable_attributes(json.dumps(envelope)))
    assert repaired["session"]["attributes"] == {}
    assert {k: v for k, v in repaired.items() if k != "session"} == \
        {k: v for k, v in envelope.items() if k != "session"}


def test_the_serializer_reads_such_an_envelope() -> None:
    envelope = envelopes.intent_request("AMAZON.NextIntent")
    envelope["session"]["attributes"] = ["cramp"]
    parsed = SkillSerializer().deserialize(json.dumps(envelope), RequestEnvelope)
    assert parsed.session.attributes == {}
    assert parsed.request.intent.name == "AMAZON.NextIntent"


# -- timestamps: fromisoformat for Alexa's, the SDK's own parser for anything else ---------

_OURS, _SDKS = SkillSerializer(), DefaultSerializer()


@pytest.mark.parametrize("stamp", [
    "2026-11-21T03:12:45Z", "2026-11-21T03:12:45.123Z", "2026-11-21T03:12:45+00:00",
    "2026-11-21T03:12:45", "2026-11-21",
    "Nov 21 2026 03:12",  # not ISO: read by the SDK's own parser, as before
])
def test_timestamps_read_the_same_as_the_sdk_reads_them(stamp: str) -> None:
    ours = _OURS._DefaultSerializer__deserialize_datetime(stamp, datetime)
    sdks = _SDKS._DefaultSerializer__deserialize_datetime(stamp, datetime)
    assert ours == sdks and (ours.tzinfo is None) == (sdks.tzinfo is None)


def test_an_alexa_timestamp_is_utc_and_a_date_is_a_date() -> None:
    parsed = _OURS._DefaultSerializer__deserialize_datetime("2026-11-21T03:12:45Z", datetime)
    assert parsed == datetime(2026, 11, 21, 3, 12, 45, tzinfo=timezone.utc)
    assert _OURS._DefaultSerializer__deserialize_datetime("2026-11-21", date) == date(2026, 11, 21)


def test_a_whole_envelope_gets_its_timestamp() -> None:
    env = _OURS.deserialize(json.dumps(envelopes.launch_request()), RequestEnvelope)
    assert env.request.timestamp.tzinfo is not None


def test_iso_timestamps_never_reach_dateutil(monkeypatch) -> None:
    import dateutil.parser

    def refuse(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise AssertionError("dateutil.parser.parse was called")

    monkeypatch.setattr(dateutil.parser, "parse", refuse)
    parsed = _OURS._DefaultSerializer__deserialize_datetime("2026-11-21T03:12:45Z", datetime)
    assert parsed.year == 2026
    with pytest.raises(AssertionError):
        _OURS._DefaultSerializer__deserialize_datetime("Nov 21 2026", datetime)  # the fallback


# -- model classes: resolved once per name, to the same classes the SDK resolves ---------

def _every_turn_body() -> list[str]:
    from skill.bench.mix import MIX, turn_envelope

    bodies = [json.dumps(turn_envelope(turn, {"cramp": {"flow": "relief"}})) for turn in MIX]
    bodies += [json.dumps(envelopes.session_ended_request()),
               json.dumps(envelopes.skill_disabled_event()),
               json.dumps(envelopes.user_event(["next"]))]
    return bodies


@pytest.mark.parametrize("body", _every_turn_body())
def test_envelopes_read_exactly_as_the_sdk_reads_them(body: str) -> None:
    ours = SkillSerializer().deserialize(body, RequestEnvelope)
    sdks = DefaultSerializer().deserialize(body, RequestEnvelope)
    assert ours == sdks  # the models compare every attribute, nested models included
    assert type(ours.request) is type(sdks.request)


def test_each_class_name_is_imported_once(monkeypatch) -> None:
    import builtins

    ours = SkillSerializer()
    body = _every_turn_body()[1]
    ours.deserialize(body, RequestEnvelope)  # every name this envelope needs is now known
    imports: list[str] = []
    real_import = builtins.__import__

    def counting(name, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        imports.append(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", counting)
    ours.deserialize(body, RequestEnvelope)
    ours_imported = [name for name in imports if name.startswith("ask_sdk_model")]
    DefaultSerializer().deserialize(body, RequestEnvelope)
    monkeypatch.undo()
    assert ours_imported == []
    assert len([name for name in imports if name.startswith("ask_sdk_model")]) > 5  # the SDK's


def test_an_unknown_class_name_fails_the_sdks_way_every_time() -> None:
    from ask_sdk_core.exceptions import SerializationException

    ours = SkillSerializer()
    for _ in range(2):
        with pytest.raises(SerializationException):
            ours._DefaultSerializer__load_class_from_name("ask_sdk_model.NoSuchModel")
    assert "ask_sdk_model.NoSuchModel" not in SkillSerializer._classes
