"""Reading slots: the one place that knows how Alexa fills them.

Custom types are read by entity resolution first (ER_SUCCESS_MATCH ids, the value ids of
the model, which come from content), then by the heard words against the content's own
phrases; anything else is "named but unknown", never a near guess. Uses the SDK's
`get_slot` and tolerates requests without an intent or slots (a test tool, a tampered
request).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_slot

from skill.domain.content import OTHER, Content, Named, Person, Remedy, Sign
from skill.domain.safety import slot_signs, strongest

T = TypeVar("T")


def slot_of(handler_input: HandlerInput, name: str) -> Any | None:
    """A slot of the current intent, or None (no intent, no slots, no such slot)."""
    try:
        return get_slot(handler_input, name)
    except (AttributeError, TypeError, KeyError):
        return None


def heard(handler_input: HandlerInput, name: str) -> str | None:
    """The words a slot was filled with, or None when it is empty."""
    value = getattr(slot_of(handler_input, name), "value", None)
    return value if isinstance(value, str) and value.strip() else None


def hold_length(handler_input: HandlerInput) -> str | None:
    """A hold asked for, as ISO 8601: the duration slot, else a bare number of seconds
    (AMAZON.NUMBER `seconds`: "count to fifteen" is PT15S); None when neither was said."""
    duration = heard(handler_input, "duration")
    if duration is not None:
        return duration
    number = heard(handler_input, "seconds")
    return f"PT{number.strip()}S" if number is not None and number.strip().isdigit() else None


def filled(handler_input: HandlerInput) -> frozenset[str]:
    """Names of the slots the request filled."""
    intent = getattr(handler_input.request_envelope.request, "intent", None)
    slots = getattr(intent, "slots", None) or {}
    if not isinstance(slots, dict):
        return frozenset()
    return frozenset(name for name in slots if heard(handler_input, name))


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


def entity(handler_input: HandlerInput, name: str, by_id: Callable[[str], T | None],
           by_phrase: Callable[[str | None], T | None]) -> tuple[T | None, bool]:
    """(the entity a slot names, whether it named something unknown)."""
    slot = slot_of(handler_input, name)
    if slot is None:
        return None, False
    for value_id in resolved_ids(slot):
        found = by_id(value_id)
        if found is not None:
            return found, False
    words = heard(handler_input, name)
    found = by_phrase(words)
    return found, found is None and words is not None


def muscle(handler_input: HandlerInput, content: Content) -> tuple[str | None, bool]:
    """(MUSCLE id, whether the user named something we don't know). A muscle named but
    not known gives OTHER (its own stretch, not the calf's); none named gives None."""
    found, unknown = entity(handler_input, "muscle", content.muscle, content.muscle_from_phrase)
    if found is not None:
        return found.id, False
    if unknown and content.names_whole_leg(heard(handler_input, "muscle")):
        return None, False
    return (OTHER, True) if unknown else (None, False)


def medical(handler_input: HandlerInput, content: Content) -> tuple[dict[str, Named], bool]:
    """(listed medicines and conditions named, by kind; whether something unlisted was
    named). Each slot's words are looked up in both lists, whichever slot carries them
    ("I'm on dialysis" fills the medicine slot with a listed condition)."""
    found: dict[str, Named] = {}
    unlisted = False
    for slot_kind in ("medicine", "condition"):
        match, unknown = entity(handler_input, slot_kind,
                                lambda value_id, k=slot_kind: content.find_medical_id(value_id, k),
                                lambda words, k=slot_kind: content.find_medical(words, k))
        if match is not None:
            kind, item = match
            found.setdefault(kind, item)
        unlisted = unlisted or unknown
    return found, unlisted


def sign(handler_input: HandlerInput, content: Content) -> tuple[Sign | None, bool]:
    """(the sign a SIGN slot names, whether it named something the table doesn't know).
    Words that hold several phrases ("red and swollen") give the most urgent sign."""
    found, unknown = entity(handler_input, "sign", content.sign, content.sign_from_phrase)
    if found is not None:
        return found, False
    if unknown:
        index = content.index
        inside = strongest(slot_signs(heard(handler_input, "sign"), index.sign_phrase_order,
                                      index.sign_phrase_starts, index.sign_phrases))
        return inside, inside is None
    return None, False


def person(handler_input: HandlerInput, content: Content) -> Person | None:
    found, _unknown = entity(handler_input, "person", content.person, content.person_from_phrase)
    return found


def remedy(handler_input: HandlerInput, content: Content) -> tuple[Remedy | None, bool]:
    return entity(handler_input, "remedy", lambda value_id: content.remedy(value_id),
                  content.remedy_from_phrase)
