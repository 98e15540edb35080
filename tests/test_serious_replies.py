"""Replies to the serious check that are not a plain yes or no, through the web host:
a length of time ("fifteen minutes"), "not sure", and an emergency sign said outright."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from skill import envelopes
from skill.app import create_app
from skill.domain.content import load_content
from .words import NO_PROBLEM, NO_QUESTION
from .words import STEER
from .words import FORGET_PROMPT
from .words import ANSWER_LEAD
from skill.settings import PROJECT_ROOT, Settings

from .conversation import Talk

CONTENT = load_content(PROJECT_ROOT / "content")
QUESTIONS = CONTENT.serious.question
EMERGENCY = CONTENT.outcome("emergency").text
WATCH = CONTENT.outcome("watch").text
LIMITS = CONTENT.countdown
#: The question about how long the cramp has lasted, and its threshold.
TIMED = next(i for i, q in enumerate(QUESTIONS) if q.over_minutes is not None)
OVER_MINUTES = QUESTIONS[TIMED].over_minutes


@pytest.fixture
def talk(client) -> Talk:
    return Talk(client)


def to_question(talk: Talk, index: int) -> None:
    """Open the check and answer "no" until question `index` is asked."""
    turn = talk.intent("IsItSeriousIntent")
    for _ in range(index):
        turn = talk.intent("No")
    assert QUESTIONS[index].text[1:] in turn.text


def iso_minutes(minutes: int) -> str:
    return f"PT{minutes}M"


def assert_emergency(turn) -> None:
    """The emergency line first and last, in the normal voice; the session ends."""
    assert turn.text.startswith(EMERGENCY) and turn.ended
    assert turn.text.endswith("urgent medical care.")
    assert "whispered" not in turn.ssml


# -- 1. a length of time answers the question -------------------------------------------------

@pytest.mark.parametrize("intent", ["StretchTimerIntent", "SetHoldTimeIntent"])
@pytest.mark.parametrize("duration", ["PT15M", "PT10M1S", "PT10M", "PT1H"])
def test_a_time_over_the_threshold_is_an_emergency(talk, intent, duration) -> None:
    """"Fifteen minutes" to "has it lasted more than ten minutes?" is a yes: the
    emergency answer first, no countdown."""
    to_question(talk, TIMED)
    turn = talk.intent(intent, duration=duration)
    assert_emergency(turn)
    assert "starting now" not in turn.text and "count" not in turn.text


@pytest.mark.parametrize("intent", ["StretchTimerIntent", "SetHoldTimeIntent"])
@pytest.mark.parametrize("duration", ["PT5M", "PT9M59S", "PT45S"])
def test_a_time_under_the_threshold_is_a_no(talk, intent, duration) -> None:
    """Under the limit is a no; at the limit is already a yes (the cautious reading)."""
    to_question(talk, TIMED)
    turn = talk.intent(intent, duration=duration)
    assert turn.text.startswith(QUESTIONS[TIMED + 1].text) and not turn.ended
    assert "starting now" not in turn.text
    assert talk.attributes["cramp"]["question"] == TIMED + 1


@pytest.mark.parametrize("index", [i for i in range(len(QUESTIONS)) if QUESTIONS[i].over_minutes is None])
def test_a_time_for_any_other_question_asks_it_again(talk, index) -> None:
    to_question(talk, index)
    turn = talk.intent("StretchTimerIntent", duration="PT15M")
    question = QUESTIONS[index].text
    assert turn.text.startswith(f"{ANSWER_LEAD}: {question[:1].lower()}{question[1:]}")
    assert not turn.ended and "starting now" not in turn.text
    # the check goes on where it was: a yes now is the answer to that question
    assert talk.attributes["cramp"]["question"] == index


def test_after_a_time_for_the_wrong_question_yes_still_answers_it(talk) -> None:
    """Review finding: "fifteen minutes" then "yes" started two countdowns."""
    emergency_questions = [i for i, q in enumerate(QUESTIONS) if q.kind == "emergency"]
    other = next(i for i in emergency_questions if i != TIMED)
    to_question(talk, other)
    talk.intent("StretchTimerIntent", duration="PT15M")
    assert_emergency(talk.intent("Yes"))


def test_an_unreadable_time_asks_the_question_again(talk) -> None:
    to_question(talk, TIMED)
    turn = talk.intent("StretchTimerIntent", duration="garbage")
    assert turn.text.startswith(ANSWER_LEAD) and QUESTIONS[TIMED].text[1:] in turn.text


def test_a_time_without_the_check_is_still_a_countdown(talk) -> None:
    talk.intent("IsItSeriousIntent")
    for _ in QUESTIONS:
        talk.intent("No")
    turn = talk.intent("StretchTimerIntent", duration="PT20S")
    assert "20 seconds, starting now." in turn.text


def test_a_time_in_the_check_changes_no_setting(talk) -> None:
    to_question(talk, TIMED)
    talk.intent("SetHoldTimeIntent", duration="PT45S")
    talk.stop()
    turn = talk.intent("StretchTimerIntent")
    assert f"{LIMITS.default_seconds} seconds, starting now." in turn.text


def test_the_threshold_is_read_from_the_content(tmp_path: Path) -> None:
    """Raise the threshold in serious.toml: fifteen minutes becomes a no."""
    folder = tmp_path / "content"
    shutil.copytree(PROJECT_ROOT / "content", folder)
    serious = folder / "serious.toml"
    text = serious.read_text(encoding="utf-8")
    assert f"over_minutes = {OVER_MINUTES}" in text
    serious.write_text(text.replace(f"over_minutes = {OVER_MINUTES}", "over_minutes = 20"),
                       encoding="utf-8")
    settings = Settings(persistence="memory", content_dir=folder,
                        db_path=tmp_path / "prefs.sqlite3").as_local()
    talk = Talk(create_app(settings).test_client())
    to_question(talk, TIMED)
    assert talk.intent("StretchTimerIntent", duration="PT15M").text.startswith(QUESTIONS[TIMED + 1].text)
    talk.intent("StartOver")
    assert_emergency(talk.intent("StretchTimerIntent", duration="PT21M"))
    assert_emergency(Talk(create_app(settings).test_client()).intent("CrampDurationIntent",
                                                                     duration="PT20M"))
    short = Talk(create_app(settings).test_client()).intent("CrampDurationIntent", duration="PT15M")
    assert not short.ended and "starting now" not in short.text


# -- 2. "not sure" ----------------------------------------------------------------------------

EMERGENCY_QUESTIONS = [i for i, q in enumerate(QUESTIONS) if q.kind == "emergency"]
#: Every relief instruction the skill can give, and the check's offer of them.
RELIEF_TEXTS = {step.text for muscle in (None, *CONTENT.index.plans) for step in
                CONTENT.relief_plan(muscle)} | {s.cue for s in CONTENT.relief.stretch}
OFFER = CONTENT.prompts.check.offer_relief


def no_relief_in(turn) -> bool:
    """No relief step, countdown or offer of them in this answer."""
    spoken = turn.text.lower()
    return (not any(text.lower() in spoken for text in RELIEF_TEXTS)
            and OFFER.lower() not in spoken and "starting now" not in spoken)


@pytest.mark.parametrize("index", EMERGENCY_QUESTIONS)
def test_not_sure_on_an_emergency_sign_is_urgent_even_when_whispering(talk, index) -> None:
    """"Not sure" to an emergency question: that question's own line at once (the first
    words are the emergency instruction), then the next question, in the normal voice."""
    talk.intent("QuietVoiceIntent")
    to_question(talk, index)
    assert talk.turns[-1].whispered
    turn = talk.intent("NotSureIntent")
    unsure = QUESTIONS[index].unsure
    assert unsure.startswith("Call your local emergency number")
    assert turn.text == f"{unsure} {QUESTIONS[index + 1].text}" and not turn.ended
    assert turn.reprompt.startswith(QUESTIONS[index + 1].text)
    assert "whispered" not in turn.ssml
    assert talk.attributes["cramp"]["question"] == index + 1
    assert no_relief_in(turn)


@pytest.mark.parametrize("index", EMERGENCY_QUESTIONS)
def test_after_not_sure_the_remaining_questions_come_before_any_relief(talk, index) -> None:
    """Review finding: "not sure" ended the check at once with "want the relief steps
    now?", so massage could come before the other-symptoms question was ever asked."""
    to_question(talk, index)
    turns = [talk.intent("NotSureIntent")]
    for later in range(index + 1, len(QUESTIONS)):
        assert QUESTIONS[later].text in turns[-1].text
        turns.append(talk.intent("No"))
    assert all(no_relief_in(turn) for turn in turns[:-1])
    assert not any(turn.ended for turn in turns[:-1])
    end = turns[-1]
    if QUESTIONS[index].unsure_holds_back:
        # a sting, bite or contact not ruled out: the watch advice, and no steps at all
        assert end.text == WATCH and end.ended and no_relief_in(end)
        assert "whispered" not in end.ssml
    else:  # a doubt never ends on "usually harmless": the watch advice, then the steps offered
        assert end.text.startswith(WATCH) and end.text.endswith(OFFER) and not end.ended


