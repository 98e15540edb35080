"""Whole conversations through the web host, asserting on what Alexa would say."""
from __future__ import annotations

import pytest

from skill import envelopes
from skill.domain import ssml
from skill.domain.content import load_content
from .words import HALFWAY, LAST_FIVE, RELEASE, TEN_LEFT
from skill.domain.state import KEY
from skill.handlers import HANDLED_INTENTS
from skill.settings import PROJECT_ROOT

from .conversation import Talk, words_before

CONTENT = load_content(PROJECT_ROOT / "content")
STRETCH = {s.muscle: s for s in CONTENT.relief.stretch}
STEPS = CONTENT.relief_plan(None)
QUESTIONS = CONTENT.serious.question
EMERGENCY_FIRST_WORDS = "Call your local emergency number"


@pytest.fixture
def talk(client) -> Talk:
    return Talk(client)


def hold_seconds(turn) -> float:
    """Play time from "starting now." to "And release." in a countdown answer."""
    inner = ssml.unwrap(turn.ssml)
    start = inner.index("starting now.") + len("starting now.")
    end = inner.index(RELEASE)
    return ssml.ssml_play_seconds(ssml.speak(inner[start:end]))


# -- relief steps ---------------------------------------------------------------------------

def test_night_conversation_launch_steps_countdown_again_stop(talk) -> None:
    opening = talk.launch()
    assert not opening.ended
    assert words_before(opening.first_sentence(), "straighten") <= 12
    assert STRETCH["GENERAL"].text.lower() in opening.text.lower()
    assert "Don't point your toes" in opening.text
    assert "time it" in opening.text

    second = talk.intent("Next")
    assert second.text.startswith(STEPS[1].text)

    count = talk.intent("StretchTimerIntent")
    assert count.text.startswith(STEPS[1].cue)
    assert "30 seconds, starting now." in count.text
    for checkpoint in (HALFWAY, TEN_LEFT, *LAST_FIVE):
        assert checkpoint in count.text
    assert count.text.index(HALFWAY) < count.text.index(TEN_LEFT) < count.text.index("Five.")
    assert count.text.rstrip().endswith("Want another set? Or say next.")
    assert abs(hold_seconds(count) - 30) <= 2

    again = talk.intent("StretchTimerIntent")  # "do it again" / "count again"
    assert again.ssml == count.ssml
    repeat = talk.intent("Repeat")             # "again" as the built-in repeat
    assert repeat.ssml == count.ssml
    yes = talk.intent("Yes")                   # "another set?" - "yes"
    assert yes.ssml == count.ssml

    stop = talk.intent("Stop")
    assert stop.ended and stop.text == "Okay."
    assert stop.response.get("reprompt") is None


def test_one_shot_relief_for_a_muscle_puts_its_stretch_first(talk) -> None:
    calf = envelopes.slot("muscle", "calf", "CALF", "calf", "ER_SUCCESS_MATCH")
    turn = talk.intent("ReliefStepsIntent", muscle=calf)
    assert turn.first_sentence() == STRETCH["CALF"].text
    assert words_before(turn.text, "straighten") <= 12


@pytest.mark.parametrize("slot, stretch", [
    (envelopes.slot("muscle", "hammy", "THIGH_BACK", "back of the thigh", "ER_SUCCESS_MATCH"), "THIGH_BACK"),
    ("hamstrings", "THIGH_BACK"),                       # no resolutions: matched on synonyms
    ("My Quads", "THIGH_FRONT"),
    (envelopes.slot("muscle", "arch of my foot", status="ER_SUCCESS_NO_MATCH"), "FOOT"),
    (envelopes.slot("muscle", "sole", "NOT_A_MUSCLE", "sole", "ER_SUCCESS_MATCH"), "FOOT"),
])
def test_the_muscle_slot_picks_the_stretch(talk, slot, stretch) -> None:
    turn = talk.intent("ReliefStepsIntent", muscle=slot)
    assert turn.first_sentence() == STRETCH[stretch].text


