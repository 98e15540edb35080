"""Red flags in everyday words, answered before anything else.

The signs, their tiers and their answers are content/red_flags.toml; the precedence rules
are `skill.domain.safety`. Here:
- `RedFlagFirstHandler` (registered before every feature handler) claims any request whose
  slots name a red flag, whatever the intent ("my swollen calf is cramping" heard as a
  relief request): the red flag wins over whatever else was asked in the same breath;
- SymptomIntent ("my chest feels tight", "a bee stung me", "is it a clot") gets the sign's
  answer; SignAbsentIntent ("it's not swollen") may answer the check's question "no";
- CrampDurationIntent ("it's been cramping for twenty five minutes") is an emergency at
  the limit, else the relief steps with the emergency signs spelled out.
Emergency and outside-the-articles answers start with the emergency line, end on it, are
said in the normal voice and end the session; a doctor-first answer ends the session too,
so no "yes" or "next" can lead into massage, heat or a stretch. Nothing about the sign is
kept.
"""
from __future__ import annotations

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_intent_name, is_request_type
from msgspec.structs import replace

from skill.domain import triage
from skill.domain.content import (
    CLOT_RISK, FREQUENT, LONG_CRAMP, STRONG_PAIN, UNKNOWN_SIGN_ANSWER, WANTS_HELP, Content, Sign)
from skill.domain.countdown import readable_seconds
from skill.domain.risk import clot_risk
from skill.domain.safety import (
    about_the_body, combined, cramp_too_long, is_red_flag, minutes_said, only_the_cramp, signs_in,
    strongest, unsure, words)
from skill.domain.state import DialogState
from skill.handlers import serious, slots
from skill.handlers.common import Answer, IntentHandler, ask, tell
from skill.handlers.dialog import carry_on, reask
from skill.handlers.relief import first_step

#: Slot types whose words are never read for signs (a duration is ISO 8601).
NOT_WORDS = frozenset({"duration", "seconds"})


def red_flag_answer(content: Content, sign: Sign) -> Answer:
    """The answer for an emergency, outside or doctor sign: said alone, in the normal
    voice, and the session ends (nothing about the sign is kept)."""
    said = content.sign_answer(sign)
    cited = tuple(sorted({*sign.sources, *said.sources}))
    return tell(DialogState(sources=cited), said.text or "", urgent=True)


def unknown_sign_answer(content: Content) -> Answer:
    said = content.index.sign_answers[UNKNOWN_SIGN_ANSWER]
    return tell(DialogState(sources=tuple(sorted(said.sources))), said.text or "", urgent=True)


def relief_sign_answer(content: Content, state: DialogState, sign: Sign,
                       muscle: str | None) -> Answer:
    """A sign that is part of an ordinary cramp (or strong words for one). During the check
    it is a side remark: said, then the question again. Otherwise soreness is said on its
    own, and the others lead into the first relief step or follow it (a note naming the
    emergency signs is said in the normal voice)."""
    question = serious.current(content, state)
    if state.pending == "check" and question is not None and sign.question == question.id:
        # "Yes, most nights" to "do your cramps keep coming back?": the sign the question
        # asks about, said, is a yes.
        return serious.reply(content, state, triage.Reply.YES)
    said = content.sign_answer(sign)
    caution = content.sign_note(said)
    note = caution.text if caution else said.note
    cited = {*sign.sources, *said.sources, *(caution.sources if caution else ())}
    if state.in_check or (said.text and not (said.lead or note)):
        remark = said.text or note or f"{said.lead}."
        return carry_on(content, state.but(sources=tuple(sorted(cited))), remark)
    fresh = state.restarted()
    answer = first_step(content, fresh, muscle, lead=said.lead, note=note)
    merged = tuple(sorted({*answer.state.sources, *cited}))
    return replace(answer, state=answer.state.but(sources=merged),
                   urgent=answer.urgent or caution is not None)


def sign_answer(content: Content, state: DialogState, sign: Sign, muscle: str | None) -> Answer:
    if is_red_flag(sign):
        return red_flag_answer(content, sign)
    if sign.tier == "check":
        if state.in_check:
            return serious.ask_question(content, state)
        return serious.start_check(content, state)
    return relief_sign_answer(content, state, sign, muscle)


