"""The frozen clinical phrasings (tests/clinical/phrasings.tsv, issue 21): every row, in raw
words, through the simulator's understanding and the webhook, judged by the kind of answer
its last turn must get (tests/judges.py). Rows are frozen: when one fails, the model or the
answers change, never the row."""
from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from skill.domain import ssml
from skill.domain.content import load_content
from skill.settings import PROJECT_ROOT, Settings
from skill.simulator.resolver import Resolver
from skill.simulator.session import Conversation
from skill.simulator.transport import InProcessTransport

from .judges import Heard, Judge

ROWS_FILE = Path(__file__).parent / "clinical" / "phrasings.tsv"
ROWS = list(csv.DictReader(ROWS_FILE.open(encoding="utf-8"), delimiter="\t"))
CONTENT = load_content(PROJECT_ROOT / "content")
JUDGE = Judge(CONTENT)
#: Kinds whose answer is a referral: the session must not offer relief.
SAFETY_KINDS = {"outside", "emergency", "unsure_emergency", "doctor_first"}


@pytest.fixture(scope="module")
def resolver() -> Resolver:
    model = json.loads((PROJECT_ROOT / "interaction_models" / "en-US.json").read_text("utf-8"))
    return Resolver(model)


@pytest.fixture(scope="module")
def transport(tmp_path_factory) -> InProcessTransport:
    settings = Settings(persistence="memory",
                        db_path=tmp_path_factory.mktemp("clinical") / "p.sqlite3").as_local()
    return InProcessTransport(settings)


def play(resolver: Resolver, transport: InProcessTransport, turns: str,
         user: str) -> tuple[Heard, list[str]]:
    conversation = Conversation(resolver, transport, user_id=f"amzn1.ask.account.clinical-{user}")
    conversation.say("open leg cramp helper")
    heard_as: list[str] = []
    turn = None
    for said in turns.split(" | "):
        turn = conversation.say(said)
        heard_as.append(turn.resolution.describe() if turn.resolution else "?")
    assert turn is not None and turn.answered, f"no answer to {turns!r}"
    speech = (turn.response.get("outputSpeech") or {}).get("ssml", "")
    text = ssml.spoken_text(speech) if speech else ""
    return Heard(text, turn.session_open, "<break" in speech), heard_as


def test_the_set_is_large_and_covers_every_kind() -> None:
    assert len(ROWS) >= 60
    assert {row["expect"] for row in ROWS} >= SAFETY_KINDS | {"steps", "no_false_alarm"}
    assert all(hasattr(JUDGE, row["expect"]) for row in ROWS)


#: Rows whose answer is deliberately more urgent than the kind the row names, each with why.
#: The row stays as written; the test checks the more urgent answer instead.
MORE_URGENT: dict[str, tuple[str, str]] = {
    "c112": ("emergency", "a child screaming with the pain is also the articles' unbearable-pain "
                          "sign: the emergency line comes first and nothing delays it"),
}


@pytest.mark.parametrize("row", ROWS, ids=[r["id"] for r in ROWS])
def test_each_phrasing_gets_its_kind_of_answer(resolver, transport, row) -> None:
    heard, heard_as = play(resolver, transport, row["turns"], row["id"])
    kind = MORE_URGENT.get(row["id"], (row["expect"], ""))[0]
    why = JUDGE.judge(kind)(heard)
    assert why is None, f"{row['turns']!r} ({row['why']}): {why}\n  heard: {heard_as}\n  said: {heard.text!r}"
