"""Immediate relief: the first instruction at once, then one step per turn.

Launch and ReliefStepsIntent open with the first step: the stretch for the named muscle;
one that suits any muscle when the one named is unknown; the general stretch when none is.
Someone helping a partner gets the same steps, told to them; a child's cramp gets a
doctor referral and the emergency signs (the articles are about adults), no steps.
Next/Previous/Repeat/Start over move through the same plan. All wording comes from content.

What was said earlier in the session counts (DialogState's derived flags): the emergency
signs after the first step once a session; no heat at the heat step for `no_heat`; the
midwife line at the pain-reliever step for `ask_midwife`; the child answer for `child`;
the held-back line instead of any step for `referred`.
"""
from __future__ import annotations

from typing import Literal

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_request_type
from ask_sdk_model import Response
from msgspec.structs import replace

from skill.domain.cards import relief_card
from skill.domain.content import EMERGENCY_SIGNS, Content
from skill.domain.people import names_a_child
from skill.domain.state import DialogState
from skill.handlers import slots
from skill.handlers.common import Answer, IntentHandler, ask, joined, lead_in, respond, tell
from skill.handlers.dialog import carry_on
from skill.preferences import load_preferences, update_preferences


#: Where the emergency signs go in a first step: after it (once a session), before it
#: (strong pain, a stated length under the limit), or not at all.
SignsPlace = Literal["after", "first", "none"]


def plan_length(content: Content, state: DialogState) -> int:
    return len(content.relief_plan(state.muscle))


def step_answer(content: Content, state: DialogState, index: int, lead: str | None = None,
                count_prompt: str | None = None, note: str | None = None,
                signs: SignsPlace = "none") -> Answer:
    """Say step `index` of the plan for the state's muscle, and offer what comes next
    (`note`, when given, is said instead of the offer; the reprompt still offers it).
    `signs` puts article 001's emergency signs after the step (joined to its caution) or
    before it (the step's caution then joined to the step). The first step also sends the
    card with every step, to read in the morning. A step that opens on the emergency signs
    is said in the normal voice; signs said after a step keep the normal voice on their
    own (the quiet-voice interceptor leaves every emergency referral unwhispered)."""
    answer = _step_answer(content, state, index, lead, count_prompt, note, signs)
    step = content.relief_plan(answer.state.muscle)[answer.state.step]
    if step.first == EMERGENCY_SIGNS or signs == "first":  # the signs are never whispered
        answer = replace(answer, urgent=True)
    if answer.state.step == 0:
        return answer.with_card(relief_card(content, answer.state.muscle))
    return answer


def _step_answer(content: Content, state: DialogState, index: int, lead: str | None,
                 count_prompt: str | None, note: str | None, signs: SignsPlace) -> Answer:
    prompts = content.prompts.relief
    muscle = content.plan_key(state.muscle)
    plan = content.relief_plan(muscle)
    index = min(max(index, 0), len(plan) - 1)
    step = plan[index]
    text, step_sources = content.step_said(step, no_heat=state.no_heat,
                                           ask_midwife=state.ask_midwife)
    caution = content.caution(step.caution)
    warning = content.caution(EMERGENCY_SIGNS) if signs != "none" else None
    if warning is not None and signs == "first":
        sentences = [warning.text, lead_in(lead, joined(text, caution.text) if caution else text)]
    elif warning is not None:
        sentences = [lead_in(lead, text), joined(caution.text, warning.text) if caution
                     else warning.text]
    else:
        sentences = [lead_in(lead, text)] + ([caution.text] if caution else [])
    cited = tuple(sorted({*step_sources, *(caution.sources if caution else ()),
                          *(warning.sources if warning else ())}))
    moved = state.but(flow="relief", muscle=muscle, step=index, question=None, misses=0,
                      sources=cited, signs_said=state.signs_said or warning is not None)
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


def held_back(content: Content, state: DialogState) -> Answer:
    """After a referral (or an unsure emergency sign) this session: no massage, heat or
    stretch, only the held-back line (editorial, side.toml `held_back`), in the normal
    voice. During the check its question follows (the remaining questions still count);
    otherwise the session ends, as after every doctor-first answer."""
    line = content.side.held_back.text
    if state.in_check:
        return replace(carry_on(content, state.but(sources=()), line), urgent=True)
    return tell(state.but(flow="none", pending="none", question=None, sources=()), line,
                urgent=True)


