"""Amazon's built-in intents, answered for wherever the conversation stands.

Each handler looks at the state (in the serious check? on a step? after a countdown?)
and hands over to the feature functions. Every open answer carries a reprompt; Stop,
Cancel and Navigate Home end at once.
"""
from __future__ import annotations

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_request_type
from ask_sdk_model import Response

from skill.domain import ssml
from skill.domain.content import Content
from skill.domain.state import Conversation
from skill.domain.triage import Reply
from skill.handlers import serious
from skill.handlers.common import (
    GOODBYE, STEER, Answer, IntentHandler, ask, load_state, respond, tell)
from skill.handlers.countdown import count_again, countdown_answer, usual_seconds
from skill.handlers.relief import (
    NEXT_REPROMPT, current_step, first_step, next_step, previous_step)
from skill.handlers.resume import FORGET_PROMPT, FORGET_REPROMPT
from skill.handlers.settings import confirm_forget
from skill.handlers.topics import more_items

HELP = ("I can take you through relief steps one at a time, count you through a stretch, "
        "or check whether a cramp might be serious. I can also whisper, and tell you about "
        "prevention, causes, medicines and my sources. Which would you like?")
HELP_REPROMPT = "Say steps, time it, or is it serious."
NOT_UNDERSTOOD = "Sorry, I can't help with that."
NO_QUESTION = "I'm not sure what that answers."
NOTHING_TO_REPEAT = "There's nothing to repeat yet."
NOTHING_PAUSED = "There's nothing paused."
PAUSED = "Okay, I'll wait. Say resume when you're ready."
WAITING = "Okay, I'll wait."
PAUSED_REPROMPT = "Say resume when you're ready, or stop."
WAIT_FOR_NEXT = "Okay. Say next when you're ready."
NO_PROBLEM = "No problem."


def can_resume(content: Content, state: Conversation) -> bool:
    """Whether "resume" has something to go back to: an open check or the steps."""
    return serious.in_check(content, state) or state.flow == "relief"


def steer(state: Conversation, opening: str) -> Answer:
    """An answer that points back to the three things the skill does."""
    return ask(state.but(pending="none"), opening, STEER, reprompt=STEER)


class HelpIntentHandler(IntentHandler):
    intents = frozenset({"AMAZON.HelpIntent"})

    def answer(self, handler_input: HandlerInput, state: Conversation) -> Answer:
        if serious.in_check(self.content, state):
            return serious.current_question(self.content, state, explain=True)
        return ask(state.but(pending="none"), HELP, reprompt=HELP_REPROMPT)


class StopIntentHandler(IntentHandler):
    """Stop, Cancel and Navigate Home: end quietly, at once."""

    intents = frozenset({"AMAZON.StopIntent", "AMAZON.CancelIntent", "AMAZON.NavigateHomeIntent"})

    def answer(self, handler_input: HandlerInput, state: Conversation) -> Answer:
        return tell(Conversation(), "Okay.")


def unsure_answer(content: Content, state: Conversation, opening: str) -> Answer:
    """"Not sure": in the serious check, the cautious reply (the check ends with its
    cautious outcome); asked whether to forget the settings, that question again;
    anywhere else, `opening` and the usual steer."""
    if state.pending == "forget":
        return ask(state, FORGET_PROMPT, reprompt=FORGET_REPROMPT)
    if serious.in_check(content, state):
        return serious.record_reply(content, state, Reply.UNSURE)
    return steer(state, opening)


class NotSureIntentHandler(IntentHandler):
    """"Not sure", "I don't know", "maybe": a custom intent (Amazon has no built-in for
    it), answered like the built-in replies Yes and No."""

    intents = frozenset({"NotSureIntent"})

    def answer(self, handler_input: HandlerInput, state: Conversation) -> Answer:
        return unsure_answer(self.content, state, NO_PROBLEM)


class FallbackIntentHandler(IntentHandler):
    """Unrecognised speech. Inside the serious check it may well be an "I don't know" the
    model missed, so it counts as "not sure" (the cautious reading)."""

    intents = frozenset({"AMAZON.FallbackIntent"})

    def answer(self, handler_input: HandlerInput, state: Conversation) -> Answer:
        return unsure_answer(self.content, state, NOT_UNDERSTOOD)


class NextIntentHandler(IntentHandler):
    intents = frozenset({"AMAZON.NextIntent"})

    def answer(self, handler_input: HandlerInput, state: Conversation) -> Answer:
        if state.pending == "more":
            return more_items(self.content, state)
        if serious.in_check(self.content, state):
            return serious.current_question(self.content, state, serious.ANSWER_LEAD)
        return next_step(self.content, state)


