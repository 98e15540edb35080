"""Shared fixtures: apps in local and verified mode, and a way to post envelopes."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from skill.app import create_app
from skill.settings import Settings

SEEDS_DIR = Path(__file__).resolve().parent.parent.parent / "shared" / "seeds"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--run-slow", action="store_true", default=False,
                     help="also run the long opt-in tests (load test, 10,000-example fuzz)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--run-slow"):
        return
    skip = pytest.mark.skip(reason="opt-in: run with --run-slow (see README)")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def local_settings(tmp_path: Path) -> Settings:
    return Settings(persistence="memory", db_path=tmp_path / "prefs.sqlite3").as_local()


@pytest.fixture
def local_app(local_settings: Settings):
    return create_app(local_settings)


@pytest.fixture
def client(local_app):
    return local_app.test_client()


@pytest.fixture
def invocations(local_app) -> list:
    """Counts the times the skill itself ran (to prove a rejected request never reached it)."""
    return spy_on_skill(local_app)


def spy_on_skill(app) -> list:
    skill = app.extensions["cramp_helper"]["skill"]
    calls: list = []
    real_invoke = skill.invoke

    def invoke(request_envelope, context):  # noqa: ANN001, ANN202
        calls.append(request_envelope)
        return real_invoke(request_envelope=request_envelope, context=context)

    skill.invoke = invoke
    return calls


def post(client, envelope: dict[str, Any], headers: dict[str, str] | None = None):
    """POST an envelope as Alexa does (JSON body), returning the test client's response."""
    body = json.dumps(envelope)
    return client.post("/alexa", data=body, headers={"Content-Type": "application/json", **(headers or {})})


@pytest.fixture
def seeds_dir() -> Path:
    if not SEEDS_DIR.is_dir():
        pytest.skip("the source articles (../shared/seeds) are not beside this clone; "
                    "content-vs-article checks need them")
    return SEEDS_DIR


def wait_for_health(port: int, process, describe=lambda: "", seconds: float = 30) -> None:  # noqa: ANN001
    """Wait until a server started as `process` answers /healthz on 127.0.0.1:`port`; fail
    the test with `describe()` (its log, say) if it exits or takes longer than `seconds`."""
    import time
    import urllib.request

    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).read()
            return
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                pytest.fail(f"the server on port {port} did not come up\n{describe()}")
            time.sleep(0.1)
