"""Issue 21, items 5 to 8: the emergency signs first, what was said earlier in the session,
remedies with their own answers, and the minor findings. Raw words go through the
simulator's matcher and the real webhook (Flask), so understanding and answer are tested
together; every turn also passes the voice rules (tests.conversation.check_voice_rules).
"""
from __future__ import annotations

import json
import logging
import re

import pytest

from skill.domain import ssml
from skill.domain.content import EMERGENCY_SIGNS, load_content
from skill.domain.state import KEY, DialogState
from skill.handlers.relief import first_step
from skill.settings import PROJECT_ROOT, Settings
from skill.simulator.resolver import Resolver
from skill.simulator.session import Conversation
from skill.simulator.transport import InProcessTransport

from .conversation import Turn, check_voice_rules

CONTENT = load_content(PROJECT_ROOT / "content")
SIDE = CONTENT.side
SIGNS = CONTENT.caution(EMERGENCY_SIGNS).text
#: The signs as they open a sentence, or follow a caution after a semicolon.
SIGNS_START = "call your local emergency number if the cramp itself lasts more than ten minutes"
PLAN = CONTENT.relief_plan(None)
RELIEF_TEXTS = {step.text for muscle in (None, *CONTENT.index.plans) for step in
                CONTENT.relief_plan(muscle)} | {s.cue for s in CONTENT.relief.stretch}
MODEL = json.loads((PROJECT_ROOT / "interaction_models" / "en-US.json").read_text("utf-8"))


class Night:
    """One person talking in raw words: the simulator's matcher, then the webhook."""

    def __init__(self, tmp_path) -> None:
        settings = Settings(persistence="memory", db_path=tmp_path / "p.sqlite3").as_local()
        self.transport = InProcessTransport(settings)
        self.conversation = Conversation(Resolver(MODEL), self.transport)

    def say(self, utterance: str) -> Turn:
        turn = self.conversation.say(utterance)
        assert turn.reply is not None and turn.reply.status == 200, utterance
        said = Turn(turn.reply.body)
        check_voice_rules(said)
        said.intent = turn.resolution.intent if turn.resolution else None
        return said

    @property
    def state(self) -> dict:
        return dict(self.conversation.attributes.get(KEY) or {})


@pytest.fixture
def night(tmp_path) -> Night:
    return Night(tmp_path)


def signs_count(text: str) -> int:
    return text.lower().count(SIGNS_START)


def no_relief(text: str) -> bool:
    return not [t for t in RELIEF_TEXTS if t.lower() in text.lower()] and "starting now" not in text


# -- 5: the emergency signs first -----------------------------------------------------------

def test_the_signs_follow_the_first_step_once_a_session_joined_to_its_caution(night) -> None:
    opening = night.say("open leg cramp helper")
    first, second = re.split(r"(?<=[.!?])\s+", opening.text)[:2]
    assert first.startswith("Hello, here's the first step: gently stretch")
    assert second.startswith("Don't point your toes") and SIGNS_START in second.lower()
    assert signs_count(opening.text) == 1 and not opening.ended
    assert night.state["signs_said"] is True
    again = night.say("my calf is cramping")           # new steps, same session: not again
    assert again.text.startswith(CONTENT.stretch_for("CALF").text)
    assert signs_count(again.text) == 0
    assert signs_count(night.say("start over").text) == 0
    night.say("stop")
    assert signs_count(night.say("open leg cramp helper").text) == 1   # a new session


def test_a_stretch_without_a_caution_is_followed_by_the_signs_alone(night) -> None:
    turn = night.say("ask leg cramp helper my quads are cramping")
    assert turn.text.startswith(CONTENT.stretch_for("THIGH_FRONT").text)
    assert re.split(r"(?<=[.!?])\s+", turn.text)[1] == SIGNS


