"""Read a request whose session attributes are not a JSON object as a fresh conversation.

The SDK's serializer refuses the whole envelope when `session.attributes` is a list, a
string or a number, so the user would hear Alexa's generic error instead of an answer.
Alexa only ever sends back what the skill stored (always an object), so such attributes
are stale or tampered with: dropping them is what the handlers do with any state they
can't read. Signature verification is unaffected: verifiers get the original body.
"""
from __future__ import annotations

import json
from typing import Any

from ask_sdk_core.exceptions import SerializationException
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope


class SessionRepairingSerializer(DefaultSerializer):
    """The SDK's serializer, except that unusable session attributes become `{}`.

    The repair runs only after the SDK has refused an envelope, so a good request (all
    real Alexa traffic) is parsed once, as before."""

    def deserialize(self, payload: Any, obj_type: Any) -> Any:
        try:
            return super().deserialize(payload, obj_type)
        except SerializationException:
            if obj_type is not RequestEnvelope or not isinstance(payload, str):
                raise
            repaired = without_unusable_attributes(payload)
            if repaired is payload:
                raise
            return super().deserialize(repaired, obj_type)


def without_unusable_attributes(payload: str) -> str:
    """The same JSON text, with `session.attributes` emptied when it is present but not
    an object (or null). Anything unparsable is returned untouched for the SDK to refuse."""
    try:
        body = json.loads(payload)
    except (ValueError, RecursionError):
        return payload
    session = body.get("session") if isinstance(body, dict) else None
    if not isinstance(session, dict):
        return payload
    attributes = session.get("attributes")
    if attributes is None or isinstance(attributes, dict):
        return payload
    session["attributes"] = {}
    return json.dumps(body)
