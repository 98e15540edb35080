"""Immediate relief: the first instruction at once, then one step per turn.

Launch and ReliefStepsIntent open with the first step: the stretch for the named muscle;
one that suits any muscle when the one named is unknown; the general stretch when none is.
Next/Previous/Repeat/Start over move through the same plan; the built-in handlers call
the functions here. All wording of the steps comes from content.
"""
from __future__ import annotations

from typing import Any

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_request_type
from ask_sdk_model import Response

from skill.domain.cards import relief_card
from skill.domain.content import OTHER, Content
from skill.domain.state import Conversation
from skill.handlers.common import Answer, IntentHandler, ask, lead_in, respond
from skill.preferences import load_preferences, update_preferences

UNKNOWN_MUSCLE_LEAD = "No special stretch for that one, so try this"
FIRST_STEP_LEAD = "You're at the first step"
COUNT_PROMPT = "Say time it and I'll count, or say next."
COUNT_REPROMPT = "Say time it for a countdown, or next for the next step."
NEXT_PROMPT = "Say next, or say time it to count a stretch."
NEXT_REPROMPT = "Say next for the next step, or stop."
FIRST_TIME_LEAD = "Hello, here's the first step"
FIRST_TIME_PROMPT = "Say time it and I'll count, or next; you can also say whisper, or is it serious."
RETURNING_PROMPT = "Say time it, or next."
LAST_PROMPT = "That's all the steps; want to hear them again?"
LAST_REPROMPT = "Say yes to start the steps again, or stop."


def plan_length(content: Content, state: Conversation) -> int:
    return len(content.relief_plan(state.muscle))


def step_answer(content: Content, state: Conversation, index: int, lead: str | None = None,
                count_prompt: str = COUNT_PROMPT) -> Answer:
    """Say step `index` of the plan for the state's muscle, and offer what comes next.
    The first step also sends the card with every step, to read in the morning."""
    answer = _step_answer(content, state, index, lead, count_prompt)
    if answer.state.step == 0:
        return answer.with_card(relief_card(content, answer.state.muscle))
    return answer


def _step_answer(content: Content, state: Conversation, index: int, lead: str | None,
                 count_prompt: str) -> Answer:
    muscle = content.plan_key(state.muscle)
    plan = content.relief_plan(muscle)
    index = min(max(index, 0), len(plan) - 1)
    step = plan[index]
    caution = content.caution(step.caution)
    sentences = [lead_in(lead, step.text)] + ([caution.text] if caution else [])
    cited = tuple(sorted({*step.sources, *(caution.sources if caution else ())}))
    moved = state.but(flow="relief", muscle=muscle, step=index, replies=(), sources=cited)
    if index == len(plan) - 1:
        sentences.append(content.relief.closing.text)
        cited = tuple(sorted({*moved.sources, *content.relief.closing.sources}))
        return ask(moved.but(pending="start_over", sources=cited), *sentences, LAST_PROMPT, reprompt=LAST_REPROMPT)
    if step.cue:
        return ask(moved.but(pending="count"), *sentences, count_prompt, reprompt=COUNT_REPROMPT)
    return ask(moved.but(pending="next"), *sentences, NEXT_PROMPT, reprompt=NEXT_REPROMPT)


def first_step(content: Content, state: Conversation, muscle: str | None,
               lead: str | None = None, count_prompt: str = COUNT_PROMPT) -> Answer:
    """Start the steps over for a muscle (None: the general steps, OTHER: an unknown one)."""
    return step_answer(content, state.but(muscle=muscle), 0, lead, count_prompt)


def welcome(content: Content, returning: bool) -> Answer:
    """The opening. First time: a short greeting before the first step, and hints about
    what else to say. Returning users heard those: the step comes first, the prompt is
    shorter."""
    if returning:
        return first_step(content, Conversation(), None, count_prompt=RETURNING_PROMPT)
    return first_step(content, Conversation(), None, FIRST_TIME_LEAD, FIRST_TIME_PROMPT)


def next_step(content: Content, state: Conversation) -> Answer:
    """The next step; from outside the steps, the first one; after the last, the offer
    to start again."""
    if state.flow != "relief":
        return first_step(content, state, state.muscle)
    last = plan_length(content, state) - 1
    if state.step >= last:
        return ask(state.but(pending="start_over", step=last), LAST_PROMPT, reprompt=LAST_REPROMPT)
    return step_answer(content, state, state.step + 1)


def previous_step(content: Content, state: Conversation) -> Answer:
    if state.flow != "relief" or state.step <= 0:
        return step_answer(content, state, 0, FIRST_STEP_LEAD)
    return step_answer(content, state, state.step - 1)


def current_step(content: Content, state: Conversation) -> Answer:
    return step_answer(content, state, state.step)


# -- reading the muscle slot ------------------------------------------------------------------

def slot_of(handler_input: HandlerInput, name: str) -> Any | None:
    """A slot of the current intent, or None (no intent, no slots, no such slot)."""
    request = handler_input.request_envelope.request
    intent = getattr(request, "intent", None)
    slots = getattr(intent, "slots", None) or {}
    return slots.get(name) if isinstance(slots, dict) else None


def resolved_ids(slot: Any) -> list[str]:
    """Ids of the entity-resolution matches of a slot (ER_SUCCESS_MATCH only)."""
    ids: list[str] = []
    resolutions = getattr(slot, "resolutions", None)
    for authority in getattr(resolutions, "resolutions_per_authority", None) or []:
        code = getattr(getattr(authority, "status", None), "code", None)
        if getattr(code, "value", code) != "ER_SUCCESS_MATCH":
            continue
        for wrapper in getattr(authority, "values", None) or []:
            value_id = getattr(getattr(wrapper, "value", None), "id", None)
            if isinstance(value_id, str):
                ids.append(value_id)
    return ids


def muscle_from_slot(handler_input: HandlerInput, content: Content) -> tuple[str | None, bool]:
    """(MUSCLE id, whether the user named something we don't know). Entity resolution
    first, then the raw words against the content's synonyms. A muscle named but not
    known gives OTHER (its own stretch, not the calf's); none named gives None."""
    slot = slot_of(handler_input, "muscle")
    if slot is None:
        return None, False
    for muscle_id in resolved_ids(slot):
        if content.muscle(muscle_id):
            return muscle_id, False
    heard = getattr(slot, "value", None)
    heard = heard if isinstance(heard, str) else None
    muscle = content.muscle_from_phrase(heard)
    if muscle:
        return muscle.id, False
    if heard and heard.strip():
        return OTHER, True
    return None, False


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
        return respond(handler_input, welcome(self.content, returning))


class ReliefStepsIntentHandler(IntentHandler):
    intents = frozenset({"ReliefStepsIntent"})

    def answer(self, handler_input: HandlerInput, state: Conversation) -> Answer:
        muscle, unknown = muscle_from_slot(handler_input, self.content)
        if muscle is None and state.flow == "relief":
            muscle = state.muscle
        fresh = Conversation(last_speech=state.last_speech, last_reprompt=state.last_reprompt)
        return first_step(self.content, fresh, muscle, UNKNOWN_MUSCLE_LEAD if unknown else None)