@pytest.mark.parametrize("slots", [
    {},
    {"muscle": envelopes.slot("muscle", None)},
])
def test_missing_muscle_gets_the_general_steps(talk, slots) -> None:
    turn = talk.send(envelopes.intent_request("ReliefStepsIntent", slots))
    assert not turn.ended
    assert turn.first_sentence() == STRETCH["GENERAL"].text
    assert words_before(turn.first_sentence(), "stretch the tight muscle") <= 12


@pytest.mark.parametrize("slots", [
    {"muscle": envelopes.slot("muscle", "elbow", status="ER_SUCCESS_NO_MATCH")},
    {"muscle": envelopes.slot("muscle", "shin", status="ER_SUCCESS_NO_MATCH")},
    {"muscle": "back"},
    {"muscle": "back of my leg"},
    {"muscle": "left earlobe"},
])
def test_an_unknown_muscle_gets_a_stretch_for_any_muscle_not_the_calfs(talk, slots) -> None:
    """Toes toward the shin would tighten a shin muscle: a named muscle the skill doesn't
    know gets the muscle-neutral first step, and keeps it through the steps."""
    turn = talk.send(envelopes.intent_request("ReliefStepsIntent", slots))
    other = STRETCH["OTHER"].text
    assert turn.first_sentence() == f"No special stretch for that one, so try this: {other[:1].lower()}{other[1:]}"
    assert "shin" not in turn.text and "toes" not in turn.text
    assert words_before(turn.first_sentence(), "stretch the tight muscle") <= 12
    talk.intent("Next")
    assert talk.intent("Previous").first_sentence() == other
    count = talk.intent("StretchTimerIntent")
    assert count.text.startswith(STRETCH["OTHER"].cue) and "shin" not in count.text


@pytest.mark.parametrize("heard", ["thigh", "my thigh", "upper leg", "Thighs"])
def test_a_thigh_without_front_or_back_gets_both_stretches(talk, heard) -> None:
    turn = talk.intent("ReliefStepsIntent", muscle=heard)
    assert turn.first_sentence() == STRETCH["THIGH"].text
    assert words_before(turn.text, "bend") <= 12
    count = talk.intent("StretchTimerIntent", muscle=heard)
    assert count.text.startswith(STRETCH["THIGH"].cue)


def test_previous_at_step_one_says_so_and_repeats_it(talk) -> None:
    talk.launch()
    turn = talk.intent("Previous")
    assert turn.text.startswith("You're at the first step: gently stretch")
    assert talk.intent("Next").text.startswith(STEPS[1].text)
    assert talk.intent("Previous").text.startswith(STEPS[0].text)


def test_repeat_says_the_last_answer_again(talk) -> None:
    talk.launch()
    step = talk.intent("Next")
    assert talk.intent("Repeat").ssml == step.ssml
    assert talk.intent("Next").text.startswith(STEPS[2].text)


def test_next_walks_every_step_then_offers_to_start_over(talk) -> None:
    said = [talk.launch().text]
    for _ in range(len(STEPS) - 1):
        said.append(talk.intent("Next").text)
    first_time_lead = "Hello, here's the first step: "
    assert said[0].startswith(first_time_lead + STEPS[0].text[0].lower() + STEPS[0].text[1:])
    for step, text in zip(STEPS[1:], said[1:]):
        assert text.startswith(step.text)
    heat = said[[s.id for s in STEPS].index("heat")]
    assert heat.startswith(CONTENT.caution("cannot_feel_heat").text)  # the caution first
    assert "heating pad on its lowest setting" in heat
    assert said[-1].endswith("want to hear them again?")
    assert CONTENT.relief.closing.text in said[-1]
    past_end = talk.intent("Next")
    assert past_end.text == "That's all the steps; want to hear them again?"
    assert talk.intent("Yes").text.startswith(STEPS[0].text)


def test_start_over_goes_back_to_the_muscles_stretch(talk) -> None:
    talk.intent("ReliefStepsIntent", muscle="quads")
    talk.intent("Next")
    talk.intent("Next")
    assert talk.intent("StartOver").first_sentence() == STRETCH["THIGH_FRONT"].text


def test_no_to_the_last_offer_says_goodbye(talk) -> None:
    talk.launch()
    for _ in range(len(STEPS)):
        talk.intent("Next")
    bye = talk.intent("No")
    assert bye.ended and "hope it eases" in bye.text