@pytest.mark.parametrize("later", ["Yes", "NotSureIntent"])
def test_after_not_sure_a_later_sign_still_decides(talk, later) -> None:
    """Other symptoms after a "not sure": a doctor first, the session ends."""
    other = next(i for i, q in enumerate(QUESTIONS) if q.kind == "doctor_first")
    talk.intent("IsItSeriousIntent")
    talk.intent("NotSureIntent")
    for _ in range(1, other):
        talk.intent("No")
    turn = talk.intent(later)
    assert turn.text == CONTENT.outcome("doctor_first").text and turn.ended


def test_after_not_sure_a_later_emergency_yes_is_the_emergency(talk) -> None:
    talk.intent("IsItSeriousIntent")
    talk.intent("NotSureIntent")
    assert_emergency(talk.intent("Yes"))


HOLDS_BACK = next(i for i, q in enumerate(QUESTIONS) if q.unsure_holds_back)


def test_not_sure_about_a_sting_or_bite_holds_back_relief_for_the_session(talk) -> None:
    """The derived flag is set at once (DialogState.referred), and stays while the session
    lasts: nothing the check offers afterwards leads into massage, heat or a stretch."""
    to_question(talk, HOLDS_BACK)
    assert "referred" not in talk.attributes["cramp"]
    talk.intent("NotSureIntent")
    assert talk.attributes["cramp"]["referred"] is True
    for name in ("Repeat", "Help", "Next"):
        turn = talk.intent(name)
        assert no_relief_in(turn) and not turn.ended
        assert talk.attributes["cramp"]["referred"] is True
    doctor = next(i for i, q in enumerate(QUESTIONS) if q.kind == "doctor")
    for _ in range(HOLDS_BACK + 1, doctor):
        talk.intent("No")
    turn = talk.intent("Yes")  # cramps that keep coming back: a doctor, and no steps offered
    assert turn.text == CONTENT.outcome("doctor").text and turn.ended and no_relief_in(turn)


