"""Drive the skill through the Flask test client turn by turn, as a device would.

`Talk` carries session attributes from one response to the next request and checks the
voice rules on every answer: valid SSML, a reprompt whenever the session stays open, and
at most two sentences before a question (the countdown aside).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from skill import envelopes
from skill.domain import ssml

from .conftest import post

SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


@dataclass
class Turn:
    body: dict[str, Any]

    @property
    def response(self) -> dict[str, Any]:
        return self.body["response"]

    @property
    def ssml(self) -> str:
        return (self.response.get("outputSpeech") or {}).get("ssml", "")

    @property
    def text(self) -> str:
        return ssml.spoken_text(self.ssml) if self.ssml else ""

    @property
    def reprompt(self) -> str:
        speech = ((self.response.get("reprompt") or {}).get("outputSpeech") or {}).get("ssml", "")
        return ssml.spoken_text(speech) if speech else ""

    @property
    def whispered(self) -> bool:
        """Every word of the speech is inside the whisper effect."""
        if 'name="whispered"' not in self.ssml:
            return False
        outside = re.sub(r'<amazon:effect name="whispered">.*?</amazon:effect>', "",
                         ssml.unwrap(self.ssml))
        return not ssml.spoken_text(ssml.speak(outside))

    @property
    def whispered_but_referrals(self) -> bool:
        """Whispered, except sentences that refer to emergency help (said normally)."""
        if 'name="whispered"' not in self.ssml:
            return False
        outside = re.sub(r'<amazon:effect name="whispered">.*?</amazon:effect>', "",
                         ssml.unwrap(self.ssml))
        left = SENTENCE_END.split(ssml.spoken_text(ssml.speak(outside)))
        return all("call your local emergency number" in s.lower() for s in left if s)

    @property
    def card(self) -> dict[str, Any] | None:
        return self.response.get("card")

    @property
    def ended(self) -> bool:
        return self.response.get("shouldEndSession") is not False

    @property
    def is_countdown(self) -> bool:
        return "<break" in self.ssml

    def first_sentence(self) -> str:
        return SENTENCE_END.split(self.text, maxsplit=1)[0]


def words_before(text: str, phrase: str) -> int:
    """How many words come before `phrase` (case-insensitive) in `text`."""
    index = text.lower().index(phrase.lower())
    return len(ssml._WORD.findall(text[:index]))


def check_voice_rules(turn: Turn) -> None:
    for doc in (turn.ssml, ((turn.response.get("reprompt") or {}).get("outputSpeech") or {}).get("ssml")):
        found = ssml.problems(doc) if doc else []
        assert not found, f"{found}: {doc}"
    if not turn.ended:
        assert turn.reprompt, f"open session without a reprompt: {turn.text}"
        assert turn.text, "open session without speech"
    if turn.text and not turn.is_countdown:
        sentences = SENTENCE_END.split(turn.text)
        questions = [i for i, s in enumerate(sentences) if s.endswith("?")]
        before = questions[0] if questions else len(sentences) - 1
        assert before <= 2, f"{before} sentences before the question: {turn.text}"


class Talk:
    """One user talking to the skill; the session carries over until it ends."""

    def __init__(self, client, user_id: str = envelopes.DEFAULT_USER_ID) -> None:
        self.client = client
        self.user_id = user_id
        self.attributes: dict[str, Any] = {}
        self.new = True
        self.turns: list[Turn] = []

    def send(self, envelope: dict[str, Any]) -> Turn:
        if "session" in envelope:
            envelope["session"]["attributes"] = self.attributes
            envelope["session"]["new"] = self.new
        reply = post(self.client, envelope)
        assert reply.status_code == 200, reply.get_data(as_text=True)
        turn = Turn(reply.get_json())
        check_voice_rules(turn)
        self.turns.append(turn)
        self.new = turn.ended
        self.attributes = {} if turn.ended else dict(turn.body.get("sessionAttributes") or {})
        return turn

    def launch(self) -> Turn:
        return self.send(envelopes.launch_request(user_id=self.user_id))

    def intent(self, name: str, **slots: Any) -> Turn:
        name = name if name[0].isupper() and "Intent" in name else f"AMAZON.{name}Intent"
        return self.send(envelopes.intent_request(name, slots, user_id=self.user_id,
                                                  new_session=self.new))

    def ended_session(self) -> Turn:
        return self.send(envelopes.session_ended_request(user_id=self.user_id))

    def stop(self) -> Turn:
        """End the session the way a user does ("stop"), so the next turn is a new session."""
        return self.intent("Stop")