class PreviousIntentHandler(IntentHandler):
    intents = frozenset({"AMAZON.PreviousIntent"})

    def answer(self, handler_input: HandlerInput, state: Conversation) -> Answer:
        if serious.in_check(self.content, state):
            return serious.current_question(self.content, state, serious.ANSWER_LEAD)
        return previous_step(self.content, state)


class StartOverIntentHandler(IntentHandler):
    intents = frozenset({"AMAZON.StartOverIntent"})

    def answer(self, handler_input: HandlerInput, state: Conversation) -> Answer:
        if serious.in_check(self.content, state):
            return serious.start_check(self.content, state)
        return first_step(self.content, state, state.muscle)


class RepeatIntentHandler(IntentHandler):
    """Say the last thing again; right after a countdown, count the same set again."""

    intents = frozenset({"AMAZON.RepeatIntent"})

    def answer(self, handler_input: HandlerInput, state: Conversation) -> Answer:
        if state.pending == "another_set":
            return count_again(self.content, state)
        if state.last_speech and not ssml.problems(ssml.speak(state.last_speech)):
            reprompt = state.last_reprompt
            if not reprompt or ssml.problems(ssml.speak(reprompt)):
                reprompt = ssml.text(STEER)
            return Answer(speech=state.last_speech, state=state, reprompt=reprompt,
                          urgent=state.last_urgent)
        if serious.in_check(self.content, state):
            return serious.current_question(self.content, state)
        if state.flow == "relief":
            return current_step(self.content, state)
        return steer(state, NOTHING_TO_REPEAT)


def yes_answer(content: Content, state: Conversation) -> Answer:
    if serious.in_check(content, state):
        return serious.record_reply(content, state, Reply.YES)
    if state.pending == "count":
        plan = content.relief_plan(state.muscle)
        if 0 <= state.step < len(plan) and plan[state.step].cue:
            return countdown_answer(content, state, usual_seconds(content, state))
        return next_step(content, state)
    if state.pending == "next":
        return next_step(content, state)
    if state.pending == "another_set":
        return count_again(content, state)
    if state.pending == "start_over":
        return first_step(content, state, state.muscle)
    if state.pending == "relief":
        return first_step(content, state, None)
    if state.pending == "more":
        return more_items(content, state)
    return steer(state, NO_QUESTION)


def no_answer(content: Content, state: Conversation) -> Answer:
    if serious.in_check(content, state):
        return serious.record_reply(content, state, Reply.NO)
    if state.pending in ("count", "another_set"):
        return ask(state.but(pending="next"), WAIT_FOR_NEXT, reprompt=NEXT_REPROMPT)
    if state.pending in ("next", "start_over", "relief", "more"):
        return tell(Conversation(), GOODBYE)
    return steer(state, NO_QUESTION)


class YesIntentHandler(IntentHandler):
    intents = frozenset({"AMAZON.YesIntent"})

    def answer(self, handler_input: HandlerInput, state: Conversation) -> Answer:
        if state.pending == "forget":
            return confirm_forget(handler_input, self.content, state, agreed=True)
        return yes_answer(self.content, state)


class NoIntentHandler(IntentHandler):
    intents = frozenset({"AMAZON.NoIntent"})

    def answer(self, handler_input: HandlerInput, state: Conversation) -> Answer:
        if state.pending == "forget":
            return confirm_forget(handler_input, self.content, state, agreed=False)
        return no_answer(self.content, state)


class PauseIntentHandler(IntentHandler):
    """Only promise "say resume" when resume has something to go back to."""

    intents = frozenset({"AMAZON.PauseIntent"})

    def answer(self, handler_input: HandlerInput, state: Conversation) -> Answer:
        if can_resume(self.content, state):
            return ask(state, PAUSED, reprompt=PAUSED_REPROMPT)
        return steer(state, WAITING)


class ResumeIntentHandler(IntentHandler):
    intents = frozenset({"AMAZON.ResumeIntent"})

    def answer(self, handler_input: HandlerInput, state: Conversation) -> Answer:
        if not can_resume(self.content, state):
            return steer(state, NOTHING_PAUSED)
        if serious.in_check(self.content, state):
            return serious.current_question(self.content, state)
        return current_step(self.content, state)


class SessionEndedRequestHandler(AbstractRequestHandler):
    """The session is over (timeout, user exit, error): nothing may be spoken."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("SessionEndedRequest")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        return handler_input.response_builder.response


class UnknownIntentHandler(AbstractRequestHandler):
    """Any intent no other handler claims (a newer model, a test tool): steer back.
    Registered last, so feature handlers added later still win."""

    def __init__(self, content: Content) -> None:
        self.content = content

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("IntentRequest")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        state = load_state(handler_input)
        if serious.in_check(self.content, state):
            answer = serious.current_question(self.content, state, serious.ANSWER_LEAD)
        else:
            answer = steer(state, NOT_UNDERSTOOD)
        return respond(handler_input, answer)
