"""The interaction model: generated from one source, matching the content, passing every check."""
from __future__ import annotations

import copy
import shutil
import tomllib

import pytest

from skill.handlers import HANDLED_INTENTS
from skill.model.checks import check_manifest, check_model, invocation_name_problems
from skill.model.generate import (
    LOCALES,
    committed_model_path,
    generate_model,
    model_json_text,
)
from skill.model.manifest import build_manifest
from skill.model.package import check_project
from skill.model.source import ModelSourceError
from skill.settings import Settings

#: Answers from the articles: each needs many ways of asking.
ANSWER_INTENTS = {"ReliefStepsIntent", "StretchTimerIntent", "IsItSeriousIntent",
                  "PreventionIntent", "CausesIntent", "MedicationIntent", "SourcesIntent"}
#: The user's settings: fewer, plainer phrasings.
SETTINGS_INTENTS = {"QuietVoiceIntent", "NormalVoiceIntent", "SetHoldTimeIntent",
                    "ForgetSettingsIntent"}
#: Short replies and an emergency sign said outright: at least twenty ways each.
REPLY_INTENTS = {"NotSureIntent", "SignAbsentIntent", "CrampDurationIntent", "GoodbyeIntent",
                 "PainReliefIntent", "PregnancyIntent", "HoldLengthIntent", "HeatOrColdIntent",
                 "DoseIntent", "RemedyIntent", "ConditionIntent"}
#: Red flags and everything else said in the same breath: many shapes.
SAFETY_INTENTS = {"SymptomIntent", "SignUnsureIntent"}
#: A journey said beside a cramp (the clot-risk rule): fewer, plainer phrasings.
JOURNEY_INTENTS = {"JourneyIntent"}
#: Holes the night trial found (issue 22): a step that isn't helping, the count stopped,
#: not ready yet, "maybe", walking and standing.
TRIAL_INTENTS = {"NotHelpingIntent", "StopCountingIntent", "NotReadyIntent",
                 "WalkIntent", "StandIntent", "MaybeIntent"}
#: Alexa's own services (a ten-minute timer, a daytime reminder): plain requests.
SERVICE_INTENTS = {"TenMinuteTimerIntent", "StretchReminderIntent"}
CUSTOM_INTENTS = (ANSWER_INTENTS | SETTINGS_INTENTS | REPLY_INTENTS | SAFETY_INTENTS
                  | JOURNEY_INTENTS | SERVICE_INTENTS | TRIAL_INTENTS)
BUILTINS = {f"AMAZON.{n}Intent" for n in (
    "Help", "Stop", "Cancel", "Fallback", "NavigateHome", "Next", "Previous", "Repeat",
    "StartOver", "Yes", "No", "Pause", "Resume")}


@pytest.fixture(scope="module")
def model() -> dict:
    return generate_model()


def intents_of(model: dict) -> dict[str, dict]:
    return {i["name"]: i for i in model["interactionModel"]["languageModel"]["intents"]}


def reasons(problems) -> str:  # noqa: ANN001
    return "\n".join(str(p) for p in problems)


def test_committed_model_is_what_the_generator_writes(model):
    committed = committed_model_path().read_text(encoding="utf-8")
    assert committed == model_json_text(model), "run `python -m skill.model` and commit"


def test_model_passes_every_check(model):
    assert check_model(model, HANDLED_INTENTS) == []


def test_sources_pass_the_project_check():
    problems, _notes = check_project(Settings(), HANDLED_INTENTS)
    assert problems == [], reasons(problems)


def test_invocation_name_and_intents_are_exactly_the_specified_ones(model):
    language = model["interactionModel"]["languageModel"]
    assert language["invocationName"] == "leg cramp helper"
    assert set(intents_of(model)) == CUSTOM_INTENTS | BUILTINS


