"""The ten-minute timer: a real Alexa timer for the first emergency sign (a cramp that lasts
more than ten minutes, article 001), because nobody in pain at night can tell ten minutes
from twenty.

Asked for ("start a ten minute timer", "tell me when it's been ten minutes"), or offered once
per session as a turn of its own after "no" or "not sure" to the check's ten-minute question
(skill.handlers.serious; after "not sure", only after the line that says when to call). It
is an announce timer (Alexa Timers API, `alexa::alerts:timers:skill:readwrite`): when it ends,
Alexa says the skill's own words, the emergency advice from content/services.toml. Nothing
else about health is sent.

Without the permission the skill asks for it by voice (`Connections.SendRequest`, AskFor;
Amazon: "Set Up Voice Permissions for Timers"); the result comes back as a
`Connections.Response`. Refused, or when Alexa's timers fail (401/403, 429, 5xx, a timeout),
the answer says so in one sentence and gives the advice in words, in the normal voice.
Then the conversation carries on where it was (the check's next question, or the steer).
"""
from __future__ import annotations

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_request_type
from ask_sdk_model import Response
from ask_sdk_model.interfaces.connections import SendRequestDirective
from ask_sdk_model.services.timer_management import (
    AnnounceOperation, CreationBehavior, DisplayExperience, NotificationConfig, TextToAnnounce,
    TimerRequest, TriggeringBehavior, Visibility)
from msgspec.structs import replace

from skill import alexa_api
from skill.domain import ssml
from skill.domain.content import Content
from skill.domain.state import DialogState
from skill.handlers.alerts import TIMER_SCOPE, failure_sentence, granted, reachable
from skill.handlers.common import Answer, IntentHandler, ask, load_state, respond
from skill.handlers.dialog import back_from_side

#: The timer's length: the articles' emergency limit (001: longer than ten minutes).
DURATION = "PT10M"
#: Echoed back in the Connections.Response, so the answer knows what was asked for.
TOKEN = "ten_minute_timer"


def timer_request(content: Content, locale: str) -> TimerRequest:
    """Amazon's TimerRequest for the ten-minute announce timer: shown on a screen, audible
    when it ends, announcing content/services.toml's `timer.announce`."""
    return TimerRequest(
        duration=DURATION,
        timer_label=content.prompts.alerts.timer_label,
        creation_behavior=CreationBehavior(
            display_experience=DisplayExperience(visibility=Visibility.VISIBLE)),
        triggering_behavior=TriggeringBehavior(
            operation=AnnounceOperation(text_to_announce=[
                TextToAnnounce(locale=locale, text=content.services.timer.announce.text)]),
            notification_config=NotificationConfig(play_audible=True)))


def offer(content: Content, state: DialogState, *before: str) -> Answer:
    """"Shall I set a ten-minute timer?" as a question of its own (after `before`)."""
    prompts = content.prompts.alerts
    return ask(state.offered("timer").but(pending="timer_offer", misses=0), *before,
               prompts.timer_offer, reprompt=prompts.timer_offer_reprompt)


def without_timer(content: Content, state: DialogState, *why: str) -> Answer:
    """No timer: why, then the advice in words (the normal voice), then carry on."""
    advice = content.services.timer.advice
    answer = back_from_side(content, _cited(state, advice.sources), *why, advice.text)
    return replace(answer, urgent=True)


def set_timer(handler_input: HandlerInput, content: Content, state: DialogState,
              just_granted: bool = False) -> Answer:
    """Set the timer now (permission granted, or `just_granted` by voice), or ask for the
    permission by voice."""
    state = state.offered("timer")
    if not reachable(handler_input):
        return without_timer(content, state, failure_sentence(content, "down", "timers"))
    if not (just_granted or granted(handler_input, TIMER_SCOPE)):
        return ask_permission(content, state)
    locale = getattr(handler_input.request_envelope.request, "locale", None) or "en-US"
    _created, failure = alexa_api.call(
        handler_input, "timer", lambda timers: timers.create_timer(timer_request(content, locale)))
    if failure is not None:
        return without_timer(content, state, failure_sentence(content, failure, "timers"))
    done = _cited(state, content.services.timer.announce.sources)
    return back_from_side(content, done, content.prompts.alerts.timer_set)


def ask_permission(content: Content, state: DialogState) -> Answer:
    """Alexa asks the user for the timer permission by voice (AskFor, version 1 of the
    AskForPermissionsConsent request, as Amazon's timers guide gives it)."""
    directive = SendRequestDirective(name="AskFor", token=TOKEN, payload={
        "@type": "AskForPermissionsConsentRequest", "@version": "1",
        "permissionScope": TIMER_SCOPE})
    # The waiting offer (if any) is answered; the check's place is kept for the result.
    beneath = state.but(pending="check" if state.in_check else "none", misses=0)
    return Answer(speech=ssml.text(content.prompts.alerts.timer_ask_permission), state=beneath,
                  directives=(directive,), hands_over=True)


def _cited(state: DialogState, sources: tuple[str, ...]) -> DialogState:
    return state.but(sources=tuple(sorted(sources)))


class TenMinuteTimerIntentHandler(IntentHandler):
    """"Start a ten minute timer", "tell me when it's been ten minutes"."""

    intents = frozenset({"TenMinuteTimerIntent"})

    def answer(self, handler_input: HandlerInput, state: DialogState) -> Answer:
        return set_timer(handler_input, self.content, state)


class PermissionResponseHandler(AbstractRequestHandler):
    """The `Connections.Response` to the voice permission request: accepted, the timer is
    set; refused or unanswered, the honest answer and the advice in words."""

    def __init__(self, content: Content) -> None:
        self.content = content

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return (is_request_type("Connections.Response")(handler_input)
                and getattr(handler_input.request_envelope.request, "name", None) == "AskFor")

    def handle(self, handler_input: HandlerInput) -> Response:
        request = handler_input.request_envelope.request
        payload = request.payload if isinstance(request.payload, dict) else {}
        state = load_state(handler_input)
        if payload.get("status") == "ACCEPTED" and payload.get("permissionScope") == TIMER_SCOPE:
            answer = set_timer(handler_input, self.content, state, just_granted=True)
        else:
            answer = without_timer(self.content, state, self.content.prompts.alerts.timer_refused)
        return respond(handler_input, answer, self.content.prompts.general.steer, self.content)
