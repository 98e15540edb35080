"""The conversation protocol, as tables: every pending question x every kind of answer.

For each question the skill can ask (skill.domain.dialog.QUESTIONS), a real conversation
through the webhook reaches it, then gets: each reply the question accepts, a reply it does
not, a side question, and an unclear answer once and twice. What must hold:
- an accepted reply is taken by that question (and no other);
- a side question is answered and the same question is asked again;
- the first unclear answer asks again in a short form, the second takes the question's rule;
- a reply to a side prompt never answers the check beneath it.
"""
from __future__ import annotations

from typing import Any

import pytest

from skill import envelopes
from skill.domain import dialog
from skill.app import create_app
from skill.domain.state import KEY
from skill.settings import Settings

from .conversation import Talk
from .words import CONTENT, FALLBACK_EMERGENCY, PROMPTS

QUESTIONS = CONTENT.serious.question
PLAN = CONTENT.relief_plan(None)
NO_CUE = next(i for i, step in enumerate(PLAN) if not step.cue and i < len(PLAN) - 1)


def duration(value: str) -> dict[str, Any]:
    return envelopes.slot("duration", value)


def medicine(value: str, item_id: str) -> dict[str, Any]:
    return envelopes.slot("medicine", value, item_id, value, "ER_SUCCESS_MATCH",
                          authority="amzn1.er-authority.echo-sdk.skill.MEDICINE")


#: How to reach each pending question from a new session.
REACH: dict[str, list[tuple[str, dict[str, Any]]]] = {
    "check": [("IsItSeriousIntent", {})],
    "count": [("ReliefStepsIntent", {})],
    "next": [("ReliefStepsIntent", {})] + [("Next", {})] * NO_CUE,
    "another_set": [("StretchTimerIntent", {})],
    "start_over": [("ReliefStepsIntent", {})] + [("Next", {})] * (len(PLAN) - 1),
    "relief": [("IsItSeriousIntent", {})] + [("No", {})] * len(QUESTIONS),
    "more": [("PreventionIntent", {})],
    "forget": [("ForgetSettingsIntent", {})],
    "hold_time": [("SetHoldTimeIntent", {})],
    "which_medical": [("MedicationIntent", {})],
    "anything_else": [("SymptomIntent", {"sign": {"name": "sign", "value": "tired",
                                                  "confirmationStatus": "NONE"}})],
    # offers of Alexa's services: only to a request that names Alexa's API (NO_API)
    "timer_offer": [("IsItSeriousIntent", {}), ("No", {})],
    "reminder_offer": [("PreventionIntent", {})] + [("Yes", {})] * 3,
}
#: A closed local port as Alexa's API: the offers are made, and any call fails at once.
NO_API = "https://127.0.0.1:9"
WITH_API = {"timer_offer", "reminder_offer"}
#: One request for each kind of reply.
REPLIES: dict[str, tuple[str, dict[str, Any]]] = {
    "yes": ("Yes", {}),
    "no": ("No", {}),
    "unsure": ("NotSureIntent", {}),
    "duration": ("StretchTimerIntent", {"duration": duration("PT40S")}),
    "name": ("MedicationIntent", {"medicine": medicine("statins", "STATINS")}),
}


TIPS = CONTENT.prevention.tip
GENERAL = PROMPTS.general
#: What each accepted reply leads to: words its answer must hold.
ACCEPTED: dict[tuple[str, str], str] = {
    ("check", "yes"): CONTENT.outcome("emergency").text,
    ("check", "no"): QUESTIONS[1].text,
    ("check", "unsure"): f"{QUESTIONS[0].unsure} {QUESTIONS[1].text}",  # at once, then on
    ("check", "duration"): QUESTIONS[1].text,  # forty seconds: not ten minutes, a no
    ("count", "yes"): "starting now",
    ("count", "no"): PROMPTS.relief.wait_for_next,
    ("next", "yes"): PLAN[NO_CUE + 1].text,
    ("next", "no"): GENERAL.goodbye,
    ("another_set", "yes"): "starting now",
    ("another_set", "no"): PROMPTS.relief.wait_for_next,
    ("start_over", "yes"): PLAN[0].text,
    ("start_over", "no"): GENERAL.goodbye,
    ("relief", "yes"): PLAN[0].text,
    ("relief", "no"): GENERAL.goodbye,
    ("more", "yes"): TIPS[2].text,
    ("more", "no"): GENERAL.goodbye,
    ("forget", "yes"): PROMPTS.settings.forgotten,
    ("forget", "no"): PROMPTS.settings.kept,
    ("forget", "unsure"): PROMPTS.settings.forget_prompt,
    ("hold_time", "duration"): "40 seconds from now on",
    ("which_medical", "name"): "statins",
    ("anything_else", "yes"): CONTENT.index.sign_answers["doctor"].text,
    ("anything_else", "no"): PLAN[0].text,
    ("anything_else", "unsure"): PROMPTS.symptom.anything_else_short,
    ("timer_offer", "yes"): PROMPTS.alerts.timer_ask_permission,
    ("timer_offer", "no"): QUESTIONS[1].text,
    ("timer_offer", "duration"): QUESTIONS[1].text,
    ("reminder_offer", "yes"): PROMPTS.alerts.reminder_permission,
    ("reminder_offer", "no"): GENERAL.goodbye,
}


