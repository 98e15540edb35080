"""Opening without the skill's name: `CanFulfillIntentRequest` (Amazon: "Implement
CanFulfillIntentRequest for Name-free Interaction").

Alexa asks, before any session, whether the skill could answer an intent with the slots it
heard. The answer is a table (`ANSWERS`): YES for what a person with a cramp at night says and
the skill does fully ("my calf is cramping", "is a leg cramp serious", "time a stretch", the
ten-minute timer, the prevention tips); MAYBE where it may only be able to say that its
articles don't cover it (a medicine or a condition); NO for what only makes sense inside the
skill (yes, next, settings) and for warning signs and symptoms, where Alexa should not send a
person to a leg cramp skill first. For each slot: understood YES for a listed value (or a
length of time the skill can read), MAYBE for other words; fulfilled YES where the skill
answers any value (an unknown muscle gets a stretch for any muscle, an unreadable length the
usual count), NO where only a listed value gets a real answer. The response has no speech
and changes nothing (no state, no preferences).
"""
from __future__ import annotations

from typing import Literal

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_request_type
from ask_sdk_model import Response
from ask_sdk_model.canfulfill import (
    CanFulfillIntent, CanFulfillIntentValues, CanFulfillSlot, CanFulfillSlotValues,
    CanUnderstandSlotValues)

from skill.domain.countdown import readable_seconds

Value = Literal["YES", "MAYBE", "NO"]

#: Intent name -> (its answer, whether a slot's value must be listed for a real answer).
ANSWERS: dict[str, tuple[Value, bool]] = {
    "ReliefStepsIntent": ("YES", False),
    "StretchTimerIntent": ("YES", False),
    "IsItSeriousIntent": ("YES", False),
    "TenMinuteTimerIntent": ("YES", False),
    "HoldLengthIntent": ("YES", False),
    "HeatOrColdIntent": ("YES", False),
    "PainReliefIntent": ("YES", False),
    "PreventionIntent": ("YES", False),
    "CausesIntent": ("YES", False),
    "StretchReminderIntent": ("YES", False),
    "MedicationIntent": ("MAYBE", True),
    "PregnancyIntent": ("MAYBE", True),
}

_DURATION_SLOTS = frozenset({"duration"})


def slot_answer(name: str, slot: object, listed_only: bool) -> CanFulfillSlot:
    """Understood and fulfilled, for one heard slot."""
    value = getattr(slot, "value", None)
    if name in _DURATION_SLOTS:
        understood: Value = "YES" if readable_seconds(value) is not None else "MAYBE"
    else:
        understood = "YES" if _matched(slot) else "MAYBE"
    # Amazon's slot canFulfill is YES or NO only.
    fulfilled = "NO" if listed_only and understood != "YES" else "YES"
    return CanFulfillSlot(can_understand=CanUnderstandSlotValues(understood),
                          can_fulfill=CanFulfillSlotValues(fulfilled))


def _matched(slot: object) -> bool:
    resolutions = getattr(getattr(slot, "resolutions", None), "resolutions_per_authority", None)
    for authority in resolutions or ():
        code = getattr(getattr(authority, "status", None), "code", None)
        if getattr(code, "value", code) == "ER_SUCCESS_MATCH":
            return True
    return False


def can_fulfill(intent_name: str | None, slots: dict) -> CanFulfillIntent:
    """The answer for an intent and the slots Alexa heard (only slots with a value)."""
    value, listed_only = ANSWERS.get(intent_name or "", ("NO", False))
    heard = {name: slot for name, slot in (slots or {}).items()
             if isinstance(getattr(slot, "value", None), str) and slot.value.strip()}
    if value == "NO":
        return CanFulfillIntent(can_fulfill=CanFulfillIntentValues.NO)
    answers = {name: slot_answer(name, slot, listed_only) for name, slot in heard.items()}
    if listed_only and heard and all(a.can_understand.value != "YES" for a in answers.values()):
        value = "MAYBE"
    elif listed_only and heard:
        value = "YES"
    return CanFulfillIntent(can_fulfill=CanFulfillIntentValues(value), slots=answers or None)


class CanFulfillIntentRequestHandler(AbstractRequestHandler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("CanFulfillIntentRequest")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        intent = getattr(handler_input.request_envelope.request, "intent", None)
        answer = can_fulfill(getattr(intent, "name", None), getattr(intent, "slots", None) or {})
        return handler_input.response_builder.set_can_fulfill_intent(answer).response
