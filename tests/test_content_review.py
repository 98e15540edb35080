"""The medical content review, item by item: each fact, the article(s) it cites, and the
order where order matters (a caution before the instruction it limits, emergency first).

Plain tables over the content, then a few turns through the web host where the order or
the wording is only visible in what the skill says.
"""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from skill import envelopes
from skill.app import create_app
from skill.domain import cards
from skill.domain.content import EMERGENCY_SIGNS, Editorial, load_content, sourced_items
from skill.domain.state import KEY
from skill.settings import PROJECT_ROOT, Settings

from .conversation import Talk

CONTENT = load_content(PROJECT_ROOT / "content")
STEPS = {step.id: step for step in CONTENT.relief.step}
PLAN = {step.id: step for step in CONTENT.relief_plan(None)}
STRETCHES = {stretch.muscle: stretch for stretch in CONTENT.relief.stretch}
TIPS = {tip.id: tip for tip in CONTENT.prevention.tip}
CAUSES = {cause.id: cause for cause in CONTENT.causes.cause}
README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
RELIEF_TOML = (PROJECT_ROOT / "content" / "relief.toml").read_text(encoding="utf-8")


def _section(text: str, heading: str) -> str:
    start = text.index(heading)
    end = text.find("\n## ", start + len(heading))
    return text[start:end if end != -1 else len(text)]


CONTENT_SECTION = _section(README, "## Content and medical safety")


def _before(text: str, first: str, then: str) -> bool:
    """`first` is in `text`, and comes before `then`."""
    return first in text and then in text and text.index(first) < text.index(then)


# -- 1. heat: the can't-feel-heat caution first, for every kind of heat -----------------------

HEAT_CAUTION = CONTENT.caution(STEPS["heat"].first)


@pytest.mark.parametrize("fact", ["diabetes", "spinal cord injury", "feeling heat", "use heat"])
def test_the_heat_caution_covers_every_heat_and_names_003s_cases(fact) -> None:
    assert fact in HEAT_CAUTION.text
    # it is about heat as such, not only the heating pad
    assert "heating pad" not in HEAT_CAUTION.text
    assert HEAT_CAUTION.sources == ("003",)


@pytest.mark.parametrize("heat", ["warm damp towel", "hot water bottle", "heating pad on its lowest setting",
                                  "warm bath or shower"])
def test_the_caution_comes_before_every_heat_said_and_shown(heat) -> None:
    spoken = PLAN["heat"].text
    assert spoken.startswith(HEAT_CAUTION.text)
    assert _before(spoken, HEAT_CAUTION.text, heat)
    card = cards.relief_card(CONTENT, None).text
    assert _before(card, HEAT_CAUTION.text, heat)
    assert STEPS["heat"].caution is None  # nothing about heat is said after the step
    assert {"001", "003"} <= set(PLAN["heat"].sources)


# -- 2. the emergency signs beside the relief steps ------------------------------------------

SIGNS = CONTENT.caution(EMERGENCY_SIGNS)


@pytest.mark.parametrize("sign", ["ten minutes", "unbearable", "poisonous", "infectious"])
def test_the_emergency_line_holds_001s_signs(sign) -> None:
    assert SIGNS.text.startswith("Call your local emergency number")
    assert sign in SIGNS.text
    assert SIGNS.sources == ("001",)


@pytest.mark.parametrize("muscle", [None, "CALF", "FOOT", "THIGH_FRONT", "THIGH_BACK", "THIGH", "OTHER"])
def test_the_emergency_line_tops_the_relief_card_and_is_said_once_in_the_steps(muscle) -> None:
    card = cards.relief_card(CONTENT, muscle)
    assert card.text.startswith(SIGNS.text)
    assert card.text.count(SIGNS.text) == 1
    plan = CONTENT.relief_plan(muscle)
    saying = [step.id for step in plan if SIGNS.text in step.text]
    assert saying == ["pain_reliever"]
    # the first words of that step, before anything more is tried
    assert PLAN["pain_reliever"].text.startswith(SIGNS.text)
    assert "001" in PLAN["pain_reliever"].sources


# -- 3. pain relievers: what 001 says ----------------------------------------------------------