def reach(client, pending: str) -> Talk:
    talk = Talk(client, api_endpoint=NO_API if pending in WITH_API else None)
    for name, slots in REACH[pending]:
        talk.intent(name, **slots)
    assert talk.attributes[KEY]["pending"] == pending, talk.attributes[KEY]
    return talk


def test_every_question_of_the_table_is_reached_and_every_accepted_reply_expected() -> None:
    assert set(REACH) == set(dialog.QUESTIONS)
    assert set(ACCEPTED) == {(p, k) for p in dialog.QUESTIONS for k in REPLIES
                             if dialog.accepts(p, k)}


@pytest.mark.parametrize("pending", sorted(dialog.QUESTIONS))
@pytest.mark.parametrize("kind", sorted(REPLIES))
def test_a_reply_goes_to_the_waiting_question_only_if_it_accepts_it(client, pending, kind) -> None:
    talk = reach(client, pending)
    before = dict(talk.attributes[KEY])
    name, slots = REPLIES[kind]
    turn = talk.intent(name, **slots)
    state = {} if turn.ended else talk.attributes[KEY]
    if dialog.accepts(pending, kind):
        assert ACCEPTED[pending, kind] in turn.text, (pending, kind, turn.text)
    elif dialog.QUESTIONS[pending].side and kind in ("yes", "no", "unsure"):
        # a side prompt is set aside: the check beneath (if any) is asked again, unanswered
        assert state.get("pending") != pending
        assert state.get("question") == before.get("question")
    else:
        # not an answer here: the check beneath, if open, is never answered by it
        if before.get("question") is not None and not turn.ended:
            assert state.get("question") == before.get("question"), (pending, kind, turn.text)


@pytest.mark.parametrize("pending", sorted(dialog.QUESTIONS))
@pytest.mark.parametrize("side", ["SourcesIntent", "QuietVoiceIntent", "HoldLengthIntent",
                                  "PainReliefIntent"])
def test_a_side_question_is_answered_and_the_question_asked_again(client, pending, side) -> None:
    talk = reach(client, pending)
    before = dict(talk.attributes[KEY])
    turn = talk.intent(side)
    assert not turn.ended
    after = talk.attributes[KEY]
    assert after["pending"] == pending and after.get("question") == before.get("question")
    waiting = dialog.QUESTIONS[pending]
    asked = (QUESTIONS[before["question"]].text if waiting.prompt == dialog.CHECK_QUESTION
             else CONTENT.prompt(waiting.prompt))
    assert turn.text.endswith(asked), turn.text


@pytest.mark.parametrize("pending", sorted(dialog.QUESTIONS))
def test_unclear_answers_ask_again_short_then_take_the_rule(client, pending) -> None:
    talk = reach(client, pending)
    before = dict(talk.attributes[KEY])
    first = talk.intent("Fallback")
    waiting = dialog.QUESTIONS[pending]
    if waiting.unclear == "unlisted":  # a name the lists lack: its answer, then back
        assert first.text.startswith(CONTENT.medical.unlisted.text) and not first.ended
        assert talk.attributes[KEY].get("pending", "none") != pending
        return
    assert first.text.startswith(FALLBACK_EMERGENCY) and not first.ended
    short = (QUESTIONS[before["question"]].short if waiting.short == dialog.CHECK_SHORT
             else CONTENT.prompt(waiting.short))
    assert first.text.endswith(short), first.text
    assert talk.attributes[KEY]["pending"] == pending and talk.attributes[KEY]["misses"] == 1
    second = talk.intent("Fallback")
    if waiting.second_miss == "unsure":
        question = QUESTIONS[before["question"]]
        if question.kind == "emergency":  # its "not sure" line, then the next question
            assert second.text == f"{question.unsure} {QUESTIONS[before['question'] + 1].text}"
        else:
            assert second.text.startswith(CONTENT.outcome("doctor").text)
    elif waiting.second_miss == "steps":  # the steps, with the emergency signs spelled out
        assert "Call your local emergency number if" in second.text and not second.ended
        assert talk.attributes[KEY].get("pending", "none") != pending
    else:
        assert talk.attributes[KEY].get("pending", "none") != pending
        assert second.text.startswith(FALLBACK_EMERGENCY)


