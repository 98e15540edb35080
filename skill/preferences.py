"""The only things the skill remembers about a user: three preferences, nothing else.

Alexa reserves protected health information for HIPAA-eligible skills, and this skill is
not one. So the persisted record is an allow-list: `Preferences` knows its three keys,
loading ignores anything else (unknown or wrongly typed), and saving writes only those
keys. Cramps, symptoms, answers to the serious check or medicines can never be saved by
accident, because there is no field to put them in.

Handlers use `load_preferences`, `save_preferences`, `update_preferences` and
`forget_preferences`; none of them raises, so a broken store never breaks a request.

The store is read once per session: the first read keeps a copy of the (allow-listed)
preferences in the session attributes under `SESSION_KEY`, and later turns of the same
session use that copy. A change is written to both, and to the store only the keys that
changed (`PreferenceChanges`): a second device's session, holding an older copy, then
cannot wipe what the first one saved. So a session's turns after the first cost no store
round trip, and every gunicorn worker sees the same values (the copy travels with the
request). A change that could not be stored is still used for the session, and
`change_preferences` says it was not kept so the skill can say so.
"""
from __future__ import annotations

import logging
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Mapping

from msgspec import Struct
from msgspec.structs import replace

from skill.domain.countdown import HOLD_SECONDS_MAX, HOLD_SECONDS_MIN

if TYPE_CHECKING:
    from ask_sdk_core.handler_input import HandlerInput

log = logging.getLogger("skill.preferences")


def is_valid_hold_seconds(value: Any) -> bool:
    """True for a whole number of seconds the skill is willing to time (10..120)."""
    return (isinstance(value, int) and not isinstance(value, bool)
            and HOLD_SECONDS_MIN <= value <= HOLD_SECONDS_MAX)


def _as_whole_number(value: Any) -> Any:
    """DynamoDB hands numbers back as Decimal, JSON might give 30.0: accept whole ones."""
    if isinstance(value, bool):
        return value
    if isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
        return int(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


class Preferences(Struct, frozen=True):
    """A user's remembered choices. Defaults describe a first-time user."""

    quiet_voice: bool = False
    hold_seconds: int | None = None
    heard_hints: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.quiet_voice, bool) or not isinstance(self.heard_hints, bool):
            raise TypeError("quiet_voice and heard_hints must be booleans")
        if self.hold_seconds is not None and not is_valid_hold_seconds(self.hold_seconds):
            raise ValueError(
                f"hold_seconds must be {HOLD_SECONDS_MIN}..{HOLD_SECONDS_MAX} or None")

    @classmethod
    def from_attributes(cls, attributes: Any) -> "Preferences":
        """Read a stored record, keeping only known keys with values of the right type."""
        return cls(**sanitize_attributes(attributes))

    def to_attributes(self) -> dict[str, Any]:
        """The record to store: exactly the preference keys (no deep copy: all scalars)."""
        return {key: getattr(self, key) for key in PREFERENCE_KEYS}

    def with_changes(self, **changes: Any) -> "Preferences":
        """A copy with some fields changed (validated like the constructor)."""
        return replace(self, **changes)


#: The allow-list: the only keys a stored record may ever hold.
PREFERENCE_KEYS: tuple[str, ...] = Preferences.__struct_fields__


class PreferenceChanges(dict):
    """Some preferences to write, and nothing else (None removes one). Handed to the
    persistence adapter through ask-sdk's `save_persistent_attributes`, whose wrappers
    (skill.persistence) write these keys alone instead of the whole record."""


def _valid(key: str, value: Any) -> bool:
    if key == "hold_seconds":
        return value is None or is_valid_hold_seconds(value)
    return isinstance(value, bool)


def sanitize_attributes(attributes: Any) -> dict[str, Any]:
    """The allowed, well-typed subset of a record; anything else is silently dropped."""
    if not isinstance(attributes, Mapping):
        return {}
    kept: dict[str, Any] = {}
    for key in PREFERENCE_KEYS:
        if key in attributes:
            value = _as_whole_number(attributes[key])
            if _valid(key, value):
                kept[key] = value
    return kept


# --- Helpers for request handlers: never raise --------------------------------------

#: Session-attribute key of this session's copy of the preferences.
SESSION_KEY = "prefs"
#: Request-attribute key: the preferences already loaded while serving this request.
_REQUEST_KEY = "cramp_helper.preferences"


