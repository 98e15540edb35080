"""Start-up without the cyclic collector (skill/startup.py), and its entry points."""
from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
from collections.abc import Iterator

import pytest

from skill import envelopes
from skill.startup import long_lived


@pytest.fixture(autouse=True)
def _unfreeze() -> Iterator[None]:
    """Give this test process's frozen objects back to the collector afterwards."""
    enabled = gc.isenabled()
    yield
    gc.unfreeze()
    if enabled:
        gc.enable()


@pytest.mark.parametrize("enabled_before", [True, False])
def test_the_collector_is_off_inside_and_as_it_was_after(enabled_before: bool) -> None:
    if not enabled_before:
        gc.disable()
    frozen = gc.get_freeze_count()
    with long_lived():
        assert not gc.isenabled()
        made = [[index] for index in range(1000)]  # tracked objects, alive after the block
    assert gc.isenabled() is enabled_before
    assert gc.get_freeze_count() >= frozen + len(made), "what start-up made is frozen"


def test_a_failed_start_up_still_restores_the_collector() -> None:
    with pytest.raises(RuntimeError), long_lived():
        raise RuntimeError("bad content")
    assert gc.isenabled()


def _fresh(code: str, **env: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, env={**os.environ, **env})
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip().splitlines()[-1]


def test_the_lambda_function_starts_inside_long_lived_and_answers() -> None:
    code = ("import gc, json, sys\n"
            "before = gc.get_freeze_count()\n"
            "from skill.lambda_function import handler\n"
            "answer = handler(json.loads(sys.argv[1]) if len(sys.argv) > 1 else "
            f"{envelopes.launch_request()!r}, None)\n"
            "print(json.dumps([gc.isenabled(), gc.get_freeze_count() > before + 10000,"
            " bool(answer['response']['outputSpeech'])]))")
    out = _fresh(code, AWS_LAMBDA_FUNCTION_NAME="test", SKILL_ID=envelopes.DEFAULT_APPLICATION_ID,
                 CRAMP_HELPER_PERSISTENCE="memory")
    assert json.loads(out) == [True, True, True]


def test_the_gunicorn_entry_point_starts_inside_long_lived() -> None:
    code = ("import gc, json\n"
            "from skill.app import create_app\n"
            "before = gc.get_freeze_count()\n"
            "app = create_app()\n"
            "print(json.dumps([gc.isenabled(), gc.get_freeze_count() > before]))")
    out = _fresh(code, SKILL_ID=envelopes.DEFAULT_APPLICATION_ID, CRAMP_HELPER_PERSISTENCE="memory")
    assert json.loads(out) == [True, True]


def test_an_app_built_with_explicit_settings_freezes_nothing() -> None:
    """Tests and embedders build many apps in one process: only the process entry points
    freeze (a test suite would otherwise keep every test's garbage for good)."""
    from skill.app import create_app
    from skill.settings import Settings

    before = gc.get_freeze_count()
    create_app(Settings(persistence="memory").as_local())
    assert gc.get_freeze_count() == before
