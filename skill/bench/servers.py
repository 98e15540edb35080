"""Starting and stopping the benchmark's servers (gunicorn, waitress, Werkzeug).

Each server (`python -m gunicorn`, or `python -m skill.bench.server` for waitress and
Werkzeug) runs in its own process group on a loopback socket the benchmark bound and
listened on first (handed over as a file descriptor). So there is no
port race, and the very first request can be sent the moment the process starts: it
waits in the listen backlog until a worker accepts it, which makes "process start to
first 200" exact without polling. Stopping kills the whole process group, always.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from skill import envelopes
from skill.bench import server as bench_server
from skill.bench.client import Connection, ServerFailed
from skill.bench.mix import SignedRequest

HOST = "127.0.0.1"
WORKER_TMP_DIR = "/dev/shm"  # gunicorn's heartbeat file: keep it off the disk, as its docs advise

#: Environment variables that would change what is measured; the benchmark sets its own.
_OWN_ENV_PREFIXES = ("CRAMP_HELPER_", "SKILL_ID")


@dataclass(frozen=True)
class ServerSpec:
    """What to run: which skill, verification on or off, and the server: gunicorn (and
    its worker model), waitress as `cramp-helper serve` runs it, or Werkzeug (Flask's
    development server)."""

    kind: str  # "skill" or "floor"
    verify: bool
    workers: int = 1
    worker_class: str = "sync"
    threads: int = 1
    server: str = "gunicorn"  # or "waitress", "werkzeug" (one process, threads)

    @property
    def label(self) -> str:
        label = f"{self.kind}, verify {'ON' if self.verify else 'OFF'}"
        if self.server != "gunicorn":
            label = f"{label}, {self.server}"
        return label if self.workers == 1 else f"{label}, {self.workers} workers"

    @property
    def key(self) -> str:
        key = f"{self.kind}-verify-{'on' if self.verify else 'off'}"
        if self.server != "gunicorn":
            key = f"{key}-{self.server}"
        return key if self.workers == 1 else f"{key}-{self.workers}w"


@dataclass(frozen=True)
class TrustFiles:
    """The throwaway CA and chain the server trusts and "downloads" (see skill.bench.server)."""

    ca_file: Path
    chain_file: Path


def server_environment(spec: ServerSpec, db_path: Path, trust: TrustFiles,
                       pycache_dir: Path | None = None) -> dict[str, str]:
    """Production settings from a clean slate: default SQLite store at `db_path`, the
    skill id checked, verification on or off as asked.

    With `pycache_dir`, bytecode is cached there (as a deployed image has it compiled),
    even where the environment sets PYTHONDONTWRITEBYTECODE: otherwise every start would
    recompile the project's own modules, which weighs on the skill more than the floor.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith(_OWN_ENV_PREFIXES)}
    if pycache_dir is not None:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(pycache_dir)
    env.update({
        "SKILL_ID": envelopes.DEFAULT_APPLICATION_ID,
        "CRAMP_HELPER_DB": str(db_path),
        bench_server.CA_FILE_ENV: str(trust.ca_file),
        bench_server.CHAIN_FILE_ENV: str(trust.chain_file),
    })
    if not spec.verify:
        env["CRAMP_HELPER_VERIFY_SIGNATURE"] = "0"
        env["CRAMP_HELPER_VERIFY_TIMESTAMP"] = "0"
    return env


def server_command(spec: ServerSpec, fd: int) -> list[str]:
    """The command that serves `spec` on the listening socket `fd`."""
    if spec.server == "gunicorn":
        return gunicorn_command(spec, fd)
    return [sys.executable, "-m", "skill.bench.server", spec.server, spec.kind, str(fd)]


def gunicorn_command(spec: ServerSpec, fd: int) -> list[str]:
    command = [
        sys.executable, "-m", "gunicorn",
        "--bind", f"fd://{fd}",
        "--workers", str(spec.workers),
        "--worker-class", spec.worker_class,
        "--threads", str(spec.threads),
        "--log-level", "warning",
        "--graceful-timeout", "2",
    ]
    if os.path.isdir(WORKER_TMP_DIR):
        command += ["--worker-tmp-dir", WORKER_TMP_DIR]
    return command + [f"skill.bench.server:create_bench_app({spec.kind!r})"]


