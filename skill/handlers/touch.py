"""Touch on the night screen: an `Alexa.Presentation.APL.UserEvent` from a control.

A touch means what saying its words means: each event argument names the intent it stands
for, and the answer comes from that intent's own handler, or, for Yes / No / Not sure, from
the same pending-question protocol as a spoken reply (`skill.handlers.replies`). So touch
and voice can never disagree. `respond` leaves the session open without the microphone.
"""
from __future__ import annotations

from collections.abc import Iterable

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

from skill.domain import dialog
from skill.domain.content import Content
from skill.domain.state import DialogState
from skill.handlers import replies
from skill.handlers.common import Answer, IntentHandler, load_state, respond, steer
from skill.handlers.screens import is_touch

#: Event argument -> the intent the same words would be heard as.
TOUCH_INTENTS: dict[str, str] = {
    "next": "AMAZON.NextIntent",
    "back": "AMAZON.PreviousIntent",
    "time_it": "StretchTimerIntent",
    "serious": "IsItSeriousIntent",
    "yes": "AMAZON.YesIntent",
    "no": "AMAZON.NoIntent",
    "unsure": "NotSureIntent",
}


def touched(handler_input: HandlerInput) -> str | None:
    """The control's event argument, or None when the event carries none we know."""
    arguments = getattr(handler_input.request_envelope.request, "arguments", None)
    if not isinstance(arguments, list) or not arguments:
        return None
    first = arguments[0]
    return first if isinstance(first, str) and first in TOUCH_INTENTS else None


class TouchEventHandler(AbstractRequestHandler):
    """Answers a touch with the handler (or the reply action) of the intent it stands for.
    An unknown event gets the steer."""

    def __init__(self, content: Content, handlers: Iterable[IntentHandler]) -> None:
        self.content = content
        self.by_intent: dict[str, IntentHandler] = {}
        for handler in handlers:
            for intent in handler.intents:
                self.by_intent.setdefault(intent, handler)

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_touch(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        answer = self.answer(handler_input, load_state(handler_input))
        return respond(handler_input, answer, self.content.prompts.general.steer, self.content)

    def answer(self, handler_input: HandlerInput, state: DialogState) -> Answer:
        event = touched(handler_input)
        if event is None:
            return steer(self.content, state)
        intent = TOUCH_INTENTS[event]
        kind = dialog.REPLY_INTENTS.get(intent)
        if kind is not None and replies.claims(state, kind):
            return replies.reply(handler_input, self.content, state, kind)
        return self.by_intent[intent].answer(handler_input, state)
