"""Alexa's own services (timers, reminders, the device's time zone) through the SDK's clients.

Every call goes through `ask_sdk_model.services` (the SDK builds the request bodies from
Amazon's own classes) and the SDK's `DefaultApiClient`, with one change: each HTTP call has a
short timeout, so no answer waits past Alexa's 8-second limit (Amazon: "Alexa Skills Kit
request and response JSON reference", the 8-second response window). Nothing is retried.

`call(handler_input, service, action)` returns `(result, failure)`: a failure is one of
"permission" (401/403), "busy" (429), "down" (5xx, a timeout, no connection, a malformed
answer) or "unavailable" (the request carries no API endpoint or token). It never raises, and
it logs only the service, the kind and the status code (never a token, a body or an id).
"""
from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Literal, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ask_sdk_core.api_client import DefaultApiClient

if TYPE_CHECKING:
    from ask_sdk_core.handler_input import HandlerInput

log = logging.getLogger("skill.alexa_api")

Failure = Literal["permission", "busy", "down", "unavailable"]
T = TypeVar("T")

#: Seconds for each timer or reminder call (connect, then read): well inside the 8 s.
SERVICE_TIMEOUT_S = 2.5
#: Seconds for the time-zone look-up, which sits in front of an ordinary answer.
SETTINGS_TIMEOUT_S = 0.6

#: Session-attribute key of this session's device time zone ("" once a look-up failed), so
#: the Settings API is asked at most once per session.
TIME_ZONE_KEY = "time_zone"


class TimedApiClient(DefaultApiClient):
    """The SDK's `DefaultApiClient` (HTTPS only, JSON bodies) with a timeout on every call
    and, for tests and the simulator's stand-in, a CA bundle to trust (`verify`)."""

    def __init__(self, timeout_s: float = SERVICE_TIMEOUT_S, verify: str | bool = True) -> None:
        self.timeout_s = timeout_s
        self.verify = verify

    def _resolve_method(self, request: Any) -> Callable[..., Any]:
        method = super()._resolve_method(request)
        timeout = request_timeout(request.url, self.timeout_s)
        return functools.partial(method, timeout=timeout, verify=self.verify,
                                 allow_redirects=False)


def request_timeout(url: str | None, default_s: float) -> float:
    """The settings look-up gets the short timeout; everything else `default_s`."""
    return SETTINGS_TIMEOUT_S if url and "/settings/" in url else default_s


def failure_of(exc: Exception) -> Failure:
    """What went wrong, from the SDK's exceptions: a `ServiceException` carries the HTTP
    status; an `ApiClientException` (timeout, refused connection) has none."""
    status = getattr(exc, "status_code", None)
    if status in (401, 403):
        return "permission"
    if status == 429:
        return "busy"
    return "down"


def call(handler_input: "HandlerInput", service: str,
         action: Callable[[Any], T]) -> tuple[T | None, Failure | None]:
    """Run `action(client)` on the SDK's client for `service` ("timer", "reminder", "ups").
    Returns (result, None) or (None, failure); never raises."""
    system = handler_input.request_envelope.context.system if handler_input.request_envelope.context else None
    if system is None or not system.api_endpoint or not system.api_access_token:
        return None, "unavailable"
    try:
        factory = handler_input.service_client_factory
        if factory is None:
            return None, "unavailable"
        client = {"timer": factory.get_timer_management_service,
                  "reminder": factory.get_reminder_management_service,
                  "ups": factory.get_ups_service}[service]()
        return action(client), None
    except Exception as exc:  # noqa: BLE001 - every failure gets a calm answer
        failure = failure_of(exc)
        log.warning("alexa %s call failed: %s (status %s)", service, failure,
                    getattr(exc, "status_code", None))
        return None, failure


def device_id(handler_input: "HandlerInput") -> str | None:
    context = handler_input.request_envelope.context
    device = context.system.device if context and context.system else None
    return device.device_id if device else None


def time_zone(handler_input: "HandlerInput", session: dict | None) -> ZoneInfo | None:
    """The device's time zone (Settings API, `System.timeZone`; no permission needed), or
    None when it can't be had. Asked at most once per session: the answer (or "" for a
    failure) is kept in `session` under `TIME_ZONE_KEY`."""
    cached = session.get(TIME_ZONE_KEY) if session is not None else None
    if isinstance(cached, str):
        return _zone(cached)
    name: str | None = None
    device = device_id(handler_input)
    if device:
        found, _failure = call(handler_input, "ups", lambda ups: ups.get_system_time_zone(device))
        name = found if isinstance(found, str) else None
    zone = _zone(name or "")
    if session is not None:
        session[TIME_ZONE_KEY] = name if zone is not None else ""
    return zone


def _zone(name: str) -> ZoneInfo | None:
    if not name or len(name) > 64:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


def request_time(handler_input: "HandlerInput") -> datetime:
    """The request's timestamp (UTC, timezone-aware); now if it has none."""
    stamp = getattr(handler_input.request_envelope.request, "timestamp", None)
    if isinstance(stamp, datetime):
        return stamp if stamp.tzinfo else stamp.replace(tzinfo=timezone.utc)
    return datetime.now(timezone.utc)


def local_time(handler_input: "HandlerInput", session: dict | None) -> datetime | None:
    """The request's moment at the device's clock, or None without a time zone."""
    zone = time_zone(handler_input, session)
    return request_time(handler_input).astimezone(zone) if zone is not None else None
