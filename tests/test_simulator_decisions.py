"""How the simulator decides what it heard, rule by rule (README "Try it without a device"):
word for word, then a carrier phrase, then the closest sample, then AMAZON.FallbackIntent.

Most tables run on a small model of their own, so each rule is tested by itself whatever the
project's model says; the last ones check the project's model on the cases that started it.
"""
from __future__ import annotations

import pytest

from skill.model.generate import generate_model
from skill.simulator.number import parse_number
from skill.simulator.resolver import FALLBACK_INTENT, Resolver
from skill.simulator.session import Conversation
from skill.simulator.transport import Reply


def _intent(name: str, samples: list[str], **slots: str) -> dict:
    return {"name": name, "samples": samples,
            "slots": [{"name": slot, "type": type_} for slot, type_ in slots.items()]}


def _type(name: str, values: dict[str, list[str]]) -> dict:
    return {"name": name, "values": [{"id": value.upper().replace(" ", "_"),
                                      "name": {"value": value, "synonyms": synonyms}}
                                     for value, synonyms in values.items()]}


SMALL_MODEL = {"interactionModel": {"languageModel": {
    "invocationName": "leg cramp helper",
    "intents": [
        _intent("ReliefStepsIntent", ["my leg is cramping", "my {muscle} is cramping",
                                      "my cramp is spreading up my {muscle}",
                                      "{muscle} cramp"], muscle="MUSCLE"),
        _intent("SymptomIntent", ["{sign}", "i {sign}", "my {muscle} is {sign}",
                                  "it feels {sign}", "it's been {sign}", "is this {sign}",
                                  "my cramp is {sign}"], sign="SIGN", muscle="MUSCLE"),
        _intent("IsItSeriousIntent", ["is this serious", "is this cramp serious"]),
        _intent("CrampDurationIntent", ["it's been {duration}", "time it for {duration}",
                                        "time the stretch for {duration}",
                                        "time my {muscle} for {duration}"],
                duration="AMAZON.DURATION", muscle="MUSCLE"),
        _intent("NightsIntent", ["it happened {nights} times", "cramps {nights} nights in a row"],
                nights="AMAZON.NUMBER"),
        _intent("AMAZON.YesIntent", []),
        _intent("AMAZON.FallbackIntent", []),
    ],
    "types": [
        _type("MUSCLE", {"calf": ["calves"], "foot": ["feet"]}),
        _type("SIGN", {"swollen": ["swelling"], "fainted": ["passed out"],
                       "spreading up my leg": []}),
    ],
}}}


@pytest.fixture(scope="module")
def small() -> Resolver:
    return Resolver(SMALL_MODEL)


@pytest.fixture(scope="module")
def project() -> Resolver:
    return Resolver(generate_model())


def heard(resolution) -> tuple:
    """(intent, rule, {slot: id when listed, value of a built-in, else (value, status)})."""
    slots = {name: slot.resolved_id or (slot.value if slot.status is None
                                        else (slot.value, slot.status))
             for name, slot in resolution.slots.items()}
    return resolution.intent, resolution.rule, slots


# --- 1. word for word ------------------------------------------------------------------------

@pytest.mark.parametrize("utterance, intent", [
    ("my leg is cramping", "ReliefStepsIntent"),   # a sample without slots
    ("My leg is cramping!", "ReliefStepsIntent"),  # case and punctuation are not words
    ("is this serious", "IsItSeriousIntent"),      # although "is this {sign}" fits it too
    ("yes", "AMAZON.YesIntent"),                   # a built-in's stand-in phrase
])
def test_a_sample_said_word_for_word_comes_first(small, utterance, intent):
    resolution = small.resolve(utterance)
    assert heard(resolution) == (intent, "word for word", {})
    assert resolution.describe() == f"{intent} (word for word)"


# --- 2. carriers -----------------------------------------------------------------------------

