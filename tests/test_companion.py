"""The night-time companion, through the web host with real request envelopes: the quiet
voice and the other remembered preferences (SQLite in tmp_path), what is stored and what
is not, and the answers from the articles beyond the core three (prevention, causes,
medicines, sources), with cards."""
from __future__ import annotations

import json
import logging
import re
import sqlite3
from pathlib import Path

import pytest

from skill import envelopes
from skill.app import create_app
from skill.domain import ssml
from skill.domain.content import EMERGENCY_SIGNS, load_content
from skill.domain.state import KEY
from .words import NO_QUESTION
from .words import STEER
from .words import AGAIN_PROMPT
from .words import COUNT_PROMPT, NEXT_PROMPT
from skill.preferences import PREFERENCE_KEYS
from skill.settings import PROJECT_ROOT, Settings

from .conftest import post
from .conversation import Talk

CONTENT = load_content(PROJECT_ROOT / "content")
STEPS = CONTENT.relief_plan(None)
QUESTIONS = CONTENT.serious.question
TIPS = CONTENT.prevention.tip
CAUSES = CONTENT.causes.cause
ADVICE = CONTENT.medical.advice.text
CONDITION_ADVICE = CONTENT.medical.condition_advice.text
#: The medicine advice, as every medicine or condition answer must carry it.
NEVER_STOP = "don't stop or change a medicine without talking to your doctor"
ALICE = "amzn1.ask.account.ALICE" + "A" * 40
BOB = "amzn1.ask.account.BOB" + "B" * 42
NEW_INTENTS = ("PreventionIntent", "CausesIntent", "MedicationIntent", "SourcesIntent",
               "QuietVoiceIntent", "NormalVoiceIntent", "SetHoldTimeIntent",
               "ForgetSettingsIntent")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(persistence="sqlite", db_path=tmp_path / "prefs.sqlite3").as_local()


@pytest.fixture
def client(settings):
    return create_app(settings).test_client()


@pytest.fixture
def alice(client) -> Talk:
    return Talk(client, ALICE)


@pytest.fixture
def bob(client) -> Talk:
    return Talk(client, BOB)


def stored(settings: Settings, user_id: str) -> dict | None:
    """The raw record in the SQLite file, below every adapter wrapper."""
    path = settings.resolved_db_path()
    if not path.exists():
        return None
    with sqlite3.connect(path) as db:
        row = db.execute("SELECT attributes FROM preferences WHERE user_id = ?", (user_id,)).fetchone()
    return json.loads(row[0]) if row else None


def seconds_counted(turn) -> int:
    """The length a countdown answer announces ("40 seconds, starting now")."""
    amount, unit = re.search(r"(\d+) (second|minute)s?, starting now", turn.text).groups()
    return int(amount) * (60 if unit == "minute" else 1)


def duration(value: str) -> dict:
    return envelopes.slot("duration", value)


def named(kind: str, value: str, resolved_id: str | None = None) -> dict:
    """A MEDICINE or CONDITION slot as Alexa fills it: matched, or heard but not listed."""
    status = "ER_SUCCESS_MATCH" if resolved_id else "ER_SUCCESS_NO_MATCH"
    return envelopes.slot(kind, value, resolved_id, status=status,
                          authority=f"amzn1.er-authority.echo-sdk.skill.{kind.upper()}")


# -- quiet voice ----------------------------------------------------------------------------

def test_whisper_is_remembered_in_a_new_session_and_after_a_restart(alice, settings) -> None:
    assert not alice.launch().whispered
    said = alice.intent("QuietVoiceIntent")
    assert said.whispered and said.text.startswith("Okay, I'll whisper")
    alice.stop()
    later = alice.launch()  # the step whispered, the emergency signs after it not
    assert later.whispered_but_referrals and not later.whispered and not later.ended
    reprompt = later.response["reprompt"]["outputSpeech"]["ssml"]
    assert 'name="whispered"' in reprompt
    restarted = Talk(create_app(settings).test_client(), ALICE)
    assert restarted.launch().whispered_but_referrals
    assert not restarted.intent("NormalVoiceIntent").whispered
    restarted.stop()
    assert not restarted.launch().whispered


def test_whispered_countdown_stays_valid_and_under_the_limit(alice) -> None:
    alice.intent("QuietVoiceIntent")
    turn = alice.intent("StretchTimerIntent", duration=duration("PT2M"))
    assert turn.whispered and "starting now" in turn.text
    assert len(turn.ssml) < ssml.MAX_SSML_CHARS and ssml.problems(turn.ssml) == []
    assert max(ssml.breaks_in(turn.ssml)) <= 10


