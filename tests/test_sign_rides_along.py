"""A danger sign is never lost, whatever it rides on (issue 21): every intent of the model
that carries a SIGN slot answers the sign first; everyday words are no sign outside the
symptom itself; doubt is not denial; signs named together; the clot-risk rule's thresholds."""
from __future__ import annotations

import json

import pytest

from skill import envelopes
from skill.domain import risk, safety
from skill.settings import PROJECT_ROOT

from .conversation import Talk
from .words import CONTENT, PROMPTS

MODEL = json.loads((PROJECT_ROOT / "interaction_models" / "en-US.json").read_text("utf-8"))
INTENTS = {i["name"]: {s["name"]: s["type"] for s in i.get("slots", [])}
           for i in MODEL["interactionModel"]["languageModel"]["intents"]}
#: Every intent a person may add a health word to: read from the model, never listed by hand.
SIGN_INTENTS = sorted(name for name, slots in INTENTS.items()
                      if slots.get("sign") == "SIGN" and name not in ("SignAbsentIntent",))
SIGNS = CONTENT.index.signs
ANSWERS = CONTENT.index.sign_answers
RULE = CONTENT.red_flags.clot_risk


def sign_slot(sign_id: str | None, words: str) -> dict:
    if sign_id is None:
        return envelopes.slot("sign", words, status="ER_SUCCESS_NO_MATCH")
    return envelopes.slot("sign", words, sign_id, words, "ER_SUCCESS_MATCH",
                          authority="amzn1.er-authority.echo-sdk.skill.SIGN")


def test_the_sign_rides_on_many_intents() -> None:
    assert {"StretchTimerIntent", "HeatOrColdIntent", "HoldLengthIntent", "PainReliefIntent",
            "IsItSeriousIntent", "ReliefStepsIntent", "SymptomIntent",
            "SignUnsureIntent"} <= set(SIGN_INTENTS)


@pytest.mark.parametrize("intent", SIGN_INTENTS)
@pytest.mark.parametrize("sign_id, words, starts", [
    ("swelling", "puffy", ANSWERS["doctor"].text),
    ("limb_colour", "bluish", ANSWERS["outside"].text),
    ("fever", "a temperature", ANSWERS["doctor"].text),
    ("clot_risk", "long flight", ANSWERS["clot_risk"].text),
    (None, "greenish", ANSWERS["doctor"].text),  # a body word the table lacks
])
def test_every_intent_with_a_sign_answers_the_sign(client, intent, sign_id, words, starts) -> None:
    talk = Talk(client)
    talk.launch()
    turn = talk.intent(intent, sign=sign_slot(sign_id, words))
    assert turn.text == starts, f"{intent}: {turn.text}"
    assert turn.ended and not turn.whispered


@pytest.mark.parametrize("intent", [i for i in SIGN_INTENTS if i != "SignUnsureIntent"])
def test_an_emergency_sign_on_any_intent_is_the_emergency_line(client, intent) -> None:
    talk = Talk(client)
    talk.launch()
    turn = talk.intent(intent, sign=sign_slot("toxic_contact", "stung"))
    assert turn.text.startswith("Call your local emergency number now") and turn.ended


@pytest.mark.parametrize("intent", [i for i in SIGN_INTENTS if i not in ("SymptomIntent",)])
def test_a_long_time_without_a_number_starts_the_check_whatever_the_intent(client, intent) -> None:
    talk = Talk(client)
    talk.launch()
    turn = talk.intent(intent, sign=sign_slot("long_vague", "for ages"))
    assert turn.text.startswith(PROMPTS.check.opening_lead) and not turn.ended


# -- everyday words ------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "something cold", "a cold towel", "a hot bath", "a warm bath", "hot water bottle",
    "the temperature of the bath", "in bed", "i'm in bed", "a bit mixed up", "foggy",
    "warm blanket", "a hot shower",
])
def test_everyday_words_inside_other_words_are_no_sign(text) -> None:
    found = safety.combined(safety.signs_in(text, CONTENT.index.sign_phrase_order),
                            CONTENT.index.combinations)
    assert [s.id for s in found if safety.is_red_flag(s)] == [], text
    assert not risk.clot_risk(safety.words(text), RULE)