class BenchServer:
    """One gunicorn server: `start()` returns the cold start; `stop()` always cleans up."""

    def __init__(self, spec: ServerSpec, db_path: Path, trust: TrustFiles, log_path: Path,
                 pycache_dir: Path | None = None) -> None:
        self.spec = spec
        self.pycache_dir = pycache_dir
        self.db_path = db_path
        self.trust = trust
        self.log_path = log_path
        self.port = 0
        self._process: subprocess.Popen | None = None

    def __enter__(self) -> "BenchServer":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def start(self, first_request: SignedRequest, timeout_s: float = 60.0) -> float:
        """Start the server and send `first_request` at once; seconds until its 200."""
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            listener.bind((HOST, 0))
            listener.listen(2048)
            self.port = listener.getsockname()[1]
            fd = listener.fileno()
            env = server_environment(self.spec, self.db_path, self.trust, self.pycache_dir)
            with open(self.log_path, "ab") as log:
                began = time.perf_counter()
                self._process = subprocess.Popen(
                    server_command(self.spec, fd), env=env, pass_fds=(fd,),
                    stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True)
        finally:
            listener.close()  # gunicorn holds its own copy; ours must not keep the port alive
        answered_at = self._first_answer(first_request, timeout_s)
        return answered_at - began

    def _first_answer(self, request: SignedRequest, timeout_s: float) -> float:
        outcome: dict[str, object] = {}

        def attempt() -> None:
            conn = Connection(HOST, self.port, timeout_s)
            try:
                outcome["status"], outcome["body"] = conn.post(request.body, request.headers)
            except Exception as exc:  # noqa: BLE001 - reported below with the server log
                outcome["error"] = exc
            finally:
                outcome["at"] = time.perf_counter()
                conn.close()

        thread = threading.Thread(target=attempt, daemon=True)
        thread.start()
        while thread.is_alive():
            thread.join(0.01)
            if self._process is not None and self._process.poll() is not None and thread.is_alive():
                thread.join(1.0)
                break
        if outcome.get("status") != 200:
            detail = outcome.get("error") or f"HTTP {outcome.get('status')}: {outcome.get('body')!r:.200}"
            raise ServerFailed(f"{self.spec.label}: first request failed ({detail}).\n"
                               f"Server log ({self.log_path}):\n{self.log_tail()}")
        return float(outcome["at"])  # type: ignore[arg-type]

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def worker_pids(self) -> list[int]:
        """The gunicorn master's children: its workers (waitress and Werkzeug serve in
        the process itself)."""
        if self._process is None:
            return []
        if self.spec.server != "gunicorn":
            return [self._process.pid]
        return children_of(self._process.pid)

    def worker_rss_kib(self) -> list[int]:
        return [rss for pid in self.worker_pids() if (rss := vm_rss_kib(pid)) is not None]

    def stop(self) -> None:
        """Quick shutdown of the whole process group; SIGKILL if it lingers."""
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        for sig, wait_s in ((signal.SIGINT, 5.0), (signal.SIGKILL, 5.0)):
            try:
                os.killpg(process.pid, sig)
            except ProcessLookupError:
                return
            try:
                process.wait(timeout=wait_s)
                break
            except subprocess.TimeoutExpired:
                continue
        # Workers are in the same group; make sure none outlives its master.
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def children_of(pid: int) -> list[int]:
    """Child pids of `pid`, from /proc (Linux)."""
    children_file = Path(f"/proc/{pid}/task/{pid}/children")
    try:
        return [int(p) for p in children_file.read_text().split()]
    except OSError:
        pass
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # Field 4 (ppid) comes after the command name, which is in parentheses.
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return sorted(found)


def vm_rss_kib(pid: int) -> int | None:
    """Resident set size of a process in KiB (VmRSS in /proc/<pid>/status)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None
