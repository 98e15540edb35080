"""Side questions in the middle of a cramp, answered from content/side.toml, and the
goodbye when it has eased.

Each side answer is said and then the conversation carries on where it stood (the check's
question, "time it?", ...), so a side question never answers anything by itself.

What was said earlier in the session counts: a condition named ("I'm diabetic", "I'm
seven months pregnant") sets derived flags in the state (`no_heat`, `ask_midwife`), and a
child named the `child` flag; every later answer reads them (heat, pain relief, doses,
magnesium, the steps). The condition itself is never kept, logged or put on a card.
"""
from __future__ import annotations

from typing import Protocol

from ask_sdk_core.handler_input import HandlerInput
from msgspec import Struct
from msgspec.structs import replace

from skill.domain.content import EMERGENCY_SIGNS, LONG_CRAMP, Content, Remedy
from skill.domain.countdown import readable_seconds
from skill.domain.safety import cramp_too_long
from skill.domain.state import DialogState
from skill.handlers import slots
from skill.handlers.common import Answer, IntentHandler, joined, tell
from skill.handlers.dialog import carry_on
from skill.handlers.relief import child_answer, first_step, not_for_steps
from skill.handlers.safety import red_flag_answer
from skill.handlers.topics import flags_for, medical_answer


class Said(Protocol):
    """A line to say: its text and the articles behind it (a SideLine, a caution...)."""

    @property
    def text(self) -> str: ...

    @property
    def sources(self) -> tuple[str, ...]: ...


def side_answer(content: Content, state: DialogState, *lines: Said) -> Answer:
    """`lines`, cited, then the waiting question again."""
    cited = tuple(sorted({source for line in lines for source in line.sources}))
    return carry_on(content, state.but(sources=cited), *(line.text for line in lines))


class _Joined(Struct, frozen=True):
    """Two lines said as one sentence (see `joined`)."""

    text: str
    sources: tuple[str, ...]


def as_one(first: Said, second: Said) -> _Joined:
    return _Joined(joined(first.text, second.text),
                   tuple(sorted({*first.sources, *second.sources})))


def emergency_signs(content: Content) -> Said:
    """Article 001's emergency signs (relief.toml), said before a pain-relief or heat
    answer."""
    signs = content.caution(EMERGENCY_SIGNS)
    assert signs is not None  # the content check requires it
    return signs


def names_a_child(handler_input: HandlerInput, content: Content) -> bool:
    found = slots.person(handler_input, content)
    return found is not None and found.kind == "child"


def heat_answer(content: Content, state: DialogState) -> Answer:
    """The emergency signs first, then: for a session that named a condition dulling the
    sense of heat, no heat and why (never steering to ice instead); otherwise the
    can't-feel-heat caution joined to "both can help". No heat after a referral, none for
    a child."""
    instead = not_for_steps(content, state)
    if instead is not None:
        return instead
    side = content.side
    if state.no_heat:
        return side_answer(content, state, emergency_signs(content), side.no_heat)
    return side_answer(content, state, emergency_signs(content),
                       as_one(side.heat_caution, side.heat_or_cold))


def pain_relief_answer(content: Content, state: DialogState) -> Answer:
    """The emergency signs first, then 001's pain relievers; in a session that named a
    pregnancy, "ask your doctor or midwife first" instead; for a child, the child answer."""
    if state.child:
        return child_answer(content, state)
    side = content.side
    said = side.pregnancy_medicine if state.ask_midwife else side.pain_relief
    return side_answer(content, state, emergency_signs(content), said)


def dose_answer(content: Content, state: DialogState) -> Answer:
    """"How many ibuprofen can I take?": the emergency signs first, as before any
    pain-relief answer, then: the articles give no doses (editorial); in a session that
    named a pregnancy, the midwife line; for a child, the child answer."""
    if state.child:
        return child_answer(content, state)
    side = content.side
    said = side.pregnancy_medicine if state.ask_midwife else side.dose
    return side_answer(content, state, emergency_signs(content), said)


def remedy_answer(content: Content, state: DialogState, remedy: Remedy | None) -> Answer:
    """A remedy by name (side.toml [[remedy]] ids): magnesium with 003's pregnancy caution
    first; fluids with the caveat for a doctor's limit first, then the articles'
    disagreement; salt: only 004's listing; pain relief and heat: their own answers, the
    emergency signs first; stretching: the first step; anything the articles don't cover,
    or don't know: "the articles I use don't cover that". After a pregnancy this session,
    remedies the articles leave open in pregnancy are referred."""
    side = content.side
    kind = remedy.id if remedy is not None else "not_covered"
    if kind == "pain_reliever":
        return pain_relief_answer(content, state)
    if kind == "heat":
        return heat_answer(content, state)
    if kind == "stretching":
        muscle = state.muscle if state.flow == "relief" else None
        return first_step(content, state.restarted(), muscle)
    if kind == "fluids":
        return side_answer(content, state, side.fluids_limit, side.fluids)
    if state.child:
        return child_answer(content, state)
    if kind == "magnesium":
        return side_answer(content, state,
                           side.pregnancy_magnesium if state.ask_midwife else side.magnesium)
    if state.ask_midwife:
        return side_answer(content, state, side.pregnancy_other)
    if kind == "salt":
        return side_answer(content, state, side.salt)
    return side_answer(content, state, side.not_covered)


