"""A conversation with the skill: utterance -> resolution -> envelope -> response, turn by turn.

The session is carried as Alexa carries it: one session id and the attributes from the last
response until the skill ends the session; the next utterance then opens a new one.
"""
from __future__ import annotations

import shlex
import uuid
from dataclasses import dataclass, field
from typing import Any

from skill import envelopes
from skill.simulator.resolver import Resolution, ResolvedSlot, Resolver
from skill.simulator.screen import TAPS, screen_says
from skill.simulator.transport import Reply, Transport

#: Simulator commands (not speech): a user who stays silent until Alexa gives up.
SILENCE_COMMAND = ":silence"
#: `tap next`, `tap yes`...: touch a control on the screen (with --screen).
TAP_COMMAND = "tap"


@dataclass
class Turn:
    utterance: str
    resolution: Resolution | None = None
    request: dict[str, Any] | None = None
    reply: Reply | None = None
    session_open: bool = False
    notes: list[str] = field(default_factory=list)
    error: str | None = None
    #: What Alexa's services did this turn (a timer, a reminder), from the stand-in.
    services: list[str] = field(default_factory=list)
    #: A voice permission request: Alexa asked, the simulated user answered, and this is
    #: the skill's answer to the Connections.Response that followed.
    after_permission: "Turn | None" = None

    @property
    def response(self) -> dict[str, Any]:
        body = self.reply.body if self.reply else None
        return (body or {}).get("response") or {}

    @property
    def answered(self) -> bool:
        """The skill answered: HTTP 200, a response object, and never silence with the
        microphone left open (a quiet goodbye that ends the session is an answer)."""
        if self.error or self.reply is None or self.reply.status != 200:
            return False
        if not self.reply.body or "response" not in self.reply.body:
            return False
        if self.request and self.request["request"]["type"] == "SessionEndedRequest":
            return True
        if screen_says(self.response):  # a countdown spoken by the screen
            return True
        return bool(self.response.get("outputSpeech")) or not self.session_open


