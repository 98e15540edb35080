"""The request mix the benchmark posts: one short night-time session, signed like Alexa.

A turn of the mix is: launch, a relief step for the calf, "next", a 30-second countdown,
and the first turn of the "is this serious?" check. Every copy gets a fresh request id
and timestamp and its own signature over its exact body, as Alexa sends them. Session
attributes for the follow-up turns are the ones the server itself returned in a warm-up
conversation (`learn_session_attributes`), so "next" continues a real relief session.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from skill import envelopes

if TYPE_CHECKING:
    from skill.throwaway_ca import ThrowawayCA

#: The turns, in conversation order.
MIX = ("launch", "relief_step", "next", "countdown", "serious_check")

#: Distinct users the copies are spread over (preferences are stored per user).
USERS = 64


@dataclass(frozen=True)
class SignedRequest:
    """One ready-to-send POST: its turn name, exact body bytes and Alexa's headers."""

    turn: str
    body: bytes
    headers: dict[str, str]


def calf_slot() -> dict[str, Any]:
    return envelopes.slot("muscle", "calf", resolved_id="CALF", resolved_name="calf",
                          status="ER_SUCCESS_MATCH")


def turn_envelope(turn: str, attributes: dict[str, Any] | None = None, *,
                  user_id: str = envelopes.DEFAULT_USER_ID,
                  session_id: str | None = None) -> dict[str, Any]:
    """The envelope for one turn of the mix, carrying the session attributes given."""
    common: dict[str, Any] = {"user_id": user_id, "session_id": session_id,
                              "session_attributes": attributes}
    if turn == "launch":
        return envelopes.launch_request(**common)
    if turn == "relief_step":
        return envelopes.intent_request("ReliefStepsIntent", {"muscle": calf_slot()}, **common)
    if turn == "next":
        return envelopes.intent_request("AMAZON.NextIntent", **common)
    if turn == "countdown":
        return envelopes.intent_request(
            "StretchTimerIntent", {"duration": "PT30S", "muscle": calf_slot()}, **common)
    if turn == "serious_check":
        return envelopes.intent_request("IsItSeriousIntent", **common)
    raise ValueError(f"unknown turn {turn!r}")


def learn_session_attributes(send: Callable[[bytes, dict[str, str]], dict[str, Any]],
                             ca: "ThrowawayCA") -> dict[str, dict[str, Any]]:
    """Walk the mix once against a server; the attributes each turn should carry in.

    `send(body, headers)` posts one request and returns the parsed JSON answer. Each
    turn carries the attributes the previous answer returned (launch carries none).
    """
    carried: dict[str, dict[str, Any]] = {}
    attributes: dict[str, Any] = {}
    session_id = "amzn1.echo-api.session.bench-warm-up"
    for turn in MIX:
        carried[turn] = dict(attributes)
        body = encode(turn_envelope(turn, attributes, session_id=session_id))
        answer = send(body, ca.headers(body))
        attributes = answer.get("sessionAttributes") or {}
    return carried


def signed_batch(ca: "ThrowawayCA", count: int,
                 attributes: dict[str, dict[str, Any]] | None = None) -> list[SignedRequest]:
    """`count` signed requests cycling through the mix, spread over USERS users.

    Timestamps are "now": Alexa's 150-second window starts when the batch is built,
    so build it just before the run that sends it.
    """
    attributes = attributes or {}
    batch = []
    for index in range(count):
        turn = MIX[index % len(MIX)]
        conversation = index // len(MIX)
        env = turn_envelope(
            turn, attributes.get(turn),
            user_id=f"{envelopes.DEFAULT_USER_ID[:-8]}{conversation % USERS:08d}",
            session_id=f"amzn1.echo-api.session.bench-{conversation:08d}")
        body = encode(env)
        batch.append(SignedRequest(turn, body, ca.headers(body)))
    return batch


def encode(env: dict[str, Any]) -> bytes:
    return json.dumps(env, separators=(",", ":")).encode("utf-8")