def signs_named(handler_input: HandlerInput, content: Content) -> list[Sign]:
    """Signs named in any slot of the request: a SIGN slot (its everyday words too: "my
    foot is cold"), a sign phrase inside the words of another slot (never an everyday word
    there: "something cold" is no sign), the clot-risk rule over every slot's words, and
    the signs that the ones named mean together."""
    found: list[Sign] = []
    index = content.index
    heard_words: list[str] = []
    intent = getattr(handler_input.request_envelope.request, "intent", None)
    for name in sorted(getattr(intent, "slots", None) or {}):
        if name in NOT_WORDS:
            continue
        text = slots.heard(handler_input, name)
        heard_words += words(text)
        if name == "sign":
            sign, _unknown = slots.sign(handler_input, content)
            found += signs_in(text, index.sign_phrase_order, index.sign_phrase_starts) \
                or ([sign] if sign else [])
        else:
            found += signs_in(text, index.sign_phrase_order, index.sign_phrase_starts)
    if CLOT_RISK in index.signs and clot_risk(heard_words + journey_words(handler_input),
                                              content.red_flags.clot_risk):
        found.append(index.signs[CLOT_RISK])
    if name_of(handler_input) == "CrampDurationIntent" and cramp_too_long(
            readable_seconds(slots.heard(handler_input, "duration")), index.emergency_minutes):
        found.append(index.signs[LONG_CRAMP])
    minutes = minutes_said(heard_words)  # "locked up for like fifteen mins", in a slot's words
    if minutes is not None and cramp_too_long(minutes * 60, index.emergency_minutes):
        found.append(index.signs[LONG_CRAMP])
    return combined(found, index.combinations)


#: Intents that say what their words are about: the journey ("I drove up from Cornwall
#: yesterday, seven hours") is in the sample, not in the slot Alexa fills.
JOURNEY_INTENTS = frozenset({"JourneyIntent"})


def name_of(handler_input: HandlerInput) -> str | None:
    try:
        return get_intent_name(handler_input)
    except (AttributeError, TypeError):
        return None


def journey_words(handler_input: HandlerInput) -> list[str]:
    """The word "journey" when the intent itself says the words are about one."""
    return ["journey"] if name_of(handler_input) in JOURNEY_INTENTS else []


def unknown_symptom_answer(content: Content, state: DialogState, text: str | None,
                           muscle: str | None, beside_cramp: bool = False) -> Answer:
    """Words heard as a symptom that the table doesn't know. Only the cramp's own words:
    the steps. Words about the body (a colour, the skin, a feeling): another symptom, a
    doctor first (000). Other words said `beside_cramp` (a cramp named, or a muscle the
    model lists): they describe the cramp, the steps. Anything else ("tired", "a bit
    better"): asked about once."""
    flags = content.red_flags
    if only_the_cramp(text, flags.cramp_words):
        return first_step(content, state.restarted(), muscle)
    if about_the_body(text, flags.body_words):
        return unknown_sign_answer(content)
    if beside_cramp:
        return first_step(content, state.restarted(), muscle)
    prompts = content.prompts.symptom
    asked = state.restarted().but(pending="anything_else", muscle=muscle)
    return ask(asked, prompts.anything_else, reprompt=prompts.anything_else_reprompt)


def symptom_answer(handler_input: HandlerInput, content: Content, state: DialogState) -> Answer:
    """The answer for what a request says about symptoms, in any intent: the most urgent
    sign named; else unknown words in the SIGN slot; else the cramp itself."""
    muscle, _ = slots.muscle(handler_input, content)
    sign = strongest(signs_named(handler_input, content))
    if sign is not None:
        return sign_answer(content, state, sign, muscle)
    _known, unknown = slots.sign(handler_input, content)
    if unknown:
        return unknown_symptom_answer(content, state, slots.heard(handler_input, "sign"), muscle,
                                      beside_cramp=names_the_cramp(handler_input, content))
    if muscle is not None:  # a muscle and no sign named: the cramp itself
        return first_step(content, state.restarted(), muscle)
    return reask(content, state, content.prompts.general.fallback_emergency)