@dataclass
class Conversation:
    resolver: Resolver
    transport: Transport
    locale: str = "en-US"
    with_screen: bool = False
    user_id: str = envelopes.DEFAULT_USER_ID
    #: The skill id every envelope carries (the configured SKILL_ID, so a skill that checks
    #: its id accepts the simulator's requests).
    application_id: str = envelopes.DEFAULT_APPLICATION_ID
    session_id: str | None = None
    attributes: dict[str, Any] = field(default_factory=dict)
    #: Alexa's API as the requests name it (the simulator's stand-in), or None.
    api_endpoint: str | None = None
    #: Permission scopes the simulated user has granted.
    permissions: set[str] = field(default_factory=set)
    #: The timestamp every request carries (the pretended device time, in UTC), or None.
    timestamp: str | None = None
    #: The user's answer when Alexa asks for a permission by voice.
    grant_by_voice: bool = True
    #: The stand-in for Alexa's API (skill.simulator.standin), to show what was set.
    standin: Any = None

    @property
    def session_open(self) -> bool:
        return self.session_id is not None

    def say(self, utterance: str) -> Turn:
        """One turn: resolve, post, carry the session forward."""
        turn = Turn(utterance)
        try:
            if utterance.strip() == SILENCE_COMMAND:
                return self._silence(turn)
            if utterance.strip().lower().split(" ", 1)[0] == TAP_COMMAND:
                return self._tap(turn, utterance.strip()[len(TAP_COMMAND):].strip().lower())
            if utterance.strip().lower().startswith("intent "):
                turn.resolution = self.direct_intent(utterance)
            else:
                turn.resolution = self.resolver.resolve(utterance)
        except ValueError as exc:
            turn.error = str(exc)
            turn.session_open = self.session_open
            return turn
        new_session = (turn.resolution.request_type == "LaunchRequest"
                       or turn.resolution.one_shot or not self.session_open)
        if new_session and not (turn.resolution.request_type == "LaunchRequest"
                                or turn.resolution.one_shot):
            turn.notes.append("no open session: sent as a one-shot in a new session "
                              "(on a device, say \"open leg cramp helper\" first)")
        turn.request = self.build_request(turn.resolution, new_session)
        return self._post(turn)

    def _silence(self, turn: Turn) -> Turn:
        if not self.session_open:
            turn.notes.append("no open session: nothing to end")
            turn.session_open = False
            turn.reply = Reply(200, {"response": {}}, "{}")
            return turn
        turn.request = envelopes.session_ended_request(
            "EXCEEDED_MAX_REPROMPTS", self.locale, **self._session_kwargs(new=False))
        return self._post(turn)

    def _tap(self, turn: Turn, control: str) -> Turn:
        """A touch on the screen: the control's UserEvent, in the open session."""
        if not self.with_screen:
            raise ValueError("tap needs a device with a screen (--screen)")
        event = TAPS.get(" ".join(control.rstrip("?").split()))
        if event is None:
            raise ValueError(f"no control {control!r} (try: {', '.join(sorted(TAPS))})")
        if not self.session_open:
            raise ValueError("nothing on the screen to tap: open leg cramp helper first")
        turn.request = envelopes.user_event([event], locale=self.locale,
                                            **self._session_kwargs(new=False))
        return self._post(turn)

    def _post(self, turn: Turn) -> Turn:
        if self.timestamp and turn.request:
            turn.request["request"]["timestamp"] = self.timestamp
        seen = len(self.standin.calls) if self.standin is not None else 0
        turn.reply = self.transport.post(turn.request)
        if self.standin is not None:
            turn.services = [_describe_call(call) for call in self.standin.calls[seen:]]
            turn.services = [line for line in turn.services if line]
        self._carry_session(turn)
        asked = _permission_asked(turn.response)
        if asked and turn.reply and turn.reply.status == 200:
            turn.after_permission = self._answer_permission(asked)
        return turn

    def _answer_permission(self, scope: str) -> Turn:
        """Alexa asks "do you give leg cramp helper permission...?"; the simulated user
        answers (`grant_by_voice`), and Alexa sends the skill a Connections.Response."""
        status = "ACCEPTED" if self.grant_by_voice else "DENIED"
        if self.grant_by_voice:
            self.permissions.add(scope)
        if self.session_id is None:  # the session goes on through the permission request
            self.session_id = f"amzn1.echo-api.session.{uuid.uuid4()}"
        turn = Turn(f"(to Alexa's permission question) {'yes' if self.grant_by_voice else 'no'}")
        turn.request = envelopes.connections_response(status, scope, token="ten_minute_timer",
                                                      locale=self.locale,
                                                      **self._session_kwargs(new=False))
        return self._post(turn)

    def build_request(self, resolution: Resolution, new_session: bool) -> dict[str, Any]:
        if new_session:
            self.session_id = f"amzn1.echo-api.session.{uuid.uuid4()}"
            self.attributes = {}
        kwargs = self._session_kwargs(new=new_session)
        if resolution.request_type == "LaunchRequest":
            return envelopes.launch_request(self.locale, **kwargs)
        return envelopes.intent_request(resolution.intent, self._slot_payload(resolution),
                                        self.locale, **kwargs)

    def _session_kwargs(self, new: bool) -> dict[str, Any]:
        return {"new_session": new, "session_id": self.session_id,
                "session_attributes": self.attributes, "user_id": self.user_id,
                "application_id": self.application_id, "with_screen": self.with_screen,
                "api_endpoint": self.api_endpoint, "permissions": tuple(sorted(self.permissions))}

    def _slot_payload(self, resolution: Resolution) -> dict[str, Any]:
        """Every slot the intent declares, filled or not, as Alexa sends them."""
        declared = self.resolver.intent_slots.get(resolution.intent, {})
        payload: dict[str, Any] = {}
        for name in declared:
            slot = resolution.slots.get(name)
            payload[name] = envelopes.slot(name, None) if slot is None else self._slot(slot)
        return payload

    def _slot(self, slot: ResolvedSlot) -> dict[str, Any]:
        if slot.status is None:
            return envelopes.slot(slot.name, slot.value)
        authority = (f"amzn1.er-authority.echo-sdk.{envelopes.DEFAULT_APPLICATION_ID}."
                     f"{slot.slot_type}")
        return envelopes.slot(slot.name, slot.value, slot.resolved_id, slot.resolved_name,
                              slot.status, authority=authority)

    def _carry_session(self, turn: Turn) -> None:
        body = turn.reply.body if turn.reply else None
        if turn.request and turn.request["request"]["type"] == "SessionEndedRequest":
            self._end_session()
        elif not body or turn.reply.status != 200:
            pass  # nothing came back: Alexa keeps the session as it was
        else:
            end = (body.get("response") or {}).get("shouldEndSession")
            # Not set: a screen device keeps the session (mic closed); a speaker ends it,
            # unless Alexa takes the turn to ask for a permission (the session goes on).
            open_now = end is False or (end is None and (
                self.with_screen or _permission_asked(body.get("response") or {}) is not None))
            if open_now:
                self.attributes = dict(body.get("sessionAttributes") or {})
            else:
                self._end_session()
        turn.session_open = self.session_open

    def _end_session(self) -> None:
        self.session_id = None
        self.attributes = {}

    def direct_intent(self, line: str) -> Resolution:
        """`intent StretchTimerIntent duration=PT20S muscle=calf`: skip the resolver."""
        words = shlex.split(line)[1:]
        if not words:
            raise ValueError("usage: intent <IntentName> [slot=value ...]")
        name, assignments = words[0], words[1:]
        declared = self.resolver.intent_slots.get(name)
        if declared is None:
            raise ValueError(f"the model has no intent {name!r}")
        slots = {}
        for assignment in assignments:
            slot_name, _, value = assignment.partition("=")
            if slot_name not in declared or not value:
                raise ValueError(f"{name} has no slot {slot_name!r} (slots: "
                                 f"{', '.join(declared) or 'none'}); write slot=value")
            slot = self.resolver.resolve_slot(slot_name, declared[slot_name], value)
            if slot is None:
                raise ValueError(f"{value!r} is not a valid {declared[slot_name]}")
            slots[slot_name] = slot
        return Resolution("IntentRequest", name, slots, method="direct")