def test_yes_to_time_it_counts_and_no_waits(talk) -> None:
    talk.launch()
    assert "starting now" in talk.intent("Yes").text
    wait = talk.intent("No")
    assert wait.text == "Okay. Say next when you're ready."
    assert talk.intent("Yes").text.startswith(STEPS[1].text)


# -- countdown -------------------------------------------------------------------------------

@pytest.mark.parametrize("duration, seconds, note", [
    ("PT10S", 10, None), ("PT15S", 15, None), ("PT45S", 45, None), ("PT1M", 60, None),
    ("PT2M", 120, None), ("PT1H", 120, "The longest count I do is 2 minutes."),
    ("P1D", 120, "The longest count I do is 2 minutes."), ("PT3S", 10, "The shortest count I do is 10 seconds."),
    ("PT0S", 10, "The shortest count I do is 10 seconds."), ("PT-5S", 30, "I didn't catch a time"),
    ("garbage", 30, "I didn't catch a time"), ("?", 30, "I didn't catch a time"),
])
def test_countdown_durations_through_the_webhook(talk, duration, seconds, note) -> None:
    turn = talk.intent("StretchTimerIntent", duration=duration)
    assert abs(hold_seconds(turn) - seconds) <= 2
    assert (note in turn.text) if note else ("count I do" not in turn.text)
    assert len(turn.ssml) < 8000
    again = talk.intent("StretchTimerIntent")
    assert abs(hold_seconds(again) - seconds) <= 2, "again repeats the same set"
    assert "count I do" not in again.text and "didn't catch" not in again.text


def test_one_shot_countdown_for_a_muscle(talk) -> None:
    turn = talk.intent("StretchTimerIntent", muscle="hamstring", duration="PT20S")
    assert turn.text.startswith(STRETCH["THIGH_BACK"].cue)
    assert "20 seconds, starting now." in turn.text
    assert talk.intent("Next").text.startswith(STEPS[1].text)


def test_after_a_countdown_no_moves_on(talk) -> None:
    talk.launch()
    talk.intent("StretchTimerIntent")
    assert talk.intent("No").text == "Okay. Say next when you're ready."
    assert talk.intent("Yes").text.startswith(STEPS[1].text)


# -- is it serious? --------------------------------------------------------------------------

def answer_all(talk, replies: list[str]):
    turn = talk.intent("IsItSeriousIntent")
    assert turn.text.startswith("A quick check, yes or no:")
    assert QUESTIONS[0].text[1:] in turn.text
    for reply in replies:
        turn = talk.intent({"y": "Yes", "n": "No", "?": "Fallback", "u": "NotSureIntent"}[reply])
    return turn


@pytest.mark.parametrize("replies", ["y", "ny", "nny", "uy", "nuy"])
def test_an_emergency_sign_says_call_first_and_ends(talk, replies) -> None:
    """The emergency line is the first words and the last: nothing after it delays the call
    (the disclaimer stays on the card)."""
    turn = answer_all(talk, list(replies))
    assert turn.text == CONTENT.outcome("emergency").text
    assert turn.text.startswith(EMERGENCY_FIRST_WORDS)
    assert turn.ended
    assert "not medical advice" in turn.card["content"]


#: Where each kind of question stands in the check (the safe order: emergency signs, other
#: symptoms, then the doctor questions).
OTHER = next(i for i, q in enumerate(QUESTIONS) if q.kind == "doctor_first")
DOCTOR = [i for i, q in enumerate(QUESTIONS) if q.kind == "doctor"]
FREQUENT = next(i for i, q in enumerate(QUESTIONS) if q.id == "frequent_or_disruptive")
WALKING = next(i for i, q in enumerate(QUESTIONS) if q.id == "walking")


def test_the_check_asks_in_the_safe_order() -> None:
    kinds = [q.kind for q in QUESTIONS]
    assert kinds == ["emergency"] * 3 + ["doctor_first", "doctor", "doctor"]
    assert OTHER < FREQUENT < WALKING
    other = QUESTIONS[OTHER].text.lower()
    for named in ("swelling", "redness", "warmth", "numbness", "weakness"):
        assert named in other
    assert QUESTIONS[WALKING].text.startswith("Once the cramp has gone")