def names_the_cramp(handler_input: HandlerInput, content: Content) -> bool:
    """Whether the request names the cramp itself: a cramp word in any slot's words, or a
    muscle the model lists (an unlisted "muscle" may be any words at all)."""
    muscle, unknown_muscle = slots.muscle(handler_input, content)
    if muscle is not None and not unknown_muscle:
        return True
    names = set(content.red_flags.cramp_names)
    return any(names & set(words(slots.heard(handler_input, name)))
               for name in slots.filled(handler_input) if name not in NOT_WORDS)


#: Intents that ask for the steps: a relief-tier sign said with them gets its own lead or
#: note before the first step (`relief_sign_answer`).
LEADS_INTO_STEPS = frozenset({"ReliefStepsIntent"})

#: Intents whose SIGN slot has a meaning of its own: a sign said to be absent or unsure.
OWN_SIGN_INTENTS = frozenset({"SignAbsentIntent", "SignUnsureIntent"})


class RedFlagFirstHandler(IntentHandler):
    """Whatever the intent, a red flag in any of its slots wins; so does a long time said
    without a number (the check starts), and words in its SIGN slot that the table doesn't
    know (another symptom, or the question about it). A sign said to be absent or unsure
    is its own intent's ("it's not swollen", "I don't know if something bit me")."""

    intents = frozenset()

    def can_handle(self, handler_input: HandlerInput) -> bool:
        if not is_request_type("IntentRequest")(handler_input):
            return False
        intent = get_intent_name(handler_input)
        if intent in OWN_SIGN_INTENTS:
            return False
        sign = strongest(signs_named(handler_input, self.content))
        if sign is not None:
            # A part of an ordinary cramp said while asking for the steps leads them in;
            # cramps that keep coming back do so whatever was asked ("I get these every
            # night, what can I take": a doctor, with the steps offered).
            return is_red_flag(sign) or sign.tier == "check" or (
                sign.tier == "relief" and (intent in LEADS_INTO_STEPS or sign.id == FREQUENT))
        if intent == "SymptomIntent":
            return False
        _known, unknown = slots.sign(handler_input, self.content)
        text = slots.heard(handler_input, "sign")
        flags = self.content.red_flags
        if not unknown or only_the_cramp(text, flags.cramp_words):
            return False
        # Words about the body are another symptom; other words beside a named cramp only
        # describe it, and the intent's own handler answers.
        return about_the_body(text, flags.body_words) or not names_the_cramp(handler_input,
                                                                             self.content)

    def answer(self, handler_input: HandlerInput, state: DialogState) -> Answer:
        return symptom_answer(handler_input, self.content, state)


class SymptomIntentHandler(IntentHandler):
    """"My calf is swollen", "a bee stung me", "there's a hard knot": the sign's answer. A
    symptom the table doesn't know: see `unknown_symptom_answer`."""

    intents = frozenset({"SymptomIntent"})

    def answer(self, handler_input: HandlerInput, state: DialogState) -> Answer:
        return symptom_answer(handler_input, self.content, state)


def watch_answer(content: Content) -> Answer:
    """Unsure about an emergency sign: when to call the emergency number (the check's "not
    sure" outcome), in the normal voice, and the session ends: no relief step follows an
    unsure bite, sting or contact."""
    said = content.outcome(triage.CheckResult.WATCH.value)
    return tell(DialogState(sources=tuple(sorted(said.sources))), said.text, urgent=True)


class SignUnsureIntentHandler(IntentHandler):
    """"I don't know if something bit me", "maybe it's a bit swollen": uncertainty is not
    denial. Unsure about an emergency sign: the "not sure" answer (when to call), no relief
    step; about any other red flag: its answer (a doctor first, or the emergency referral)."""

    intents = frozenset({"SignUnsureIntent"})

    def can_handle(self, handler_input: HandlerInput) -> bool:
        # With no sign in it, it is a plain "not sure" (the waiting question's, or Amazon's).
        return super().can_handle(handler_input) and "sign" in slots.filled(handler_input)

    def answer(self, handler_input: HandlerInput, state: DialogState) -> Answer:
        sign = strongest(signs_named(handler_input, self.content))
        if sign is not None and sign.tier == "emergency":
            return watch_answer(self.content)
        return symptom_answer(handler_input, self.content, state)


