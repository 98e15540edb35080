""""Is this serious?": a short yes/no check of the articles' warning signs.

The decision logic is `skill.domain.triage`; this module asks the questions from content
and says the result. The state holds only which question is being asked, and
`DialogState.referred` once no relief may be offered this session. An emergency result
starts with "Call your local emergency number", ends on it and ends the session. "Not
sure" to an emergency question gets that question's `unsure` line at once, then the next
question; after "not sure" to a question marked `unsure_holds_back` (a sting, bite or
contact) no relief step is offered for the rest of the session, and the check ends on its
advice alone. Everything that names the emergency number is urgent (said in the normal
voice even to a whispering user).
"""
from __future__ import annotations

from ask_sdk_core.handler_input import HandlerInput
from msgspec.structs import replace

from skill.domain import triage
from skill.domain.cards import serious_card
from skill.domain.content import Content, Question
from skill.domain.countdown import readable_seconds
from skill.domain.state import DialogState
from skill.handlers import timers
from skill.handlers.common import Answer, IntentHandler, ask, lead_in, tell


def kinds(content: Content) -> tuple[triage.Kind, ...]:
    return tuple(q.kind for q in content.serious.question)


def current(content: Content, state: DialogState) -> Question | None:
    """The question the check is on; None outside the check (or for a stale index)."""
    questions = content.serious.question
    if state.question is None or not 0 <= state.question < len(questions):
        return None
    return questions[state.question]


def ask_question(content: Content, state: DialogState, *before: str, lead: str | None = None,
                 short: bool = False, explain: bool = False) -> Answer:
    """Ask the check's current question (the first one when the state has none), after
    `before` sentences: in full, in its short form after an unclear answer, or with what
    it means first (help)."""
    index = state.question if current(content, state) is not None else 0
    question = content.serious.question[index]
    prompts = content.prompts.check
    text = question.short if short else question.text
    sentences = [*before, question.explain, text] if explain else [*before, lead_in(lead, text)]
    moved = state.but(question=index, pending="check", sources=question.sources)
    return ask(moved, *sentences, reprompt=f"{question.text} {prompts.answer_lead}.")


def start_check(content: Content, state: DialogState) -> Answer:
    fresh = state.but(flow="none", question=0, pending="check", misses=0, step=0)
    return ask_question(content, fresh, lead=content.prompts.check.opening_lead)


def reply(content: Content, state: DialogState, said: triage.Reply,
          timer: bool = False) -> Answer:
    """Take one reply to the current question; ask the next one or say the result.
    `timer`: Alexa's timers can be used, so a "no" or "not sure" to the ten-minute question
    is followed, once a session, by the offer of a ten-minute timer as a turn of its own
    (after "not sure", after the line that says when to call); the next question follows."""
    verdict = triage.answer(kinds(content), state.question or 0, said,
                            held_back=state.referred, doubted=state.doubted)
    if isinstance(verdict, triage.Ask):
        moved = state.but(question=verdict.index, misses=0)
        answered = current(content, state)
        offer = (timer and answered is not None and answered.over_minutes is not None
                 and "timer" not in state.offers)
        if verdict.unsure and answered is not None and answered.unsure:
            if offer:
                return replace(timers.offer(content, _unsure_held(moved, answered), answered.unsure),
                               urgent=True)
            return unsure_answer(content, moved, answered)
        if offer:
            return timers.offer(content, moved)
        return ask_question(content, moved)
    return result_answer(content, state, verdict.result)


def unsure_answer(content: Content, moved: DialogState, answered: Question) -> Answer:
    """"Not sure" to an emergency question: when to call the emergency number, at once and
    in the normal voice, then the next question (`moved` is on it). Nothing that offers
    massage or heat comes before the remaining questions are answered."""
    asked = ask_question(content, _unsure_held(moved, answered), answered.unsure or "")
    cited = tuple(sorted({*answered.sources, *asked.state.sources}))
    return replace(asked, state=asked.state.but(sources=cited), urgent=True)


def _unsure_held(moved: DialogState, answered: Question) -> DialogState:
    """After "not sure" to a question that holds relief back, relief stays held back."""
    return moved.but(referred=moved.referred or answered.unsure_holds_back, doubted=True,
                     sources=tuple(sorted({*moved.sources, *answered.sources})))


def duration_reply(content: Content, state: DialogState, duration: str | None,
                   timer: bool = False) -> Answer | None:
    """A length of time said to the check's question about how long the cramp has lasted
    (its `over_minutes`): a yes or a no. None when the question is about something else or
    the time was unreadable."""
    question = current(content, state)
    said = triage.duration_reply(question.over_minutes if question else None,
                                 readable_seconds(duration))
    return None if said is None else reply(content, state, said, timer=timer)


def result_answer(content: Content, state: DialogState, result: triage.CheckResult) -> Answer:
    """The end of the check. An emergency ends on the emergency line (the disclaimer stays
    on the card), other symptoms on "a doctor first", and any result while relief is held
    back this session (`referred`) on its own advice: nothing else is offered and the
    session ends. The others offer the relief steps."""
    said = content.outcome(result.value)
    referred = state.referred or triage.holds_back_relief(result)
    done = state.but(flow="none", question=None, pending="relief", misses=0,
                     sources=tuple(sorted(said.sources)), referred=referred)
    card = serious_card(content, result.value)
    if referred:
        answer = tell(done.but(pending="none"), said.text)
    else:
        prompts = content.prompts.check
        answer = ask(done, said.text, prompts.offer_relief, reprompt=prompts.offer_reprompt)
    return replace(answer, urgent=triage.is_urgent(result)).with_card(card)


class IsItSeriousIntentHandler(IntentHandler):
    intents = frozenset({"IsItSeriousIntent"})

    def answer(self, handler_input: HandlerInput, state: DialogState) -> Answer:
        return start_check(self.content, state)
