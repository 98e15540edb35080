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