class JourneyIntentHandler(IntentHandler):
    """"I drove up from Cornwall yesterday, about seven hours", "I flew back on Tuesday":
    the editorial clot-risk rule decides (a doctor first past its thresholds); short of them
    the steps, with the emergency signs spelled out. A red flag said with it wins."""

    intents = frozenset(JOURNEY_INTENTS)

    def answer(self, handler_input: HandlerInput, state: DialogState) -> Answer:
        sign = strongest(signs_named(handler_input, self.content))
        if sign is not None and sign.tier != "relief":
            return sign_answer(self.content, state, sign, None)
        muscle, _ = slots.muscle(handler_input, self.content)
        # Short of the rule's thresholds: the steps, with the emergency signs spelled out.
        return relief_sign_answer(self.content, state, self.content.index.signs[STRONG_PAIN],
                                  muscle)


class SignAbsentIntentHandler(IntentHandler):
    """"It's not swollen", "I wasn't stung": a "no" to the check's question about that
    sign; anywhere else, noted and the conversation carries on. Words of doubt in the slot
    ("not sure if stung") are not a denial: the unsure answer."""

    intents = frozenset({"SignAbsentIntent"})

    def answer(self, handler_input: HandlerInput, state: DialogState) -> Answer:
        named = signs_named(handler_input, self.content)
        if any(sign.id == CLOT_RISK for sign in named):  # the rule's numbers, not a denial
            return red_flag_answer(self.content, self.content.index.signs[CLOT_RISK])
        asked, _unknown = slots.sign(handler_input, self.content)
        if asked is not None and asked.id == WANTS_HELP:
            # "Call an ambulance, no wait, never mind": the line costs nothing, a miss a life.
            return red_flag_answer(self.content, asked)
        if unsure(slots.heard(handler_input, "sign")):
            sign = strongest(signs_named(handler_input, self.content))
            if sign is not None and sign.tier == "emergency":
                return watch_answer(self.content)
            if sign is not None and is_red_flag(sign):
                return red_flag_answer(self.content, sign)
        sign, _unknown = slots.sign(handler_input, self.content)
        question = serious.current(self.content, state)
        if sign is not None and question is not None and sign.question == question.id \
                and state.pending == "check":
            return serious.reply(self.content, state, triage.Reply.NO)
        if state.flow == "none" and state.pending in ("none", "relief"):
            # "It's not swollen, just really tight": noted, and the steps begin.
            muscle, _ = slots.muscle(handler_input, self.content)
            return first_step(self.content, state.restarted(), muscle,
                              lead=self.content.prompts.general.okay.rstrip("."))
        return carry_on(self.content, state, self.content.prompts.general.okay)


class CrampDurationIntentHandler(IntentHandler):
    """How long the cramp itself has lasted, said with a number. At the emergency limit:
    the emergency answer, no countdown. During the check's question about it: the answer.
    Otherwise the relief steps, with the emergency signs spelled out."""

    intents = frozenset({"CrampDurationIntent"})

    def answer(self, handler_input: HandlerInput, state: DialogState) -> Answer:
        duration = slots.heard(handler_input, "duration")
        seconds = readable_seconds(duration)
        if cramp_too_long(seconds, self.content.index.emergency_minutes):
            return red_flag_answer(self.content, self.content.index.signs[LONG_CRAMP])
        if state.pending == "check":
            answered = serious.duration_reply(self.content, state, duration)
            if answered is not None:
                return answered
            return reask(self.content, state)
        muscle, _ = slots.muscle(handler_input, self.content)
        strong = self.content.index.signs[STRONG_PAIN]
        return relief_sign_answer(self.content, state.but(question=None), strong, muscle)
