"""The floor: a hello-world skill on the skill's own stack.

Same SDK (ask-sdk-core's SkillBuilder), same Flask app factory, same verifiers; the only
difference from the real skill is the skill's own work. Its single handler says "hello"
to every request it is sent, not only to a LaunchRequest: the floor is posted the same
request mix as the skill, and a launch-only handler would send the four intent requests
through the SDK's no-handler error path (a logged traceback and the host's safety net),
which would make the floor slower and the skill/floor ratios flattering.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.skill_builder import CustomSkillBuilder
from ask_sdk_model import Response

from skill.settings import Settings

if TYPE_CHECKING:
    from ask_sdk_core.skill import CustomSkill

HELLO = "hello"


class HelloHandler(AbstractRequestHandler):
    """Answers any request with "hello" and keeps the session open, like a first skill."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return True

    def handle(self, handler_input: HandlerInput) -> Response:
        return handler_input.response_builder.speak(HELLO).ask(HELLO).response


def build_hello_skill(settings: Settings | None = None) -> "CustomSkill":
    """The floor skill, built the way `skill.assembly.build_skill` builds the real one."""
    settings = settings or Settings.from_env()
    builder = CustomSkillBuilder()
    builder.add_request_handler(HelloHandler())
    if settings.skill_id:
        builder.skill_id = settings.skill_id
    return builder.create()