def test_slots_are_declared_as_specified(model):
    intents = intents_of(model)
    slots = {name: {s["name"]: s["type"] for s in intents[name].get("slots", [])}
             for name in CUSTOM_INTENTS}
    sign = {"sign": "SIGN"}
    assert slots == {"ReliefStepsIntent": {"muscle": "MUSCLE", "person": "PERSON", **sign},
                     "StretchTimerIntent": {"muscle": "MUSCLE", "duration": "AMAZON.DURATION",
                                            "seconds": "AMAZON.NUMBER", **sign},
                     "IsItSeriousIntent": {"muscle": "MUSCLE", **sign},
                     "PreventionIntent": {}, "CausesIntent": {}, "SourcesIntent": {},
                     "MedicationIntent": {"medicine": "MEDICINE", "condition": "CONDITION"},
                     "QuietVoiceIntent": {}, "NormalVoiceIntent": {},
                     "SetHoldTimeIntent": {"duration": "AMAZON.DURATION", "seconds": "AMAZON.NUMBER"},
                     "ForgetSettingsIntent": {}, "NotSureIntent": {},
                     "SymptomIntent": {"sign": "SIGN", "muscle": "MUSCLE"},
                     "SignAbsentIntent": {"sign": "SIGN"},
                     "SignUnsureIntent": {"sign": "SIGN", "muscle": "MUSCLE"},
                     "JourneyIntent": {"sign": "SIGN", "muscle": "MUSCLE"},
                     "CrampDurationIntent": {"duration": "AMAZON.DURATION", "muscle": "MUSCLE",
                                             **sign},
                     "GoodbyeIntent": {},
                     "PainReliefIntent": {"muscle": "MUSCLE", "person": "PERSON",
                                          "duration": "AMAZON.DURATION", **sign},
                     "HoldLengthIntent": {"muscle": "MUSCLE", **sign},
                     "PregnancyIntent": {"remedy": "REMEDY", "muscle": "MUSCLE", "person": "PERSON"},
                     "HeatOrColdIntent": {"condition": "CONDITION", "muscle": "MUSCLE",
                                          "person": "PERSON", **sign},
                     "DoseIntent": {"remedy": "REMEDY", "person": "PERSON"},
                     "RemedyIntent": {"remedy": "REMEDY"},
                     "ConditionIntent": {"condition": "CONDITION"},
                     "TenMinuteTimerIntent": {},
                     "StretchReminderIntent": {"day": "AMAZON.DATE", "time": "AMAZON.TIME"},
                     "NotHelpingIntent": {"muscle": "MUSCLE"}, "StopCountingIntent": {},
                     "NotReadyIntent": {}, "WalkIntent": {"muscle": "MUSCLE"},
                     "StandIntent": {"muscle": "MUSCLE"}, "MaybeIntent": {}}


@pytest.mark.parametrize("intent", sorted(ANSWER_INTENTS | SAFETY_INTENTS))
def test_each_answer_intent_has_at_least_thirty_samples(model, intent):
    assert len(intents_of(model)[intent]["samples"]) >= 30


@pytest.mark.parametrize("intent", sorted(SERVICE_INTENTS))
def test_each_service_intent_has_at_least_fifteen_samples(model, intent):
    assert len(intents_of(model)[intent]["samples"]) >= 15


@pytest.mark.parametrize("intent", sorted(SETTINGS_INTENTS | REPLY_INTENTS))
def test_each_settings_or_reply_intent_has_at_least_twenty_samples(model, intent):
    assert len(intents_of(model)[intent]["samples"]) >= 20


def test_slot_bearing_intents_have_slot_variants(model):
    intents = intents_of(model)
    assert any("{muscle}" in s for s in intents["ReliefStepsIntent"]["samples"])
    timer = intents["StretchTimerIntent"]["samples"]
    assert any("{duration}" in s for s in timer) and any("{muscle}" in s for s in timer)
    medication = intents["MedicationIntent"]["samples"]
    assert any("{medicine}" in s for s in medication) and any("{condition}" in s for s in medication)
    assert any("{duration}" in s for s in intents["SetHoldTimeIntent"]["samples"])