def not_for_steps(content: Content, state: DialogState) -> Answer | None:
    """The answer instead of any relief step when this session rules the steps out: a
    child's cramp (the child answer), or a referral (held back); None otherwise."""
    if state.child:
        return child_answer(content, state)
    if state.referred:
        return held_back(content, state)
    return None


def step_index(content: Content, muscle: str | None, step_id: str) -> int:
    """Where the [[step]] `step_id` is in a muscle's plan. Raises ValueError for an id that
    is not a step (a programming error: the content check requires the ids the code
    names)."""
    plan = content.relief_plan(content.plan_key(muscle))
    for index, step in enumerate(plan):
        if step.id == step_id:
            return index
    raise ValueError(f"no relief step with id {step_id!r}")


def first_step(content: Content, state: DialogState, muscle: str | None,
               lead: str | None = None, count_prompt: str | None = None,
               note: str | None = None, *, signs_first: bool = False,
               start_at: str | None = None) -> Answer:
    """Start the steps over for a muscle (None: the general steps, OTHER: an unknown one).

    - `signs_first`: the emergency signs (relief.toml `emergency_signs`) are said before
      the step, the step's caution joined to it (strong pain, a stated length under the
      limit). A `note` that is the signs themselves means the same (the signs are never
      said after the instruction they limit). Otherwise they are said after the step,
      joined to its caution, once a session (`DialogState.signs_said`).
    - `start_at`: a [[step]] id to begin at instead of the stretch, e.g. "massage" for
      "I can't straighten my leg" (a straight-leg stretch would not do); the card is sent
      all the same.
    - A child's cramp gets the child answer and a referral this session the held-back
      line, never a step (`not_for_steps`).
    Raises ValueError for a `start_at` that is no step."""
    instead = not_for_steps(content, state)
    if instead is not None:
        return instead
    warning = content.caution(EMERGENCY_SIGNS)
    if warning is not None and note == warning.text:  # the signs as a note: said first
        signs_first, note = True, None
    signs: SignsPlace = "first" if signs_first else ("none" if state.signs_said else "after")
    begin = state.but(muscle=muscle)
    index = 0 if start_at is None else step_index(content, muscle, start_at)
    answer = step_answer(content, begin, index, lead, count_prompt, note, signs)
    if index != 0:
        answer = answer.with_card(relief_card(content, answer.state.muscle))
    return answer


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
    instead = not_for_steps(content, state)
    if instead is not None:
        return instead
    if state.flow != "relief":
        return first_step(content, state, state.muscle)
    last = plan_length(content, state) - 1
    if state.step >= last:
        prompts = content.prompts.relief
        return ask(state.but(pending="start_over", step=last, misses=0), prompts.last_prompt,
                   reprompt=prompts.last_reprompt)
    return step_answer(content, state, state.step + 1)


def not_helping(content: Content, state: DialogState, muscle: str | None) -> Answer:
    """"It isn't helping", "still cramping": the next different step, with the emergency
    signs after it; before any step, the step after the stretch (the one they tried);
    after the last, the signs and when to see a doctor, then the offer to start again.
    Never back to a step already said, so two steps never loop."""
    instead = not_for_steps(content, state)
    if instead is not None:
        return instead
    if state.flow != "relief":
        begin = state.but(muscle=muscle or state.muscle)
        return step_answer(content, begin, 1 if plan_length(content, begin) > 1 else 0,
                           signs="after")
    last = plan_length(content, state) - 1
    if state.step < last:
        return step_answer(content, state, state.step + 1, signs="after")
    warning = content.caution(EMERGENCY_SIGNS)
    ending = content.relief.not_easing
    said = [ending.text] + ([warning.text] if warning else [])
    cited = tuple(sorted({*ending.sources, *(warning.sources if warning else ())}))
    prompts = content.prompts.relief
    return ask(state.but(pending="start_over", step=last, misses=0, sources=cited), *said,
               prompts.last_prompt, reprompt=prompts.last_reprompt).urgently()


def previous_step(content: Content, state: DialogState) -> Answer:
    instead = not_for_steps(content, state)
    if instead is not None:
        return instead
    if state.flow != "relief" or state.step <= 0:
        return step_answer(content, state, 0, content.prompts.relief.first_step_lead)
    return step_answer(content, state, state.step - 1)


