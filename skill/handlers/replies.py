"""Replies to the waiting question, routed by the protocol table.

`PendingReplyHandler` is registered after the red-flag handlers and before every feature
handler. It claims a request only when it is a reply that the waiting question accepts
(`skill.domain.dialog.accepts`), an unclear answer (Fallback), or a yes/no/not-sure to a
side prompt (which sets the side prompt aside). Everything else is a side question or a new
request, answered by its own handler.
"""
from __future__ import annotations

from collections.abc import Callable

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_intent_name, is_request_type

from skill.domain import dialog
from skill.domain.content import STRONG_PAIN, Content
from skill.domain.dialog import Pending, ReplyKind
from skill.domain.state import DialogState
from skill.domain.triage import Reply
from skill.handlers import serious, slots
from skill.handlers.common import Answer, IntentHandler, ask, load_state, tell
from skill.handlers.countdown import count_again, countdown_answer, usual_seconds
from skill.handlers.dialog import back_from_side, reask
from skill.handlers.relief import first_step, next_step
from skill.handlers.safety import relief_sign_answer, unknown_sign_answer
from skill.handlers.settings import confirm_forget, save_hold
from skill.handlers.alerts import reachable
from skill.handlers.reminders import set_reminder
from skill.handlers.timers import set_timer
from skill.handlers.topics import medical_answer, more_items

Action = Callable[[HandlerInput, Content, DialogState, ReplyKind], Answer]
_TRIAGE = {"yes": Reply.YES, "no": Reply.NO, "unsure": Reply.UNSURE}


def goodbye(content: Content) -> Answer:
    return tell(DialogState(), content.prompts.general.goodbye)


def wait_for_next(content: Content, state: DialogState) -> Answer:
    prompts = content.prompts.relief
    return ask(state.but(pending="next", misses=0), prompts.wait_for_next,
               reprompt=prompts.next_reprompt)


def on_check(handler_input: HandlerInput, content: Content, state: DialogState,
             kind: ReplyKind) -> Answer:
    if kind == "duration":
        answered = serious.duration_reply(content, state, slots.heard(handler_input, "duration"),
                                          timer=reachable(handler_input))
        if answered is None:  # a time for a question about something else: how to answer
            return serious.ask_question(content, state, lead=content.prompts.check.answer_lead)
        return answered
    return serious.reply(content, state, _TRIAGE[kind], timer=reachable(handler_input))


def on_count(handler_input: HandlerInput, content: Content, state: DialogState,
             kind: ReplyKind) -> Answer:
    if kind == "no":
        return wait_for_next(content, state)
    plan = content.relief_plan(state.muscle)
    if 0 <= state.step < len(plan) and plan[state.step].cue:
        return countdown_answer(content, state, usual_seconds(content, state))
    return next_step(content, state)


def on_next(handler_input: HandlerInput, content: Content, state: DialogState,
            kind: ReplyKind) -> Answer:
    return next_step(content, state) if kind == "yes" else goodbye(content)


def on_another_set(handler_input: HandlerInput, content: Content, state: DialogState,
                   kind: ReplyKind) -> Answer:
    return count_again(content, state) if kind == "yes" else wait_for_next(content, state)


def on_start_over(handler_input: HandlerInput, content: Content, state: DialogState,
                  kind: ReplyKind) -> Answer:
    return first_step(content, state, state.muscle) if kind == "yes" else goodbye(content)


def on_relief(handler_input: HandlerInput, content: Content, state: DialogState,
              kind: ReplyKind) -> Answer:
    return first_step(content, state, None) if kind == "yes" else goodbye(content)


def on_more(handler_input: HandlerInput, content: Content, state: DialogState,
            kind: ReplyKind) -> Answer:
    if kind != "yes":
        return goodbye(content)
    return more_items(content, state, reminder=reachable(handler_input))


def on_timer_offer(handler_input: HandlerInput, content: Content, state: DialogState,
                   kind: ReplyKind) -> Answer:
    if kind == "yes":
        return set_timer(handler_input, content, state)
    return back_from_side(content, state, content.prompts.general.okay)


def on_reminder_offer(handler_input: HandlerInput, content: Content, state: DialogState,
                      kind: ReplyKind) -> Answer:
    return set_reminder(handler_input, content, state) if kind == "yes" else goodbye(content)


def on_forget(handler_input: HandlerInput, content: Content, state: DialogState,
              kind: ReplyKind) -> Answer:
    if kind == "unsure":
        return reask(content, state)
    return confirm_forget(handler_input, content, state, agreed=kind == "yes")