@pytest.mark.parametrize("replies", ["nnnny", "nnnn??", "nnnnu", "nnnnny", "nnnnnu"])
def test_a_doctor_sign_says_see_a_doctor(talk, replies) -> None:
    """A yes, a "not sure", or a second unclear answer on the question about cramps that
    keep coming back, or on walking or standing once the cramp has gone: see a doctor, and
    the relief steps are still offered (first-line relief is not held back)."""
    turn = answer_all(talk, list(replies))
    assert turn.text.startswith(CONTENT.outcome("doctor").text)
    assert turn.text.endswith("Want the relief steps now?")
    assert not turn.ended
    assert talk.intent("Yes").text.startswith(STEPS[0].text)


def test_cramps_that_keep_coming_back_are_asked_after_other_symptoms(talk) -> None:
    """Review finding: yes to "do your cramps keep coming back?" gave a doctor and the
    relief steps before the other-symptoms question was ever asked."""
    turns = [talk.intent("IsItSeriousIntent")] + [talk.intent("No") for _ in range(FREQUENT)]
    assert QUESTIONS[OTHER].text in turns[OTHER].text
    assert QUESTIONS[FREQUENT].text in turns[FREQUENT].text
    assert not any("Want the relief" in t.text for t in turns)


def test_yes_to_walking_once_the_cramp_has_gone_gets_a_doctor_and_the_steps(talk) -> None:
    """Review finding: yes to "hard to walk or stand?" while it still cramped withheld the
    first-line relief. Now it asks about once the cramp has gone, and a yes gets a doctor
    with the steps offered (001)."""
    talk.intent("QuietVoiceIntent")
    turn = answer_all(talk, list("n" * WALKING))
    assert turn.text.endswith(QUESTIONS[WALKING].text)
    turn = talk.intent("Yes")
    assert turn.text == f"{CONTENT.outcome('doctor').text} Want the relief steps now?"
    assert not turn.ended and turn.whispered  # not urgent: the normal whisper
    assert "doctor" in turn.card["content"]
    assert talk.intent("Yes").text.startswith(STEPS[0].text)


@pytest.mark.parametrize("replies", ["nnny", "nnnu", "nnn??", "unny", "nuny"])
def test_other_symptoms_say_a_doctor_first_and_offer_no_stretch(talk, replies) -> None:
    """Other symptoms with the cramps (swelling, redness, warmth, numbness, weakness...) in
    the check: the same answer as when the symptom is named outright (a doctor before
    anything else, no massage, heat or stretch), in the normal voice, and the session
    ends: no relief step follows. So too after an earlier "not sure"."""
    talk.intent("QuietVoiceIntent")
    turn = answer_all(talk, list(replies))
    assert turn.text == CONTENT.outcome("doctor_first").text
    assert turn.text == CONTENT.index.sign_answers["doctor"].text
    assert turn.ended and not turn.whispered
    for word in ("Want the relief", "stretch the", "time it", "say next"):
        assert word.lower() not in turn.text.lower()
    assert "not medical advice" in turn.card["content"]


def test_no_signs_is_reassuring_and_offers_relief(talk) -> None:
    turn = answer_all(talk, list("n" * len(QUESTIONS)))
    assert turn.text.startswith(CONTENT.outcome("reassure").text)
    assert "ask me about one" in turn.text  # medicines and conditions: information, not a question
    bye = talk.intent("No")
    assert bye.ended


def test_the_all_clear_says_it_is_general_information_not_a_diagnosis(talk) -> None:
    """Review finding: the reassurance had no caveat. It says so in a few words, within
    two sentences before the offer of the steps."""
    turn = answer_all(talk, list("n" * len(QUESTIONS)))
    first_two = " ".join(turn.text.split(". ")[:2]).lower()
    assert "general information, not a diagnosis" in first_two
    assert turn.text.endswith("Want the relief steps now?") and not turn.ended