def test_repeat_remembers_the_plain_speech_and_whispers_it_again(alice) -> None:
    alice.intent("QuietVoiceIntent")
    step = alice.intent("Next")
    assert "whispered" not in alice.attributes[KEY]["last_speech"]
    assert alice.intent("Repeat").ssml == step.ssml


def test_the_emergency_instruction_is_never_whispered(alice) -> None:
    alice.intent("QuietVoiceIntent")
    alice.intent("IsItSeriousIntent")
    turn = alice.intent("Yes")
    assert turn.text.startswith("Call your local emergency number") and turn.ended
    assert "whispered" not in turn.ssml


# -- returning users and the hold time --------------------------------------------------------

def test_first_launch_greets_with_hints_and_later_ones_start_with_the_step(alice) -> None:
    first = alice.launch()
    assert first.text.startswith("Hello, here's the first step: gently stretch")
    assert "whisper" in first.text and "is it serious" in first.text
    alice.stop()
    again = alice.launch()
    assert again.text.startswith(STEPS[0].text)
    assert "whisper" not in again.text and len(again.text) < len(first.text)
    assert again.reprompt and again.card


@pytest.mark.parametrize("asked, seconds, note", [
    ("PT40S", 40, None),
    ("PT1M", 60, None),
    ("PT5S", 10, "The shortest count I do is 10 seconds."),
    ("PT5M", 120, "The longest count I do is 2 minutes."),
])
def test_hold_time_is_clamped_remembered_and_used(alice, settings, asked, seconds, note) -> None:
    said = alice.intent("SetHoldTimeIntent", duration=duration(asked))
    if note:
        assert said.text.startswith(note)
    assert "from now on" in said.text and not said.ended
    assert stored(settings, ALICE)["hold_seconds"] == seconds
    assert seconds_counted(alice.intent("StretchTimerIntent")) == seconds
    alice.stop()
    alice.launch()
    assert seconds_counted(alice.intent("Yes")) == seconds  # "time it?" -> yes
    assert seconds_counted(alice.intent("StretchTimerIntent", duration=duration("PT20S"))) == 20


@pytest.mark.parametrize("slots", [{}, {"duration": duration("soon")}, {"duration": duration("PT0S")}])
def test_hold_time_without_a_usable_length_asks_and_stores_nothing(alice, settings, slots) -> None:
    turn = alice.intent("SetHoldTimeIntent", **slots)
    assert turn.text.startswith("How long should I count?") and not turn.ended
    assert (stored(settings, ALICE) or {}).get("hold_seconds") is None


# -- forgetting, disabling, two users ---------------------------------------------------------

def test_forget_asks_first_and_no_keeps_the_settings(alice, settings) -> None:
    alice.intent("QuietVoiceIntent")
    asked = alice.intent("ForgetSettingsIntent")
    assert asked.text.endswith("?") and "forget your settings" in asked.text
    kept = alice.intent("No")
    assert kept.text.startswith("Okay, I'll keep them") and kept.whispered
    assert stored(settings, ALICE)["quiet_voice"] is True


def test_forget_yes_deletes_the_record_and_the_next_launch_is_a_first_one(alice, settings) -> None:
    alice.launch()
    alice.intent("QuietVoiceIntent")
    alice.intent("SetHoldTimeIntent", duration=duration("PT45S"))
    alice.intent("ForgetSettingsIntent")
    done = alice.intent("Yes")
    assert done.text.startswith("Done, I've forgotten your settings") and not done.whispered
    assert stored(settings, ALICE) is None
    assert seconds_counted(alice.intent("StretchTimerIntent")) == CONTENT.countdown.default_seconds
    alice.stop()
    assert alice.launch().text.startswith("Hello, here's the first step")


def test_forget_in_the_middle_of_the_check_comes_back_to_the_question(alice, settings) -> None:
    alice.intent("IsItSeriousIntent")
    alice.intent("No")
    alice.intent("ForgetSettingsIntent")
    back = alice.intent("Yes")
    assert back.text.endswith(QUESTIONS[1].text)
    assert alice.intent("No").text.startswith(QUESTIONS[2].text)