def test_a_side_prompt_over_the_check_never_answers_it(client) -> None:
    """"Is it my medication?" mid-check, then "I don't know" or "no": the check's question
    comes back, unanswered."""
    for reply in ("NotSureIntent", "No", "Yes"):
        talk = reach(client, "check")
        talk.intent("No")
        talk.intent("MedicationIntent")
        turn = talk.intent(reply)
        assert turn.text.endswith(QUESTIONS[1].text) and talk.attributes[KEY]["question"] == 1


def test_a_hold_time_asked_mid_check_is_saved_and_the_check_goes_on(client) -> None:
    talk = reach(client, "check")
    talk.intent("SetHoldTimeIntent")
    turn = talk.intent("SetHoldTimeIntent", duration=duration("PT40S"))
    assert "40 seconds from now on" in turn.text and turn.text.endswith(QUESTIONS[0].text)
    assert talk.attributes[KEY]["question"] == 0
    talk.stop()
    assert "40 seconds, starting now" in talk.intent("StretchTimerIntent").text


def test_set_my_stretch_time_then_a_bare_length_saves_it(client) -> None:
    talk = Talk(client)
    assert talk.intent("SetHoldTimeIntent").text.startswith(PROMPTS.settings.hold_ask)
    turn = talk.intent("StretchTimerIntent", duration=duration("PT40S"))
    assert "40 seconds from now on" in turn.text and "starting now" not in turn.text
    talk.stop()
    assert "40 seconds, starting now" in talk.intent("StretchTimerIntent").text


# -- the pure table ---------------------------------------------------------------------------

@pytest.mark.parametrize("intent, slots, kind", [
    ("AMAZON.YesIntent", frozenset(), "yes"),
    ("AMAZON.NoIntent", frozenset(), "no"),
    ("NotSureIntent", frozenset(), "unsure"),
    ("AMAZON.FallbackIntent", frozenset(), "miss"),
    ("StretchTimerIntent", frozenset({"duration"}), "duration"),
    ("StretchTimerIntent", frozenset(), None),
    ("SetHoldTimeIntent", frozenset({"duration"}), "duration"),
    ("MedicationIntent", frozenset({"condition"}), "name"),
    ("MedicationIntent", frozenset(), None),
    ("SourcesIntent", frozenset(), None),
    (None, frozenset(), None),
])
def test_what_a_request_says_as_a_reply(intent, slots, kind) -> None:
    assert dialog.reply_kind(intent, slots) == kind


@pytest.mark.parametrize("pending, misses, rule", [
    ("check", 0, "short"), ("check", 1, "unsure"), ("count", 0, "short"), ("count", 1, "drop"),
    ("which_medical", 1, "drop"), ("none", 0, "drop"),
])
def test_what_an_unclear_answer_leads_to(pending, misses, rule) -> None:
    assert dialog.after_miss(pending, misses) == rule


def test_every_prompt_key_of_the_table_exists() -> None:
    for waiting in dialog.QUESTIONS.values():
        for key in (waiting.prompt, waiting.reprompt, waiting.short):
            if key not in (dialog.CHECK_QUESTION, dialog.CHECK_SHORT):
                assert CONTENT.prompt(key)


def test_the_state_is_parsed_once_until_it_is_saved(monkeypatch) -> None:
    """The interceptor, the waiting-question check and the handler share one parse; only a
    save makes the next read parse again (the response interceptor's)."""
    from skill.domain.state import DialogState

    parses = []
    original = DialogState.from_attributes.__func__

    def counted(cls, attributes):  # noqa: ANN001, ANN202
        parses.append(1)
        return original(cls, attributes)

    monkeypatch.setattr(DialogState, "from_attributes", classmethod(counted))
    app = create_app(Settings(persistence="memory").as_local())
    client = app.test_client()
    launch = client.post("/alexa", json=envelopes.launch_request())
    assert launch.status_code == 200
    parses.clear()
    attributes = launch.get_json()["sessionAttributes"]
    answer = client.post("/alexa", json=envelopes.intent_request(
        "AMAZON.NextIntent", session_attributes=attributes, new_session=False))
    assert answer.status_code == 200
    assert len(parses) <= 2, f"parsed {len(parses)} times in one request"
