"""Faults at the web host: the certificate download and the start-up files.

The certificate tests run the real `download_certificate` (urllib with its timeout)
against a misbehaving HTTP server on 127.0.0.1. Only the URL check is patched, so that
a loopback http:// URL is allowed where production insists on Amazon's S3 bucket (the URL
normalisation is replaced by the identity).
"""
from __future__ import annotations

import base64
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from skill import envelopes, verification
from skill.app import create_app
from skill.settings import PROJECT_ROOT, Settings

TIMEOUT_S = 0.5
#: What "about the timeout" may add: connect, headers and the last read each get one
#: timeout of their own in the worst case, plus scheduling slack on a busy CI machine.
ALLOWED_S = 3 * TIMEOUT_S + 1.0


class MisbehavingCertServer(BaseHTTPRequestHandler):
    """Serves a certificate download that goes wrong in the way the path names."""

    release = threading.Event()  # set at teardown so sleeping handlers finish
    hits: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        self.hits.append(self.path)
        if self.path == "/slow.pem":  # says nothing at all for far longer than the timeout
            self.release.wait(10)
            return
        if self.path == "/drip.pem":  # headers at once, then one byte per 0.1 s (~17 min)
            self._headers(200, 10_000)
            for _ in range(10_000):
                if self.release.wait(0.1):
                    return
                self.wfile.write(b"-")
                self.wfile.flush()
            return
        if self.path == "/huge.pem":
            body = b"A" * 200_000
            self._headers(200, len(body))
            self.wfile.write(body)
            return
        if self.path == "/garbage.pem":
            body = b"this is not a certificate"
            self._headers(200, len(body))
            self.wfile.write(body)
            return
        status = 500 if self.path == "/error.pem" else 404
        self._headers(status, 0)

    def _headers(self, status: int, length: int) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/x-pem-file")
        self.send_header("Content-Length", str(length))
        self.end_headers()

    def log_message(self, *args) -> None:  # keep test output quiet
        pass


@pytest.fixture
def cert_server():
    MisbehavingCertServer.release = threading.Event()
    MisbehavingCertServer.hits = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), MisbehavingCertServer)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    MisbehavingCertServer.release.set()
    server.shutdown()
    server.server_close()


@pytest.fixture
def loopback_cert_urls(monkeypatch):
    """Let the verifier fetch from loopback: patch only the URL check, nothing else."""
    monkeypatch.setattr(verification, "normalize_cert_url", lambda cert_url: cert_url)


@pytest.fixture
def verified_app(tmp_path, loopback_cert_urls):
    settings = Settings(persistence="memory", skill_id=envelopes.DEFAULT_APPLICATION_ID,
                        db_path=tmp_path / "p.sqlite3", cert_download_timeout_s=TIMEOUT_S)
    return create_app(settings)


def signed_looking_headers(cert_url: str) -> dict[str, str]:
    return {"Content-Type": "application/json", "SignatureCertChainUrl": cert_url,
            "Signature-256": base64.b64encode(b"\x00" * 256).decode()}


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize("path", ["/slow.pem", "/drip.pem", "/missing.pem", "/error.pem",
                                  "/huge.pem", "/garbage.pem", "refused"])
def test_certificate_download_fault_is_a_prompt_400(verified_app, cert_server, path) -> None:
    url = f"http://127.0.0.1:{_closed_port()}/x.pem" if path == "refused" else cert_server + path
    started = time.monotonic()
    reply = verified_app.test_client().post(
        "/alexa", data=json.dumps(envelopes.launch_request()), headers=signed_looking_headers(url))
    elapsed = time.monotonic() - started
    assert reply.status_code == 400, reply.get_json()
    assert reply.get_json()["error"].startswith("verification failed")
    assert elapsed < ALLOWED_S, f"{path}: the worker was held for {elapsed:.1f} s"
    if path != "refused":
        assert MisbehavingCertServer.hits == [path], "the real download never reached the server"
    if path in ("/slow.pem", "/drip.pem"):
        assert elapsed >= TIMEOUT_S * 0.9, "answered before the timeout: was the server asked?"


@pytest.mark.parametrize("path", ["/slow.pem", "/drip.pem"])
def test_slow_download_does_not_hold_a_single_worker(verified_app, cert_server, path) -> None:
    """One single-threaded server (like one gunicorn sync worker): while a download
    stalls, a second request waits at most about the timeout, then gets its answer."""
    server = make_server("127.0.0.1", 0, verified_app, threaded=False)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        stalled: dict[str, object] = {}

        def post_stalling() -> None:
            request = urllib.request.Request(
                base + "/alexa", data=json.dumps(envelopes.launch_request()).encode(),
                headers=signed_looking_headers(cert_server + path), method="POST")
            try:
                urllib.request.urlopen(request, timeout=30)
            except urllib.error.HTTPError as err:
                stalled["status"] = err.code

        first = threading.Thread(target=post_stalling)
        first.start()
        time.sleep(0.1)
        started = time.monotonic()
        with urllib.request.urlopen(base + "/healthz", timeout=30) as reply:
            assert json.loads(reply.read()) == {"status": "ok"}
        waited = time.monotonic() - started
        first.join(timeout=30)
        assert stalled.get("status") == 400
        assert waited < ALLOWED_S, f"the next request waited {waited:.1f} s behind the download"
    finally:
        server.shutdown()


# -- start-up files ---------------------------------------------------------------------------

@pytest.fixture
def no_files_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("nothing_here")


@pytest.fixture
def broken_files_dir(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("broken_copy")
    shutil.copytree(PROJECT_ROOT / "content", target, dirs_exist_ok=True)
    (target / "muscles.toml").write_text('[[muscle]]\nid = "CALF\nname = = broken\n', encoding="utf-8")
    return target


def _mentions_the_files(message: str, directory: Path) -> bool:
    lowered = message.lower()
    return "content" in lowered or "muscles" in lowered or str(directory) in message


@pytest.mark.parametrize("which", ["missing", "invalid"])
def test_create_app_refuses_bad_content_at_start_up(which, no_files_dir, broken_files_dir, tmp_path) -> None:
    content_dir = no_files_dir if which == "missing" else broken_files_dir
    settings = Settings(persistence="memory", content_dir=content_dir,
                        db_path=tmp_path / "p.sqlite3").as_local()
    with pytest.raises(Exception) as raised:
        create_app(settings)
    assert _mentions_the_files(str(raised.value), content_dir), str(raised.value)


def test_serve_exits_with_a_clear_message_when_content_is_missing(no_files_dir, tmp_path) -> None:
    port = _closed_port()
    env = {**os.environ, "CRAMP_HELPER_CONTENT_DIR": str(no_files_dir),
           "CRAMP_HELPER_DB": str(tmp_path / "p.sqlite3")}
    server = subprocess.Popen(
        [sys.executable, "-m", "skill.cli", "serve", "--local", "--port", str(port)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + 30
        while server.poll() is None:
            if time.monotonic() > deadline or _answers(port):
                pytest.fail("the server started serving without its content files")
            time.sleep(0.1)
        _, err = server.communicate(timeout=10)
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=10)
    assert server.returncode != 0
    assert "cannot start" in err
    assert _mentions_the_files(err, no_files_dir), err


def _answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=0.5):
            return True
    except OSError:
        return False
