"""A worker loads only what answering requests needs, and a request loads nothing of ours.

Each check runs in a fresh interpreter, set up as a production worker: default SQLite
store at an explicit path, verification ON, then `create_app()`. Measured figures
(import time, start-up) belong to `cramp-helper bench`, not to tests.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from skill import envelopes

from .conftest import wait_for_health

#: Modules a serving worker must not load, and why.
NOT_FOR_A_WORKER = {
    "cffi": "oscrypto runs on ctypes (skill.oscrypto_compat.prefer_ctypes); cffi parses C at import",
    "pycparser": "pulled in only by cffi",
    "skill.throwaway_ca": "test and benchmark signing only",
    "skill.bench": "the benchmark",
    "skill.simulator": "the text simulator",
    "skill.model": "package and check tooling",
    "platformdirs": "only needed when no CRAMP_HELPER_DB path is given",
    "boto3": "only for the DynamoDB store",
    "xml.etree.ElementTree": "only the quiet voice parses SSML: loaded with the first whisper",
    "botocore": "only for the DynamoDB store",
    "pytest": "tests only",
    "hypothesis": "tests only",
}


def run_fresh(code: str, tmp_path: Path, **extra_env: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CRAMP_HELPER_", "SKILL_ID"))}
    env.update(SKILL_ID=envelopes.DEFAULT_APPLICATION_ID,
               CRAMP_HELPER_DB=str(tmp_path / "prefs.sqlite3"), **extra_env)
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_worker_loads_nothing_a_request_does_not_need(tmp_path) -> None:
    loaded = run_fresh(
        "import json, sys\n"
        "from skill.app import create_app\n"
        "create_app()\n"
        f"print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {set(NOT_FOR_A_WORKER)!r}"
        f" or m in {set(NOT_FOR_A_WORKER)!r} or m.startswith(('skill.bench', 'skill.simulator', "
        f"'skill.model')))))\n",
        tmp_path)
    assert loaded == [], {m: NOT_FOR_A_WORKER.get(m, NOT_FOR_A_WORKER.get(m.split('.')[0], ""))
                          for m in loaded}


def test_requests_read_no_project_files_and_load_no_skill_modules(tmp_path) -> None:
    """Content, SSML templates and model tables are built at start-up, not per request."""
    root = Path(__file__).resolve().parent.parent
    code = f"""
import json, sys
from pathlib import Path
from skill.app import create_app
from skill.bench.mix import MIX, encode, turn_envelope
from skill.settings import Settings

ROOT = Path({str(root)!r})
VENV = ROOT / ".venv"
app = create_app(Settings.from_env().as_local())
client = app.test_client()
bodies = [encode(turn_envelope(turn)) for turn in MIX] * 2
before = set(sys.modules)
opened = []

def audit(event, args):
    if event == "open" and isinstance(args[0], (str, bytes, Path)):
        path = Path(args[0] if not isinstance(args[0], bytes) else args[0].decode())
        if path.is_absolute() and ROOT in path.parents and VENV not in path.parents:
            opened.append(str(path))

sys.addaudithook(audit)
statuses = [client.post("/alexa", data=b, headers={{"Content-Type": "application/json"}}).status_code
            for b in bodies]
new_skill_modules = sorted(m for m in set(sys.modules) - before if m.split(".")[0] == "skill")
dateutil_parser = sorted(m for m in sys.modules if m.startswith("dateutil.parser"))
print(json.dumps({{"statuses": statuses, "opened": opened, "new": new_skill_modules,
                  "dateutil_parser": dateutil_parser}}))
"""
    seen = run_fresh(code, tmp_path)
    assert set(seen["statuses"]) == {200}
    assert seen["opened"] == [], "a request read a project file: load it at start-up"
    assert seen["new"] == [], "a request imported a skill module: import it at start-up"
    assert seen["dateutil_parser"] == [], "Alexa's ISO timestamps need no dateutil.parser"


def test_serve_imports_neither_the_benchmark_nor_the_simulator(tmp_path) -> None:
    """`cramp-helper serve`, as a process on loopback: every module it imported is listed
    by -X importtime, read once it answers its health check."""
    import signal
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CRAMP_HELPER_", "SKILL_ID"))}
    env["CRAMP_HELPER_DB"] = str(tmp_path / "prefs.sqlite3")
    log = tmp_path / "imports.txt"
    with log.open("w") as stderr:
        server = subprocess.Popen([sys.executable, "-X", "importtime", "-m", "skill.cli", "serve",
                                   "--local", "--host", "127.0.0.1", "--port", str(port)],
                                  env=env, stdout=subprocess.DEVNULL, stderr=stderr,
                                  start_new_session=True)
        try:
            wait_for_health(port, server, log.read_text)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=10)
    imported = {line.rsplit("|", 1)[1].strip() for line in log.read_text().splitlines()
                if line.startswith("import time:") and "|" in line}
    assert "skill.app" in imported, "the import list is empty: nothing was checked"
    heavy = sorted(m for m in imported if m.startswith(("skill.bench", "skill.simulator")))
    assert heavy == []
