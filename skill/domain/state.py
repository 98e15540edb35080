"""Where the conversation stands, kept in Alexa session attributes under one key.

Session attributes come back from the device and can be stale (an older skill version),
tampered with or simply broken. They are parsed through one typed Struct: anything that
does not fit (wrong type, value out of range, unknown version) gives a fresh state, and
unknown keys are ignored. Other features keep their own keys beside ours, untouched.

Holds no health information: positions in the conversation (which step, which question of
the serious check, which question is waiting for an answer), the last speech, and one
derived flag (`referred`: no relief step may be offered any more this session), never the
sign or the answer behind it. The check's answers are never kept: only the number of the
question being asked. Session attributes end with the session; none of this is saved.
Pure module: no SDK imports. (No `from __future__ import annotations`: msgspec then reads
the field types as they are, instead of evaluating strings on the first request.)
"""
from collections.abc import Mapping, MutableMapping
from typing import Annotated, Any, Literal

import msgspec
from msgspec import Meta, Struct

from skill.domain.dialog import Pending

#: The one session-attribute key this module owns.
KEY = "cramp"
VERSION = 2

Flow = Literal["none", "relief"]
#: A list read out a couple of items per turn ("want more?").
Topic = Literal["none", "prevention", "causes"]


class DialogState(Struct, kw_only=True, frozen=True, omit_defaults=True):
    """The whole conversation state. Every field has a safe default."""

    v: int = VERSION
    flow: Flow = "none"
    muscle: Annotated[str, Meta(max_length=40)] | None = None
    step: Annotated[int, Meta(ge=0, le=40)] = 0
    #: The serious-check question being asked (0-based); None outside the check. It stays
    #: set while a side prompt ("which medicine?") waits on top of the check.
    question: Annotated[int, Meta(ge=0, le=5)] | None = None
    #: The question waiting for an answer (skill.domain.dialog.QUESTIONS).
    pending: Pending = "none"
    #: Unclear answers to the pending question so far.
    misses: Annotated[int, Meta(ge=0, le=2)] = 0
    hold: Annotated[int, Meta(ge=1, le=600)] | None = None
    topic: Topic = "none"
    #: The next item of `topic` to say.
    item: Annotated[int, Meta(ge=0, le=40)] = 0
    #: Article ids behind the last health answer (for "where is that from?" and cards).
    sources: Annotated[tuple[Annotated[str, Meta(max_length=8)], ...], Meta(max_length=10)] = ()
    last_speech: Annotated[str, Meta(max_length=8000)] = ""
    last_reprompt: Annotated[str, Meta(max_length=8000)] = ""
    #: The last speech was urgent (emergency advice): a replay keeps the normal voice.
    last_urgent: bool = False
    #: A referral or an unsure emergency sign was said this session (for example "not sure"
    #: to the check's sting, bite or contact question): no massage, heat or stretch may be
    #: offered after it. Derived only; it lasts as long as the session.
    referred: bool = False

    @classmethod
    def from_attributes(cls, attributes: Mapping[str, Any] | None) -> "DialogState":
        """Our state from session attributes; a fresh state when missing or unusable."""
        raw = attributes.get(KEY) if isinstance(attributes, Mapping) else None
        if not isinstance(raw, Mapping):
            return cls()
        try:
            state = msgspec.convert(dict(raw), cls)
        except (msgspec.ValidationError, TypeError, ValueError):
            return cls()
        if state.v != VERSION:
            return cls()
        if state.pending == "check" and state.question is None:
            return state.but(pending="none")
        return state

    def save(self, attributes: MutableMapping[str, Any]) -> None:
        """Write this state into session attributes (other keys are left alone)."""
        attributes[KEY] = msgspec.to_builtins(self)

    def restarted(self) -> "DialogState":
        """A fresh conversation that still knows what was last said (for "repeat") and
        whether relief is held back this session (`referred` outlives a fresh start)."""
        return DialogState(last_speech=self.last_speech, last_reprompt=self.last_reprompt,
                           referred=self.referred)

    def but(self, **changes: Any) -> "DialogState":
        """A copy with some fields changed."""
        return msgspec.structs.replace(self, **changes)

    @property
    def in_check(self) -> bool:
        """True while the serious check is waiting for an answer (perhaps under a side
        prompt)."""
        return self.question is not None
