"""Quiet at night by the device's clock.

For a user who has chosen no voice ("whisper" and "normal voice" both set the preference
`voice_chosen`), between 22:00 and 07:00 at the device's time zone the skill speaks softer:
SSML `prosody volume="soft"`, never a whisper (older users, at greater risk of cramps (003),
may not hear one) and never slower (a countdown's words keep their seconds). The first soft
answer of a session says once that "whisper" and "normal voice" are there.

The time zone comes from the Settings API (`/v2/devices/{deviceId}/settings/System.timeZone`,
no permission needed), asked at most once per session with a short timeout
(skill.alexa_api); without it, the normal voice. The request's timestamp is UTC.

Every urgent answer (the emergency line, signs outside the articles, a doctor first, the
check's "not sure" line, the emergency signs spelled out) is marked by its handler
(`Answer.urgent`, the request attribute SPEAK_NORMALLY) and keeps the normal voice and volume;
inside any other answer, a sentence that names the emergency number stays normal too (the
quiet-voice interceptor's `referrals`).
"""
from __future__ import annotations

import re
from datetime import datetime, time

from ask_sdk_core.dispatch_components import AbstractResponseInterceptor
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response
from ask_sdk_model.ui import SsmlOutputSpeech

from skill import alexa_api
from skill.domain import ssml
from skill.domain.content import Content
from skill.domain.voice import SOFTER, quiet
from skill.handlers.alerts import reachable
from skill.handlers.common import SPEAK_NORMALLY
from skill.handlers.interceptors import referrals
from skill.preferences import load_preferences, session_attributes

NIGHT_STARTS = time(22, 0)
NIGHT_ENDS = time(7, 0)
#: Session-attribute key: the night hint was said this session.
HINT_KEY = "night_hint"


def is_night(local: datetime) -> bool:
    """22:00 up to 07:00 at the device's clock."""
    moment = local.time()
    return moment >= NIGHT_STARTS or moment < NIGHT_ENDS


def _speeches(response: Response | None) -> list[SsmlOutputSpeech]:
    if response is None:
        return []
    found = [response.output_speech, response.reprompt.output_speech if response.reprompt else None]
    return [s for s in found if isinstance(s, SsmlOutputSpeech) and isinstance(s.ssml, str)]


def _screen_sources(response: Response | None) -> list[dict]:
    directives = getattr(response, "directives", None) or []
    found = [getattr(directive, "datasources", None) for directive in directives]
    return [sources for sources in found if isinstance(sources, dict) and sources]


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s]


def room_for_hint(text: str) -> bool:
    """The hint goes last; it may not push a statement-only answer past three sentences
    (at most two before the question). An answer that already names "whisper" (the
    first-time prompt) needs no hint."""
    if "whisper" in text.lower():
        return False
    sentences = _sentences(text)
    return any(s.endswith("?") for s in sentences) or len(sentences) < 3


class NightVoiceInterceptor(AbstractResponseInterceptor):
    """Softer speech at night for a user who chose no voice; urgent answers untouched."""

    def __init__(self, content: Content) -> None:
        self.content = content

    def process(self, handler_input: HandlerInput, response: Response) -> None:
        speeches = _speeches(response)
        sources = _screen_sources(response)
        if not (speeches or sources) or not reachable(handler_input):
            return
        if handler_input.attributes_manager.request_attributes.get(SPEAK_NORMALLY):
            return
        preferences = load_preferences(handler_input)
        if preferences.quiet_voice or preferences.voice_chosen:
            return
        session = session_attributes(handler_input)
        local = alexa_api.local_time(handler_input, session)
        if local is None or not is_night(local):
            return
        if session is not None and not session.get(HINT_KEY):
            self._hint(response, session)
        for speech in speeches:
            speech.ssml = quiet(speech.ssml, SOFTER, referrals(speech.ssml))
        if sources:
            from skill.domain.screen import map_speech

            for found in sources:
                map_speech(found, lambda document: quiet(document, SOFTER, referrals(document)))

    def _hint(self, response: Response, session: dict) -> None:
        """Say once a session that "whisper" and "normal voice" are there, at the end of
        the first soft answer with room for it (or none, if the answer names them)."""
        speech = response.output_speech
        if not isinstance(speech, SsmlOutputSpeech) or not isinstance(speech.ssml, str):
            return
        text = ssml.spoken_text(speech.ssml)
        if "whisper" in text.lower():
            session[HINT_KEY] = True
            return
        if "<break" in speech.ssml or not room_for_hint(text):
            return  # a countdown, or no room: a later answer says it
        session[HINT_KEY] = True
        hint = ssml.text(self.content.prompts.alerts.night_hint)
        speech.ssml = ssml.speak(f"{ssml.unwrap(speech.ssml)} {hint}")