def test_a_custom_slot_takes_unlisted_words_as_a_device_does(small):
    resolution = small.resolve("my foot is green")
    assert heard(resolution) == ("SymptomIntent", "carrier",
                                 {"muscle": "FOOT", "sign": ("green", "ER_SUCCESS_NO_MATCH")})
    assert resolution.matched == "my {muscle} is {sign}"
    assert resolution.describe() == ("SymptomIntent muscle=FOOT sign='green' (no match) "
                                     '(carrier "my {muscle} is {sign}")')


def test_unlisted_words_reach_the_skill_as_er_success_no_match(small):
    class Recording:
        sent: list = []

        def post(self, envelope: dict) -> Reply:
            self.sent.append(envelope)
            return Reply(200, {"version": "1.0", "response": {"shouldEndSession": True}}, "")

    transport = Recording()
    Conversation(small, transport).say("my foot is green")
    slots = transport.sent[0]["request"]["intent"]["slots"]
    sign = slots["sign"]["resolutions"]["resolutionsPerAuthority"][0]
    assert slots["sign"]["value"] == "green"
    assert sign["status"]["code"] == "ER_SUCCESS_NO_MATCH" and not sign.get("values")
    muscle = slots["muscle"]["resolutions"]["resolutionsPerAuthority"][0]
    assert muscle["status"]["code"] == "ER_SUCCESS_MATCH"
    assert muscle["values"][0]["value"] == {"name": "foot", "id": "FOOT"}


@pytest.mark.parametrize("utterance, expected", [
    # both carriers fit; the one whose slots are listed wins...
    ("my calf is cramping", ("ReliefStepsIntent", "carrier", {"muscle": "CALF"})),
    # ...even with fewer words of its own
    ("my cramp is spreading up my leg",
     ("SymptomIntent", "carrier", {"sign": "SPREADING_UP_MY_LEG"})),
    # both unlisted: the carrier with more words of its own
    ("my shin is cramping",
     ("ReliefStepsIntent", "carrier", {"muscle": ("shin", "ER_SUCCESS_NO_MATCH")})),
    # a built-in slot that reads its words counts as listed
    ("it's been ten minutes", ("CrampDurationIntent", "carrier", {"duration": "PT10M"})),
    ("it's been awful",
     ("SymptomIntent", "carrier", {"sign": ("awful", "ER_SUCCESS_NO_MATCH")})),
])
def test_listed_values_are_preferred_over_unlisted_ones(small, utterance, expected):
    assert heard(small.resolve(utterance)) == expected


@pytest.mark.parametrize("utterance, expected", [
    ("swollen", ("SymptomIntent", "carrier", {"sign": "SWOLLEN"})),
    ("passed out", ("SymptomIntent", "carrier", {"sign": "FAINTED"})),
    ("i passed out", ("SymptomIntent", "carrier", {"sign": "FAINTED"})),
    ("calves cramp", ("ReliefStepsIntent", "carrier", {"muscle": "CALF"})),
    # two words of its own are enough for unlisted words
    ("it feels strange",
     ("SymptomIntent", "carrier", {"sign": ("strange", "ER_SUCCESS_NO_MATCH")})),
])
def test_slot_only_samples_take_listed_values(small, utterance, expected):
    assert heard(small.resolve(utterance)) == expected


@pytest.mark.parametrize("utterance", ["banana", "i slept badly", "shin cramp", "purple"])
def test_slot_only_samples_never_take_unlisted_words(small, utterance):
    resolution = small.resolve(utterance)
    assert resolution.matched not in ("{sign}", "i {sign}", "{muscle} cramp")
    assert all(slot.status != "ER_SUCCESS_NO_MATCH" for slot in resolution.slots.values())


