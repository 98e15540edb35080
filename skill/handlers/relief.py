"""Immediate relief: the first instruction at once, then one step per turn.

Launch and ReliefStepsIntent open with the first step: the stretch for the named muscle;
one that suits any muscle when the one named is unknown; the general stretch when none is.
Someone helping a partner gets the same steps, told to them; a child's cramp gets a
doctor referral and the emergency signs (the articles are about adults), no steps.
Next/Previous/Repeat/Start over move through the same plan. All wording comes from content.
"""
from __future__ import annotations

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_request_type
from ask_sdk_model import Response
from msgspec.structs import replace

from skill.domain.cards import relief_card
from skill.domain.content import EMERGENCY_SIGNS, Content
from skill.domain.state import DialogState
from skill.handlers import slots
from skill.handlers.common import Answer, IntentHandler, ask, lead_in, respond, tell
from skill.preferences import load_preferences, update_preferences


def plan_length(content: Content, state: DialogState) -> int:
    return len(content.relief_plan(state.muscle))


def step_answer(content: Content, state: DialogState, index: int, lead: str | None = None,
                count_prompt: str | None = None, note: str | None = None) -> Answer:
    """Say step `index` of the plan for the state's muscle, and offer what comes next
    (`note`, when given, is said instead of the offer; the reprompt still offers it).
    The first step also sends the card with every step, to read in the morning."""
    answer = _step_answer(content, state, index, lead, count_prompt, note)
    step = content.relief_plan(answer.state.muscle)[answer.state.step]
    if step.first == EMERGENCY_SIGNS:  # the emergency signs are never whispered
        answer = replace(answer, urgent=True)
    if answer.state.step == 0:
        return answer.with_card(relief_card(content, answer.state.muscle))
    return answer


def _step_answer(content: Content, state: DialogState, index: int, lead: str | None,
                 count_prompt: str | None, note: str | None) -> Answer:
    prompts = content.prompts.relief
    muscle = content.plan_key(state.muscle)
    plan = content.relief_plan(muscle)
    index = min(max(index, 0), len(plan) - 1)
    step = plan[index]
    caution = content.caution(step.caution)
    sentences = [lead_in(lead, step.text)] + ([caution.text] if caution else [])
    cited = tuple(sorted({*step.sources, *(caution.sources if caution else ())}))
    moved = state.but(flow="relief", muscle=muscle, step=index, question=None, misses=0,
                      sources=cited)
    if index == len(plan) - 1:
        sentences.append(content.relief.closing.text)
        cited = tuple(sorted({*moved.sources, *content.relief.closing.sources}))
        return ask(moved.but(pending="start_over", sources=cited), *sentences,
                   note or prompts.last_prompt, reprompt=prompts.last_reprompt)
    if step.cue:
        return ask(moved.but(pending="count"), *sentences, note or count_prompt or prompts.count_prompt,
                   reprompt=prompts.count_reprompt)
    return ask(moved.but(pending="next"), *sentences, note or prompts.next_prompt,
               reprompt=prompts.next_reprompt)


def first_step(content: Content, state: DialogState, muscle: str | None,
               lead: str | None = None, count_prompt: str | None = None,
               note: str | None = None) -> Answer:
    """Start the steps over for a muscle (None: the general steps, OTHER: an unknown one)."""
    return step_answer(content, state.but(muscle=muscle), 0, lead, count_prompt, note)


def welcome(content: Content, returning: bool) -> Answer:
    """The opening. First time: a short greeting before the first step, and hints about
    what else to say. Returning users heard those: the step comes first, the prompt is
    shorter."""
    prompts = content.prompts.relief
    if returning:
        return first_step(content, DialogState(), None, count_prompt=prompts.returning_prompt)
    return first_step(content, DialogState(), None, prompts.first_time_lead,
                      prompts.first_time_prompt)


def next_step(content: Content, state: DialogState) -> Answer:
    """The next step; from outside the steps, the first one; after the last, the offer
    to start again."""
    if state.flow != "relief":
        return first_step(content, state, state.muscle)
    last = plan_length(content, state) - 1
    if state.step >= last:
        prompts = content.prompts.relief
        return ask(state.but(pending="start_over", step=last, misses=0), prompts.last_prompt,
                   reprompt=prompts.last_reprompt)
    return step_answer(content, state, state.step + 1)


def previous_step(content: Content, state: DialogState) -> Answer:
    if state.flow != "relief" or state.step <= 0:
        return step_answer(content, state, 0, content.prompts.relief.first_step_lead)
    return step_answer(content, state, state.step - 1)


def current_step(content: Content, state: DialogState) -> Answer:
    return step_answer(content, state, state.step)


def child_answer(content: Content, state: DialogState) -> Answer:
    """A child's cramp: a doctor, and the emergency signs; no steps for a child (the
    articles are about adults). Said in the normal voice: it names the emergency signs."""
    signs = content.caution(EMERGENCY_SIGNS)
    said = [content.side.child.text] + ([signs.text] if signs else [])
    cited = tuple(sorted(signs.sources)) if signs else ()
    return tell(state.but(sources=cited), *said, urgent=True)


# -- handlers ----------------------------------------------------------------------------------

class LaunchRequestHandler(AbstractRequestHandler):
    """Opening the skill: the first step at once (after a short greeting the first
    time). Remembers that the hints were heard: a preference, not health information."""

    def __init__(self, content: Content) -> None:
        self.content = content

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("LaunchRequest")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        returning = load_preferences(handler_input).heard_hints
        if not returning:
            update_preferences(handler_input, heard_hints=True)
        return respond(handler_input, welcome(self.content, returning),
                       self.content.prompts.general.steer, self.content)


class ReliefStepsIntentHandler(IntentHandler):
    intents = frozenset({"ReliefStepsIntent"})

    def answer(self, handler_input: HandlerInput, state: DialogState) -> Answer:
        fresh = state.restarted()
        person = slots.person(handler_input, self.content)
        if person is not None and person.kind == "child":
            return child_answer(self.content, fresh)
        muscle, unknown = slots.muscle(handler_input, self.content)
        if muscle is None and state.flow == "relief":
            muscle = state.muscle
        prompts = self.content.prompts.relief
        lead = prompts.partner_lead if person is not None else None
        if unknown:
            lead = prompts.unknown_muscle_lead
        return first_step(self.content, fresh, muscle, lead)