def test_skill_disabled_removes_only_that_users_record(client, alice, bob, settings) -> None:
    alice.intent("QuietVoiceIntent")
    bob.intent("SetHoldTimeIntent", duration=duration("PT50S"))
    assert stored(settings, ALICE) and stored(settings, BOB)
    reply = post(client, envelopes.skill_disabled_event(user_id=ALICE))
    assert reply.status_code == 200
    assert reply.get_json()["response"].get("outputSpeech") is None
    assert stored(settings, ALICE) is None
    assert stored(settings, BOB)["hold_seconds"] == 50
    alice.stop()
    assert not alice.launch().whispered


def test_two_users_never_see_each_others_settings(alice, bob, settings) -> None:
    alice.launch()
    alice.intent("QuietVoiceIntent")
    alice.intent("SetHoldTimeIntent", duration=duration("PT45S"))
    first = bob.launch()
    assert not first.whispered and first.text.startswith("Hello")
    assert seconds_counted(bob.intent("StretchTimerIntent")) == CONTENT.countdown.default_seconds
    bob.intent("SetHoldTimeIntent", duration=duration("PT20S"))
    alice.stop()
    back = alice.launch()
    assert back.whispered_but_referrals and not back.text.startswith("Hello")
    assert seconds_counted(alice.intent("StretchTimerIntent")) == 45
    assert stored(settings, ALICE) == {"quiet_voice": True, "hold_seconds": 45, "heard_hints": True}
    # Only what Bob set is written (per-preference writes): the voice stays the default.
    assert stored(settings, BOB) == {"hold_seconds": 20, "heard_hints": True}


def test_every_flow_leaves_a_record_of_preference_keys_only(alice, settings) -> None:
    alice.launch()
    alice.intent("QuietVoiceIntent")
    alice.intent("ReliefStepsIntent", muscle=envelopes.slot("muscle", "calf", "CALF", status="ER_SUCCESS_MATCH"))
    alice.intent("Next")
    alice.intent("Yes")  # the countdown
    alice.intent("SetHoldTimeIntent", duration=duration("PT35S"))
    alice.intent("StretchTimerIntent")
    alice.intent("IsItSeriousIntent")
    for reply in ("No", "No", "Yes"):  # a doctor sign
        alice.intent(reply)
    alice.intent("SourcesIntent")
    alice.intent("PreventionIntent")
    alice.intent("Yes")
    alice.intent("CausesIntent")
    alice.intent("MedicationIntent", medicine=named("medicine", "statins", "STATINS"))
    alice.intent("MedicationIntent", condition=named("condition", "diabetes", "DIABETES"))
    alice.intent("MedicationIntent", medicine=named("medicine", "aspirin"))
    alice.intent("NormalVoiceIntent")
    alice.intent("QuietVoiceIntent")
    alice.stop()
    record = stored(settings, ALICE)
    assert set(record) == set(PREFERENCE_KEYS)
    assert record == {"quiet_voice": True, "hold_seconds": 35, "heard_hints": True}
    with sqlite3.connect(settings.resolved_db_path()) as db:
        everything = " ".join(str(row) for row in db.execute("SELECT * FROM preferences"))
    for health_word in ("calf", "statin", "diabetes", "aspirin", "yes", "doctor", "serious"):
        assert health_word not in everything.lower()


def test_a_broken_store_still_answers_everything(tmp_path, caplog) -> None:
    corrupt = tmp_path / "prefs.sqlite3"
    corrupt.write_bytes(b"this is not a database" * 100)
    talk = Talk(create_app(Settings(persistence="sqlite", db_path=corrupt).as_local()).test_client())
    caplog.set_level(logging.WARNING)
    turns = [talk.launch(), talk.intent("QuietVoiceIntent"),
             talk.intent("SetHoldTimeIntent", duration=duration("PT40S")),
             talk.intent("StretchTimerIntent"), talk.intent("PreventionIntent"),
             talk.intent("MedicationIntent", medicine=named("medicine", "statins", "STATINS")),
             talk.intent("SourcesIntent"), talk.intent("ForgetSettingsIntent"), talk.intent("Yes")]
    for turn in turns:
        assert turn.text and not turn.text.startswith("Sorry, I had a little trouble")
    assert "40 seconds, starting now" in turns[3].text  # this session still uses it
    assert any("preferences" in r.getMessage() and r.levelno == logging.WARNING
               for r in caplog.records)
    talk.stop()
    assert talk.launch().text.startswith("Hello")  # nothing could be remembered: defaults


# -- prevention and causes --------------------------------------------------------------------

def walk_topic(talk: Talk, intent: str, more: str = "Yes") -> list:
    turns = [talk.intent(intent)]
    while talk.attributes[KEY].get("pending") == "more":
        turns.append(talk.intent(more))
    return turns


