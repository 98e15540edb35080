"""Amazon's built-in intents, wherever the conversation stands.

Replies that answer the waiting question (yes, no, not sure, an unclear answer) are taken
first by `skill.handlers.replies`; the handlers here answer the rest: Yes or No when
nothing was asked, Help, Stop, navigation through the steps, repeat, pause. Every open
answer carries a reprompt; Stop, Cancel, Navigate Home and Pause end at once.
"""
from __future__ import annotations

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_request_type
from ask_sdk_model import Response

from skill.domain import ssml
from skill.domain.content import Content
from skill.domain.state import DialogState
from skill.handlers import serious
from skill.handlers.common import (
    Answer, IntentHandler, ask, joined, load_state, respond, steer, tell)
from skill.handlers.countdown import count_again
from skill.domain.dialog import QUESTIONS
from skill.handlers.dialog import reask
from skill.handlers.relief import current_step, first_step, next_step, previous_step
from skill.handlers.topics import more_items


def check_again(content: Content, state: DialogState) -> Answer:
    """The check's question once more, with how to answer it."""
    return serious.ask_question(content, state, lead=content.prompts.check.answer_lead)


class HelpIntentHandler(IntentHandler):
    """During the check: what the question means, then the question. With a side prompt
    waiting: that prompt again. Otherwise how to get emergency help first ("help me" may
    be a call for it), joined to what the skill does, then the disclaimer and a question.
    The emergency line keeps the normal voice for a whispering user (the quiet-voice
    interceptor leaves every emergency referral unwhispered)."""

    intents = frozenset({"AMAZON.HelpIntent"})

    def answer(self, handler_input: HandlerInput, state: DialogState) -> Answer:
        if state.pending == "check":
            return serious.ask_question(self.content, state, explain=True)
        waiting = QUESTIONS.get(state.pending)
        if waiting is not None and waiting.side:
            return reask(self.content, state)
        prompts = self.content.prompts.general
        disclaimer = self.content.serious.disclaimer
        return ask(state.but(pending="none", question=None, misses=0,
                             sources=disclaimer.sources),
                   joined(prompts.fallback_emergency, prompts.help), disclaimer.text,
                   prompts.help_question,
                   reprompt=prompts.help_reprompt)


class StopIntentHandler(IntentHandler):
    """Stop, Cancel and Navigate Home: end quietly, at once."""

    intents = frozenset({"AMAZON.StopIntent", "AMAZON.CancelIntent", "AMAZON.NavigateHomeIntent"})

    def answer(self, handler_input: HandlerInput, state: DialogState) -> Answer:
        return tell(DialogState(), self.content.prompts.general.stop)


class YesNoIntentHandler(IntentHandler):
    """Yes or No when no question is waiting for one."""

    intents = frozenset({"AMAZON.YesIntent", "AMAZON.NoIntent"})

    def answer(self, handler_input: HandlerInput, state: DialogState) -> Answer:
        return steer(self.content, state, self.content.prompts.general.no_question)


class NotSureIntentHandler(IntentHandler):
    """"Not sure", "I don't know" when no question is waiting for it (a custom intent:
    Amazon has no built-in for it)."""

    # SignUnsureIntent with no sign; MaybeIntent with no question waiting
    intents = frozenset({"NotSureIntent", "SignUnsureIntent", "MaybeIntent"})

    def answer(self, handler_input: HandlerInput, state: DialogState) -> Answer:
        return steer(self.content, state, self.content.prompts.general.no_problem)


class FallbackIntentHandler(IntentHandler):
    """Unrecognised speech with no question waiting: how to get emergency help first (in
    the normal voice, even for a whispering user), then what the skill can do. Never
    relief steps by itself."""

    intents = frozenset({"AMAZON.FallbackIntent"})

    def answer(self, handler_input: HandlerInput, state: DialogState) -> Answer:
        prompts = self.content.prompts.general
        return steer(self.content, state, prompts.fallback_emergency, prompts.fallback)


class NextIntentHandler(IntentHandler):
    intents = frozenset({"AMAZON.NextIntent"})

    def answer(self, handler_input: HandlerInput, state: DialogState) -> Answer:
        if state.pending == "more":
            return more_items(self.content, state)
        if state.in_check:
            return check_again(self.content, state)
        return next_step(self.content, state)


class PreviousIntentHandler(IntentHandler):
    intents = frozenset({"AMAZON.PreviousIntent"})

    def answer(self, handler_input: HandlerInput, state: DialogState) -> Answer:
        if state.in_check:
            return check_again(self.content, state)
        return previous_step(self.content, state)


class StartOverIntentHandler(IntentHandler):
    intents = frozenset({"AMAZON.StartOverIntent"})

    def answer(self, handler_input: HandlerInput, state: DialogState) -> Answer:
        if state.in_check:
            return serious.start_check(self.content, state)
        return first_step(self.content, state, state.muscle)


class RepeatIntentHandler(IntentHandler):
    """Say the last thing again; right after a countdown, count the same set again."""

    intents = frozenset({"AMAZON.RepeatIntent"})

    def answer(self, handler_input: HandlerInput, state: DialogState) -> Answer:
        if state.pending == "another_set":
            return count_again(self.content, state)
        if state.last_speech and not ssml.problems(ssml.speak(state.last_speech)):
            reprompt = state.last_reprompt
            if not reprompt or ssml.problems(ssml.speak(reprompt)):
                reprompt = ssml.text(self.content.prompts.general.steer)
            return Answer(speech=state.last_speech, state=state, reprompt=reprompt,
                          urgent=state.last_urgent)
        if state.in_check or state.pending in QUESTIONS:
            return reask(self.content, state)
        if state.flow == "relief":
            return current_step(self.content, state)
        return steer(self.content, state, self.content.prompts.general.nothing_to_repeat)


class PauseIntentHandler(IntentHandler):
    """An honest pause: the session ends (a timed-out session could not keep a promise
    to wait), with how to come back."""

    intents = frozenset({"AMAZON.PauseIntent"})

    def answer(self, handler_input: HandlerInput, state: DialogState) -> Answer:
        return tell(DialogState(), self.content.prompts.general.paused)


class ResumeIntentHandler(IntentHandler):
    """"Resume": the waiting question or the current step of this session; else the
    steer (a pause ends the session, so nothing else is kept)."""

    intents = frozenset({"AMAZON.ResumeIntent"})

    def answer(self, handler_input: HandlerInput, state: DialogState) -> Answer:
        if state.in_check:
            return reask(self.content, state)
        if state.flow == "relief":
            return current_step(self.content, state)
        if state.pending in QUESTIONS:
            return reask(self.content, state)
        return steer(self.content, state, self.content.prompts.general.nothing_paused)


class SessionEndedRequestHandler(AbstractRequestHandler):
    """The session is over (timeout, user exit, error): nothing may be spoken."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("SessionEndedRequest")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        return handler_input.response_builder.response


class UnknownIntentHandler(AbstractRequestHandler):
    """Any intent no other handler claims (a newer model, a test tool): the waiting
    question again, or the steer. Registered last, so feature handlers added later still
    win."""

    def __init__(self, content: Content) -> None:
        self.content = content

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("IntentRequest")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        state = load_state(handler_input)
        prompts = self.content.prompts.general
        answer = reask(self.content, state, prompts.fallback_emergency)
        return respond(handler_input, answer, prompts.steer, self.content)
