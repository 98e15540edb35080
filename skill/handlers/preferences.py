"""The user disabled the skill: forget everything kept for them.

Subscribe to the `SKILL_DISABLED` event in the manifest (skill/model/manifest.py does).
No speech: the event has no session and nobody is listening.
"""
from __future__ import annotations

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_request_type
from ask_sdk_model import Response

from skill.preferences import forget_preferences

SKILL_DISABLED = "AlexaSkillEvent.SkillDisabled"


class SkillDisabledEventHandler(AbstractRequestHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type(SKILL_DISABLED)(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        forget_preferences(handler_input)
        return handler_input.response_builder.response
