"""AWS Lambda entry point: the same skill object the web host serves.

Configure the Lambda function's handler as `skill.lambda_function.handler`.
"""
from __future__ import annotations

from skill.assembly import build_skill
from skill.settings import Settings

_skill = build_skill(Settings.from_env())


def lambda_handler(event: dict, context: object) -> dict:
    """Deserialize the event, run the skill, return the serialized response."""
    from ask_sdk_model import RequestEnvelope

    envelope = _skill.serializer.deserialize(payload=_as_json(event), obj_type=RequestEnvelope)
    response = _skill.invoke(request_envelope=envelope, context=context)
    return _skill.serializer.serialize(response)


def _as_json(event: dict) -> str:
    import json

    return json.dumps(event)


handler = lambda_handler
