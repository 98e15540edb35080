"""`cramp-helper serve` refuses unsafe start-ups; gunicorn serves the factory with 2 workers."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from skill import envelopes
from skill.cli import main

from .conftest import wait_for_health


def test_serve_without_skill_id_refuses_to_start(monkeypatch, capsys) -> None:
    monkeypatch.delenv("SKILL_ID", raising=False)
    monkeypatch.delenv("CRAMP_HELPER_LOCAL", raising=False)
    assert main(["serve"]) == 2
    assert "SKILL_ID" in capsys.readouterr().err


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _post(url: str, payload: dict) -> tuple[int, dict]:
    req = urllib.request.Request(url, data=json.dumps(payload).encode(),
                                 headers={"Content-Type": "application/json"}, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=5) as reply:
            return reply.status, json.loads(reply.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


@pytest.mark.parametrize("local, expected", [(True, 200), (False, 400)], ids=["local", "verified"])
def test_gunicorn_two_workers(tmp_path: Path, local: bool, expected: int) -> None:
    """The documented production command, on loopback: local answers, unsigned is refused."""
    port = _free_port()
    env = {**os.environ, "CRAMP_HELPER_DB": str(tmp_path / "prefs.sqlite3"),
           "CRAMP_HELPER_LOCAL": "1" if local else "0", "SKILL_ID": envelopes.DEFAULT_APPLICATION_ID}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}", "skill.app:create_app()"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        wait_for_health(port, server, lambda: "gunicorn")
        statuses = [_post(f"http://127.0.0.1:{port}/alexa", envelopes.launch_request()) for _ in range(6)]
        assert {status for status, _ in statuses} == {expected}
        if local:
            assert all(body["response"]["outputSpeech"]["ssml"].startswith("<speak>") for _, body in statuses)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)


def test_create_app_warns_without_a_skill_id(caplog) -> None:
    import logging

    from skill.app import create_app
    from skill.settings import Settings

    logger = logging.getLogger("skill")  # it does not propagate to the root logger
    logger.addHandler(caplog.handler)
    try:
        create_app(Settings(persistence="memory"))
    finally:
        logger.removeHandler(caplog.handler)
    assert "SKILL_ID is not set" in caplog.text


def test_gunicorn_entry_refuses_to_start_without_a_skill_id(monkeypatch) -> None:
    """`gunicorn 'skill.app:create_app()'` reads the environment: verification on and no
    SKILL_ID would accept any skill's signed requests, so it refuses, like `serve`."""
    import pytest as _pytest

    from skill.app import create_app

    monkeypatch.delenv("SKILL_ID", raising=False)
    monkeypatch.delenv("CRAMP_HELPER_LOCAL", raising=False)
    monkeypatch.setenv("CRAMP_HELPER_PERSISTENCE", "memory")
    with _pytest.raises(RuntimeError, match="SKILL_ID"):
        create_app()
    monkeypatch.setenv("CRAMP_HELPER_LOCAL", "1")
    assert create_app() is not None