def current_step(content: Content, state: DialogState) -> Answer:
    instead = not_for_steps(content, state)
    if instead is not None:
        return instead
    return step_answer(content, state, state.step)


def child_answer(content: Content, state: DialogState) -> Answer:
    """A child's cramp: a doctor, and the emergency signs; no steps for a child (the
    articles are about adults). Said in the normal voice: it names the emergency signs.
    The session's `child` flag is set and the session stays open with a question that
    suggests no steps, so a later "what stretch do I do with her?" or "can he have
    ibuprofen?" gets this answer again (during the check, its question follows)."""
    signs = content.caution(EMERGENCY_SIGNS)
    said = [content.side.child.text] + ([signs.text] if signs else [])
    cited = tuple(sorted(signs.sources)) if signs else ()
    marked = state.but(sources=cited, child=True, misses=0)
    if state.in_check:
        return replace(carry_on(content, marked, *said), urgent=True)
    prompts = content.prompts.general
    return ask(marked.but(flow="none", pending="none"), *said, prompts.anything_else,
               reprompt=prompts.anything_else_reprompt).urgently()


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


#: Slot types whose words never name a person (a duration is ISO 8601, a date or time too).
NOT_PEOPLE = frozenset({"duration", "seconds", "day", "time"})


class ChildFirstHandler(IntentHandler):
    """Whatever the intent, a child named in any of its slots ("my son", "my eight year
    old", "my granddaughter's five", heard as a muscle, a sign or a person) gets the child
    answer: the articles are about adults. Registered after the red-flag handler, so a
    child's emergency sign is still answered first."""

    intents = frozenset()

    def __init__(self, content: Content) -> None:
        super().__init__(content)
        self.child_words = tuple(word for person in content.side.person
                                 if person.kind == "child"
                                 for word in (person.name, *person.synonyms))

    def can_handle(self, handler_input: HandlerInput) -> bool:
        if not is_request_type("IntentRequest")(handler_input):
            return False
        return any(names_a_child(slots.heard(handler_input, name), self.child_words)
                   for name in slots.filled(handler_input) if name not in NOT_PEOPLE)

    def answer(self, handler_input: HandlerInput, state: DialogState) -> Answer:
        return child_answer(self.content, state.restarted() if not state.in_check else state)


class NotHelpingIntentHandler(IntentHandler):
    """"It isn't helping", "still cramping", "nothing works": see `not_helping`."""

    intents = frozenset({"NotHelpingIntent"})

    def answer(self, handler_input: HandlerInput, state: DialogState) -> Answer:
        muscle, _unknown = slots.muscle(handler_input, self.content)
        return not_helping(self.content, state, muscle)


class WalkIntentHandler(IntentHandler):
    """"Should I get up and walk around?": the walking step (001), then on from there."""

    intents = frozenset({"WalkIntent"})
    step_id = "walk"

    def answer(self, handler_input: HandlerInput, state: DialogState) -> Answer:
        muscle, _unknown = slots.muscle(handler_input, self.content)
        return first_step(self.content, state.restarted(), muscle or state.muscle,
                          start_at=self.step_id)


class StandIntentHandler(WalkIntentHandler):
    """"Should I stand on it?": the standing step (001), then on from there."""

    intents = frozenset({"StandIntent"})
    step_id = "stand"


#: Waiting questions whose "yes" goes on from where the user was (the count, another set,
#: the next step), so "are you ready now?" can keep them.
READY_GOES_ON = frozenset({"count", "next", "another_set"})


class NotReadyIntentHandler(IntentHandler):
    """"Wait, I'm not ready": the place is kept. In the steps, "say next when you're
    ready"; elsewhere the waiting question again. Unlike a pause, the session stays open."""

    intents = frozenset({"NotReadyIntent"})

    def answer(self, handler_input: HandlerInput, state: DialogState) -> Answer:
        prompts = self.content.prompts.relief
        if state.flow == "relief" and not state.in_check:
            # A yes goes on where they were: the count it offered, or the next step.
            waiting = state.pending if state.pending in READY_GOES_ON else "next"
            return ask(state.but(pending=waiting, misses=0), prompts.not_ready,
                       reprompt=prompts.not_ready_reprompt)
        return carry_on(self.content, state, self.content.prompts.general.okay)


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