def on_hold_time(handler_input: HandlerInput, content: Content, state: DialogState,
                 kind: ReplyKind) -> Answer:
    duration = slots.hold_length(handler_input)
    if kind != "duration" or duration is None:
        return back_from_side(content, state, content.prompts.general.okay)
    return save_hold(handler_input, content, state, duration)


def on_which_medical(handler_input: HandlerInput, content: Content, state: DialogState,
                     kind: ReplyKind) -> Answer:
    if kind != "name":
        return back_from_side(content, state, content.prompts.general.okay)
    found, unlisted = slots.medical(handler_input, content)
    return medical_answer(content, state, found, unlisted)


def on_anything_else(handler_input: HandlerInput, content: Content, state: DialogState,
                     kind: ReplyKind) -> Answer:
    """"Is anything else wrong besides the cramp?": yes, a doctor first (000: cramps with
    other symptoms); no, the steps; "not sure" is unclear (asked again, then the steps with
    the emergency signs)."""
    if kind == "yes":
        return unknown_sign_answer(content)
    if kind == "no":
        return first_step(content, state.restarted(), state.muscle)
    return on_miss(content, state)


ACTIONS: dict[Pending, Action] = {
    "check": on_check,
    "count": on_count,
    "next": on_next,
    "another_set": on_another_set,
    "start_over": on_start_over,
    "relief": on_relief,
    "more": on_more,
    "forget": on_forget,
    "hold_time": on_hold_time,
    "which_medical": on_which_medical,
    "anything_else": on_anything_else,
    "timer_offer": on_timer_offer,
    "reminder_offer": on_reminder_offer,
}


def on_miss(content: Content, state: DialogState) -> Answer:
    """An unclear answer: the first time, how to get emergency help and the question again
    in its short form; the second time, the question's rule (the check takes "not sure",
    the cautious reading; a side prompt gives way to what lies beneath; anything else
    gives way to the steer)."""
    prompts = content.prompts.general
    waiting = dialog.question(state.pending)
    if waiting is not None and waiting.unclear == "unlisted":
        # Words nobody could match, said for "which medicine?", are most likely a name
        # the lists lack ("lisinopril"): the unlisted answer and the advice, not a loop.
        return medical_answer(content, state, {}, unlisted=True)
    rule = dialog.after_miss(state.pending, state.misses)
    if rule == "short":
        # Outside the check, what the skill can do comes too: a word it never understood
        # ("pineapple") most often means the person doesn't know what to say. The check
        # stays short: its question is the point.
        options = () if state.in_check else (prompts.fallback,)
        return reask(content, state.but(misses=state.misses + 1), prompts.fallback_emergency,
                     *options, short=True)
    if rule == "unsure":
        return serious.reply(content, state, Reply.UNSURE)
    if rule == "steps":  # still unclear: the steps, with the emergency signs spelled out
        strong = content.index.signs[STRONG_PAIN]
        return relief_sign_answer(content, state.restarted().but(muscle=state.muscle), strong,
                                  state.muscle)
    waiting = dialog.question(state.pending)
    if waiting is not None and waiting.side:
        return back_from_side(content, state, prompts.fallback_emergency)
    return reask(content, state.but(pending="none", question=None, misses=0),
                 prompts.fallback_emergency, prompts.fallback)


def claims(state: DialogState, kind: ReplyKind | None) -> bool:
    """Whether a reply of `kind` belongs to the waiting question (see the module doc)."""
    waiting = dialog.question(state.pending)
    if waiting is None or kind is None:
        return False
    if kind == "miss" or dialog.accepts(state.pending, kind):
        return True
    return waiting.side and kind in ("yes", "no", "unsure")


class PendingReplyHandler(IntentHandler):
    """A reply to the question the skill is waiting on."""

    intents = frozenset()

    def _kind(self, handler_input: HandlerInput, state: DialogState) -> ReplyKind | None:
        return dialog.reply_kind_to(state.pending, get_intent_name(handler_input),
                                    slots.filled(handler_input))

    def can_handle(self, handler_input: HandlerInput) -> bool:
        if not is_request_type("IntentRequest")(handler_input):
            return False
        state = load_state(handler_input)
        return claims(state, self._kind(handler_input, state))

    def answer(self, handler_input: HandlerInput, state: DialogState) -> Answer:
        return reply(handler_input, self.content, state, self._kind(handler_input, state))


def reply(handler_input: HandlerInput, content: Content, state: DialogState,
          kind: ReplyKind | None) -> Answer:
    """The answer to a reply that `claims` gave to the waiting question (spoken or touched)."""
    if kind == "miss":
        return on_miss(content, state)
    if not dialog.accepts(state.pending, kind):  # a yes/no to a side prompt: set it aside
        return back_from_side(content, state, content.prompts.general.okay)
    return ACTIONS[state.pending](handler_input, content, state, kind)