def test_not_sure_about_the_length_or_the_pain_still_offers_the_steps_at_the_end(talk) -> None:
    """Only the sting, bite or contact question holds relief back: strong pain or a cramp
    that might reach ten minutes still gets the first-line relief once the check is done."""
    talk.intent("IsItSeriousIntent")
    talk.intent("NotSureIntent")
    talk.intent("NotSureIntent")
    assert "referred" not in talk.attributes["cramp"]
    for _ in range(2, len(QUESTIONS)):
        turn = talk.intent("No")
    assert turn.text.endswith(OFFER) and not turn.ended
    assert talk.intent("Yes").text.startswith(CONTENT.relief_plan(None)[0].text)


def test_a_second_unclear_answer_on_an_emergency_question_is_not_sure(talk) -> None:
    talk.intent("IsItSeriousIntent")
    talk.intent("Fallback")
    turn = talk.intent("Fallback")
    assert turn.text == f"{QUESTIONS[0].unsure} {QUESTIONS[1].text}"


def test_not_sure_on_a_doctor_sign_stays_whispered(talk) -> None:
    talk.intent("QuietVoiceIntent")
    doctor = next(i for i, q in enumerate(QUESTIONS) if q.kind == "doctor")
    to_question(talk, doctor)
    turn = talk.intent("NotSureIntent")
    assert turn.text.startswith(CONTENT.outcome("doctor").text) and turn.whispered