def _permission_asked(response: dict[str, Any]) -> str | None:
    """The scope of a voice permission request (Connections.SendRequest, AskFor), if any."""
    for directive in response.get("directives") or []:
        if directive.get("type") == "Connections.SendRequest" and directive.get("name") == "AskFor":
            return str((directive.get("payload") or {}).get("permissionScope") or "")
    return None


def _describe_call(call: Any) -> str | None:
    """One line for a call the skill made to Alexa's API."""
    body = call.body if isinstance(call.body, dict) else {}
    if call.method == "POST" and call.path == "/v1/alerts/timers":
        words = [t.get("text", "") for t in (((body.get("triggeringBehavior") or {})
                                               .get("operation") or {}).get("textToAnnounce") or [])]
        return f"timer: {body.get('duration')} \"{body.get('timerLabel')}\", then Alexa says: {' '.join(words)}"
    if call.method == "POST" and call.path == "/v1/alerts/reminders":
        trigger = body.get("trigger") or {}
        words = [t.get("text", "") for t in (((body.get("alertInfo") or {}).get("spokenInfo") or {})
                                             .get("content") or [])]
        zone = trigger.get("timeZoneId") or "the device's time zone"
        return f"reminder: {trigger.get('scheduledTime')} ({zone}): {' '.join(words)}"
    if call.method == "GET" and call.path.endswith("/settings/System.timeZone"):
        return None  # the device time is printed once, at the start
    return f"{call.method} {call.path}"