@pytest.mark.parametrize("said, present", [
    ("ibuprofen", True), ("acetaminophen", True), ("very uncomfortable", True),
    ("naproxen", False), ("over-the-counter pain reliever may help", False),
    ("mg", False), ("dose", False), ("tablet", False)])
def test_the_pain_relief_step_names_001s_two_relievers_only(said, present) -> None:
    text = STEPS["pain_reliever"].text
    assert (re.search(rf"\b{re.escape(said)}\b", text) is not None) == present
    assert not re.search(r"\d", text)
    assert STEPS["pain_reliever"].sources == ("001",)


# -- 4. the foot stretch: toes back and side to side, never up and down ----------------------

@pytest.mark.parametrize("said, present", [
    ("toes back toward your shin", True), ("side to side", True),
    ("rock", False), ("up and down", False)])
def test_the_foot_stretch_never_points_the_toes(said, present) -> None:
    foot = STRETCHES["FOOT"]
    assert (said in foot.text) == present
    assert foot.caution == "no_pointed_toes"
    assert foot.sources == ("001",)


# -- 5. standing and walking: "if you can" ---------------------------------------------------

@pytest.mark.parametrize("step_id, sources", [("stand", {"001", "003", "004"}),
                                              ("walk", {"000", "001", "003"})])
def test_standing_and_walking_are_offered_if_you_can(step_id, sources) -> None:
    assert STEPS[step_id].text.startswith("If you can, ")
    assert set(STEPS[step_id].sources) == sources


# -- 6. pregnancy and magnesium: the caution first, 003's qualifier stays ---------------------

@pytest.mark.parametrize("first, then", [
    ("If you are pregnant, ask your doctor", "magnesium-rich foods"),
    ("not linked to a more serious condition", "may help"),
    ("regular cramps", "nuts and seeds")])
def test_the_pregnancy_caution_comes_before_the_magnesium_suggestion(first, then) -> None:
    tip = TIPS["magnesium"]
    assert _before(tip.text, first, then)
    assert tip.text.startswith("If you are pregnant")
    assert tip.sources == ("003",)


# -- fidelity: each item cites the article(s) that say it -----------------------------------

@pytest.mark.parametrize("item, sources", [
    (CONTENT.countdown.long_cramp, {"001"}),
    (CONTENT.countdown, {"002", "004"}),
    (STRETCHES["THIGH_FRONT"], {"002"}),
    (STRETCHES["THIGH_BACK"], {"001"}),
    (STRETCHES["THIGH"], {"001", "002"}),
    (TIPS["keep_stretching"], {"000", "004"}),
    (CAUSES["electrolytes"], {"001", "003", "004"}),
    (CAUSES["age"], {"001", "003"}),
    (CAUSES["often_unknown"], {"001", "004"}),
    (CONTENT.relief.closing, {"000", "004"}),
    (CONTENT.index.sign_answers["soreness"], {"001", "004"}),
    (STEPS["elevate"], {"001", "004"}),
])
def test_each_item_cites_the_articles_that_say_it(item, sources) -> None:
    assert set(item.sources) == sources


@pytest.mark.parametrize("item, said", [
    (CONTENT.countdown.long_cramp, "ten minutes"),
    (STRETCHES["THIGH_FRONT"], "pull your foot back toward your buttocks"),
    (STRETCHES["THIGH_BACK"], "leg straight and gently pull your toes up toward your shin"),
    (TIPS["keep_stretching"], "sitting on the floor and reaching for your toes"),
    (CAUSES["electrolytes"], "sodium, potassium or magnesium"),
    (CAUSES["age"], "65 and older"),
    (CAUSES["often_unknown"], "Sometimes nobody knows why"),
    (CONTENT.index.sign_answers["soreness"], "sore for hours"),
    (STEPS["elevate"], "sore for hours"),
])
def test_each_item_says_what_its_articles_say(item, said) -> None:
    assert said in item.text


def test_the_thigh_disagreement_is_recorded_in_the_file_and_readme_but_not_said() -> None:
    front = RELIEF_TOML[:RELIEF_TOML.index('muscle = "THIGH_FRONT"')]
    comment = front[front.rindex("\n\n"):]
    assert "002" in comment and "hamstring" in comment and "disagree" in comment
    assert "002" in CONTENT_SECTION and "hamstring" in CONTENT_SECTION
    for _, _, item in sourced_items(CONTENT):
        text = (getattr(item, "text", None) or "").lower()
        assert "hamstring" not in text and "disagree" not in text and "sources differ" not in text


