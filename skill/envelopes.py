"""Complete Alexa request envelopes, as a device would send them.

Used by the simulator, the tests and the benchmark, so all three speak the same wire
format. Pure dictionaries: no SDK imports.

A device's request always names Alexa's API (`context.System.apiEndpoint` and
`apiAccessToken`); these carry one only when given `api_endpoint` (a local stand-in in the
tests and the simulator), so nothing built here can make the skill call Amazon.
`permissions` lists the permission scopes the user has granted (Alexa sends their status in
`context.System.user.permissions.scopes`).
"""
from __future__ import annotations

import uuid
from datetime import datetime, timezone
from typing import Any

DEFAULT_APPLICATION_ID = "amzn1.ask.skill.00000000-0000-0000-0000-000000000000"
DEFAULT_USER_ID = "amzn1.ask.account.LOCALTESTUSER0000000000000000000000000000000000000000"
LOCAL_ACCESS_TOKEN = "local-test-access-token"
DEFAULT_DEVICE_ID = "amzn1.ask.device.LOCALTESTDEVICE00000000000000000000000000000000000000"


def now_timestamp(at: datetime | None = None) -> str:
    """Alexa's timestamp format: ISO 8601, UTC, whole seconds, trailing Z."""
    moment = (at or datetime.now(timezone.utc)).astimezone(timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _request_id() -> str:
    return f"amzn1.echo-api.request.{uuid.uuid4()}"


def envelope(
    request: dict[str, Any],
    *,
    session_attributes: dict[str, Any] | None = None,
    new_session: bool = False,
    session_id: str | None = None,
    user_id: str = DEFAULT_USER_ID,
    application_id: str = DEFAULT_APPLICATION_ID,
    device_id: str = DEFAULT_DEVICE_ID,
    with_screen: bool = False,
    include_session: bool = True,
    api_endpoint: str | None = None,
    permissions: tuple[str, ...] = (),
) -> dict[str, Any]:
    """Wrap a request body in session and context, the way Alexa does."""
    application = {"applicationId": application_id}
    user: dict[str, Any] = {"userId": user_id}
    if permissions:
        user["permissions"] = {"scopes": {scope: {"status": "GRANTED"} for scope in permissions}}
    interfaces: dict[str, Any] = {}
    if with_screen:
        interfaces["Display"] = {"templateVersion": "1.0", "markupVersion": "1.0"}
        interfaces["Alexa.Presentation.APL"] = {"runtime": {"maxVersion": "2023.3"}}
    result: dict[str, Any] = {
        "version": "1.0",
        "context": {
            "System": {
                "application": application,
                "user": user,
                "device": {"deviceId": device_id, "supportedInterfaces": interfaces},
            }
        },
        "request": request,
    }
    if api_endpoint:
        result["context"]["System"].update(apiEndpoint=api_endpoint,
                                           apiAccessToken=LOCAL_ACCESS_TOKEN)
    if include_session:
        result["session"] = {
            "new": new_session,
            "sessionId": session_id or f"amzn1.echo-api.session.{uuid.uuid4()}",
            "application": application,
            "attributes": dict(session_attributes or {}),
            "user": user,
        }
    return result


def launch_request(locale: str = "en-US", **kwargs: Any) -> dict[str, Any]:
    kwargs.setdefault("new_session", True)
    return envelope({"type": "LaunchRequest", "requestId": _request_id(),
                     "timestamp": now_timestamp(), "locale": locale}, **kwargs)


def slot(name: str, value: str | None, resolved_id: str | None = None,
         resolved_name: str | None = None, status: str | None = None,
         authority: str = "amzn1.er-authority.echo-sdk.skill.MUSCLE") -> dict[str, Any]:
    """One slot as Alexa sends it, with an entity-resolution block when asked for."""
    result: dict[str, Any] = {"name": name, "confirmationStatus": "NONE"}
    if value is not None:
        result["value"] = value
    if status is not None:
        values = []
        if status == "ER_SUCCESS_MATCH":
            values = [{"value": {"name": resolved_name or value, "id": resolved_id or ""}}]
        result["resolutions"] = {"resolutionsPerAuthority": [
            {"authority": authority, "status": {"code": status}, "values": values}]}
    return result


def intent_request(
    name: str,
    slots: dict[str, Any] | None = None,
    locale: str = "en-US",
    **kwargs: Any,
) -> dict[str, Any]:
    """An IntentRequest; `slots` maps a slot name to a value string or a full slot dict."""
    slot_map = {}
    for slot_name, value in (slots or {}).items():
        slot_map[slot_name] = value if isinstance(value, dict) else slot(slot_name, value)
    return envelope({
        "type": "IntentRequest", "requestId": _request_id(), "timestamp": now_timestamp(),
        "locale": locale, "dialogState": "COMPLETED",
        "intent": {"name": name, "confirmationStatus": "NONE", "slots": slot_map},
    }, **kwargs)


def session_ended_request(reason: str = "USER_INITIATED", locale: str = "en-US",
                          **kwargs: Any) -> dict[str, Any]:
    return envelope({"type": "SessionEndedRequest", "requestId": _request_id(),
                     "timestamp": now_timestamp(), "locale": locale, "reason": reason}, **kwargs)


def skill_disabled_event(locale: str = "en-US", **kwargs: Any) -> dict[str, Any]:
    """The `AlexaSkillEvent.SkillDisabled` event Alexa sends when a user disables the skill."""
    kwargs.setdefault("include_session", False)
    return envelope({"type": "AlexaSkillEvent.SkillDisabled", "requestId": _request_id(),
                     "timestamp": now_timestamp(), "locale": locale,
                     "body": {"userInformationPersistenceStatus": "NOT_PERSISTED"}}, **kwargs)


def user_event(arguments: list[Any], token: str = "night", locale: str = "en-US",
               **kwargs: Any) -> dict[str, Any]:
    """An `Alexa.Presentation.APL.UserEvent`: a touch on a control whose SendEvent carries
    `arguments`, on the document rendered with `token`. Sent from a screen device."""
    kwargs.setdefault("with_screen", True)
    return envelope({"type": "Alexa.Presentation.APL.UserEvent", "requestId": _request_id(),
                     "timestamp": now_timestamp(), "locale": locale, "token": token,
                     "arguments": list(arguments),
                     "source": {"type": "TouchWrapper", "handler": "Press",
                                "id": f"touch_{arguments[0] if arguments else ''}"}}, **kwargs)


def can_fulfill_request(name: str, slots: dict[str, Any] | None = None, locale: str = "en-US",
                        **kwargs: Any) -> dict[str, Any]:
    """A `CanFulfillIntentRequest`: Alexa asks whether the skill could answer `name` with
    these slots, before any session (name-free interaction)."""
    slot_map = {slot_name: value if isinstance(value, dict) else slot(slot_name, value)
                for slot_name, value in (slots or {}).items()}
    kwargs.setdefault("new_session", True)
    return envelope({"type": "CanFulfillIntentRequest", "requestId": _request_id(),
                     "timestamp": now_timestamp(), "locale": locale,
                     "intent": {"name": name, "slots": slot_map}}, **kwargs)


def connections_response(status: str, scope: str, token: str = "", locale: str = "en-US",
                         **kwargs: Any) -> dict[str, Any]:
    """The `Connections.Response` to a voice permission request (AskFor): `status` is
    ACCEPTED, DENIED or NOT_ANSWERED."""
    return envelope({"type": "Connections.Response", "requestId": _request_id(),
                     "timestamp": now_timestamp(), "locale": locale, "name": "AskFor",
                     "status": {"code": "200", "message": "OK"}, "token": token,
                     "payload": {"permissionScope": scope, "status": status}}, **kwargs)