@pytest.mark.parametrize("intent, items", [("PreventionIntent", TIPS), ("CausesIntent", CAUSES)])
@pytest.mark.parametrize("more", ["Yes", "Next"])
def test_a_topic_is_said_two_items_a_turn_each_with_its_sources(alice, intent, items, more) -> None:
    turns, cited = [alice.intent(intent)], []
    cited.append(tuple(alice.attributes[KEY]["sources"]))
    while alice.attributes[KEY].get("pending") == "more":
        turns.append(alice.intent(more))
        cited.append(tuple(alice.attributes[KEY]["sources"]))
    pages = [items[i:i + 2] for i in range(0, len(items), 2)]
    assert len(turns) == len(pages)
    for turn, page, sources in zip(turns, pages, cited):
        assert turn.text.startswith(" ".join(item.text for item in page))
        assert sources == tuple(sorted({s for item in page for s in item.sources}))
        assert turn.reprompt and not turn.ended
    assert turns[-1].text.endswith("Want the relief steps now?")
    assert alice.intent("Yes").text.startswith(STEPS[0].text)


def test_causes_are_honest_about_the_unknown_and_the_dispute(alice) -> None:
    said = " ".join(turn.text for turn in walk_topic(alice, "CausesIntent"))
    assert said.startswith("Sometimes nobody knows why")
    assert "dehydration is disputed" in said
    for word in ("Tired or overworked", "sitting", "65 and older", "Pregnancy", "statins"):
        assert word in said


def test_no_to_more_says_goodbye(alice) -> None:
    alice.intent("PreventionIntent")
    assert alice.intent("No").ended


def test_prevention_mid_check_leaves_the_check(alice) -> None:
    alice.intent("IsItSeriousIntent")
    alice.intent("PreventionIntent")
    assert alice.attributes[KEY].get("flow", "none") == "none"
    assert alice.intent("Yes").text.startswith(TIPS[2].text)  # "more", not a check answer


# -- medicines and conditions ------------------------------------------------------------------

@pytest.mark.parametrize("slots, listed, items", [
    ({"medicine": named("medicine", "statins", "STATINS")}, "statins among the medicines",
     [("medicine", "STATINS")]),
    ({"medicine": envelopes.slot("medicine", "atorvastatin")}, "statins among the medicines",
     [("medicine", "STATINS")]),
    ({"medicine": named("medicine", "potassium sparing diuretic", "POTASSIUM_SPARING_DIURETICS")},
     "potassium-sparing diuretics among the medicines",
     [("medicine", "POTASSIUM_SPARING_DIURETICS")]),
    ({"condition": named("condition", "diabetes", "DIABETES")}, "diabetes among the conditions",
     [("condition", "DIABETES")]),
    ({"condition": envelopes.slot("condition", "Pregnant")}, "pregnancy among the conditions",
     [("condition", "PREGNANCY")]),
    ({"medicine": named("medicine", "statins", "STATINS"),
      "condition": named("condition", "thyroid", "THYROID")},
     "statins and thyroid problems among the medicines and conditions",
     [("medicine", "STATINS"), ("condition", "THYROID")]),
])
def test_listed_medicines_and_conditions_are_named_with_the_advice(alice, slots, listed, items) -> None:
    turn = alice.intent("MedicationIntent", **slots)
    assert turn.text.startswith("The articles I use name " + listed)
    assert NEVER_STOP in turn.text.lower() and turn.reprompt
    a_condition = any(kind == "condition" for kind, _ in items)
    # a condition also sends the user to the doctor about the cramps (001, 004), in the
    # same sentence as the medicine advice: two sentences, then the steer
    advice = CONTENT.medical.condition_advice if a_condition else CONTENT.medical.advice
    assert turn.text == f"The articles I use name {listed} linked to leg cramps. {advice.text} {STEER}"
    assert ("talk to your doctor about your cramps" in turn.text.lower()) == a_condition
    expected = set(advice.sources) if a_condition else set()  # the medicine advice is editorial
    for kind, item_id in items:
        expected |= set(CONTENT.medical_item(kind, item_id).sources)
    assert alice.attributes[KEY]["sources"] == sorted(expected)


