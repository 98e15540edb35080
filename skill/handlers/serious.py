""""Is this serious?": a short yes/no check of the articles' warning signs.

The decision logic is `skill.domain.triage`; this module asks the questions from content,
records replies in the session state, and says the outcome. An emergency answer starts
with "Call your local emergency number" and ends the session.
"""
from __future__ import annotations

from dataclasses import replace

from ask_sdk_core.handler_input import HandlerInput

from skill.domain import triage
from skill.domain.cards import serious_card
from skill.domain.content import Content, Question
from skill.domain.state import Conversation
from skill.handlers.common import Answer, IntentHandler, ask, lead_in, tell

OPENING_LEAD = "A quick check, yes or no"
UNSURE_LEAD = "I'll count that as not sure"
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


def record_reply(content: Content, state: Conversation, reply: triage.Reply,
                 lead: str | None = None) -> Answer:
    """Take one reply; ask the next question or say the outcome."""
    replies = (*state.replies, reply.value)
    state = state.but(replies=replies)
    verdict = triage.evaluate(kinds(content), replies_of(state))
    if isinstance(verdict, triage.Ask):
        return question_answer(content, state, verdict.index, lead)
    return outcome_answer(content, state, verdict.outcome)


def outcome_answer(content: Content, state: Conversation, outcome: triage.Outcome) -> Answer:
    said = content.outcome(outcome.value)
    text = said.text
    disclaimer = content.serious.disclaimer.text
    cited = tuple(sorted({*said.sources, *content.serious.disclaimer.sources}))
    done = state.but(flow="none", replies=(), pending="relief", sources=cited)
    card = serious_card(content, outcome.value)
    if outcome is triage.Outcome.EMERGENCY:
        urgent = replace(tell(done.but(pending="none"), text, disclaimer), urgent=True)
        return urgent.with_card(card)
    return ask(done, text, disclaimer, OFFER_RELIEF, reprompt=OFFER_REPROMPT).with_card(card)


class IsItSeriousIntentHandler(IntentHandler):
    intents = frozenset({"IsItSeriousIntent"})

    def answer(self, handler_input: HandlerInput, state: Conversation) -> Answer:
        return start_check(self.content, state)