@pytest.mark.parametrize("text, sign_id", [
    ("cold", "limb_colour"), ("ice cold", "limb_colour"), ("warm to the touch", "warmth"),
    ("i'm confused", "confusion"), ("i don't know where i am", "confusion"),
    ("a temperature", "fever"), ("bluish", "limb_colour"), ("white and cold", "limb_colour"),
])
def test_the_phrases_that_mean_the_sign(text, sign_id) -> None:
    found = safety.strongest(safety.signs_in(text, CONTENT.index.slot_phrase_order))
    assert found is not None and found.id == sign_id


def test_a_remedy_said_with_everyday_heat_words_is_no_red_flag(client) -> None:
    talk = Talk(client)
    talk.launch()
    turn = talk.intent("PregnancyIntent", remedy=envelopes.slot("remedy", "a hot bath"))
    assert not turn.text.startswith("Call your local emergency number")
    assert "get a doctor to check" not in turn.text


# -- signs named together --------------------------------------------------------------------

@pytest.mark.parametrize("text, wins", [
    ("i fell and i can't put weight on it", "fall_serious"),
    ("i slipped and i can't get up", "fall_serious"),
    ("i fell over", "fall"),
    ("my back hurts and my leg is numb", "back_nerves"),
    ("back pain", "back_pain"),
    ("i can't get up", "cannot_move"),
])
def test_signs_named_together(text, wins) -> None:
    found = safety.combined(safety.signs_in(text, CONTENT.index.slot_phrase_order),
                            CONTENT.index.combinations)
    assert safety.strongest(found).id == wins


# -- doubt is not denial -----------------------------------------------------------------------

@pytest.mark.parametrize("sign_id, words, kind", [
    ("toxic_contact", "an insect got me", "watch"),
    ("toxic_contact", "stung", "watch"),
    ("long_cramp", "more than ten minutes", "watch"),
    ("swelling", "a bit swollen", "doctor"),
    ("numbness", "numb", "doctor"),
    ("head_knock", "hit my head", "outside"),
])
def test_unsure_about_a_sign(client, sign_id, words, kind) -> None:
    talk = Talk(client)
    talk.launch()
    turn = talk.intent("SignUnsureIntent", sign=sign_slot(sign_id, words))
    if kind == "watch":
        assert turn.text == CONTENT.outcome("watch").text and turn.ended
    else:
        assert turn.text == ANSWERS[kind].text and turn.ended
    assert not turn.whispered


def test_doubt_heard_as_a_denial_is_still_doubt(client) -> None:
    talk = Talk(client)
    talk.launch()
    turn = talk.intent("SignAbsentIntent", sign=envelopes.slot("sign", "sure if something stung",
                                                               status="ER_SUCCESS_NO_MATCH"))
    assert turn.text == CONTENT.outcome("watch").text and turn.ended


def test_a_plain_negation_is_a_no(client) -> None:
    talk = Talk(client)
    talk.launch()
    turn = talk.intent("SignAbsentIntent", sign=sign_slot("swelling", "swollen"))
    assert not turn.ended and not turn.text.startswith("Call")


@pytest.mark.parametrize("text, unsure", [
    ("i don't know if", True), ("not sure", True), ("maybe", True), ("might have", True),
    ("it isn't swollen", False), ("swollen", False), ("i think i was stung", False),
])
def test_words_of_doubt(text, unsure) -> None:
    assert safety.unsure(text) is unsure


# -- the clot-risk rule ---------------------------------------------------------------------------

@pytest.mark.parametrize("text, at_risk", [
    ("i got off a seven hour flight yesterday", True),
    ("i flew back from singapore on tuesday thirteen hours", True),
    ("we came back on the coach last week a whole day on it", True),
    ("i drove up yesterday about seven hours", True),
    ("a long haul flight", True),
    ("i drove an hour to my mum's today", False),
    ("a two hour train", False),
    ("a ten hour flight two months ago", False),
    ("i had an operation on my hip last month", True),
    ("i had my knee operation five weeks ago", True),
    ("i only got the cast off my ankle a fortnight ago", True),
    ("had my knee replaced back in twenty fifteen", False),
    ("i had an operation five months ago", False),
    ("surgery last year", False),
    ("i've been stuck in bed for four days", True),
    ("i've not been out of bed for four days", True),
    ("a week in bed", True),
    ("two days in bed", False),
    ("i'm in bed", False),
    ("bedridden", True),
    ("i sat at my desk all day", False),
    ("i fell asleep and woke up with a cramp", False),
])
def test_the_clot_risk_rule(text, at_risk) -> None:
    assert risk.clot_risk(safety.words(text), RULE) is at_risk
