"""SDK components around stored preferences (registered by `skill.handlers.register`):

* `SkillDisabledEventHandler`: deletes the user's record when they disable the skill
  (subscribe to the `SKILL_DISABLED` event in the manifest).
* `QuietVoiceInterceptor`: one global response interceptor that whispers (or softens)
  every outgoing speech and reprompt for users who chose the quiet voice.

The quiet voice is added after the speech memory (RememberSpeechInterceptor), so what
"repeat" replays is the plain speech, whispered again on the way out.
"""
from __future__ import annotations

from ask_sdk_core.dispatch_components import AbstractRequestHandler, AbstractResponseInterceptor
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_request_type
from ask_sdk_model import Response
from ask_sdk_model.ui import SsmlOutputSpeech

from skill.domain.voice import WHISPER, quiet
from skill.preferences import forget_preferences, load_preferences

SKILL_DISABLED = "AlexaSkillEvent.SkillDisabled"
#: Request attribute a handler sets for a response that must keep the normal voice
#: (skill.handlers.common.respond sets it for an urgent Answer).
SPEAK_NORMALLY = "speak_normally"


class SkillDisabledEventHandler(AbstractRequestHandler):
    """The user disabled the skill: forget everything we kept for them. No speech; the
    event has no session and nobody is listening."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type(SKILL_DISABLED)(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        forget_preferences(handler_input)
        return handler_input.response_builder.response


class QuietVoiceInterceptor(AbstractResponseInterceptor):
    """Applies the remembered quiet voice to every response, countdowns included, so no
    handler has to; except a response marked urgent (the emergency instruction). (Like
    every response interceptor, it does not see the exception handler's response.)"""

    def __init__(self, style: str = WHISPER) -> None:
        self.style = style

    def process(self, handler_input: HandlerInput, response: Response) -> None:
        speeches = _ssml_speeches(response)
        if not speeches or _speak_normally(handler_input):
            return
        if not load_preferences(handler_input).quiet_voice:
            return
        for speech in speeches:
            speech.ssml = quiet(speech.ssml, self.style)


def _speak_normally(handler_input: HandlerInput) -> bool:
    """A handler marked this response as one that must not be whispered (an emergency
    instruction), through the request attribute `SPEAK_NORMALLY`."""
    return bool(handler_input.attributes_manager.request_attributes.get(SPEAK_NORMALLY))


def _ssml_speeches(response: Response | None) -> list[SsmlOutputSpeech]:
    if response is None:
        return []
    candidates = [response.output_speech,
                  response.reprompt.output_speech if response.reprompt else None]
    return [speech for speech in candidates
            if isinstance(speech, SsmlOutputSpeech) and isinstance(speech.ssml, str)]