@pytest.mark.parametrize("replies", ["u", "nu", "nnu", "??", "n??"])
def test_not_sure_about_an_emergency_sign_says_when_to_call_at_once(talk, replies) -> None:
    """"Not sure" (or a second unclear answer) on an emergency question: that question's
    "not sure" line at once, opening with the emergency number, then the next question;
    no relief step and no offer of one before the remaining questions are answered."""
    talk.intent("QuietVoiceIntent")
    turn = answer_all(talk, list(replies))
    index = replies.count("n")
    assert turn.text == f"{QUESTIONS[index].unsure} {QUESTIONS[index + 1].text}"
    assert turn.text.startswith(EMERGENCY_FIRST_WORDS) and not turn.whispered
    assert not turn.ended and "Want the relief" not in turn.text
    assert talk.intent("Yes").text != STEPS[0].text


def test_questions_come_one_at_a_time_at_most_six(talk) -> None:
    turns = [talk.intent("IsItSeriousIntent")] + [talk.intent("No") for _ in range(6)]
    asked = [t for t in turns if any(q.text[1:] in t.text for q in QUESTIONS)]
    assert len(asked) == len(QUESTIONS) == 6
    for question, turn in zip(QUESTIONS, asked):
        assert question.text[1:] in turn.text


@pytest.mark.parametrize("index", range(len(QUESTIONS)))
def test_help_in_the_check_explains_the_question_then_asks_it(talk, index) -> None:
    answer_all(talk, list("n" * index))
    explained = talk.intent("Help")
    assert explained.text.startswith(QUESTIONS[index].explain)
    assert explained.text.endswith(QUESTIONS[index].text)
    after = talk.intent("No")
    if index + 1 < len(QUESTIONS):
        assert QUESTIONS[index + 1].text in after.text
    else:
        assert after.text.startswith(CONTENT.outcome("reassure").text)


@pytest.mark.parametrize("name", ["Next", "Previous", "Resume", "Repeat"])
def test_navigation_inside_the_check_re_asks(talk, name) -> None:
    talk.intent("IsItSeriousIntent")
    talk.intent("No")
    turn = talk.intent(name)
    assert QUESTIONS[1].text[1:] in turn.text
    assert talk.intent("Yes").text.startswith(EMERGENCY_FIRST_WORDS)


@pytest.mark.parametrize("name", ["Stop", "Cancel", "NavigateHome"])
def test_leaving_the_check_at_any_point(talk, name) -> None:
    talk.intent("IsItSeriousIntent")
    talk.intent("No")
    turn = talk.intent(name)
    assert turn.ended and turn.text == "Okay."


def test_relief_steps_mid_check_leave_it(talk) -> None:
    talk.intent("IsItSeriousIntent")
    turn = talk.intent("ReliefStepsIntent", muscle="calf")
    assert turn.first_sentence() == STRETCH["CALF"].text
    assert talk.intent("Yes").text.startswith(STRETCH["CALF"].cue)  # yes = time it


def test_start_over_restarts_the_check(talk) -> None:
    talk.intent("IsItSeriousIntent")
    talk.intent("No")
    talk.intent("No")
    assert talk.intent("StartOver").text.startswith("A quick check, yes or no:")


def test_the_check_keeps_no_answers_only_its_place(talk) -> None:
    answer_all(talk, list("nn"))
    assert talk.attributes[KEY]["question"] == 2
    assert not {"replies", "answers"} & set(talk.attributes[KEY])
    answer = talk.intent("Yes")
    assert answer.ended  # an emergency: the session ends and nothing is kept


# -- the rest ----------------------------------------------------------------------------------

def test_help_names_the_three_things(talk) -> None:
    turn = talk.intent("Help")
    for thing in ("relief steps", "count a stretch", "serious", "not medical advice"):
        assert thing in turn.text
    assert turn.text.endswith("?")


@pytest.mark.parametrize("name", ["Yes", "No", "Resume", "Repeat", "Fallback"])
def test_nothing_pending_gets_steered_back(talk, name) -> None:
    turn = talk.intent(name)
    assert not turn.ended
    assert "time it" in turn.text


