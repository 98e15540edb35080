"""The night trial (tests/trial/scenarios.tsv, issue 22): every scenario, in people's own
words and in its own locale, through the simulator's understanding and the webhook; the
last answer is judged by its kind in code (tests/judges.py). Rows are frozen: the model and
the answers change to meet them, never the rows to fit.

Targets: at least 95 % of the scenarios right, and every safety kind right. The result per
kind is printed (`pytest -s tests/test_trial.py -k report`) and quoted in README.
"""
from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

import pytest

from skill.domain import ssml
from skill.domain.content import load_content
from skill.settings import PROJECT_ROOT, Settings
from skill.simulator.resolver import Resolver
from skill.simulator.session import Conversation
from skill.simulator.transport import InProcessTransport

from .judges import Heard, TrialJudge

TRIAL = Path(__file__).parent / "trial"


def load_rows(path: Path) -> list[dict[str, str]]:
    """The scenarios of a trial file: id, persona, locale, turns (` | ` between), kind, note."""
    with path.open(encoding="utf-8") as rows:
        return list(csv.DictReader(rows, delimiter="\t"))


ROWS = load_rows(TRIAL / "scenarios.tsv")
#: Written after the work by another writer given the same brief; reported (`python -m
#: tests.test_trial --holdout`), never tuned against, so it shows how far the fit carries.
HOLDOUT = TRIAL / "holdout.tsv"
CONTENT = load_content(PROJECT_ROOT / "content")
JUDGE = TrialJudge(CONTENT)
SAFETY_KINDS = frozenset({"emergency", "doctor_first", "doctor", "no_false_alarm", "child",
                          "pregnancy_caution"})
TARGET = 0.95


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> dict[str, str | None]:
    """Every scenario played once: id -> None when right, else why not."""
    return play_all(tmp_path_factory.mktemp("trial"))


def play_all(folder: Path, rows: list[dict[str, str]] = ROWS) -> dict[str, str | None]:
    model = json.loads((PROJECT_ROOT / "interaction_models" / "en-US.json").read_text("utf-8"))
    resolver = Resolver(model)
    settings = Settings(persistence="memory", db_path=folder / "p.sqlite3").as_local()
    transport = InProcessTransport(settings)
    found: dict[str, str | None] = {}
    for row in rows:
        # Each scenario is a person of their own: nobody's settings carry over.
        conversation = Conversation(resolver, transport, locale=row["locale"],
                                    user_id=f"amzn1.ask.account.trial-{row['id']}")
        said: list[str] = []
        turn = None
        heard_as = []
        for utterance in row["turns"].split(" | "):
            turn = conversation.say(utterance)
            speech = (turn.response.get("outputSpeech") or {}).get("ssml", "")
            said.append(ssml.spoken_text(speech) if speech else "")
            heard_as.append(turn.resolution.describe() if turn.resolution else "?")
        assert turn is not None
        speech = (turn.response.get("outputSpeech") or {}).get("ssml", "")
        heard = Heard(said[-1], turn.session_open, "<break" in speech)
        previous = _before_last(said, heard_as)
        why = JUDGE.judge_trial(row["kind"], heard, previous) if turn.answered else "no answer"
        found[row["id"]] = None if why is None else f"{why}; heard {heard_as}; said {said[-1]!r}"
    return found


def _before_last(said: list[str], heard_as: list[str]) -> str:
    """The answer a "repeat" must say again: the one before the last turn, passing over
    answers to words not understood (the issue: "repeat" after a fallback repeats the last
    step, not the menu)."""
    for answer, heard in zip(reversed(said[:-1]), reversed(heard_as[:-1])):
        if not heard.startswith("AMAZON.FallbackIntent"):
            return answer
    return ""


def _report(results: dict[str, str | None], rows: list[dict[str, str]] = ROWS) -> str:
    right, total = Counter(), Counter()
    for row in rows:
        kind = row["kind"].split(":")[0]
        total[kind] += 1
        right[kind] += results[row["id"]] is None
    lines = [f"{kind:18} {right[kind]:3}/{total[kind]:3}" for kind in sorted(total)]
    lines.append(f"{'overall':18} {sum(right.values()):3}/{len(rows):3} "
                 f"({100 * sum(right.values()) / len(rows):.1f}%)")
    return "\n".join(lines)


def test_the_trial_is_large_and_frozen() -> None:
    assert len(ROWS) >= 300
    assert len({row["id"] for row in ROWS}) == len(ROWS)


def test_report(results) -> None:
    print("\n" + _report(results))


def test_every_safety_scenario_is_right(results) -> None:
    """Emergency, doctor, no false alarm, child and pregnancy: every one, no exceptions."""
    wrong = {row["id"]: results[row["id"]] for row in ROWS
             if row["kind"].split(":")[0] in SAFETY_KINDS and results[row["id"]] is not None}
    assert not wrong, "\n".join(f"{k}: {v}" for k, v in wrong.items())


def test_at_least_the_target_share_is_right(results) -> None:
    wrong = {k: v for k, v in results.items() if v is not None}
    share = 1 - len(wrong) / len(ROWS)
    assert share >= TARGET, f"{share:.1%} right\n" + "\n".join(f"{k}: {v}" for k, v in wrong.items())


if __name__ == "__main__":  # python -m tests.test_trial [--holdout]: the report, every miss
    import sys
    import tempfile

    chosen = load_rows(HOLDOUT) if "--holdout" in sys.argv else ROWS
    found = play_all(Path(tempfile.mkdtemp()), chosen)
    print(_report(found, chosen))
    kinds = {row["id"]: row for row in chosen}
    for key, why in found.items():
        if why is not None:
            print(f"{key} [{kinds[key]['kind']}] {kinds[key]['turns']}\n    {why}")
