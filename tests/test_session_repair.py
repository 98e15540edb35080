"""Unusable session attributes are emptied before the SDK reads the envelope; anything
else passes through untouched (byte for byte, so nothing else changes)."""
from __future__ import annotations

import json

import pytest
from ask_sdk_model import RequestEnvelope

from skill import envelopes
from skill.session_repair import SessionRepairingSerializer, without_unusable_attributes


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
    parsed = SessionRepairingSerializer().deserialize(json.dumps(envelope), RequestEnvelope)
    assert parsed.session.attributes == {}
    assert parsed.request.intent.name == "AMAZON.NextIntent"
