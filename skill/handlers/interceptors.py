"""Every interceptor, and the calm answer to any error, registered in one place and one
order by `skill.handlers.register`:

1. `PreferredHoldInterceptor` (request): the remembered hold time into this session's state;
1a. `LocaleWordsInterceptor` (response): a medicine by its local name (paracetamol);
2. `RememberSpeechInterceptor` (response): the plain speech kept for "repeat";
3. `QuietVoiceInterceptor` (response): whispers what goes out for a user who chose the
   quiet voice, except an urgent answer (the emergency instruction) and, in any answer,
   every sentence that refers to emergency help ("If it feels like an emergency, call
   your local emergency number", the emergency signs after a step).
The speech memory runs before the whisper, so "repeat" replays the plain speech, whispered
again on the way out. Response interceptors do not see the exception handler's response.
"""
from __future__ import annotations

import logging
import re

from ask_sdk_core.dispatch_components import (
    AbstractExceptionHandler, AbstractRequestInterceptor, AbstractResponseInterceptor)
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_intent_name, is_request_type
from ask_sdk_model import Response
from ask_sdk_model.ui import SsmlOutputSpeech

from skill.domain import ssml
from skill.domain.content import EMERGENCY_START as REFERRAL
from skill.domain.content import Content
from skill.domain.voice import WHISPER, quiet
from skill.handlers.common import SPEAK_NORMALLY, load_state, save_state
from skill.handlers.screens import is_touch
from skill.preferences import load_preferences

log = logging.getLogger("skill.handlers")

#: The intent Alexa sends for words it could not place.
UNDERSTOOD_NOTHING = "AMAZON.FallbackIntent"


def _ssml_of(speech: object) -> str:
    value = getattr(speech, "ssml", None)
    return ssml.unwrap(value) if isinstance(value, str) else ""


def _speak_normally(handler_input: HandlerInput) -> bool:
    """A handler marked this response as one that must not be whispered (an emergency
    instruction), through the request attribute `SPEAK_NORMALLY`."""
    return bool(handler_input.attributes_manager.request_attributes.get(SPEAK_NORMALLY))


class PreferredHoldInterceptor(AbstractRequestInterceptor):
    """Until the user counts a stretch this session, countdowns use their remembered hold
    time: it is put into the conversation state, where every countdown looks first."""

    def process(self, handler_input: HandlerInput) -> None:
        if not (is_request_type("IntentRequest")(handler_input) or is_touch(handler_input)):
            return
        state = load_state(handler_input)
        if state.hold is not None:
            return
        preferred = load_preferences(handler_input).hold_seconds
        if preferred is not None:
            save_state(handler_input, state.but(hold=preferred))


class RememberSpeechInterceptor(AbstractResponseInterceptor):
    """Keep the last speech and reprompt in the session, so "repeat" needs no handler
    of its own. The answer to words it didn't understand is not kept: "repeat" after it
    says the step again, not the menu."""

    def process(self, handler_input: HandlerInput, response: Response) -> None:
        if response is None or response.should_end_session is True:
            return
        if is_intent_name(UNDERSTOOD_NOTHING)(handler_input):
            return
        speech = _ssml_of(response.output_speech)
        if not speech:
            return
        reprompt = _ssml_of(getattr(response.reprompt, "output_speech", None))
        state = load_state(handler_input)
        save_state(handler_input, state.but(last_speech=speech[:8000], last_reprompt=reprompt[:8000],
                                            last_urgent=_speak_normally(handler_input)))


class LocaleWordsInterceptor(AbstractResponseInterceptor):
    """Says a medicine by its local name (content/relief.toml `locale_word`: paracetamol in
    en-GB, en-AU and en-IN, acetaminophen elsewhere) in the speech, the reprompt and the
    card, whole words only, so no handler has to know the locale."""

    def __init__(self, content: Content) -> None:
        self.words: dict[str, list[tuple[re.Pattern[str], str]]] = {}
        for item in content.relief.locale_word:
            pattern = re.compile(rf"\b{re.escape(item.word)}\b", re.IGNORECASE)
            for locale in item.locales:
                self.words.setdefault(locale, []).append((pattern, item.said))

    def process(self, handler_input: HandlerInput, response: Response) -> None:
        locale = getattr(handler_input.request_envelope.request, "locale", None)
        swaps = self.words.get(locale or "")
        if not swaps or response is None:
            return
        for speech in _ssml_speeches(response):
            speech.ssml = _swapped(speech.ssml, swaps)
        card = response.card
        for field in ("content", "text"):
            value = getattr(card, field, None) if card is not None else None
            if isinstance(value, str):
                setattr(card, field, _swapped(value, swaps))


def _swapped(text: str, swaps: list[tuple[re.Pattern[str], str]]) -> str:
    for pattern, said in swaps:
        text = pattern.sub(said, text)
    return text


class QuietVoiceInterceptor(AbstractResponseInterceptor):
    """Applies the remembered quiet voice to every response, countdowns included (also
    one the screen speaks), so no handler has to; except a response marked urgent."""

    def __init__(self, style: str = WHISPER) -> None:
        self.style = style

    def process(self, handler_input: HandlerInput, response: Response) -> None:
        speeches = _ssml_speeches(response)
        sources = _screen_speech(response)
        if not (speeches or sources) or _speak_normally(handler_input):
            return
        if not load_preferences(handler_input).quiet_voice:
            return
        for speech in speeches:
            speech.ssml = quiet(speech.ssml, self.style, referrals(speech.ssml))
        if sources:  # a screen's documents: their module loads with the first screen
            from skill.domain.screen import map_speech

            for found in sources:
                map_speech(found, lambda ssml_: quiet(ssml_, self.style, referrals(ssml_)))


_SENTENCE = re.compile(r"[^.!?]*[.!?]+|[^.!?]+$")


def referrals(document: str) -> tuple[str, ...]:
    """The sentences of an SSML document (plain text, as parsed) that refer to emergency
    help: said in the normal voice even for a whispering user. Empty for a document
    that does not parse."""
    from xml.etree.ElementTree import ParseError

    try:
        text = "".join(ssml.parse(document).itertext())
    except ParseError:
        return ()
    sentences = (match.group(0).strip() for match in _SENTENCE.finditer(text))
    return tuple(s for s in sentences if REFERRAL in s.lower())


def _screen_speech(response: Response | None) -> list[dict]:
    """The data sources of rendered documents (where a countdown on screen keeps its
    speech)."""
    directives = getattr(response, "directives", None) or []
    found = [getattr(directive, "datasources", None) for directive in directives]
    return [sources for sources in found if isinstance(sources, dict) and sources]


def _ssml_speeches(response: Response | None) -> list[SsmlOutputSpeech]:
    if response is None:
        return []
    candidates = [response.output_speech,
                  response.reprompt.output_speech if response.reprompt else None]
    return [speech for speech in candidates
            if isinstance(speech, SsmlOutputSpeech) and isinstance(speech.ssml, str)]


class CatchAllExceptionHandler(AbstractExceptionHandler):
    """Never silence: any error gets a calm spoken answer and the session stays open."""

    def __init__(self, content: Content) -> None:
        self.content = content

    def can_handle(self, handler_input: HandlerInput, exception: Exception) -> bool:
        return True

    def handle(self, handler_input: HandlerInput, exception: Exception) -> Response:
        log.error("handler failed: %s", type(exception).__name__, exc_info=exception)
        prompts = self.content.prompts.general
        builder = handler_input.response_builder
        return builder.speak(ssml.text(prompts.trouble, prompts.steer)).ask(
            ssml.text(prompts.steer)).response