def test_next_at_a_fresh_start_gives_the_first_step(talk) -> None:
    assert talk.intent("Next").text.startswith(STEPS[0].text)


def test_pause_is_honest_and_ends_the_session(talk) -> None:
    """A timed-out session can't keep a promise to wait: pause ends it, saying how to
    come back, and promises no "resume"."""
    talk.launch()
    talk.intent("Next")
    paused = talk.intent("Pause")
    assert paused.ended and "open leg cramp helper again" in paused.text.lower()
    assert "resume" not in paused.text.lower()


def test_an_intent_nobody_handles_is_steered(talk) -> None:
    turn = talk.intent("SomeFutureIntent")
    assert turn.text.startswith("If it feels like an emergency, call your local emergency number.")
    assert not turn.ended


def test_session_ended_answers_quietly(talk) -> None:
    talk.launch()
    turn = talk.ended_session()
    assert turn.response.get("outputSpeech") is None


def test_an_error_gets_a_calm_spoken_answer(talk, monkeypatch) -> None:
    from skill.handlers import amazon

    def explode(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(amazon, "next_step", explode)
    turn = talk.intent("Next")
    assert turn.text.startswith("Sorry, I had a little trouble there.")
    assert turn.reprompt and not turn.ended


TAMPERED = [
    {KEY: "garbage"},
    {KEY: {"flow": "relief", "step": 999}},
    {KEY: {"flow": "relief", "step": 38, "muscle": "ELBOW", "pending": "count"}},
    {KEY: {"pending": "check", "question": 4, "misses": 1}},
    {KEY: {"pending": "check", "question": 99}},
    {KEY: {"pending": "which_medical", "question": 2}},
    {KEY: {"pending": "hold_time"}},
    {KEY: {"v": 0, "flow": "relief"}},
    {KEY: {"pending": "another_set", "hold": 9999}},
    {KEY: {"pending": "another_set", "hold": 3}},
    {KEY: {"last_speech": "<oops", "last_reprompt": "<nope"}},
    {KEY: {"last_speech": "fine", "last_reprompt": "<nope"}},
    {"unrelated": {"deep": [1, 2, {"x": None}]}},
]


@pytest.mark.parametrize("attributes", TAMPERED)
@pytest.mark.parametrize("intent", sorted(HANDLED_INTENTS))
def test_tampered_session_attributes_never_crash(client, attributes, intent) -> None:
    talk = Talk(client)
    talk.attributes = attributes
    talk.new = False
    turn = talk.send(envelopes.intent_request(intent))
    assert turn.text
    assert not turn.text.startswith("Sorry, I had a little trouble")


@pytest.mark.parametrize("turns, expected", [
    # the front-of-thigh stretch (002) and the emergency signs said after it (001)
    ([("ReliefStepsIntent", {"muscle": "quads"})], ("001", "002")),
    ([("LaunchRequest", {})], ("000", "001", "002")),
    ([("StretchTimerIntent", {})], ("000", "001", "002", "004")),
    ([("IsItSeriousIntent", {})], ("001",)),
    ([("IsItSeriousIntent", {}), *[("No", {})] * len(QUESTIONS)], ("000", "001", "003", "004")),
])
def test_the_sources_of_the_last_answer_are_remembered(talk, turns, expected) -> None:
    for name, slots in turns:
        if name == "LaunchRequest":
            talk.launch()
        else:
            talk.intent(name, **slots)
    assert tuple(talk.attributes[KEY]["sources"]) == expected


@pytest.mark.parametrize("response, problem", [
    ({"outputSpeech": {"ssml": "<speak>Hi.</speak>"}, "shouldEndSession": False}, "without a reprompt"),
    ({"outputSpeech": {"ssml": "<speak>One. Two. Three. Four?</speak>"}, "shouldEndSession": True}, "before the question"),
    ({"outputSpeech": {"ssml": "<speak>a & b</speak>"}, "shouldEndSession": True}, "not XML"),
])
def test_the_voice_rule_check_itself_catches_mistakes(response, problem) -> None:
    from .conversation import Turn, check_voice_rules

    with pytest.raises(AssertionError, match=problem):
        check_voice_rules(Turn({"response": response}))
