"""The skill's serializer: the SDK's `DefaultSerializer` with two changes.

1. Session attributes that are not a JSON object are read as a fresh conversation. The
   SDK refuses the whole envelope when `session.attributes` is a list, a string or a
   number, so the user would hear Alexa's generic error instead of an answer. Alexa only
   ever sends back what the skill stored (always an object), so such attributes are stale
   or tampered with: dropping them is what the handlers do with any state they can't
   read. Signature verification is unaffected: verifiers get the original body.
2. Timestamps are read with `datetime.fromisoformat` (Alexa sends ISO 8601, which Python
   3.11 reads natively) instead of dateutil's general parser: that saves importing
   dateutil.parser (about 17 ms on a worker's first request) and about a third of the
   deserialization time of every request. Anything fromisoformat can't read goes to the
   SDK's own parser, so odd values behave exactly as before.
3. Model classes are resolved from their names once per process. The SDK resolves every
   nested model's dotted name (`ask_sdk_model.session.Session`, ...) with `__import__`
   on every request, about 17 times per envelope; that took the larger part of the
   deserialization time (0.22 ms of it down to 0.08 ms on this machine). The names come
   from the models' own `deserialized_types` and discriminator maps, never from the
   request, so the set is small and fixed; a name that fails to resolve is not kept and
   fails again the SDK's way.
"""
from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any, ClassVar

from ask_sdk_core.exceptions import SerializationException
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope


class SkillSerializer(DefaultSerializer):
    """The SDK's serializer, with unusable session attributes read as `{}` and fast ISO
    8601 timestamps.

    The repair runs only after the SDK has refused an envelope, so a good request (all
    real Alexa traffic) is parsed once, as before."""

    #: Dotted model name -> class, shared by every instance (the models never change
    #: while the process runs).
    _classes: ClassVar[dict[str, type]] = {}

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

    # The SDK dispatches dates to its private (name-mangled) `__deserialize_datetime`;
    # defining the mangled name here is how a subclass supplies its own.
    def _DefaultSerializer__deserialize_datetime(self, payload: Any, obj_type: Any) -> Any:
        if isinstance(payload, str):
            try:
                parsed = datetime.fromisoformat(payload)
            except ValueError:
                pass
            else:
                return parsed.date() if obj_type is date else parsed
        return super()._DefaultSerializer__deserialize_datetime(payload, obj_type)

    # As above: the SDK's private `__load_class_from_name`, resolved once per name.
    def _DefaultSerializer__load_class_from_name(self, class_name: str) -> Any:
        resolved = self._classes.get(class_name)
        if resolved is None:
            resolved = super()._DefaultSerializer__load_class_from_name(class_name)
            self._classes[class_name] = resolved
        return resolved


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
