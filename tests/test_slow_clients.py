"""`cramp-helper serve` (waitress) on loopback: slow and idle clients cannot starve it, and
the body limits hold on the real server (chunked bodies, deep nesting, one log line)."""
from __future__ import annotations

import json
import os
import signal
import socket
import threading
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from skill import envelopes

from .conftest import wait_for_health
from .slow_clients import attack_and_probe


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Served:
    def __init__(self, process: subprocess.Popen, port: int, log_path: Path) -> None:
        self.process, self.port, self.log_path = process, port, log_path

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Served:
    """`cramp-helper serve --local` in its own process group, stopped at the end."""
    workdir = tmp_path_factory.mktemp("serve")
    port = _free_port()
    log_path = workdir / "serve.log"
    env = {**os.environ, "CRAMP_HELPER_PERSISTENCE": "memory",
           "CRAMP_HELPER_DB": str(workdir / "p.sqlite3")}
    env.pop("CRAMP_HELPER_LOCAL", None)
    with open(log_path, "w", encoding="utf-8") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "skill.cli", "serve", "--local", "--host", "127.0.0.1",
             "--port", str(port), "--threads", "4"],
            env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_for_health(port, process, log_path.read_text)
        yield Served(process, port, log_path)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)


def test_serve_is_waitress(served) -> None:
    with urllib.request.urlopen(f"http://127.0.0.1:{served.port}/healthz", timeout=2) as reply:
        assert reply.headers["Server"] == "leg-cramp-helper"
    assert "waitress" in served.log().lower()


def test_idle_and_trickling_clients_do_not_starve_the_health_probe(served) -> None:
    result = attack_and_probe(served.port, idle=50, trickle=10, probes=20,
                              interval_s=0.25, timeout_s=2.0)
    assert result.attacker_connections == 60
    assert result.answered >= 19, str(result)


def test_a_request_still_answers_after_the_attack(served) -> None:
    body = json.dumps(envelopes.launch_request()).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{served.port}/alexa", data=body,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=5) as reply:
        assert json.loads(reply.read())["response"]["outputSpeech"]["ssml"].startswith("<speak>")


def _chunked_post(port: int, size: int) -> tuple[int, bytes]:
    """POST a chunked body of about `size` bytes and return (status, body). The answer is read
    while the body is still being sent, as a client that watches its socket does: a server that
    refuses a large body answers at once and closes, and the rest of the upload then meets a
    reset that would otherwise hide the answer."""
    received = bytearray()
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:

        def read() -> None:
            try:
                while chunk := sock.recv(65536):
                    received.extend(chunk)
            except OSError:
                pass

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        sock.sendall(b"POST /alexa HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
                     b"Connection: close\r\n\r\n")
        pieces = [b'{"pad": "', *([b"x" * 8192] * (size // 8192)), b'"}']
        try:
            for piece in pieces:
                sock.sendall(b"%x\r\n%s\r\n" % (len(piece), piece))
            sock.sendall(b"0\r\n\r\n")
        except OSError:
            pass  # the server stopped reading: its answer is already on the way
        reader.join(timeout=10)
    head, _, body = bytes(received).partition(b"\r\n\r\n")
    status_line = head.split(b"\r\n", 1)[0].split()
    assert len(status_line) >= 2, f"no HTTP answer: {bytes(received)[:200]!r}"
    return int(status_line[1]), body


@pytest.mark.parametrize("size, status", [(70 * 1024, 413), (1024 * 1024, 413), (100, 400)],
                         ids=["just-over", "far-over", "small"])
def test_chunked_bodies_over_the_cap_are_413(served, size, status) -> None:
    got, body = _chunked_post(served.port, size)
    assert got == status, body[:200]


def test_deep_nesting_is_one_400_with_one_log_line_and_no_traceback(served) -> None:
    before = served.log()
    body = ("[" * 30_000 + "]" * 30_000).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{served.port}/alexa", data=body,
                                     headers={"Content-Type": "application/json"})
    with pytest.raises(urllib.error.HTTPError) as raised:
        urllib.request.urlopen(request, timeout=5)
    assert raised.value.code == 400
    assert json.loads(raised.value.read()) == {"error": "body nested too deeply"}
    time.sleep(0.2)
    added = served.log()[len(before):]
    assert "Traceback" not in added
    lines = [line for line in added.splitlines() if line.strip()]
    assert len(lines) == 1 and '"status":400' in lines[0], added
