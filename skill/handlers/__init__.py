"""Request handlers grouped by feature, plus the shared interceptors.

`register(builder, settings)` is the one place the skill assembly calls.
PLACEHOLDER: a minimal launch handler until the core capabilities land.
"""
from __future__ import annotations

from ask_sdk_core.dispatch_components import AbstractExceptionHandler, AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_request_type
from ask_sdk_model import Response

from skill.settings import Settings

#: Every intent some handler answers; the model checks compare it with the interaction model.
#: PLACEHOLDER (model branch): the core handlers define the real set.
HANDLED_INTENTS: frozenset[str] = frozenset({
    "ReliefStepsIntent", "StretchTimerIntent", "IsItSeriousIntent",
    "AMAZON.HelpIntent", "AMAZON.StopIntent", "AMAZON.CancelIntent", "AMAZON.FallbackIntent",
    "AMAZON.NavigateHomeIntent", "AMAZON.NextIntent", "AMAZON.PreviousIntent",
    "AMAZON.RepeatIntent", "AMAZON.StartOverIntent", "AMAZON.YesIntent", "AMAZON.NoIntent",
    "AMAZON.PauseIntent", "AMAZON.ResumeIntent",
})


class LaunchRequestHandler(AbstractRequestHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("LaunchRequest")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        speech = "Leg cramp helper is here."
        return handler_input.response_builder.speak(speech).ask(speech).response


class SessionEndedRequestHandler(AbstractRequestHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("SessionEndedRequest")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        return handler_input.response_builder.response


class CatchAllExceptionHandler(AbstractExceptionHandler):
    def can_handle(self, handler_input: HandlerInput, exception: Exception) -> bool:
        return True

    def handle(self, handler_input: HandlerInput, exception: Exception) -> Response:
        speech = "Sorry, I didn't catch that. Please say it again."
        return handler_input.response_builder.speak(speech).ask(speech).response


def register(builder, settings: Settings) -> None:
    builder.add_request_handler(LaunchRequestHandler())
    builder.add_request_handler(SessionEndedRequestHandler())
    builder.add_exception_handler(CatchAllExceptionHandler())