@pytest.mark.parametrize("slots", [
    {"medicine": named("medicine", "aspirin")},
    {"condition": named("condition", "a broken heart")},
    {"medicine": envelopes.slot("medicine", "vitamin q")},
    {"medicine": named("medicine", "statin tea")},
    # broader than the listed item: not that item
    {"medicine": envelopes.slot("medicine", "water pill")},
    {"medicine": named("medicine", "sleeping pill")},
    {"condition": envelopes.slot("condition", "arthritis")},
])
def test_unlisted_names_are_not_guessed(alice, slots) -> None:
    turn = alice.intent("MedicationIntent", **slots)
    assert turn.text.startswith("The articles I use don't list that")
    assert ADVICE in turn.text
    assert "statins" not in turn.text and "diuretic" not in turn.text and "zolpidem" not in turn.text


def test_a_medicine_question_without_a_name_asks_which(alice) -> None:
    turn = alice.intent("MedicationIntent")
    assert turn.text.startswith("Which medicine or condition?") and turn.reprompt


def test_a_medicine_question_mid_check_keeps_the_check_going(alice) -> None:
    alice.intent("IsItSeriousIntent")
    alice.intent("No")
    turn = alice.intent("MedicationIntent", medicine=named("medicine", "statins", "STATINS"))
    assert turn.text.endswith(QUESTIONS[1].text)
    assert alice.attributes[KEY]["question"] == 1 and "replies" not in alice.attributes[KEY]
    assert alice.intent("No").text.startswith(QUESTIONS[2].text)


# -- sources and cards -------------------------------------------------------------------------

def _step(step_id: str) -> int:
    return next(i for i, step in enumerate(STEPS) if step.id == step_id)


@pytest.mark.parametrize("step_id, counted", [
    ("stretch_general", False), ("stretch_general", True), ("massage", False),
    ("massage", True), ("heat", False), ("lip_pinch", False), ("lip_pinch", True)])
def test_sources_name_the_articles_behind_the_last_answer(alice, step_id, counted) -> None:
    """The articles expected are worked out from the content of what was said (the step,
    its caution; for a countdown the step held plus the hold itself), not read back from
    the state: a lip-pinch countdown names article 000, where the tip comes from."""
    index = _step(step_id)
    alice.intent("ReliefStepsIntent")
    for _ in range(index):
        alice.intent("Next")
    step = STEPS[index]
    caution = CONTENT.caution(step.caution)
    if counted:
        alice.intent("StretchTimerIntent")
        ids = {*step.sources, *CONTENT.countdown.sources}
    else:
        ids = {*step.sources, *(caution.sources if caution else ())}
    turn = alice.intent("SourcesIntent")
    named_articles = [a for a in CONTENT.sources.values() if a.citation in turn.text]
    assert {a.id for a in named_articles} == ids
    for article in named_articles:
        assert article.citation in turn.card["content"]
    assert alice.intent("SourcesIntent").text == turn.text  # asking again: the same articles


# -- after a side answer: the waiting question is asked again, and still answers --------------

@pytest.mark.parametrize("before, waiting, yes_starts", [
    ([("StretchTimerIntent", {})], AGAIN_PROMPT, "starting now"),
    ([("ReliefStepsIntent", {})], COUNT_PROMPT, "starting now"),
    ([("ReliefStepsIntent", {}), ("Next", {}), ("Next", {}), ("Next", {})], NEXT_PROMPT, None),
])
@pytest.mark.parametrize("side", [
    ("MedicationIntent", {"medicine": named("medicine", "statins", "STATINS")}),
    ("SourcesIntent", {}), ("QuietVoiceIntent", {}), ("SetHoldTimeIntent", {"duration": duration("PT40S")})])
def test_a_side_answer_asks_the_waiting_question_again(alice, before, waiting, yes_starts, side) -> None:
    for name, slots in before:
        alice.intent(name, **slots)
    step = alice.attributes[KEY].get("step", 0)
    turn = alice.intent(side[0], **side[1])
    assert turn.text.endswith(waiting), turn.text
    answer = alice.intent("Yes")
    assert not answer.text.startswith(NO_QUESTION)  # the question is still live
    if yes_starts is None:
        assert answer.text.startswith(STEPS[step + 1].text)
    else:
        assert yes_starts.lower() in answer.text.lower()


def test_a_side_answer_in_a_topic_asks_for_more_again(alice) -> None:
    alice.intent("PreventionIntent")
    turn = alice.intent("SourcesIntent")
    assert turn.text.endswith("Want more?")
    assert alice.intent("Yes").text.startswith(TIPS[2].text)


def test_sources_before_any_health_answer_say_so(alice) -> None:
    turn = alice.intent("SourcesIntent")
    assert turn.text.startswith("I haven't told you anything from my articles yet")