@pytest.mark.parametrize("utterance, then", [
    ("can i take something", SIDE.pain_relief.text),
    ("can i take something for the pain", SIDE.pain_relief.text),
    ("what can i take for the pain", SIDE.pain_relief.text),
    ("ice or heat", "If diabetes, a spinal cord injury"),
    ("is a hot shower ok", "If diabetes, a spinal cord injury"),
    ("how many ibuprofen can i take", SIDE.dose.text),
])
def test_pain_relief_dose_and_heat_answers_open_on_the_emergency_signs(night, utterance, then) -> None:
    night.say("open leg cramp helper")
    turn = night.say(utterance)
    assert turn.text.startswith(SIGNS), turn.text
    assert turn.text[len(SIGNS):].strip().startswith(then)
    assert not turn.ended and not turn.whispered


def test_a_dose_question_gets_no_dose_and_never_the_pain_relief_sentence(night) -> None:
    night.say("open leg cramp helper")
    for utterance in ("how many ibuprofen can i take", "how much paracetamol should i take",
                      "how many can i take"):
        turn = night.say(utterance)
        assert turn.intent == "DoseIntent", utterance
        assert SIDE.dose.text in turn.text and SIDE.pain_relief.text not in turn.text


def test_first_step_api_signs_first_and_start_at_massage() -> None:
    """The API the safety handlers call: strong pain and a stated length under the limit
    (`signs_first=True`), "I can't straighten my leg" (`start_at="massage"`)."""
    strong = first_step(CONTENT, DialogState(), "CALF", signs_first=True)
    sentences = re.split(r"(?<=[.!?])\s+", ssml.spoken_text(ssml.speak(strong.speech)))
    assert sentences[0] == SIGNS and strong.urgent
    assert sentences[1].startswith(CONTENT.stretch_for("CALF").text.rstrip("."))
    assert "don't point your toes" in sentences[1] and sentences[2].endswith(".")
    assert len(sentences) == 3 and strong.state.signs_said and strong.card is not None
    seen = first_step(CONTENT, DialogState(signs_said=True), None, signs_first=True)
    assert ssml.spoken_text(ssml.speak(seen.speech)).startswith(SIGNS)  # said first anyway
    lead = CONTENT.index.sign_answers["cannot_move"].lead
    bent = first_step(CONTENT, DialogState(), None, lead=lead, start_at="massage")
    text = ssml.spoken_text(ssml.speak(bent.speech))
    massage = next(step for step in PLAN if step.id == "massage")
    assert text.startswith(f"{lead}: {massage.text[0].lower()}{massage.text[1:]}")
    assert "straighten" not in text.lower() and SIGNS in text
    assert bent.state.step == 1 and bent.state.pending == "count" and bent.card is not None
    with pytest.raises(ValueError):
        first_step(CONTENT, DialogState(), None, start_at="no_such_step")


def test_a_note_that_is_the_signs_is_said_first_and_once() -> None:
    answer = first_step(CONTENT, DialogState(), "CALF", note=SIGNS)
    text = ssml.spoken_text(ssml.speak(answer.speech))
    assert text.startswith(SIGNS) and signs_count(text) == 1


@pytest.mark.parametrize("utterance", ["ask leg cramp helper my calf really hurts",
                                       "ask leg cramp helper it really hurts",
                                       "ask leg cramp helper my calf has been cramping for two minutes",
                                       "ask leg cramp helper it's been going for about eight minutes"])
def test_strong_pain_and_a_length_under_the_limit_hear_the_signs_before_the_stretch(night, utterance) -> None:
    turn = night.say(utterance)
    assert turn.text.startswith(SIGNS), (utterance, turn.text)
    assert signs_count(turn.text) == 1 and not turn.ended and not turn.whispered
    assert "stretch" in turn.text.lower() or "straighten" in turn.text.lower()


# -- 6: what was said earlier counts, for that session only ---------------------------------

@pytest.mark.parametrize("condition", ["i'm diabetic", "i have peripheral neuropathy",
                                       "i have diabetes", "i've got nerve damage"])
