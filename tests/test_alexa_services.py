"""Alexa's own services against a local stand-in for Alexa's API, over real HTTPS on 127.0.0.1:
the ten-minute timer, the prevention reminder, the device's time zone for the night voice,
and the name-free CanFulfillIntentRequest. Every request body is Amazon's documented shape
(built by the SDK's own classes); every failure gets a calm, true answer with the advice.
"""
from __future__ import annotations

import json
import time
from datetime import date, timedelta

import pytest

from skill import envelopes
from skill.app import create_app
from skill.handlers.alerts import REMINDER_SCOPE, TIMER_SCOPE
from skill.settings import Settings
from skill.simulator.standin import AlexaStandIn

from .conftest import post
from .conversation import Talk
from .words import CONTENT, PROMPTS

ALERTS = PROMPTS.alerts
SERVICES = CONTENT.services
QUESTIONS = CONTENT.serious.question
TIMERS = "/v1/alerts/timers"
REMINDERS = "/v1/alerts/reminders"
SETTINGS = "/v2/devices/"
#: 03:00 and 15:00 in London in December (UTC+0), 03:00 in New York (UTC-5) is 08:00 UTC.
NIGHT = "2026-12-07T03:00:00Z"
DAY = "2026-12-07T15:00:00Z"


@pytest.fixture
def standin():
    with AlexaStandIn() as server:
        yield server


@pytest.fixture
def client(standin, tmp_path):
    settings = Settings(persistence="memory", alexa_api_ca=standin.ca_file).as_local()
    return create_app(settings).test_client()


def talk(client, standin, *scopes: str, at: str | None = DAY, user: str | None = None) -> Talk:
    return Talk(client, user_id=user or envelopes.DEFAULT_USER_ID, api_endpoint=standin.url,
                permissions=scopes, timestamp=at)