def session_attributes(handler_input: "HandlerInput") -> dict | None:
    """The session attributes (a dict), or None for a request without a session (skill
    events). Shared with the handlers' conversation state."""
    manager = handler_input.attributes_manager
    try:
        attributes = manager.session_attributes
    except Exception:  # noqa: BLE001 - the SDK raises its own type outside a session
        return None
    if not isinstance(attributes, dict):
        manager.session_attributes = {}
        attributes = manager.session_attributes
    return attributes


def load_preferences(handler_input: "HandlerInput") -> Preferences:
    """This user's preferences, or the defaults if none are stored or the store fails.
    Loaded once per request (interceptors and handlers may all ask)."""
    request_attributes = handler_input.attributes_manager.request_attributes
    loaded = request_attributes.get(_REQUEST_KEY)
    if isinstance(loaded, Preferences):
        return loaded
    loaded = _load_preferences(handler_input)
    request_attributes[_REQUEST_KEY] = loaded
    return loaded


def _load_preferences(handler_input: "HandlerInput") -> Preferences:
    session = session_attributes(handler_input)
    copy = session.get(SESSION_KEY) if session is not None else None
    if isinstance(copy, Mapping):
        preferences = Preferences.from_attributes(copy)
        session[SESSION_KEY] = preferences.to_attributes()  # only allowed keys travel on
        return preferences
    try:
        stored = handler_input.attributes_manager.persistent_attributes
    except Exception as exc:  # noqa: BLE001 - a request must never fail on preferences
        _warn("load", exc)
        return Preferences()
    preferences = Preferences.from_attributes(stored)
    if session is not None:
        session[SESSION_KEY] = preferences.to_attributes()
    return preferences


def save_preferences(handler_input: "HandlerInput", preferences: Preferences) -> bool:
    """Make `preferences` this user's, writing to the store only the keys that differ
    from what this request loaded. True when the store kept them (or nothing needed
    writing); False when it did not, and this session uses them anyway."""
    current = load_preferences(handler_input)
    changed = PreferenceChanges({key: value for key, value in preferences.to_attributes().items()
                                 if getattr(current, key) != value})
    return _keep(handler_input, preferences, changed)


def change_preferences(handler_input: "HandlerInput", **changes: Any) -> bool:
    """Set some preferences, writing exactly those keys (even when this session's copy
    already holds them: another device may have changed them since). True when the store
    kept them; False when it did not (the session uses them anyway).

    Raises ValueError/TypeError only for an invalid change (e.g. hold_seconds=5), which is
    the caller's bug or the user's out-of-range request, checked before anything is saved.
    """
    updated = load_preferences(handler_input).with_changes(**changes)
    return _keep(handler_input, updated, PreferenceChanges(
        {key: getattr(updated, key) for key in changes}))


def update_preferences(handler_input: "HandlerInput", **changes: Any) -> Preferences:
    """`change_preferences`, returning the new preferences (whether or not stored)."""
    change_preferences(handler_input, **changes)
    return load_preferences(handler_input)


def _keep(handler_input: "HandlerInput", preferences: Preferences,
          changed: PreferenceChanges) -> bool:
    handler_input.attributes_manager.request_attributes[_REQUEST_KEY] = preferences
    session = session_attributes(handler_input)
    if session is not None:
        session[SESSION_KEY] = preferences.to_attributes()
    if not changed:
        return True
    try:
        manager = handler_input.attributes_manager
        manager.persistent_attributes = changed
        manager.save_persistent_attributes()
    except Exception as exc:  # noqa: BLE001
        from skill.persistence import PreferencesNotSaved

        if not isinstance(exc, PreferencesNotSaved):  # that one is logged already
            _warn("save", exc)
        return False
    return True


def forget_preferences(handler_input: "HandlerInput") -> None:
    """Delete this user's record ("forget my settings", or the skill was disabled)."""
    handler_input.attributes_manager.request_attributes[_REQUEST_KEY] = Preferences()
    session = session_attributes(handler_input)
    if session is not None:
        session[SESSION_KEY] = Preferences().to_attributes()
    try:
        handler_input.attributes_manager.delete_persistent_attributes()
    except Exception as exc:  # noqa: BLE001
        _warn("delete", exc)


#: Short name used in the brief.
forget = forget_preferences


def _warn(operation: str, exc: Exception) -> None:
    # The type only: messages from a store could carry the user id.
    log.warning("preferences %s failed (%s); using defaults", operation, type(exc).__name__)
