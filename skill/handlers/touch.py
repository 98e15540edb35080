"""Touch on the night screen: an `Alexa.Presentation.APL.UserEvent` from a control.

A touch means what saying its words means: each event argument names the intent it stands
for, and the answer comes from that intent's own handler, or, for Yes / No / Not sure, from
the same pending-question protocol as a spoken reply (`skill.handlers.replies`). So touch
and voice can never disagree. `respond` leaves the session open without the microphone.

The second argument says where the screen stood (`skill.domain.screen.place`): the
question waiting, the check's question by its content id, the relief step. An Echo Show
closes sessions on its own while the screen stays up (alexa-skills-kit-sdk-for-python#212),
so a touch may arrive in a new session with a fresh state: it is placed back where the
screen stood before it is answered, and "Yes" on the check's first question still gets
the emergency line. A place that does not fit the content (a stale or forged event) is
ignored.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

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


def touched_place(handler_input: HandlerInput) -> dict[str, Any] | None:
    """The control's second argument (where the screen stood), or None."""
    arguments = getattr(handler_input.request_envelope.request, "arguments", None)
    if isinstance(arguments, list) and len(arguments) > 1 and isinstance(arguments[1], dict):
        return arguments[1]
    return None


def placed(content: Content, state: DialogState, where: dict[str, Any] | None) -> DialogState:
    """`state`, or, when it does not stand where the touched screen stood (a new session,
    or a session gone elsewhere), a state placed there. Every value is checked against the
    protocol table and the content; anything unknown leaves `state` as it is."""
    if not where:
        return state
    ask = where.get("ask")
    if not isinstance(ask, str) or dialog.question(ask) is None:  # type: ignore[arg-type]
        return state
    question = None
    if "id" in where:
        ids = [q.id for q in content.serious.question]
        if where["id"] not in ids:
            return state
        question = ids.index(where["id"])
    elif ask == "check":
        return state
    step, muscle = where.get("step"), where.get("muscle")
    relief = step is not None
    if relief and not (isinstance(step, int) and not isinstance(step, bool)
                       and 0 <= step < len(content.relief_plan(muscle if isinstance(muscle, str) else None))):
        return state
    if muscle is not None and not (isinstance(muscle, str) and content.muscle(muscle) is not None):
        return state
    if state.pending == ask and state.question == question and (
            not relief or (state.step == step and state.muscle == muscle)):
        return state
    return state.restarted().but(pending=ask, question=question, hold=state.hold,
                                 flow="relief" if relief else "none", step=step or 0,
                                 muscle=muscle)


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
        state = placed(self.content, state, touched_place(handler_input))
        intent = TOUCH_INTENTS[event]
        kind = dialog.REPLY_INTENTS.get(intent)
        if kind is not None and replies.claims(state, kind):
            return replies.reply(handler_input, self.content, state, kind)
        return self.by_intent[intent].answer(handler_input, state)
