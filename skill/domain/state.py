"""Where the conversation stands, kept in Alexa session attributes under one key.

Session attributes come back from the device and can be stale (an older skill version),
tampered with or simply broken. They are parsed through one typed Struct: anything that
does not fit (wrong type, value out of range, unknown version) gives a fresh state, and
unknown keys are ignored. Other features keep their own keys beside ours, untouched.
Holds no health information: only positions in the conversation and the last speech.
Pure module: no SDK imports.
"""
from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from typing import Annotated, Any, Literal

import msgspec
from msgspec import Meta, Struct

#: The one session-attribute key this module owns.
KEY = "cramp"
VERSION = 1

Flow = Literal["none", "relief", "serious"]
#: A list read out a couple of items per turn ("want more?").
Topic = Literal["none", "prevention", "causes"]
#: The yes/no question the last response asked, if any:
#:   count        "time it?" after a step        -> yes: countdown (or next step)
#:   next         "next step?"                   -> yes: next step, no: goodbye
#:   another_set  "another set?" after a count   -> yes: same countdown again
#:   start_over   "start over?" after last step  -> yes: first step, no: goodbye
#:   relief       "relief steps now?"            -> yes: first step, no: goodbye
#:   more         "want more?" in a topic list   -> yes/next: the next items, no: goodbye
#:   forget       "forget your settings?"        -> yes: delete them, no: keep them
Pending = Literal["none", "count", "next", "another_set", "start_over", "relief", "more", "forget"]
ReplyCode = Literal["yes", "no", "unsure"]


class Conversation(Struct, kw_only=True, frozen=True, omit_defaults=True):
    """The whole conversation state. Every field has a safe default."""

    v: int = VERSION
    flow: Flow = "none"
    muscle: Annotated[str, Meta(max_length=40)] | None = None
    step: Annotated[int, Meta(ge=0, le=40)] = 0
    pending: Pending = "none"
    replies: Annotated[tuple[ReplyCode, ...], Meta(max_length=5)] = ()
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

    @classmethod
    def from_attributes(cls, attributes: Mapping[str, Any] | None) -> "Conversation":
        """Our state from session attributes; a fresh state when missing or unusable."""
        raw = attributes.get(KEY) if isinstance(attributes, Mapping) else None
        if not isinstance(raw, Mapping):
            return cls()
        try:
            state = msgspec.convert(dict(raw), cls)
        except (msgspec.ValidationError, TypeError, ValueError):
            return cls()
        return state if state.v == VERSION else cls()

    def save(self, attributes: MutableMapping[str, Any]) -> None:
        """Write this state into session attributes (other keys are left alone)."""
        attributes[KEY] = msgspec.to_builtins(self)

    def but(self, **changes: Any) -> "Conversation":
        """A copy with some fields changed."""
        return msgspec.structs.replace(self, **changes)