def test_a_condition_that_dulls_heat_means_no_heat_later_and_no_ice_instead(night, condition) -> None:
    night.say("open leg cramp helper")
    said = night.say(condition)
    assert said.intent == "ConditionIntent" and not said.ended
    assert night.state.get("no_heat") is True
    heat = night.say("heat or ice")
    assert heat.text.startswith(SIGNS)
    assert SIDE.no_heat.text in heat.text
    assert "ice" not in heat.text.lower().replace(SIGNS.lower(), "")
    assert "warm" not in heat.text.lower()
    # and the heat step of the steps
    night.say("my calf is cramping")
    for _ in range(len(PLAN)):
        step = night.say("next")
        if night.state.get("step") == [s.id for s in PLAN].index("heat"):
            assert step.text.startswith(SIDE.no_heat.text)
            assert "warm" not in step.text.lower()
            break
    else:
        pytest.fail("never reached the heat step")


def test_neuropathy_and_a_hot_water_bottle_in_one_breath(night) -> None:
    night.say("open leg cramp helper")
    turn = night.say("i have peripheral neuropathy can i use a hot water bottle")
    assert turn.intent == "HeatOrColdIntent"
    assert SIDE.no_heat.text in turn.text and "warm" not in turn.text.lower()


def test_pregnancy_then_pain_relief_magnesium_and_other_remedies_ask_the_midwife(night) -> None:
    night.say("open leg cramp helper")
    night.say("i'm seven months pregnant")
    assert night.state.get("ask_midwife") is True
    pain = night.say("what can i take for the pain")
    assert pain.text.startswith(SIGNS) and SIDE.pregnancy_medicine.text in pain.text
    assert "ibuprofen" not in pain.text.lower()
    dose = night.say("how many ibuprofen can i take")
    assert SIDE.pregnancy_medicine.text in dose.text and SIDE.dose.text not in dose.text
    assert SIDE.pregnancy_magnesium.text in night.say("does magnesium help").text
    assert SIDE.pregnancy_other.text in night.say("would bananas help").text
    # the pain-reliever step: the signs, then the midwife line instead of the medicines
    night.say("my calf is cramping")
    for _ in range(len(PLAN)):
        step = night.say("next")
        if night.state.get("step") == [s.id for s in PLAN].index("pain_reliever"):
            assert step.text.startswith(SIGNS)
            assert SIDE.pregnancy_medicine.text in step.text and "ibuprofen" not in step.text
            break
    else:
        pytest.fail("never reached the pain-reliever step")


def test_pregnant_with_a_cramping_calf_gets_the_pregnancy_line_and_the_first_step(night) -> None:
    turn = night.say("ask leg cramp helper i'm pregnant and my calf is cramping")
    calf = CONTENT.stretch_for("CALF").text
    lead = SIDE.pregnancy.text.rstrip(".")
    assert turn.text.startswith(f"{lead}: {calf[0].lower()}{calf[1:]}")
    assert signs_count(turn.text) == 1 and SIDE.pregnancy_medicine.text in turn.text
    assert not turn.ended and night.state.get("ask_midwife") is True
    assert night.state.get("flow") == "relief" and night.state.get("muscle") == "CALF"