@pytest.mark.parametrize("setup", [[], ["launch"], ["StretchTimerIntent"], ["AMAZON.HelpIntent"]])
def test_not_sure_outside_the_check_steers_back(talk, setup) -> None:
    for step in setup:
        talk.launch() if step == "launch" else talk.intent(step)
    turn = talk.intent("NotSureIntent")
    assert turn.text == f"{NO_PROBLEM} {STEER}"
    assert turn.reprompt == STEER and not turn.ended


def test_not_sure_about_forgetting_the_settings_asks_again(talk) -> None:
    talk.intent("ForgetSettingsIntent")
    turn = talk.intent("NotSureIntent")
    assert turn.text == FORGET_PROMPT and not turn.ended


# -- 3. an emergency sign said outright --------------------------------------------------------

def sign(sign_id: str, heard: str):
    return envelopes.slot("sign", heard, sign_id, heard, "ER_SUCCESS_MATCH")


@pytest.mark.parametrize("setup", [
    [], ["launch"], ["launch", "AMAZON.NextIntent"], ["IsItSeriousIntent"],
    ["IsItSeriousIntent", "AMAZON.NoIntent", "AMAZON.NoIntent"], ["StretchTimerIntent"],
    ["ForgetSettingsIntent"], ["SetHoldTimeIntent"], ["IsItSeriousIntent", "MedicationIntent"]])
@pytest.mark.parametrize("said", [("unbearable", "the pain is unbearable"),
                                  ("toxic_contact", "a bee stung me"),
                                  ("long_cramp", "more than ten minutes")])
def test_an_emergency_sign_is_answered_at_once_wherever_the_talk_stands(talk, setup, said) -> None:
    talk.intent("QuietVoiceIntent")
    for step in setup:
        talk.launch() if step == "launch" else talk.intent(step)
    turn = talk.intent("SymptomIntent", sign=sign(*said))
    assert_emergency(turn)
    assert not any(q.text[1:] in turn.text for q in QUESTIONS)


def test_after_an_emergency_sign_the_check_is_over(talk) -> None:
    """The session ended: a "yes" afterwards answers no old question."""
    talk.intent("IsItSeriousIntent")
    talk.intent("SymptomIntent", sign=sign("unbearable", "unbearable"))
    assert talk.intent("Yes").text.startswith(NO_QUESTION)


def test_repeating_urgent_advice_keeps_the_normal_voice(talk) -> None:
    talk.launch()
    talk.intent("QuietVoiceIntent")
    talk.intent("IsItSeriousIntent")
    cautious = talk.intent("NotSureIntent")
    assert cautious.text.startswith(QUESTIONS[0].unsure)
    assert not cautious.whispered and cautious.text.startswith("Call your local emergency number")
    again = talk.intent("Repeat")
    assert again.text == cautious.text
    assert not again.whispered
    assert talk.intent("Repeat").text == cautious.text  # and again
    assert talk.intent("Next").whispered  # an ordinary answer is whispered again


def test_starting_the_check_again_keeps_relief_held_back(talk) -> None:
    """"Start over" after "not sure" to a sting or bite: the same session, so the check
    begins again but still ends on the watch advice, with no steps offered."""
    to_question(talk, HOLDS_BACK)
    talk.intent("NotSureIntent")
    assert talk.intent("StartOver").text.startswith("A quick check, yes or no:")
    assert talk.attributes["cramp"]["referred"] is True
    for _ in QUESTIONS:
        turn = talk.intent("No")
    assert turn.text == WATCH and turn.ended and no_relief_in(turn)


def test_not_sure_early_then_every_no_never_ends_on_usually_harmless(client) -> None:
    """"Not sure" to the ten-minute question, then "no" to every other: the check ends on
    when to call (the cautious watch advice), never on the all-clear, and offers the steps
    (only an unsure sting, bite or contact holds them back)."""
    talk = Talk(client)
    talk.intent("IsItSeriousIntent")
    talk.intent("NotSureIntent")
    for _question in CONTENT.serious.question[1:]:
        turn = talk.intent("No")
    assert turn.text.startswith(CONTENT.outcome("watch").text)
    assert CONTENT.outcome("reassure").text not in turn.text
    assert turn.text.endswith(CONTENT.prompts.check.offer_relief) and not turn.ended
