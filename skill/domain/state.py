"""Where the conversation stands, kept in Alexa session attributes under one key.

Session attributes come back from the device and can be stale (an older skill version),
tampered with or simply broken. They are parsed through one typed Struct: anything that
does not fit (wrong type, value out of range, unknown version) gives a fresh state, and
unknown keys are ignored. Other features keep their own keys beside ours, untouched.

Holds no health information beyond this session: positions in the conversation (which
step, which question of the serious check, which question is waiting for an answer), the
last speech, and a few derived flags that shape later answers in the same session
(`no_heat`, `ask_midwife`, `child`, `referred`, `signs_said`): never a condition's name,
never saved to the preferences store, logged or put on a card; they end with the session.
The check's answers are never kept: only the number of the question being asked.
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


#: The derived flags a fresh state of the same session keeps (see the module doc).
SESSION_FLAGS = ("no_heat", "ask_midwife", "child", "referred", "signs_said", "doubted")


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
    # Derived flags: what was said earlier in this session that shapes later answers.
    #: A condition that can dull the sense of heat was named (003): no heat.
    no_heat: bool = False
    #: Pregnancy was named: "ask your doctor or midwife first" before any medicine or
    #: supplement.
    ask_midwife: bool = False
    #: The cramp is a child's: the child answer, no steps.
    child: bool = False
    #: A referral or an unsure emergency sign was said this session (for example "not sure"
    #: to the check's sting, bite or contact question): no massage, heat or stretch may be
    #: offered after it. Derived only; it lasts as long as the session.
    referred: bool = False
    #: The emergency signs were said after a first step this session (said once).
    signs_said: bool = False
    #: "Not sure" was said to one of the check's emergency questions: the check then never
    #: ends on "usually harmless", only on when to call (its cautious "watch" advice).
    doubted: bool = False
    #: Offers of Alexa's services already made this session ("timer", "reminder"): each
    #: is offered once at most. Says nothing about health.
    offers: Annotated[tuple[Literal["timer", "reminder"], ...], Meta(max_length=2)] = ()

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
        the session's derived flags (what was said earlier still counts)."""
        return DialogState(last_speech=self.last_speech, last_reprompt=self.last_reprompt,
                           offers=self.offers, **self.session_flags())

    def session_flags(self) -> dict[str, bool]:
        """The derived flags, to carry into a fresh state of the same session."""
        return {name: getattr(self, name) for name in SESSION_FLAGS}

    def offered(self, offer: Literal["timer", "reminder"]) -> "DialogState":
        """This state with `offer` noted as made."""
        return self if offer in self.offers else self.but(offers=(*self.offers, offer))

    def but(self, **changes: Any) -> "DialogState":
        """A copy with some fields changed."""
        return msgspec.structs.replace(self, **changes)

    @property
    def in_check(self) -> bool:
        """True while the serious check is waiting for an answer (perhaps under a side
        prompt)."""
        return self.question is not None