def strings_in(value: object) -> set[str]:
    if isinstance(value, dict):
        return set().union(*(strings_in(v) for v in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(strings_in(v) for v in value)) if value else set()
    return {value} if isinstance(value, str) else set()


# --- the ten-minute timer ---------------------------------------------------------------------

def test_a_ten_minute_announce_timer_is_set_with_amazons_shape(client, standin) -> None:
    conversation = talk(client, standin, TIMER_SCOPE)
    turn = conversation.intent("TenMinuteTimerIntent")
    assert turn.first_sentence() == ALERTS.timer_set
    assert not turn.ended
    [call] = standin.calls_to(TIMERS)
    assert call.method == "POST" and call.authorization == f"Bearer {envelopes.LOCAL_ACCESS_TOKEN}"
    assert call.body == {
        "duration": "PT10M",
        "timerLabel": ALERTS.timer_label,
        "creationBehavior": {"displayExperience": {"visibility": "VISIBLE"}},
        "triggeringBehavior": {
            "operation": {"type": "ANNOUNCE", "textToAnnounce": [
                {"locale": "en-US", "text": SERVICES.timer.announce.text}]},
            "notificationConfig": {"playAudible": True}},
    }
    # nothing about health but the announcement itself
    assert strings_in(call.body) == {"PT10M", ALERTS.timer_label, "VISIBLE", "ANNOUNCE", "en-US",
                                     SERVICES.timer.announce.text}


def test_without_the_permission_alexa_asks_by_voice_and_a_yes_sets_the_timer(client, standin) -> None:
    conversation = talk(client, standin)
    turn = conversation.intent("TenMinuteTimerIntent")
    [directive] = turn.response["directives"]
    assert directive == {"type": "Connections.SendRequest", "name": "AskFor",
                         "payload": {"@type": "AskForPermissionsConsentRequest", "@version": "1",
                                     "permissionScope": TIMER_SCOPE},
                         "token": "ten_minute_timer"}
    assert "shouldEndSession" not in turn.response and "reprompt" not in turn.response
    assert turn.text == ALERTS.timer_ask_permission
    assert not standin.calls_to(TIMERS)
    granted = conversation.permission_answer("ACCEPTED", TIMER_SCOPE)
    assert granted.first_sentence() == ALERTS.timer_set
    assert len(standin.calls_to(TIMERS)) == 1


@pytest.mark.parametrize("status", ["DENIED", "NOT_ANSWERED"])
def test_a_refusal_gets_an_honest_answer_and_the_advice_in_words(client, standin, status) -> None:
    conversation = talk(client, standin)
    conversation.intent("QuietVoiceIntent")  # a whispering user: the advice stays normal
    conversation.intent("TenMinuteTimerIntent")
    turn = conversation.permission_answer(status, TIMER_SCOPE)
    assert turn.text.startswith(f"{ALERTS.timer_refused} {SERVICES.timer.advice.text}")
    assert "whispered" not in turn.ssml and "prosody" not in turn.ssml
    assert not standin.calls_to(TIMERS) and not turn.ended


def test_the_check_offers_a_timer_as_a_turn_of_its_own_after_no(client, standin) -> None:
    conversation = talk(client, standin, TIMER_SCOPE)
    conversation.intent("IsItSeriousIntent")
    offer = conversation.intent("No")
    assert offer.text == ALERTS.timer_offer  # the offer alone, the next question after it
    set_ = conversation.intent("Yes")
    assert set_.text == f"{ALERTS.timer_set} {QUESTIONS[1].text}"
    assert len(standin.calls_to(TIMERS)) == 1
    # once a session: the check again asks on, no second offer
    conversation.intent("IsItSeriousIntent")
    assert conversation.intent("No").text.endswith(QUESTIONS[1].text)


def test_after_not_sure_the_offer_follows_the_line_that_says_when_to_call(client, standin) -> None:
    conversation = talk(client, standin, TIMER_SCOPE)
    conversation.intent("IsItSeriousIntent")
    turn = conversation.intent("NotSureIntent")
    assert turn.text == f"{QUESTIONS[0].unsure} {ALERTS.timer_offer}"
    declined = conversation.intent("No")
    assert declined.text == f"{PROMPTS.general.okay} {QUESTIONS[1].text}"
    assert not standin.calls_to(TIMERS)


def test_a_yes_to_the_ten_minute_question_never_gets_a_timer_offer(client, standin) -> None:
    conversation = talk(client, standin, TIMER_SCOPE)
    conversation.intent("IsItSeriousIntent")
    turn = conversation.intent("Yes")
    assert turn.text.startswith("Call your local emergency number")
    assert ALERTS.timer_offer not in turn.text


FAILURES = [
    (401, ALERTS.no_permission), (403, ALERTS.no_permission), (429, ALERTS.busy),
    (500, ALERTS.down), (503, ALERTS.down), ("timeout", ALERTS.down),
]


@pytest.mark.parametrize("failure, sentence", FAILURES)
def test_every_timer_failure_is_calm_true_and_gives_the_advice(client, standin, failure,
                                                               sentence) -> None:
    standin.fail[TIMERS] = failure
    conversation = talk(client, standin, TIMER_SCOPE)
    conversation.intent("IsItSeriousIntent")
    conversation.intent("No")
    started = time.monotonic()
    turn = conversation.intent("Yes")
    assert time.monotonic() - started < 4  # well inside Alexa's 8 seconds, nothing retried
    assert turn.text == (f"{sentence.format(what=ALERTS.timers)} {SERVICES.timer.advice.text} "
                         f"{QUESTIONS[1].text}")
    assert len(standin.calls_to(TIMERS)) == 1 and not turn.ended


# --- the prevention reminder ------------------------------------------------------------------

def test_a_reminder_is_set_for_tomorrow_afternoon_with_the_tip(client, standin) -> None:
    conversation = talk(client, standin, REMINDER_SCOPE)
    turn = conversation.intent("StretchReminderIntent", time="AF")
    assert turn.first_sentence() == ALERTS.reminder_set.format(day=ALERTS.tomorrow, time="3 PM")
    [call] = standin.calls_to(REMINDERS)
    assert call.body == {
        "requestTime": "2026-12-07T15:00:00",
        "trigger": {"type": "SCHEDULED_ABSOLUTE", "scheduledTime": "2026-12-08T15:00:00",
                    "timeZoneId": "Europe/London"},
        "alertInfo": {"spokenInfo": {"content": [
            {"locale": "en-US", "text": SERVICES.reminder.tip.text}]}},
        "pushNotification": {"status": "ENABLED"},
    }
    assert "bedtime" not in SERVICES.reminder.tip.text.lower()


def test_a_reminder_at_the_day_and_time_asked(client, standin) -> None:
    conversation = talk(client, standin, REMINDER_SCOPE)
    turn = conversation.intent("StretchReminderIntent", day="2026-12-10", time="09:30")
    assert turn.first_sentence() == ALERTS.reminder_set.format(
        day=ALERTS.on_day.format(weekday="Thursday"), time="9:30 AM")
    assert standin.calls_to(REMINDERS)[0].body["trigger"]["scheduledTime"] == "2026-12-10T09:30:00"


def test_without_the_permission_the_consent_card_and_a_short_line(client, standin) -> None:
    turn = talk(client, standin).intent("StretchReminderIntent")
    assert turn.card == {"type": "AskForPermissionsConsent", "permissions": [REMINDER_SCOPE]}
    assert turn.text.startswith(f"{ALERTS.reminder_permission} {SERVICES.reminder.advice.text}")
    assert not standin.calls_to(REMINDERS)


@pytest.mark.parametrize("failure, sentence", FAILURES)
def test_every_reminder_failure_is_calm_and_gives_the_tip_in_words(client, standin, failure,
                                                                   sentence) -> None:
    standin.fail[REMINDERS] = failure
    started = time.monotonic()
    turn = talk(client, standin, REMINDER_SCOPE).intent("StretchReminderIntent")
    assert time.monotonic() - started < 4
    assert turn.text.startswith(f"{sentence.format(what=ALERTS.reminders)} "
                                f"{SERVICES.reminder.advice.text}")
    assert len(standin.calls_to(REMINDERS)) == 1 and not turn.ended


def test_the_prevention_answer_ends_on_one_reminder_offer(client, standin) -> None:
    conversation = talk(client, standin, REMINDER_SCOPE)
    turns = [conversation.intent("PreventionIntent")] + [conversation.intent("Yes") for _ in range(3)]
    assert turns[-1].text.endswith(ALERTS.reminder_offer)
    assert all(ALERTS.reminder_offer not in t.text for t in turns[:-1])
    done = conversation.intent("Yes")
    assert done.first_sentence().startswith("Done, I'll remind you tomorrow at 3 PM")
    assert len(standin.calls_to(REMINDERS)) == 1
    # a single offer: prevention again ends on the relief offer
    again = [conversation.intent("PreventionIntent")] + [conversation.intent("Yes") for _ in range(3)]
    assert again[-1].text.endswith(PROMPTS.check.offer_relief)


def test_no_to_the_reminder_offer_is_a_goodbye(client, standin) -> None:
    conversation = talk(client, standin, REMINDER_SCOPE)
    conversation.intent("PreventionIntent")
    for _ in range(3):
        conversation.intent("Yes")
    assert conversation.intent("No").ended
    assert not standin.calls_to(REMINDERS)


def test_without_alexas_api_nothing_is_offered(client) -> None:
    conversation = Talk(client)
    conversation.intent("IsItSeriousIntent")
    assert conversation.intent("No").text.endswith(QUESTIONS[1].text)


# --- quiet at night ---------------------------------------------------------------------------

def test_a_first_time_user_at_3_am_hears_a_softer_voice_and_once_the_hint(client, standin) -> None:
    conversation = talk(client, standin, at=NIGHT, user="amzn1.ask.account.NIGHTOWL")
    first = conversation.intent("IsItSeriousIntent")
    assert '<prosody volume="soft">' in first.ssml
    assert "whispered" not in first.ssml and "rate=" not in first.ssml
    assert first.text.endswith(ALERTS.night_hint)
    second = conversation.intent("ReliefStepsIntent")
    assert '<prosody volume="soft">' in second.ssml and ALERTS.night_hint not in second.text
    # the time zone was asked once this session
    assert len(standin.calls_to(SETTINGS)) == 1
    assert standin.calls_to(SETTINGS)[0].path == (
        f"/v2/devices/{envelopes.DEFAULT_DEVICE_ID}/settings/System.timeZone")


def test_a_first_launch_at_night_already_names_whisper_so_no_hint(client, standin) -> None:
    first = talk(client, standin, at=NIGHT, user="amzn1.ask.account.FIRST").launch()
    assert '<prosody volume="soft">' in first.ssml and ALERTS.night_hint not in first.text
    assert "whisper" in first.text


def test_at_3_pm_the_voice_is_normal(client, standin) -> None:
    turn = talk(client, standin, at=DAY, user="amzn1.ask.account.DAYTIME").launch()
    assert "prosody" not in turn.ssml and ALERTS.night_hint not in turn.text


def test_the_device_time_zone_decides_not_utc(client, standin) -> None:
    standin.time_zone = "America/New_York"  # 03:00 UTC is 22:00 the evening before
    assert "prosody" in talk(client, standin, at=NIGHT).launch().ssml
    standin.time_zone = "Asia/Tokyo"  # 03:00 UTC is noon
    assert "prosody" not in talk(client, standin, at=NIGHT, user="amzn1.ask.account.T").launch().ssml


@pytest.mark.parametrize("intent, slots", [
    ("CrampDurationIntent", {"duration": "PT20M"}),   # the emergency line
    ("IsItSeriousIntent", {}),                          # then "not sure": the referral line
])
def test_referrals_keep_the_normal_voice_at_night(client, standin, intent, slots) -> None:
    conversation = talk(client, standin, at=NIGHT)
    turn = conversation.intent(intent, **slots)
    if intent == "IsItSeriousIntent":
        turn = conversation.intent("NotSureIntent")
        assert turn.text.startswith(QUESTIONS[0].unsure)
    assert "prosody" not in turn.ssml and "whispered" not in turn.ssml


def test_normal_voice_opts_out_and_is_remembered(client, standin) -> None:
    conversation = talk(client, standin, at=NIGHT)
    conversation.launch()
    turn = conversation.intent("NormalVoiceIntent")
    assert "prosody" not in turn.ssml
    conversation.stop()
    later = conversation.launch()  # a new session, the same night
    assert "prosody" not in later.ssml


def test_a_whispering_user_is_whispered_to_not_softened(client, standin) -> None:
    conversation = talk(client, standin, at=NIGHT)
    conversation.intent("QuietVoiceIntent")
    turn = conversation.intent("Next")
    assert turn.whispered_but_referrals and "prosody" not in turn.ssml


@pytest.mark.parametrize("failure", [500, 429, "timeout"])
def test_without_the_time_zone_the_normal_voice_and_no_delay(client, standin, failure) -> None:
    standin.fail[SETTINGS] = failure
    started = time.monotonic()
    conversation = talk(client, standin, at=NIGHT)
    turn = conversation.launch()
    assert time.monotonic() - started < 1.5  # the settings look-up's short timeout
    assert "prosody" not in turn.ssml
    conversation.intent("ReliefStepsIntent")
    assert len(standin.calls_to(SETTINGS)) == 1  # not asked again this session


# --- opening without the name ---------------------------------------------------------------

def can_fulfill(client, name: str, **slots) -> dict:
    reply = post(client, envelopes.can_fulfill_request(name, slots))
    assert reply.status_code == 200
    response = reply.get_json()["response"]
    assert "outputSpeech" not in response and "reprompt" not in response
    return response["canFulfillIntent"]


CALF = envelopes.slot("muscle", "calf", "CALF", "calf", "ER_SUCCESS_MATCH")


def test_can_fulfill_the_night_intents(client) -> None:
    assert can_fulfill(client, "ReliefStepsIntent", muscle=CALF) == {
        "canFulfill": "YES",
        "slots": {"muscle": {"canUnderstand": "YES", "canFulfill": "YES"}}}
    assert can_fulfill(client, "IsItSeriousIntent") == {"canFulfill": "YES"}
    assert can_fulfill(client, "StretchTimerIntent", duration="PT30S") == {
        "canFulfill": "YES", "slots": {"duration": {"canUnderstand": "YES", "canFulfill": "YES"}}}
    assert can_fulfill(client, "TenMinuteTimerIntent") == {"canFulfill": "YES"}


def test_an_unknown_muscle_is_maybe_understood_but_still_fulfilled(client) -> None:
    shin = envelopes.slot("muscle", "shin", status="ER_SUCCESS_NO_MATCH")
    assert can_fulfill(client, "ReliefStepsIntent", muscle=shin) == {
        "canFulfill": "YES", "slots": {"muscle": {"canUnderstand": "MAYBE", "canFulfill": "YES"}}}


def test_an_unlisted_medicine_is_maybe_and_other_intents_no(client) -> None:
    aspirin = envelopes.slot("medicine", "aspirin", status="ER_SUCCESS_NO_MATCH",
                             authority="amzn1.er-authority.echo-sdk.skill.MEDICINE")
    assert can_fulfill(client, "MedicationIntent", medicine=aspirin)["canFulfill"] == "MAYBE"
    for name in ("SymptomIntent", "AMAZON.YesIntent", "NormalVoiceIntent", "SomeoneElsesIntent"):
        assert can_fulfill(client, name) == {"canFulfill": "NO"}


def test_can_fulfill_changes_nothing(client) -> None:
    reply = post(client, envelopes.can_fulfill_request("ReliefStepsIntent", {"muscle": CALF}))
    assert not reply.get_json().get("sessionAttributes")
