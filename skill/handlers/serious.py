""""Is this serious?": a short yes/no check of the articles' warning signs.

The decision logic is `skill.domain.triage`; this module asks the questions from content,
records replies in the session state, and says the outcome. An emergency answer starts
with "Call your local emergency number" and ends the session; it and the cautious
"not sure" answer are urgent (said in the normal voice even to a whispering user).
An emergency sign said outright ("the pain is unbearable") gets the emergency answer at
once, wherever the conversation stands.
"""
from __future__ import annotations

from dataclasses import replace

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_slot

from skill.domain import triage
from skill.domain.cards import serious_card
from skill.domain.content import Content, Question
from skill.domain.countdown import readable_seconds
from skill.domain.state import Conversation
from skill.handlers.common import Answer, IntentHandler, ask, lead_in, load_state, tell

OPENING_LEAD = "A quick check, yes or no"
ANSWER_LEAD = "Please answer yes, no, or not sure"
OFFER_RELIEF = "Want the relief steps now?"
OFFER_REPROMPT = "Say yes for the relief steps, or stop."


def kinds(content: Content) -> tuple[triage.Kind, ...]:
    return tuple(triage.Kind(q.kind) for q in content.serious.question)


def replies_of(state: Conversation) -> tuple[triage.Reply, ...]:
    return tuple(triage.Reply(code) for code in state.replies)


def in_check(content: Content, state: Conversation) -> bool:
    """True while a check is waiting for an answer."""
    if state.flow != "serious":
        return False
    return isinstance(triage.evaluate(kinds(content), replies_of(state)), triage.Ask)


def question_answer(content: Content, state: Conversation, index: int,
                    lead: str | None = None, explain: bool = False) -> Answer:
    """Ask question `index`; with `explain`, say what it means first (help)."""
    question = content.serious.question[index]
    if explain:
        sentences = [lead_in(lead, question.explain), question.text]
    else:
        sentences = [lead_in(lead, question.text), question.hint or ""]
    return ask(state.but(sources=question.sources), *sentences, reprompt=f"{question.text} {ANSWER_LEAD}.")


def start_check(content: Content, state: Conversation) -> Answer:
    fresh = state.but(flow="serious", replies=(), pending="none", step=0)
    return question_answer(content, fresh, 0, OPENING_LEAD)


def waiting_question(content: Content, state: Conversation) -> Question | None:
    """The question the check is waiting on; None outside a check."""
    if state.flow != "serious":
        return None
    verdict = triage.evaluate(kinds(content), replies_of(state))
    return content.serious.question[verdict.index] if isinstance(verdict, triage.Ask) else None


def current_question(content: Content, state: Conversation, lead: str | None = None,
                     explain: bool = False) -> Answer:
    verdict = triage.evaluate(kinds(content), replies_of(state))
    if isinstance(verdict, triage.Done):
        return start_check(content, state)
    return question_answer(content, state, verdict.index, lead, explain)


def record_reply(content: Content, state: Conversation, reply: triage.Reply) -> Answer:
    """Take one reply; ask the next question or say the outcome."""
    replies = (*state.replies, reply.value)
    state = state.but(replies=replies)
    verdict = triage.evaluate(kinds(content), replies_of(state))
    if isinstance(verdict, triage.Ask):
        return question_answer(content, state, verdict.index)
    return outcome_answer(content, state, verdict.outcome)


def duration_reply(content: Content, state: Conversation, duration: str | None) -> Answer:
    """A length of time said while the check waits: a yes or a no to a question about how
    long the cramp has lasted (its `over_minutes`), else the question again."""
    question = waiting_question(content, state)
    if question is None:
        return current_question(content, state)
    reply = triage.duration_reply(question.over_minutes, readable_seconds(duration))
    if reply is None:
        return current_question(content, state, ANSWER_LEAD)
    return record_reply(content, state, reply)


def outcome_answer(content: Content, state: Conversation, outcome: triage.Outcome) -> Answer:
    said = content.outcome(outcome.value)
    text = said.text
    disclaimer = content.serious.disclaimer.text
    cited = tuple(sorted({*said.sources, *content.serious.disclaimer.sources}))
    done = state.but(flow="none", replies=(), pending="relief", sources=cited)
    card = serious_card(content, outcome.value)
    if outcome is triage.Outcome.EMERGENCY:
        answer = tell(done.but(pending="none"), text, disclaimer)
    else:
        answer = ask(done, text, disclaimer, OFFER_RELIEF, reprompt=OFFER_REPROMPT)
    return replace(answer, urgent=triage.is_urgent(outcome)).with_card(card)


class IsItSeriousIntentHandler(IntentHandler):
    intents = frozenset({"IsItSeriousIntent"})

    def answer(self, handler_input: HandlerInput, state: Conversation) -> Answer:
        return start_check(self.content, state)


class EmergencySignIntentHandler(IntentHandler):
    """"The pain is unbearable", "it's been more than ten minutes": no questions, the
    emergency answer at once, wherever the conversation stands."""

    intents = frozenset({"EmergencySignIntent"})

    def answer(self, handler_input: HandlerInput, state: Conversation) -> Answer:
        return outcome_answer(self.content, state, triage.Outcome.EMERGENCY)


def said_duration(handler_input: HandlerInput) -> str | None:
    """The `duration` slot's value, when the intent has one filled."""
    slot = get_slot(handler_input, "duration")
    value = getattr(slot, "value", None)
    return value if isinstance(value, str) and value.strip() else None


class DurationReplyHandler(IntentHandler):
    """While the check waits for an answer, "fifteen minutes" or "about five minutes" is
    that answer, not a countdown or a new hold time. Alexa hears it as StretchTimerIntent
    or SetHoldTimeIntent (their "{duration}" samples), so this handler is registered
    before theirs and only claims a request carrying a duration during the check."""

    intents = frozenset({"StretchTimerIntent", "SetHoldTimeIntent"})

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return (super().can_handle(handler_input) and said_duration(handler_input) is not None
                and in_check(self.content, load_state(handler_input)))

    def answer(self, handler_input: HandlerInput, state: Conversation) -> Answer:
        return duration_reply(self.content, state, said_duration(handler_input))