@pytest.mark.parametrize("utterance, expected", [
    ("time it for twenty seconds", ("CrampDurationIntent", "carrier", {"duration": "PT20S"})),
    ("time it for a minute and a half",
     ("CrampDurationIntent", "carrier", {"duration": "PT1M30S"})),
    ("it happened twenty five times", ("NightsIntent", "carrier", {"nights": "25"})),
    ("it happened 3 times", ("NightsIntent", "carrier", {"nights": "3"})),
    ("cramps seven nights in a row", ("NightsIntent", "carrier", {"nights": "7"})),
])
def test_built_in_slots_take_what_they_can_read(small, utterance, expected):
    assert heard(small.resolve(utterance)) == expected


@pytest.mark.parametrize("utterance, carrier", [
    ("time it for a while", "time it for {duration}"),
    ("it happened a few times", "it happened {nights} times"),
    ("cramps most nights in a row", "cramps {nights} nights in a row"),
])
def test_built_in_slots_never_take_words_they_cannot_read(small, utterance, carrier):
    resolution = small.resolve(utterance)
    assert resolution.rule != "carrier"
    assert not any(slot.slot_type.startswith("AMAZON.") for slot in resolution.slots.values())


@pytest.mark.parametrize("spoken, digits", [
    ("seven", "7"), ("twenty five", "25"), ("forty-two", "42"), ("12", "12"),
    ("a hundred", "100"), ("one hundred and two", "102"), ("two thousand", "2000"),
    ("zero", "0"), ("a few", None), ("three four", None), ("twenty twelve", None),
    ("a", None), ("hundred", None), ("most", None),
])
def test_spoken_numbers_become_digits(spoken, digits):
    assert parse_number(spoken) == digits


def test_words_the_model_was_taught_are_not_taken_as_an_unlisted_value(small):
    # "cramp" is a word of the samples: the closest sample (another intent) wins over
    # "is this {sign}" with sign='cramp dangerous'
    assert heard(small.resolve("is this cramp dangerous")) == (
        "IsItSeriousIntent", "close", {})
    # a listed value with more words round it: the same intent's sample, the listed value
    assert heard(small.resolve("my calf is really swollen")) == (
        "SymptomIntent", "close", {"muscle": "CALF", "sign": "SWOLLEN"})
    # the intent's own words in a slot: its sample without them
    assert heard(small.resolve("time my stretch for a minute")) == (
        "CrampDurationIntent", "close", {"duration": "PT1M"})
    assert heard(small.resolve("time my calf for a minute")) == (
        "CrampDurationIntent", "carrier", {"muscle": "CALF", "duration": "PT1M"})
    # words it never saw stay in the slot
    assert heard(small.resolve("is this contagious")) == (
        "SymptomIntent", "carrier", {"sign": ("contagious", "ER_SUCCESS_NO_MATCH")})


# --- 3. and 4. the closest sample, then Fallback -------------------------------------------

def test_no_carrier_then_the_closest_sample_then_fallback(small):
    close = small.resolve("my calf keeps cramping")
    assert heard(close) == ("ReliefStepsIntent", "close", {"muscle": "CALF"})
    assert close.describe().startswith('ReliefStepsIntent muscle=CALF (close match 0.')
    assert close.describe().endswith(' to "my {muscle} is cramping")')
    fallback = small.resolve("play some music")
    assert (fallback.intent, fallback.rule) == (FALLBACK_INTENT, "fallback")
    assert fallback.describe().startswith("AMAZON.FallbackIntent (no match; closest ")


# --- the project's model ---------------------------------------------------------------------

def test_an_unlisted_colour_after_my_foot_is_a_symptom_not_the_foot_stretch(project):
    resolution = project.resolve("my foot is turquoise")
    assert heard(resolution) == ("SymptomIntent", "carrier",
                                 {"muscle": "FOOT", "sign": ("turquoise", "ER_SUCCESS_NO_MATCH")})
    assert resolution.matched == "my {muscle} is {sign}"


@pytest.mark.parametrize("utterance", ["banana", "i banana", "tired"])
def test_the_projects_catch_all_samples_take_listed_values_only(project, utterance):
    resolution = project.resolve(utterance)
    assert all(slot.status != "ER_SUCCESS_NO_MATCH" for slot in resolution.slots.values())
