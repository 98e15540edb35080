"""Side questions in the middle of a cramp, answered from content/side.toml, and the
goodbye when it has eased.

Each side answer is said and then the conversation carries on where it stood (the check's
question, "time it?", ...), so a side question never answers anything by itself.
"""
from __future__ import annotations

from ask_sdk_core.handler_input import HandlerInput

from skill.domain.content import Content, SideLine
from skill.domain.state import DialogState
from skill.handlers import slots
from skill.handlers.common import Answer, IntentHandler, tell
from skill.handlers.dialog import carry_on


def side_answer(content: Content, state: DialogState, *lines: SideLine) -> Answer:
    """`lines`, cited, then the waiting question again."""
    cited = tuple(sorted({source for line in lines for source in line.sources}))
    return carry_on(content, state.but(sources=cited), *(line.text for line in lines))


class HoldLengthIntentHandler(IntentHandler):
    """"How long do I hold it?"."""

    intents = frozenset({"HoldLengthIntent"})

    def answer(self, handler_input: HandlerInput, state: DialogState) -> Answer:
        return side_answer(self.content, state, self.content.side.hold_length)


class HeatOrColdIntentHandler(IntentHandler):
    """"Ice or heat?": the can't-feel-heat caution first, then both; for someone who named
    a condition that dulls the sense of heat, no heat and why."""

    intents = frozenset({"HeatOrColdIntent"})

    def answer(self, handler_input: HandlerInput, state: DialogState) -> Answer:
        side = self.content.side
        found, _unlisted = slots.medical(handler_input, self.content)
        named = {item.id for item in found.values()}
        if named & set(side.no_heat_conditions):
            return side_answer(self.content, state, side.no_heat)
        return side_answer(self.content, state, side.heat_caution, side.heat_or_cold)


class PainReliefIntentHandler(IntentHandler):
    """"Can I take something for the pain?"."""

    intents = frozenset({"PainReliefIntent"})

    def answer(self, handler_input: HandlerInput, state: DialogState) -> Answer:
        return side_answer(self.content, state, self.content.side.pain_relief)


class PregnancyIntentHandler(IntentHandler):
    """Cramps or remedies in pregnancy: magnesium has the article's own caution; anything
    else named gets "ask your doctor or midwife first" (the articles are silent)."""

    intents = frozenset({"PregnancyIntent"})

    def answer(self, handler_input: HandlerInput, state: DialogState) -> Answer:
        side = self.content.side
        remedy, unknown = slots.remedy(handler_input, self.content)
        if remedy is not None and remedy.id == "magnesium":
            return side_answer(self.content, state, side.pregnancy_magnesium)
        if remedy is not None or unknown:
            return side_answer(self.content, state, side.pregnancy_other)
        return side_answer(self.content, state, side.pregnancy)


class GoodbyeIntentHandler(IntentHandler):
    """"It's gone", "thanks", "goodnight": a short goodbye with the after-care; the session
    ends (whispered for a whispering user, like every ordinary answer)."""

    intents = frozenset({"GoodbyeIntent"})

    def answer(self, handler_input: HandlerInput, state: DialogState) -> Answer:
        goodbye = self.content.side.goodbye
        return tell(DialogState(sources=tuple(sorted(goodbye.sources))), goodbye.text)
