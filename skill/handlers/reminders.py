"""A daytime prevention reminder (Alexa Reminders API, `alexa::alerts:reminders:skill:readwrite`).

"Remind me to stretch tomorrow afternoon", or a yes to the single offer at the end of the
prevention answer (skill.handlers.topics; never after a goodbye or a stop, which end the
session). The reminder rings at the time asked, by default the next day at 3 p.m. at the
device's clock, and says content/services.toml's `reminder.tip`: the articles' prevention
tip (stretching during the day, fluids). Nothing else is sent.

Without the permission: the consent card in the Alexa app and a short spoken line; a failed
call (401/403, 429, 5xx, a timeout) gets one true sentence. Either way the tip is said in words.
"""
from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model.services.reminder_management import (
    AlertInfo, PushNotification, PushNotificationStatus, ReminderRequest, SpokenInfo, SpokenText,
    Trigger, TriggerType)

from skill import alexa_api
from skill.domain.content import Content
from skill.domain.state import DialogState
from skill.handlers import slots
from skill.handlers.alerts import REMINDER_SCOPE, failure_sentence, granted, reachable
from skill.handlers.common import Answer, IntentHandler, ask
from skill.handlers.dialog import back_from_side
from skill.preferences import session_attributes

#: The default: the next day at 3 p.m. (the afternoon, well away from the night).
DEFAULT_TIME = time(15, 0)
#: AMAZON.TIME's parts of the day (Amazon's slot type reference: MO, AF, EV, NI).
PARTS_OF_DAY = {"MO": time(9, 0), "AF": time(15, 0), "EV": time(18, 0), "NI": time(20, 0)}
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def read_time(value: str | None) -> time | None:
    """An AMAZON.TIME value ("15:00", "AF") as a time of day; None when unreadable."""
    if not value:
        return None
    if value in PARTS_OF_DAY:
        return PARTS_OF_DAY[value]
    found = re.fullmatch(r"([01]\d|2[0-3]):([0-5]\d)", value)
    return time(int(found[1]), int(found[2])) if found else None


def read_date(value: str | None) -> date | None:
    """An AMAZON.DATE value for one day ("2026-12-07"); None for anything else (a week, a
    month, a season, or nothing)."""
    if not value or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def when(now: datetime, day: date | None, at: time | None) -> datetime:
    """The reminder's local time: the day asked (default tomorrow) at the time asked
    (default 3 p.m.); a moment already past moves to the next day. `now` is local."""
    chosen = datetime.combine(day or (now.date() + timedelta(days=1)), at or DEFAULT_TIME)
    naive_now = now.replace(tzinfo=None)
    if chosen <= naive_now:
        chosen = datetime.combine(naive_now.date() + timedelta(days=1), at or DEFAULT_TIME)
        if chosen <= naive_now:
            chosen += timedelta(days=1)
    return chosen


def spoken_when(content: Content, now: datetime, moment: datetime) -> tuple[str, str]:
    """("tomorrow", "3 PM") for the confirmation."""
    prompts = content.prompts.alerts
    days = (moment.date() - now.date()).days
    if days == 0:
        day = prompts.today
    elif days == 1:
        day = prompts.tomorrow
    else:
        day = prompts.on_day.format(weekday=WEEKDAYS[moment.weekday()])
    hour = moment.hour % 12 or 12
    minutes = f":{moment.minute:02d}" if moment.minute else ""
    return day, f"{hour}{minutes} {'AM' if moment.hour < 12 else 'PM'}"


def reminder_request(content: Content, locale: str, now: datetime, moment: datetime,
                     zone: str | None) -> ReminderRequest:
    """Amazon's ReminderRequest: an absolute trigger at the device's local `moment` (its
    time zone named when known; Alexa uses the device's otherwise), the tip as its text."""
    return ReminderRequest(
        request_time=now.replace(tzinfo=None, microsecond=0),
        trigger=Trigger(object_type=TriggerType.SCHEDULED_ABSOLUTE, scheduled_time=moment,
                        time_zone_id=zone),
        alert_info=AlertInfo(spoken_info=SpokenInfo(content=[
            SpokenText(locale=locale, text=content.services.reminder.tip.text)])),
        push_notification=PushNotification(status=PushNotificationStatus.ENABLED))


def offer(content: Content, state: DialogState, *before: str) -> Answer:
    """The single reminder offer at the end of the prevention answer."""
    prompts = content.prompts.alerts
    return ask(state.offered("reminder").but(pending="reminder_offer", misses=0), *before,
               prompts.reminder_offer, reprompt=prompts.reminder_offer_reprompt)


def set_reminder(handler_input: HandlerInput, content: Content, state: DialogState,
                 day: str | None = None, at: str | None = None) -> Answer:
    """Set the reminder (or send the consent card), then carry on."""
    state = state.offered("reminder").but(sources=tuple(sorted(content.services.reminder.tip.sources)))
    advice = content.services.reminder.advice.text
    if not reachable(handler_input):
        return back_from_side(content, state, failure_sentence(content, "down", "reminders"), advice)
    if not granted(handler_input, REMINDER_SCOPE):
        answer = back_from_side(content, state, content.prompts.alerts.reminder_permission, advice)
        return Answer(speech=answer.speech, state=answer.state, reprompt=answer.reprompt,
                      consent=(REMINDER_SCOPE,))
    session = session_attributes(handler_input)
    zone = alexa_api.time_zone(handler_input, session)
    now = alexa_api.request_time(handler_input)
    local_now = now.astimezone(zone) if zone is not None else now
    moment = when(local_now, read_date(day), read_time(at))
    locale = getattr(handler_input.request_envelope.request, "locale", None) or "en-US"
    request = reminder_request(content, locale, local_now, moment, zone.key if zone else None)
    _created, failure = alexa_api.call(handler_input, "reminder",
                                       lambda reminders: reminders.create_reminder(request))
    if failure is not None:
        return back_from_side(content, state, failure_sentence(content, failure, "reminders"), advice)
    spoken_day, spoken_time = spoken_when(content, local_now, moment)
    return back_from_side(content, state,
                          content.prompts.alerts.reminder_set.format(day=spoken_day, time=spoken_time))


class StretchReminderIntentHandler(IntentHandler):
    """"Remind me to stretch tomorrow afternoon"."""

    intents = frozenset({"StretchReminderIntent"})

    def answer(self, handler_input: HandlerInput, state: DialogState) -> Answer:
        return set_reminder(handler_input, self.content, state,
                            slots.heard(handler_input, "day"), slots.heard(handler_input, "time"))