def test_the_sit_and_reach_is_an_after_cramp_stretch_not_the_back_of_thigh_step() -> None:
    for stretch in CONTENT.relief.stretch:
        assert "floor" not in stretch.text and "reach" not in stretch.text
    assert "eases" in TIPS["keep_stretching"].text
    assert "over 65" not in CAUSES["age"].text
    assert "Often" not in CAUSES["often_unknown"].text


# -- medicines and conditions ---------------------------------------------------------------

@pytest.mark.parametrize("heard, slot, kind, term", [
    ("dialysis", "medicine", "condition", "renal dialysis"),
    ("kidney failure", "medicine", "condition", "kidney failure"),
    ("diabetes", "medicine", "condition", "diabetes"),
    ("statins", "condition", "medicine", "statins"),
    ("albuterol", "medicine", "medicine", "beta-agonists"),
    ("spironolactone", "medicine", "medicine", "potassium-sparing diuretics"),
    ("Lipitor", "medicine", "medicine", "statins"),
    ("crestor", "condition", "medicine", "statins"),
    ("heart failure", "condition", "condition", "cardiovascular disease"),
    ("peripheral vascular disease", "condition", "condition", "peripheral vascular disease"),
    ("underactive thyroid", "condition", "condition", "hypothyroidism"),
    ("thyroid", "condition", "condition", "thyroid problems"),
    ("Lou Gehrig's disease", "condition", "condition", "ALS"),
])
def test_a_name_is_found_in_either_list_and_answered_with_the_articles_term(heard, slot, kind, term) -> None:
    found = CONTENT.find_medical(heard, slot)
    assert found is not None, heard
    assert found[0] == kind and found[1].name == term


@pytest.mark.parametrize("heard", ["water pills", "water pill", "diuretic", "kidney disease",
                                   "heart problems", "arthritis", "sleeping pill", "beta blocker",
                                   "blood pressure pills", "thyroid medicine"])
def test_a_broader_or_other_name_matches_nothing(heard) -> None:
    for slot in ("medicine", "condition"):
        assert CONTENT.find_medical(heard, slot) is None, (heard, slot)


@pytest.mark.parametrize("medicine_id, article", [
    ("STATINS", "001"), ("BETA_AGONISTS", "004"), ("POTASSIUM_SPARING_DIURETICS", "004")])
def test_each_group_cites_the_article_that_lists_it(medicine_id, article) -> None:
    assert CONTENT.medical_item("medicine", medicine_id).sources == (article,)


def test_every_medical_synonym_is_listed_in_the_readme_as_editorial() -> None:
    for items in (CONTENT.medical.medicine, CONTENT.medical.condition):
        for item in items:
            for synonym in item.synonyms:
                assert synonym.lower() in CONTENT_SECTION.lower(), synonym


@pytest.mark.parametrize("intent, banned", [
    ("MedicationIntent", r"^i (take|have)\b"),
    ("MedicationIntent", r"^i'm on\b"),
    ("MedicationIntent", r"^i (use|am on)\b"),
])
def test_the_model_asks_about_a_medicine_and_does_not_collect_it(intent, banned) -> None:
    model = tomllib.loads((PROJECT_ROOT / "interaction_models" / "model.toml").read_text(encoding="utf-8"))
    samples = next(i for i in model["intent"] if i["name"] == intent)["samples"]
    assert not [s for s in samples if re.search(banned, s)]
    assert "can {medicine} cause cramps" in samples and "is it my {condition}" in samples


# -- causes include medicines and conditions -------------------------------------------------

def test_medicines_and_conditions_appear_among_the_causes() -> None:
    cause = CAUSES["medicines_and_conditions"]
    medicine_names = {m.name for m in CONTENT.medical.medicine}
    condition_names = {c.name for c in CONTENT.medical.condition}
    assert any(name in cause.text for name in medicine_names)
    assert sum(name in cause.text for name in condition_names) >= 2
    assert {"001", "004"} <= set(cause.sources)


# -- sources: real titles and who put them out -----------------------------------------------

