"""Cross-cutting pieces: the preferred hold time, remembering what was said, and the calm
answer to any error. (The quiet voice is `skill.preferences_handlers.QuietVoiceInterceptor`.)"""
from __future__ import annotations

import logging

from ask_sdk_core.dispatch_components import (
    AbstractExceptionHandler, AbstractRequestInterceptor, AbstractResponseInterceptor)
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_request_type
from ask_sdk_model import Response

from skill.domain import ssml
from skill.handlers.common import STEER, load_state, save_state
from skill.preferences import load_preferences
from skill.preferences_handlers import SPEAK_NORMALLY

log = logging.getLogger("skill.handlers")

TROUBLE = "Sorry, I had a little trouble there."


def _ssml_of(speech: object) -> str:
    value = getattr(speech, "ssml", None)
    return ssml.unwrap(value) if isinstance(value, str) else ""


class PreferredHoldInterceptor(AbstractRequestInterceptor):
    """Until the user counts a stretch this session, countdowns use their remembered hold
    time: it is put into the conversation state, where every countdown looks first."""

    def process(self, handler_input: HandlerInput) -> None:
        if not is_request_type("IntentRequest")(handler_input):
            return
        state = load_state(handler_input)
        if state.hold is not None:
            return
        preferred = load_preferences(handler_input).hold_seconds
        if preferred is not None:
            save_state(handler_input, state.but(hold=preferred))


class RememberSpeechInterceptor(AbstractResponseInterceptor):
    """Keep the last speech and reprompt in the session, so "repeat" needs no handler
    of its own. Runs before any interceptor that changes the voice (quiet mode), so what
    is remembered is the plain speech."""

    def process(self, handler_input: HandlerInput, response: Response) -> None:
        if response is None or response.should_end_session is not False:
            return
        speech = _ssml_of(response.output_speech)
        if not speech:
            return
        reprompt = _ssml_of(getattr(response.reprompt, "output_speech", None))
        urgent = bool(handler_input.attributes_manager.request_attributes.get(SPEAK_NORMALLY))
        state = load_state(handler_input)
        save_state(handler_input, state.but(last_speech=speech[:8000], last_reprompt=reprompt[:8000],
                                            last_urgent=urgent))


class CatchAllExceptionHandler(AbstractExceptionHandler):
    """Never silence: any error gets a calm spoken answer and the session stays open."""

    def can_handle(self, handler_input: HandlerInput, exception: Exception) -> bool:
        return True

    def handle(self, handler_input: HandlerInput, exception: Exception) -> Response:
        log.error("handler failed: %s", type(exception).__name__, exc_info=exception)
        builder = handler_input.response_builder
        return builder.speak(ssml.text(TROUBLE, STEER)).ask(ssml.text(STEER)).response