def test_muscle_values_come_from_the_content_file(model):
    content = tomllib.loads((Settings().content_dir / "muscles.toml").read_text(encoding="utf-8"))
    expected = [{"id": m["id"], "name": {"value": m["name"], "synonyms": m["synonyms"]}}
                for m in content["muscle"]]
    types = {t["name"]: t for t in model["interactionModel"]["languageModel"]["types"]}
    assert types["MUSCLE"]["values"] == expected
    assert {v["id"] for v in expected} >= {"CALF", "FOOT", "THIGH_FRONT", "THIGH_BACK"}


@pytest.mark.parametrize("slot_type, group", [("MEDICINE", "medicine"), ("CONDITION", "condition")])
def test_medicine_and_condition_values_come_from_the_content(model, slot_type, group):
    medical = tomllib.loads((Settings().content_dir / "medical.toml").read_text(encoding="utf-8"))
    expected = [{"id": m["id"], "name": {"value": m["name"], "synonyms": m["synonyms"]}}
                for m in medical[group]]
    types = {t["name"]: t for t in model["interactionModel"]["languageModel"]["types"]}
    assert types[slot_type]["values"] == expected


def test_a_content_change_reaches_the_generated_model(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(Settings().content_dir, content)
    muscles = content / "muscles.toml"
    muscles.write_text(muscles.read_text(encoding="utf-8").replace('"gastrocnemius"', '"shin"'))
    medical = content / "medical.toml"
    medical.write_text(medical.read_text(encoding="utf-8").replace('"lyrica"', '"a new brand"'))
    model = generate_model(Settings(content_dir=content))
    types = {t["name"]: {v["id"]: v["name"]["synonyms"] for v in t["values"]}
             for t in model["interactionModel"]["languageModel"]["types"]}
    assert "shin" in types["MUSCLE"]["CALF"] and "gastrocnemius" not in types["MUSCLE"]["CALF"]
    assert types["MEDICINE"]["PREGABALIN"] == ["a new brand"]


def test_broken_content_stops_the_model_build_naming_the_file(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(Settings().content_dir, content)
    content.joinpath("medical.toml").write_text('[advice]\ntext = "x"\nsources = ["001"]\n')
    with pytest.raises(ModelSourceError, match="medical.toml"):
        generate_model(Settings(content_dir=content))


# --- each rule catches what it is for -------------------------------------------------------

def mutated(model: dict, change) -> dict:  # noqa: ANN001
    copy_ = copy.deepcopy(model)
    change(intents_of(copy_), copy_["interactionModel"]["languageModel"])
    return copy_


@pytest.mark.parametrize("change, expected", [
    (lambda i, lm: i["PreventionIntent"]["samples"].append("how do i stop my {muscle} cramping"),
     "undeclared slot 'muscle'"),
    (lambda i, lm: i["ReliefStepsIntent"]["slots"][0].update(type="BODY_PART"),
     "unknown type 'BODY_PART'"),
    (lambda i, lm: i["IsItSeriousIntent"]["samples"].append("time it"),
     "appears in StretchTimerIntent and IsItSeriousIntent"),
    (lambda i, lm: i["IsItSeriousIntent"]["samples"].append("Is  this serious"),
     "appears in IsItSeriousIntent and IsItSeriousIntent"),
    (lambda i, lm: i["ReliefStepsIntent"]["samples"].append("my leg " * 40),
     "longer than 200"),
    (lambda i, lm: i["ReliefStepsIntent"]["samples"].append("is it 10 minutes?"),
     "spell numbers out"),
    (lambda i, lm: i["StretchTimerIntent"]["samples"].append("{muscle} {duration}"),
     "two slots with no words between"),
    (lambda i, lm: lm["intents"].remove(i["AMAZON.StopIntent"]),
     "required built-in AMAZON.StopIntent is missing"),
    (lambda i, lm: lm["intents"].append({"name": "WeatherIntent", "samples": ["weather"]}),
     "intent WeatherIntent has no handler"),
    (lambda i, lm: lm["intents"].remove(i["AMAZON.PauseIntent"]),
     "a handler answers AMAZON.PauseIntent, which the model does not declare"),
    (lambda i, lm: lm["types"][0]["values"][1]["name"]["synonyms"].append("calves"),
     "'calves' resolves to both CALF and FOOT"),
    (lambda i, lm: lm.update(intents="not a list"),
     "InteractionModelData cannot read it"),
])
def test_model_check_reports_each_kind_of_problem(model, change, expected):
    problems = reasons(check_model(mutated(model, change), HANDLED_INTENTS, where="m.json"))
    assert expected in problems
    assert problems.startswith("m.json")


@pytest.mark.parametrize("name, expected", [
    ("leg cramp helper", None),
    ("mom's cramp helper", None),
    ("cramps", "two or more words"),
    ("Leg Cramp Helper", "only lower-case"),
    ("leg cramp helper two", None),
    ("leg cramp helper 2", "only lower-case"),
    ("alexa cramp helper", "alexa"),
    ("open cramp helper", "open"),
    ("cramp helper skill", "skill"),
    ("tell cramp app", "app, tell"),
])
def test_invocation_name_rules(name, expected):
    problems = reasons(invocation_name_problems(name, "m"))
    if expected is None:
        assert problems == ""
    else:
        assert expected in problems


# --- manifest -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def manifest() -> dict:
    return build_manifest("https://cramp.example.com/alexa")


def test_manifest_passes_every_check(manifest, model):
    assert check_manifest(manifest, LOCALES, model) == []


def test_manifest_carries_the_disclaimer_flags_and_event_subscription(manifest):
    body = manifest["manifest"]
    for locale in LOCALES:
        info = body["publishingInformation"]["locales"][locale]
        assert "not a substitute for professional medical advice" in info["description"]
        assert "call your local emergency number" in info["description"]
        assert info["examplePhrases"][0] == "Alexa, open leg cramp helper"
    assert body["publishingInformation"]["category"] == "HEALTH_AND_FITNESS"
    assert body["privacyAndCompliance"]["usesPersonalInfo"] is False
    assert body["privacyAndCompliance"]["allowsPurchases"] is False
    assert body["events"]["subscriptions"] == [{"eventName": "SKILL_DISABLED"}]
    assert body["events"]["endpoint"] == body["apis"]["custom"]["endpoint"] == {
        "uri": "https://cramp.example.com/alexa", "sslCertificateType": "Trusted"}


def edit_manifest(manifest: dict, change) -> dict:  # noqa: ANN001
    copy_ = copy.deepcopy(manifest)
    change(copy_["manifest"], copy_["manifest"]["publishingInformation"]["locales"]["en-GB"])
    return copy_


@pytest.mark.parametrize("change, expected", [
    (lambda m, gb: gb.update(description="A cramp helper."), "lacks the health disclaimer"),
    (lambda m, gb: gb.update(examplePhrases=["Alexa, start cramp help"]),
     "first example phrase must be"),
    (lambda m, gb: gb["examplePhrases"].__setitem__(2, "Alexa, ask leg cramp helper to sing"),
     "matches no sample"),
    (lambda m, gb: m["apis"]["custom"]["endpoint"].update(uri="http://insecure.example.com"),
     "must be an https:// address"),
    (lambda m, gb: m["apis"]["custom"]["endpoint"].update(sslCertificateType="Homemade"),
     "SkillManifestEnvelope cannot read it"),
    (lambda m, gb: m["events"].update(subscriptions=[]), "lacks SKILL_DISABLED"),
    (lambda m, gb: m["privacyAndCompliance"].update(usesPersonalInfo=True),
     "usesPersonalInfo must be false"),
    (lambda m, gb: m["publishingInformation"]["locales"].pop("en-IN"),
     "differ from the interaction models'"),
    (lambda m, gb: gb.update(summary="x" * 161), "summary is longer than 160"),
])
def test_manifest_check_reports_each_kind_of_problem(manifest, model, change, expected):
    problems = reasons(check_manifest(edit_manifest(manifest, change), LOCALES, model))
    assert expected in problems
