"""AWS Lambda entry point: the same skill object the web host serves.

Configure the Lambda function's handler as `skill.lambda_function.handler` (deploy/template.yaml
does). On Lambda (AWS_LAMBDA_FUNCTION_NAME is set) preferences default to DynamoDB and
SKILL_ID is required: without it the function fails at start-up, naming the setting, rather
than answer requests meant for another skill.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from skill.startup import long_lived

if TYPE_CHECKING:
    from ask_sdk_core.skill import CustomSkill


def _build() -> "CustomSkill":
    # The SDK and the skill are imported here, inside long_lived(): a cold start spends no
    # time on garbage collections of objects that live as long as the function.
    with long_lived():
        from skill.assembly import build_skill
        from skill.settings import Settings

        settings = Settings.from_env()
        problem = settings.startup_problem() if settings.lambda_runtime else None
        if problem:
            raise RuntimeError(f"cannot start: {problem}")
        return build_skill(settings)


_skill = _build()


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