def test_the_relief_card_lists_every_step_for_the_muscle_and_the_articles(alice) -> None:
    muscle = envelopes.slot("muscle", "hamstring", "THIGH_BACK", status="ER_SUCCESS_MATCH")
    card = alice.intent("ReliefStepsIntent", muscle=muscle).card
    assert card["type"] == "Simple" and CONTENT.muscle("THIGH_BACK").name in card["title"]
    signs = CONTENT.caution(EMERGENCY_SIGNS).text
    assert card["content"].startswith(signs)  # the emergency signs first, once
    for number, step in enumerate(CONTENT.relief_plan("THIGH_BACK"), start=1):
        text = step.text.removeprefix(signs).lstrip() if step.first == EMERGENCY_SIGNS else step.text
        assert f"{number}. {text}" in card["content"]
    for article in CONTENT.sources.values():
        assert f"- {article.citation}" in card["content"]
    assert alice.intent("Next").card is None  # once per set of steps


@pytest.mark.parametrize("replies, outcome", [
    (["Yes"], "emergency"), (["No", "No", "No", "Yes"], "doctor_first"),
    (["No", "No", "No", "No", "Yes"], "doctor"), (["No"] * len(QUESTIONS), "reassure")])
def test_the_serious_card_lists_the_warning_signs_and_the_outcome(alice, replies, outcome) -> None:
    alice.intent("IsItSeriousIntent")
    for reply in replies:
        turn = alice.intent(reply)
    card = turn.card
    assert card["content"].startswith(CONTENT.outcome(outcome).text)
    assert "Call your local emergency number if" in card["content"]
    for question in QUESTIONS:
        asked = question.text
        assert asked[1:] in card["content"]
    assert "Sources:" in card["content"]


# -- every new intent, wherever the conversation stands ----------------------------------------

STATES = {
    "fresh": [],
    "mid-steps": [("Launch", {}), ("Next", {})],
    "mid-check": [("IsItSeriousIntent", {}), ("No", {})],
    "after a countdown": [("StretchTimerIntent", {})],
    "in a topic": [("PreventionIntent", {})],
    "asked to forget": [("ForgetSettingsIntent", {})],
}


#: Side answers that end by asking again what the conversation was waiting on.
CARRY_ON_INTENTS = ("SourcesIntent", "QuietVoiceIntent", "NormalVoiceIntent")


@pytest.mark.parametrize("state", sorted(STATES))
@pytest.mark.parametrize("intent", NEW_INTENTS)
def test_every_new_intent_answers_in_every_state(client, state, intent) -> None:
    talk = Talk(client)
    for name, slots in STATES[state]:
        talk.launch() if name == "Launch" else talk.intent(name, **slots)
    turn = talk.intent(intent)  # voice rules and a reprompt are checked by Talk
    assert turn.text and not turn.ended
    assert not turn.text.startswith("Sorry")
    if state == "mid-check" and intent in CARRY_ON_INTENTS:
        assert turn.text.endswith(QUESTIONS[1].text)  # the check carries on


def test_new_answers_copy_no_run_of_eight_words(alice, seeds_dir: Path) -> None:
    alice.launch()
    texts = []
    for intent in ("PreventionIntent", "CausesIntent"):
        texts += [t.text for t in walk_topic(alice, intent)]
    for slots in ({"medicine": named("medicine", "statins", "STATINS")},
                  {"condition": named("condition", "diabetes", "DIABETES")}):
        texts.append(alice.intent("MedicationIntent", **slots).text)
    texts.append(alice.intent("SourcesIntent").text)
    alice.intent("IsItSeriousIntent")
    texts.append(alice.intent("Yes").card["content"])
    texts.append(Talk(alice.client).intent("ReliefStepsIntent").card["content"])
    words = lambda text: re.findall(r"[a-z0-9']+", text.lower().replace("\u2019", "'"))  # noqa: E731
    grams = set()
    for seed in seeds_dir.glob("*.txt"):
        article = words(seed.read_text(encoding="utf-8", errors="replace"))
        grams |= {tuple(article[i:i + 8]) for i in range(len(article) - 7)}
    # naming an article (its own title, quoted in full) is citing it, not copying: each
    # name is cut out, so no run spans a name either
    for source in CONTENT.sources.values():
        texts = [text.replace(source.citation, " | ") for text in texts]
    copied = [" ".join(w[i:i + 8]) for text in texts for w in [words(text)]
              for i in range(len(w) - 7) if tuple(w[i:i + 8]) in grams]
    assert copied == []
