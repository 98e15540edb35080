"""What every handler shares: the content, the conversation state, and one way to answer.

Feature code builds an `Answer` (speech, reprompt, new state, end or not) from the content
and the state; `respond` is the only place that touches the SDK's response builder and
session attributes. That keeps the features small and the SSML rules in one place. Every
sentence comes from content (content/prompts.toml for the interface, the cited files for
health).
"""
from __future__ import annotations

from typing import ClassVar

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_intent_name, get_request_type
from ask_sdk_model import Response
from ask_sdk_model.ui import SimpleCard
from msgspec import Struct
from msgspec.structs import replace

from skill.domain import ssml
from skill.domain.cards import Card
from skill.domain.content import Content
from skill.domain.countdown import SpokenCount
from skill.domain.state import DialogState
from skill.handlers import screens
from skill.preferences import session_attributes

#: Request attribute a handler sets for a response that must keep the normal voice (the
#: quiet-voice interceptor reads it; `respond` sets it for an urgent Answer).
SPEAK_NORMALLY = "speak_normally"


class Answer(Struct, frozen=True):
    """One response, before it becomes SSML: inner SSML speech and reprompt, and a card
    for the Alexa app when the answer is worth reading later."""

    speech: str
    state: DialogState
    reprompt: str | None = None
    end: bool = False
    card: Card | None = None
    #: Said in the normal voice even for a user who chose the quiet one (the emergency
    #: instruction must not be missed).
    urgent: bool = False
    #: A countdown: the spoken plan the speech was made from (a screen speaks it itself).
    count: SpokenCount | None = None

    def with_card(self, card: Card) -> "Answer":
        return replace(self, card=card)

    def urgently(self) -> "Answer":
        """The same answer, said in the normal voice even to a whispering user."""
        return replace(self, urgent=True)


def ask(state: DialogState, *sentences: str, reprompt: str) -> Answer:
    """An open answer from plain sentences, with its reprompt."""
    return Answer(speech=ssml.text(*sentences), state=state, reprompt=ssml.text(reprompt))


def tell(state: DialogState, *sentences: str, urgent: bool = False) -> Answer:
    """A closing answer from plain sentences."""
    return Answer(speech=ssml.text(*sentences), state=state, end=True, urgent=urgent)


def lead_in(lead: str | None, sentence: str) -> str:
    """Join a short lead ("You're at the first step") to a sentence with a colon, so the
    instruction stays in the first sentence."""
    if not lead:
        return sentence
    return f"{lead}: {sentence[:1].lower()}{sentence[1:]}"


def joined(first: str, second: str) -> str:
    """Two sentences said as one: `first`'s full stop becomes a semicolon and `second`
    follows in lower case ("Don't point your toes...; call your local emergency number
    if..."), so that no more than two sentences come before a question."""
    return f"{first.rstrip().rstrip('.')}; {second[:1].lower()}{second[1:]}"


def steer(content: Content, state: DialogState, *opening: str) -> Answer:
    """`opening`, then the pointer back to the three things the skill does; no question is
    left waiting."""
    prompt = content.prompts.general.steer
    return ask(state.but(pending="none", misses=0), *opening, prompt, reprompt=prompt)


#: Request attribute holding the state parsed from the session attributes this request
#: (the interceptors, the waiting-question check and the handler all ask for it).
_PARSED_STATE = "cramp_parsed_state"


def load_state(handler_input: HandlerInput) -> DialogState:
    """The conversation so far (fresh when absent, stale or tampered with). Parsed once per
    request until a `save_state`, as `load_preferences` reads the preferences once."""
    request_attributes = handler_input.attributes_manager.request_attributes
    parsed = request_attributes.get(_PARSED_STATE)
    if isinstance(parsed, DialogState):
        return parsed
    parsed = DialogState.from_attributes(session_attributes(handler_input))
    request_attributes[_PARSED_STATE] = parsed
    return parsed


def save_state(handler_input: HandlerInput, state: DialogState) -> None:
    attributes = session_attributes(handler_input)
    if attributes is not None:
        state.save(attributes)
    # Read back from the saved attributes next time, exactly as before the save.
    handler_input.attributes_manager.request_attributes.pop(_PARSED_STATE, None)


def respond(handler_input: HandlerInput, answer: Answer, steer_prompt: str,
            content: Content | None = None) -> Response:
    """Turn an Answer into the SDK response and store the new state. An open answer
    without its own reprompt gets `steer_prompt`.

    On a device with a screen (and `content` given) the answer is also shown; a countdown
    is then spoken by the screen's commands, not by the speech. An open answer to a touch,
    or a countdown on a screen, leaves `shouldEndSession` unset: the screen keeps the
    session without opening the microphone or saying a reprompt into the dark."""
    save_state(handler_input, answer.state)
    if answer.urgent:
        handler_input.attributes_manager.request_attributes[SPEAK_NORMALLY] = True
    builder = handler_input.response_builder
    shown = screens.shows_screen(handler_input) and content is not None
    screen_counts = shown and answer.count is not None
    if answer.speech and not screen_counts:
        builder.speak(answer.speech)
    if answer.card:
        builder.set_card(SimpleCard(title=answer.card.title, content=answer.card.text))
    if answer.end:
        builder.set_should_end_session(True)
    elif screen_counts or screens.is_touch(handler_input):
        pass  # unset: held by the screen, microphone closed
    else:
        builder.ask(answer.reprompt or ssml.text(steer_prompt))
    if shown:
        screens.show(handler_input, content, answer.state, _plain(answer.speech),
                     end=answer.end, urgent=answer.urgent, count=answer.count)
    elif content is not None and answer.count is not None:
        screens.show_clock(handler_input, answer.count)
    return builder.response


def _plain(speech: str) -> str:
    return ssml.spoken_text(ssml.speak(speech)) if speech else ""


class IntentHandler(AbstractRequestHandler):
    """Base for handlers of named intents. `intents` is the single list of intent names a
    handler answers; `HANDLED_INTENTS` is derived from it."""

    intents: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, content: Content) -> None:
        self.content = content

    def can_handle(self, handler_input: HandlerInput) -> bool:
        # One set lookup: the SDK asks every handler in turn (about 40) on every request.
        return (get_request_type(handler_input) == "IntentRequest"
                and get_intent_name(handler_input) in self.intents)

    def handle(self, handler_input: HandlerInput) -> Response:
        answer = self.answer(handler_input, load_state(handler_input))
        return respond(handler_input, answer, self.content.prompts.general.steer, self.content)

    def answer(self, handler_input: HandlerInput, state: DialogState) -> Answer:
        raise NotImplementedError