def test_the_flags_end_with_the_session_and_never_name_the_condition(night, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    night.say("open leg cramp helper")
    turn = night.say("i'm diabetic")
    state = {k: v for k, v in night.state.items() if k not in ("last_speech", "last_reprompt")}
    assert state["no_heat"] is True                  # a derived flag, never the name
    assert "diabet" not in json.dumps(state).lower()
    assert turn.card is None or "diabet" not in json.dumps(turn.card).lower()
    prefs = night.conversation.attributes.get("prefs") or {}
    assert set(prefs) <= {"heard_hints", "hold_seconds", "quiet_voice"}  # preferences only
    assert "diabet" not in caplog.text.lower() and "no_heat" not in caplog.text
    night.say("stop")
    night.say("open leg cramp helper")
    heat = night.say("heat or ice")                  # a new session: nothing carried over
    assert "If diabetes, a spinal cord injury" in heat.text
    assert "no_heat" not in night.state


@pytest.mark.parametrize("turns", [
    ["can my son take something for the pain"],
    ["my son's got leg cramps", "can he have ibuprofen"],
    ["my daughter's eight", "what stretch do i do with her"],
    ["my little boy has a cramp", "next"],
    ["my little boy has a cramp", "time it"],
    ["my little boy has a cramp", "heat or ice"],
    ["my little boy has a cramp", "does magnesium help"],
])
def test_a_child_named_gets_the_child_answer_for_the_rest_of_the_session(night, turns) -> None:
    night.say("open leg cramp helper")
    for utterance in turns:
        turn = night.say(utterance)
        assert turn.text.startswith(SIDE.child.text), (utterance, turn.text)
        assert no_relief(turn.text) and not turn.ended and not turn.whispered
    assert night.state.get("child") is True


@pytest.mark.parametrize("utterance", ["next", "my calf is cramping", "time it",
                                       "heat or ice", "start over", "would stretching help",
                                       "i'm pregnant and my calf is cramping"])
def test_after_a_referral_no_massage_heat_or_stretch_only_the_held_back_line(night, utterance) -> None:
    """`referred` is set by the safety handlers (a referral or an unsure emergency sign):
    every later step, count, heat or stretch answer is held back."""
    night.say("open leg cramp helper")
    night.say("whisper")
    night.conversation.attributes[KEY]["referred"] = True
    turn = night.say(utterance)
    assert turn.text == SIDE.held_back.text and turn.ended, (utterance, turn.text)
    assert no_relief(turn.text) and not turn.whispered


# -- 7: remedies get their own answers ------------------------------------------------------

@pytest.mark.parametrize("utterance", ["would bananas help", "what about pickle juice",
                                       "should i take quinine", "does tonic water help"])
def test_a_remedy_no_article_covers_is_held_back_without_a_word_on_it(night, utterance) -> None:
    night.say("open leg cramp helper")
    turn = night.say(utterance)
    assert turn.intent == "RemedyIntent", utterance
    assert turn.text.startswith(SIDE.not_covered.text)
    for word in ("ibuprofen", "acetaminophen", "risk", "danger", "safe", "harm"):
        assert not re.search(rf"\b{word}", turn.text.lower()), (utterance, word)


def test_magnesium_fluids_and_salt(night) -> None:
    night.say("open leg cramp helper")
    magnesium = night.say("does magnesium help")
    assert magnesium.text.startswith("If you're pregnant, ask your doctor before taking magnesium")
    fluids = night.say("should i drink more water")
    assert fluids.text.startswith(SIDE.fluids_limit.text)
    assert SIDE.fluids.text in fluids.text and "split" in SIDE.fluids.text
    salt = night.say("should i take salt")
    assert salt.text.startswith(SIDE.salt.text) and SIDE.salt.sources == ("004",)
    assert "ibuprofen" not in (magnesium.text + fluids.text + salt.text).lower()


def test_electrolytes_and_salt_depletion_are_listed_conditions() -> None:
    for heard, name in (("electrolyte imbalance", "electrolyte imbalances"),
                        ("salt depletion", "salt depletion")):
        kind, item = CONTENT.find_medical(heard, "condition")
        assert kind == "condition" and item.name == name and item.sources == ("004",)


# -- 8: the minor findings ------------------------------------------------------------------

def test_the_thigh_stretches_mark_their_readings() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    for muscle in ("THIGH_FRONT", "THIGH_BACK", "THIGH"):
        assert CONTENT.stretch_for(muscle).reading, muscle
    assert "`reading` on each [[stretch]]" in readme


def test_the_worsening_answer_spells_out_the_three_emergency_signs(night) -> None:
    assert CONTENT.index.sign_answers["worsening"].text.startswith(SIGNS)
    turn = night.say("ask leg cramp helper it keeps getting worse")
    assert turn.text.startswith(SIGNS) and turn.ended


def test_i_am_on_dialysis_is_heard_as_dialysis(night) -> None:
    night.say("open leg cramp helper")
    turn = night.say("i'm on dialysis")
    assert turn.intent == "ConditionIntent"
    assert "renal dialysis" in turn.text and not turn.ended


def test_help_me_starts_with_how_to_get_emergency_help(night) -> None:
    night.say("open leg cramp helper")
    turn = night.say("help me")
    assert turn.text.startswith(CONTENT.prompts.general.fallback_emergency.rstrip("."))
    assert turn.text.rstrip().endswith("?") and not turn.ended


@pytest.mark.parametrize("utterance", ["blah blah wibble", "help me", "open leg cramp helper"])
def test_a_whisperer_hears_every_emergency_referral_in_the_normal_voice(night, utterance) -> None:
    night.say("open leg cramp helper")
    night.say("whisper")
    turn = night.say(utterance)
    outside = re.sub(r'<amazon:effect name="whispered">.*?</amazon:effect>', "",
                     ssml.unwrap(turn.ssml))
    normal = ssml.spoken_text(ssml.speak(outside))
    assert "call your local emergency number" in normal.lower(), turn.ssml
    assert 'name="whispered"' in turn.ssml                # the rest stays whispered
    assert turn.whispered_but_referrals


@pytest.mark.parametrize("step_id, flags, shown", [
    ("heat", {"no_heat": True}, SIDE.no_heat.text),
    ("pain_reliever", {"ask_midwife": True}, SIDE.pregnancy_medicine.text),
])
def test_the_night_screen_shows_the_step_as_this_session_says_it(step_id, flags, shown) -> None:
    from skill.domain.screen import choose

    index = [step.id for step in PLAN].index(step_id)
    state = DialogState(flow="relief", step=index, pending="next", **flags)
    screen = choose(CONTENT, state, "said", end=False, urgent=False)
    assert screen.kind == "step" and shown in screen.body
    plain = choose(CONTENT, DialogState(flow="relief", step=index, pending="next"), "said",
                   end=False, urgent=False)
    assert shown not in plain.body


# -- the frozen clinical phrasings (tests/clinical/phrasings.tsv) of items 5 to 7 ----------

CLINICAL = PROJECT_ROOT / "tests" / "clinical" / "phrasings.tsv"
MINE = ("steps_with_signs", "pain_relief_with_signs", "ask_midwife", "pregnancy_steps",
        "no_heat", "child", "no_dose", "not_covered")
#: Rows of these kinds whose understanding belongs to the red-flag table and the duration
#: reader (issue 21 item 2: strong-pain words, a length in digits and clinical shorthand)
#: or has no word that names a child; left to that work, listed here so none is forgotten.
ELSEWHERE = {"c091", "c094", "c112"}
STRETCHES = tuple(s.text.rstrip(".").lower()[-30:] for s in CONTENT.relief.stretch)


def clinical_rows() -> list[list[str]]:
    rows = [line.split("\t") for line in CLINICAL.read_text(encoding="utf-8").splitlines()[1:]]
    return [row for row in rows if row[3] in MINE and row[0] not in ELSEWHERE]


def gives_a_stretch(text: str) -> bool:
    return any(tail in text.lower() for tail in STRETCHES)


def test_every_frozen_row_of_items_5_to_7_is_played_but_the_three_left_elsewhere() -> None:
    assert len(clinical_rows()) == 28


@pytest.mark.parametrize("row", clinical_rows(), ids=lambda row: f"{row[0]} {row[3]}")
def test_the_frozen_clinical_phrasings_of_items_5_to_7(night, row) -> None:
    night.say("open leg cramp helper")
    for utterance in row[2].split(" | "):
        turn = night.say(utterance)
    text, kind = turn.text, row[3]
    if kind == "steps_with_signs":
        assert text.startswith(SIGNS) and gives_a_stretch(text) and not turn.ended
    elif kind == "pain_relief_with_signs":
        assert text.startswith(SIGNS) and SIDE.pain_relief.text in text and not turn.ended
    elif kind == "ask_midwife":
        assert "midwife" in text or SIDE.pregnancy_magnesium.text in text
        assert SIDE.pain_relief.text not in text
    elif kind == "pregnancy_steps":
        assert text.startswith(SIDE.pregnancy.text.rstrip(".")) and gives_a_stretch(text)
        assert not turn.ended and night.state.get("ask_midwife") is True
    elif kind == "no_heat":
        assert SIDE.no_heat.text in text and "warm" not in text.lower()
    elif kind == "child":
        assert text.startswith(SIDE.child.text) and no_relief(text)
    elif kind == "no_dose":
        assert SIDE.dose.text in text and SIDE.pain_relief.text not in text
    else:
        assert text.startswith(SIDE.not_covered.text) and "ibuprofen" not in text.lower()
