"""The load test script (skill/loadtest.py): a smoke run always, a shortened load opt-in.

The full run is a documented command, not a test:
    .venv/bin/python -m skill.loadtest            # 20,000 requests, 32 concurrent
    .venv/bin/python -m skill.loadtest --memory   # RSS per worker after 5,000 and 50,000
"""
from __future__ import annotations

import subprocess
import sys
from collections import Counter

import pytest

from skill import loadtest
from skill.settings import PROJECT_ROOT


def test_smoke_run_of_the_script_sends_every_request_without_errors() -> None:
    """About 200 requests through `python -m skill.loadtest`: no timing assertions."""
    result = subprocess.run(
        [sys.executable, "-m", "skill.loadtest", "--requests", "200", "--concurrency", "4",
         "--time-cap", "120"],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "requests:    200 at 4 concurrent (all sent)" in result.stdout
    assert "errors:      0" in result.stdout
    assert result.stdout.count("pid ") == 2, "expected the RSS of two gunicorn workers"


@pytest.mark.parametrize("memory, errors, capped, ok", [
    ({1: {10: 50_000, 11: 50_000}, 2: {10: 54_000, 11: 50_500}}, {}, False, True),
    ({1: {10: 50_000, 11: 50_000}, 2: {10: 56_000, 11: 50_000}}, {}, False, False),
    ({1: {10: 50_000, 11: 50_000}, 2: {10: 50_000, 12: 40_000}}, {}, False, False),
    ({1: {10: 50_000}}, {"status 500": 1}, False, False),
    ({1: {10: 50_000}}, {}, True, False),
], ids=["steady", "grew-12%", "worker-replaced", "an-error", "time-cap"])
def test_report_verdict(memory, errors, capped, ok) -> None:
    report = loadtest.LoadReport(memory_kb=memory, errors=Counter(errors), capped=capped)
    assert report.ok is ok
    assert ("verdict:     OK" in report.summary()) is ok


def test_conversation_carries_session_attributes_and_stops_when_the_session_ends() -> None:
    import random

    talk = loadtest.conversation(random.Random(0), 7)
    launch = next(talk)
    assert launch["request"]["type"] == "LaunchRequest" and launch["session"]["new"] is True
    steps = talk.send({"version": "1.0", "response": {"shouldEndSession": False},
                       "sessionAttributes": {"stage": "menu"}})
    assert steps["request"]["intent"]["name"] == "ReliefStepsIntent"
    assert steps["session"]["attributes"] == {"stage": "menu"}
    assert steps["session"]["sessionId"] == launch["session"]["sessionId"]
    with pytest.raises(StopIteration):
        talk.send({"version": "1.0", "response": {"shouldEndSession": True}})


@pytest.mark.slow
def test_shortened_load_has_no_errors_and_no_memory_growth() -> None:
    """6,000 requests at 32 concurrent; RSS per worker after 1,000 and after 6,000."""
    report = loadtest.run(concurrency=32, time_cap_s=300, checkpoints=[1_000, 6_000])
    print(report.summary())
    assert report.error_count == 0, report.summary()
    assert not report.capped and report.requests == 6_000
    assert len(report.memory_kb[6_000]) == 2 and not report.workers_replaced
    assert all(growth <= 0.10 for growth in report.memory_growth.values()), report.summary()
