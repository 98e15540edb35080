"""The scripted night of red flags (interaction_models/scripts/red-flags.txt), in raw words,
through the simulator's matcher and the real skill: understanding and answer together.

Each line is an utterance; after "# =>" comes what the answer must start with, "[ends]" or
"[open]" for the session, and "[no relief]" when no relief step may be given.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass

import pytest

from skill.domain import ssml
from skill.domain.content import load_content
from skill.settings import PROJECT_ROOT, Settings
from skill.simulator.resolver import Resolver
from skill.simulator.session import Conversation
from skill.simulator.transport import InProcessTransport

SCRIPT = PROJECT_ROOT / "interaction_models" / "scripts" / "red-flags.txt"
CONTENT = load_content(PROJECT_ROOT / "content")
#: Every relief instruction the skill can give: none may follow a red flag.
RELIEF_TEXTS = {step.text for muscle in (None, *CONTENT.index.plans) for step in
                CONTENT.relief_plan(muscle)} | {s.cue for s in CONTENT.relief.stretch}


@dataclass(frozen=True)
class Expected:
    line: int
    utterance: str
    starts: str
    ends: bool | None
    no_relief: bool


def expectations() -> list[Expected]:
    rows = []
    for number, raw in enumerate(SCRIPT.read_text(encoding="utf-8").splitlines(), start=1):
        said, _, comment = raw.partition("#")
        said = said.strip()
        if not said:
            continue
        match = re.match(r"\s*=>\s*(.*?)\s*((?:\[[a-z ]+\]\s*)*)$", comment)
        assert match, f"line {number}: every turn says what it expects after '# =>'"
        flags = match.group(2)
        rows.append(Expected(number, said, match.group(1),
                             True if "[ends]" in flags else False if "[open]" in flags else None,
                             "[no relief]" in flags))
    return rows


EXPECTED = expectations()


@pytest.fixture(scope="module")
def played(tmp_path_factory) -> list[tuple[Expected, str, bool]]:
    """The whole script, played once in order: (expectation, what Alexa said, session open)."""
    model = json.loads((PROJECT_ROOT / "interaction_models" / "en-US.json").read_text("utf-8"))
    settings = Settings(persistence="memory",
                        db_path=tmp_path_factory.mktemp("red") / "p.sqlite3").as_local()
    conversation = Conversation(Resolver(model), InProcessTransport(settings))
    results = []
    for expected in EXPECTED:
        turn = conversation.say(expected.utterance)
        speech = (turn.response.get("outputSpeech") or {}).get("ssml", "")
        results.append((expected, ssml.spoken_text(speech) if speech else "", turn.session_open))
    return results


def test_the_script_covers_every_red_flag_tier() -> None:
    assert len(EXPECTED) >= 40
    starts = " ".join(e.starts for e in EXPECTED)
    for answer in ("Call your local emergency number now", "that's beyond what I can help with",
                   "Please get a doctor", "Glad it's easing", "Ask a doctor about cramps in children"):
        assert answer in starts


@pytest.mark.parametrize("index", range(len(EXPECTED)),
                         ids=[f"{e.line}: {e.utterance[:50]}" for e in EXPECTED])
def test_each_turn_opens_with_the_expected_words(played, index) -> None:
    expected, said, session_open = played[index]
    assert said.startswith(expected.starts), f"{expected.utterance!r} -> {said!r}"
    if expected.ends is not None:
        assert session_open is (not expected.ends), f"{expected.utterance!r}: session"
    if expected.no_relief:
        given = [text for text in RELIEF_TEXTS if text.lower() in said.lower()]
        assert not given and "starting now" not in said, f"{expected.utterance!r} -> {said!r}"