def pregnancy_steps(content: Content, state: DialogState, muscle: str | None) -> Answer:
    """"I'm pregnant and my calf is cramping": the pregnancy line leads into the first
    step, the emergency signs follow it, then "ask your doctor or midwife first"; the
    session stays open (and remembers to refer medicines)."""
    side = content.side
    answer = first_step(content, state.restarted(), muscle,
                        lead=side.pregnancy.text.rstrip("."), note=side.pregnancy_medicine.text)
    if answer.end:  # a child's cramp, or held back
        return answer
    merged = tuple(sorted({*answer.state.sources, *side.pregnancy.sources}))
    return replace(answer, state=answer.state.but(sources=merged))


class HoldLengthIntentHandler(IntentHandler):
    """"How long do I hold it?": how long to hold a stretch; after a child's cramp or a
    referral this session, no stretch advice (the child answer, or held back)."""

    intents = frozenset({"HoldLengthIntent"})

    def answer(self, handler_input: HandlerInput, state: DialogState) -> Answer:
        return not_for_steps(self.content, state) or side_answer(
            self.content, state, self.content.side.hold_length)


class HeatOrColdIntentHandler(IntentHandler):
    """"Ice or heat?": the emergency signs, then the can't-feel-heat caution with both;
    for someone who named (now or earlier this session) a condition that dulls the sense
    of heat, no heat and why."""

    intents = frozenset({"HeatOrColdIntent"})

    def answer(self, handler_input: HandlerInput, state: DialogState) -> Answer:
        found, _unlisted = slots.medical(handler_input, self.content)
        state = state.but(**flags_for(self.content, found))
        if names_a_child(handler_input, self.content):
            return child_answer(self.content, state)
        return heat_answer(self.content, state)


class PainReliefIntentHandler(IntentHandler):
    """"Can I take something for the pain?": the emergency signs first. Said with how
    long the cramp has lasted ("it's been cramping twelve minutes, can I take ibuprofen"):
    at the emergency limit, the emergency answer and nothing else."""

    intents = frozenset({"PainReliefIntent"})

    def answer(self, handler_input: HandlerInput, state: DialogState) -> Answer:
        lasted = readable_seconds(slots.heard(handler_input, "duration"))
        if cramp_too_long(lasted, self.content.index.emergency_minutes):
            return red_flag_answer(self.content, self.content.index.signs[LONG_CRAMP])
        if names_a_child(handler_input, self.content):
            return child_answer(self.content, state)
        return pain_relief_answer(self.content, state)


class DoseIntentHandler(IntentHandler):
    """"How many ibuprofen can I take?": no doses in the articles."""

    intents = frozenset({"DoseIntent"})

    def answer(self, handler_input: HandlerInput, state: DialogState) -> Answer:
        if names_a_child(handler_input, self.content):
            return child_answer(self.content, state)
        return dose_answer(self.content, state)


class RemedyIntentHandler(IntentHandler):
    """"Does magnesium help?", "should I drink water?", "what about pickle juice?"."""

    intents = frozenset({"RemedyIntent"})

    def answer(self, handler_input: HandlerInput, state: DialogState) -> Answer:
        remedy, _unknown = slots.remedy(handler_input, self.content)
        return remedy_answer(self.content, state, remedy)


class ConditionIntentHandler(IntentHandler):
    """"I'm diabetic", "I have peripheral neuropathy", "I'm on dialysis": what the
    articles' lists say, and the session's flags (no heat, ask the midwife first) for
    every later answer; never the condition itself. A pregnancy gets the pregnancy answer."""

    intents = frozenset({"ConditionIntent"})

    def answer(self, handler_input: HandlerInput, state: DialogState) -> Answer:
        found, unlisted = slots.medical(handler_input, self.content)
        state = state.but(**flags_for(self.content, found))
        condition = found.get("condition")
        if condition is not None and condition.id in self.content.side.midwife_conditions:
            if not state.in_check and state.flow != "relief":
                return pregnancy_steps(self.content, state, None)
            side = self.content.side
            return side_answer(self.content, state, side.pregnancy, side.pregnancy_medicine)
        return medical_answer(self.content, state, found, unlisted)


class PregnancyIntentHandler(IntentHandler):
    """Cramps or remedies in pregnancy: magnesium has the article's own caution; anything
    else named gets "ask your doctor or midwife first" (the articles are silent). "I'm
    pregnant and my calf is cramping", "I'm seven months pregnant", "my wife's pregnant
    and she's got cramp": the pregnancy line and the first step (during the check, the
    line and the check's question). Every later answer of the session asks for the doctor
    or midwife before any medicine."""

    intents = frozenset({"PregnancyIntent"})

    def answer(self, handler_input: HandlerInput, state: DialogState) -> Answer:
        side = self.content.side
        state = state.but(ask_midwife=True)
        remedy, unknown = slots.remedy(handler_input, self.content)
        if remedy is not None and remedy.id == "magnesium":
            return side_answer(self.content, state, side.pregnancy_magnesium)
        if remedy is not None or unknown:
            return side_answer(self.content, state, side.pregnancy_other)
        if state.in_check:
            return side_answer(self.content, state, side.pregnancy, side.pregnancy_medicine)
        muscle, _ = slots.muscle(handler_input, self.content)
        if muscle is None and state.flow == "relief":
            muscle = state.muscle
        return pregnancy_steps(self.content, state, muscle)


class GoodbyeIntentHandler(IntentHandler):
    """"It's gone", "thanks", "goodnight": a short goodbye with the after-care; the session
    ends (whispered for a whispering user, like every ordinary answer)."""

    intents = frozenset({"GoodbyeIntent"})

    def answer(self, handler_input: HandlerInput, state: DialogState) -> Answer:
        goodbye = self.content.side.goodbye
        return tell(DialogState(sources=tuple(sorted(goodbye.sources))), goodbye.text)