@pytest.mark.parametrize("source_id, citation", [
    ("000", '"Home Remedies to Get Rid of Leg Cramps", from LIVESTRONG.COM'),
    ("001", '"How to Get Rid of Muscle Cramps in Your Legs?", from an unnamed health site'),
    ("002", '"How to Get Rid of a Cramp in Your Leg?", from an unnamed blog'),
    ("003", "a Healthline article on leg cramp remedies"),
    ("004", '"What is frequent leg cramp? What are its clinical treatments and home remedies?", by Wen Dan Jiang'),
])
def test_each_article_is_named_by_its_real_title_and_publisher_or_author(source_id, citation) -> None:
    assert CONTENT.sources[source_id].citation == citation


@pytest.mark.parametrize("source_id", ["000", "001", "002", "004"])
def test_titles_are_the_articles_own(source_id, seeds_dir: Path) -> None:
    source = CONTENT.sources[source_id]
    rows = (seeds_dir / "README.md").read_text(encoding="utf-8").splitlines()
    row = next(r for r in rows if r.startswith(f"| {source.file}"))
    assert row.split("|")[2].strip() == source.title
    first_lines = (seeds_dir / source.file).read_text(encoding="utf-8").splitlines()[:4]
    assert source.title in first_lines


def test_the_store_description_says_five_web_articles() -> None:
    from skill.model.manifest import build_manifest
    description = build_manifest()["manifest"]["publishingInformation"]["locales"]["en-US"]["description"]
    assert "five web articles" in description
    assert "published health articles" not in description


# -- editorial lines: cite nothing, listed in README with why --------------------------------

@pytest.mark.parametrize("line", [CONTENT.medical.advice, CONTENT.medical.unlisted])
def test_editorial_lines_cite_no_article_and_are_listed_in_the_readme(line) -> None:
    assert isinstance(line, Editorial) and not hasattr(line, "sources")
    assert line.text in CONTENT_SECTION.replace("\n  ", " ")
    assert "doctor" in line.text  # they refer, never diagnose


# -- through the web host: what is said, and in what order -----------------------------------

@pytest.fixture
def talk(tmp_path: Path) -> Talk:
    settings = Settings(persistence="sqlite", db_path=tmp_path / "prefs.sqlite3").as_local()
    return Talk(create_app(settings).test_client())


def _slot(kind: str, value: str) -> dict:
    return envelopes.slot(kind, value, None, status="ER_SUCCESS_NO_MATCH",
                          authority=f"amzn1.er-authority.echo-sdk.skill.{kind.upper()}")


def test_walking_the_steps_says_the_emergency_line_once_first_in_its_turn(talk) -> None:
    said = [talk.intent("ReliefStepsIntent").text]
    for _ in range(len(PLAN) - 1):
        said.append(talk.intent("Next").text)
    with_signs = [text for text in said if SIGNS.text in text]
    assert len(with_signs) == 1 and with_signs[0].startswith(SIGNS.text)
    heat = next(text for text in said if "hot water bottle" in text)
    assert heat.startswith(HEAT_CAUTION.text)


@pytest.mark.parametrize("slot, heard, term", [
    ("medicine", "dialysis", "renal dialysis"),
    ("medicine", "Lipitor", "statins"),
    ("condition", "heart failure", "cardiovascular disease"),
])
def test_a_name_in_either_slot_is_answered_with_the_articles_term(talk, slot, heard, term) -> None:
    turn = talk.intent("MedicationIntent", **{slot: _slot(slot, heard)})
    assert turn.text.startswith(f"The articles I use name {term} among the")
    if heard not in term:
        assert heard not in turn.text  # the article's term, not the name heard


def test_after_not_listed_where_is_that_from_says_all_five_were_searched(talk) -> None:
    turn = talk.intent("MedicationIntent", medicine=_slot("medicine", "water pills"))
    assert turn.text.startswith(CONTENT.medical.unlisted.text)
    stored = talk.attributes[KEY]["sources"]
    assert "water" not in " ".join(stored)  # the name asked about is not kept
    assert set(stored) == {*CONTENT.sources, "searched"}
    where = talk.intent("SourcesIntent")
    assert where.text.startswith("I looked in all five of my articles")
    for source in CONTENT.sources.values():
        assert source.citation in where.text
        assert source.citation in where.card["content"]
