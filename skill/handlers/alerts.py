"""What the timer and the reminder share: permissions, and a calm answer to each failure.

A permission is read from the request (`context.System.user.permissions.scopes`, whose
status Alexa keeps current). A failed call (skill.alexa_api) gets one short, true sentence
(no permission, busy, can't reach) and then the advice in words, so the person loses
nothing when the service is missing.
"""
from __future__ import annotations

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model.permission_status import PermissionStatus

from skill.alexa_api import Failure
from skill.domain.content import Content

#: Amazon's permission scopes (the manifest declares both: skill.model.manifest).
TIMER_SCOPE = "alexa::alerts:timers:skill:readwrite"
REMINDER_SCOPE = "alexa::alerts:reminders:skill:readwrite"


def reachable(handler_input: HandlerInput) -> bool:
    """Whether this request can use Alexa's services at all: it names Alexa's API and
    carries a token for it (every device request does)."""
    context = handler_input.request_envelope.context
    system = context.system if context else None
    return bool(system and system.api_endpoint and system.api_access_token)


def granted(handler_input: HandlerInput, scope: str) -> bool:
    """The user has granted `scope` to the skill."""
    context = handler_input.request_envelope.context
    user = context.system.user if context and context.system else None
    scopes = user.permissions.scopes if user and user.permissions else None
    found = (scopes or {}).get(scope)
    return found is not None and found.status == PermissionStatus.GRANTED


def failure_sentence(content: Content, failure: Failure, what: str) -> str:
    """One true sentence about a failed call to Alexa's `what` ("timers" or "reminders")."""
    prompts = content.prompts.alerts
    name = prompts.timers if what == "timers" else prompts.reminders
    if failure == "permission":
        return prompts.no_permission.format(what=name)
    if failure == "busy":
        return prompts.busy.format(what=name)
    return prompts.down.format(what=name)
