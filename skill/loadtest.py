"""A bounded load test: gunicorn with 2 workers on loopback, many short conversations.

    python -m skill.loadtest                      # 20,000 requests, 32 concurrent
    python -m skill.loadtest --memory             # RSS per worker after 5,000 and 50,000
    python -m skill.loadtest --requests 200 --concurrency 4   # a smoke run

Bounded on purpose: a fixed request count, a wall-clock cap, and only ever 127.0.0.1
(the server is started here, in local mode, with a throwaway preferences database).
Each client thread keeps one http.client connection and plays whole conversations:
launch, relief steps, stretch countdown, "is it serious?", stop, carrying the session
attributes from answer to answer as Alexa does. Exit status 0 means: no errors, the cap
was not hit and (with --memory) no worker grew by more than the allowed share.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from skill import envelopes

LOOPBACK = "127.0.0.1"
SAFETY_NET_MARK = "I had a problem just now"  # skill.app.SAFETY_NET_SPEECH, the skill failed
MUSCLES = [("calf", "CALF"), ("foot", "FOOT"), ("thigh", "THIGH_FRONT"), ("hamstring", "THIGH_BACK")]
DURATIONS = ["PT20S", "PT30S", "PT1M"]


@dataclass
class LoadReport:
    """What one run measured; `ok` is the verdict the exit status carries."""

    requests: int = 0
    concurrency: int = 0
    elapsed_s: float = 0.0
    latencies_ms: list[float] = field(default_factory=list, repr=False)
    errors: Counter = field(default_factory=Counter)
    error_samples: list[str] = field(default_factory=list)
    capped: bool = False
    memory_kb: dict[int, dict[int, int]] = field(default_factory=dict)  # checkpoint -> pid -> kB
    max_growth: float = 0.10
    server_log: str = ""

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    @property
    def throughput(self) -> float:
        return self.requests / self.elapsed_s if self.elapsed_s else 0.0

    def percentile(self, share: float) -> float:
        if not self.latencies_ms:
            return 0.0
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))]

    @property
    def memory_growth(self) -> dict[int, float]:
        """Growth of each worker's RSS from the first checkpoint to the last."""
        if len(self.memory_kb) < 2:
            return {}
        first, last = self.memory_kb[min(self.memory_kb)], self.memory_kb[max(self.memory_kb)]
        return {pid: (last[pid] - first[pid]) / first[pid] for pid in first if pid in last}

    @property
    def workers_replaced(self) -> bool:
        pid_sets = [set(pids) for pids in self.memory_kb.values()]
        return any(pids != pid_sets[0] for pids in pid_sets)

    @property
    def ok(self) -> bool:
        grew = any(growth > self.max_growth for growth in self.memory_growth.values())
        return not (self.error_count or self.capped or grew or self.workers_replaced)

    def summary(self) -> str:
        lines = [
            f"requests:    {self.requests} at {self.concurrency} concurrent "
            f"({'TIME CAP HIT' if self.capped else 'all sent'})",
            f"errors:      {self.error_count}" + (f" {dict(self.errors)}" if self.errors else ""),
            *(f"  e.g. {sample}" for sample in self.error_samples),
            f"latency:     p50 {self.percentile(0.50):.1f} ms, p99 {self.percentile(0.99):.1f} ms, "
            f"max {max(self.latencies_ms, default=0.0):.1f} ms, mean "
            f"{statistics.fmean(self.latencies_ms) if self.latencies_ms else 0.0:.1f} ms",
            f"throughput:  {self.throughput:.0f} requests/s over {self.elapsed_s:.1f} s",
        ]
        for checkpoint, per_pid in sorted(self.memory_kb.items()):
            workers = ", ".join(f"pid {pid}: {kb / 1024:.1f} MB" for pid, kb in sorted(per_pid.items()))
            lines.append(f"memory:      after {checkpoint} requests: {workers}")
        if self.memory_growth:
            growth = ", ".join(f"pid {pid}: {share:+.1%}" for pid, share in sorted(self.memory_growth.items()))
            lines.append(f"growth:      {growth} (limit {self.max_growth:.0%})"
                         + (" WORKERS WERE REPLACED" if self.workers_replaced else ""))
        lines.append(f"verdict:     {'OK' if self.ok else 'FAILED'}")
        return "\n".join(lines)


# -- the server ---------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]


class GunicornServer:
    """`gunicorn -w N 'skill.app:create_app()'` on loopback in local mode, in its own
    process group, with a throwaway database; stopped (only this group) on exit."""

    def __init__(self, workers: int, workdir: Path, threads: int | None = None) -> None:
        self.port = free_port()
        self.log_path = workdir / "gunicorn.log"
        env = {**os.environ, "CRAMP_HELPER_LOCAL": "1",
               "CRAMP_HELPER_DB": str(workdir / "preferences.sqlite3")}
        command = [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"{LOOPBACK}:{self.port}"]
        if threads:
            command += ["--threads", str(threads)]
        command.append("skill.app:create_app()")
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen(command, env=env, stdout=self._log, stderr=subprocess.STDOUT,
                                        start_new_session=True)

    def wait_ready(self, workers: int, timeout_s: float = 30.0) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited at start-up:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(f"http://{LOOPBACK}:{self.port}/healthz", timeout=1):
                    if len(self.worker_pids()) >= workers:
                        return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"gunicorn did not answer within {timeout_s:.0f} s:\n{self.log_tail()}")

    def worker_pids(self) -> list[int]:
        return children_of(self.process.pid)

    def log_tail(self, lines: int = 20) -> str:
        self._log.flush()
        text = self.log_path.read_text(errors="replace").splitlines()
        return "\n".join(text[-lines:])

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)
        self._log.close()


def children_of(pid: int) -> list[int]:
    """Child pids from /proc (Linux): the gunicorn workers of a master."""
    children_file = Path(f"/proc/{pid}/task/{pid}/children")
    if children_file.exists():
        return sorted(int(child) for child in children_file.read_text().split())
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return sorted(found)


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for pid {pid}")


# -- the clients --------------------------------------------------------------------------------

def conversation(rng: random.Random, user_number: int) -> Iterator[dict[str, Any]]:
    """One session's envelopes; send() each answer back in so attributes carry over."""
    user = f"amzn1.ask.account.LOADTEST{user_number:012d}"
    session_id = f"amzn1.echo-api.session.load-{user_number}"
    said, muscle_id = rng.choice(MUSCLES)
    muscle = envelopes.slot("muscle", said, muscle_id, said, "ER_SUCCESS_MATCH")
    steps = [
        lambda **kw: envelopes.launch_request(**kw),
        lambda **kw: envelopes.intent_request("ReliefStepsIntent", {"muscle": muscle}, **kw),
        lambda **kw: envelopes.intent_request("StretchTimerIntent",
                                              {"duration": rng.choice(DURATIONS)}, **kw),
        lambda **kw: envelopes.intent_request("IsItSeriousIntent", **kw),
        lambda **kw: envelopes.intent_request("AMAZON.StopIntent", **kw),
    ]
    attributes: dict[str, Any] = {}
    for index, build in enumerate(steps):
        answer = yield build(user_id=user, session_id=session_id, new_session=index == 0,
                             session_attributes=attributes)
        if not isinstance(answer, dict) or answer.get("response", {}).get("shouldEndSession"):
            return
        attributes = answer.get("sessionAttributes") or {}


class RequestBudget:
    """Hands out at most `total` request slots, and none after the deadline."""

    def __init__(self, total: int, deadline: float) -> None:
        self._left = total
        self._deadline = deadline
        self._lock = threading.Lock()
        self.capped = False

    def take(self) -> bool:
        with self._lock:
            if time.monotonic() > self._deadline:
                self.capped = self._left > 0
                return False
            if self._left <= 0:
                return False
            self._left -= 1
            return True


class Client(threading.Thread):
    """One keep-alive connection playing conversations until the budget runs out."""

    def __init__(self, port: int, budget: RequestBudget, seed: int, users: Iterator[int]) -> None:
        super().__init__(daemon=True)
        self._port = port
        self._budget = budget
        self._rng = random.Random(seed)
        self._users = users
        self.sent = 0
        self.latencies_ms: list[float] = []
        self.errors: Counter = Counter()
        self.samples: list[str] = []

    def run(self) -> None:
        connection = http.client.HTTPConnection(LOOPBACK, self._port, timeout=10)
        try:
            while self._budget.take():
                if not self._play(connection):
                    break
        finally:
            connection.close()

    def _play(self, connection: http.client.HTTPConnection) -> bool:
        """One conversation; the first request's slot is already taken. False: budget gone."""
        talk = conversation(self._rng, next(self._users))
        envelope = next(talk)
        while True:
            answer = self._send(connection, envelope)
            try:
                envelope = talk.send(answer)
            except StopIteration:
                return True
            if not self._budget.take():
                return False

    def _send(self, connection: http.client.HTTPConnection, envelope: dict) -> dict | None:
        body = json.dumps(envelope).encode()
        self.sent += 1
        started = time.perf_counter()
        try:
            connection.request("POST", "/alexa", body=body, headers={"Content-Type": "application/json"})
            reply = connection.getresponse()
            payload = reply.read()
        except (OSError, http.client.HTTPException) as exc:
            connection.close()
            return self._error(f"transport {type(exc).__name__}", str(exc))
        self.latencies_ms.append((time.perf_counter() - started) * 1000)
        if reply.status != 200:
            return self._error(f"status {reply.status}", payload[:200].decode(errors="replace"))
        try:
            answer = json.loads(payload)
        except ValueError:
            return self._error("answer not JSON", payload[:200].decode(errors="replace"))
        if not isinstance(answer, dict) or answer.get("version") != "1.0" or "response" not in answer:
            return self._error("not a response envelope", payload[:200].decode(errors="replace"))
        if SAFETY_NET_MARK in json.dumps(answer.get("response")):
            return self._error("safety net answer (the skill failed)", envelope["request"]["type"])
        return answer

    def _error(self, kind: str, detail: str) -> None:
        """Count an error by kind, keeping a few examples; returns no answer."""
        self.errors[kind] += 1
        if len(self.samples) < 3:
            self.samples.append(f"{kind}: {detail}")
        return None


def drive(port: int, requests: int, concurrency: int, deadline: float, seed: int,
          users: Iterator[int], report: LoadReport) -> None:
    """Send `requests` requests (or until the deadline) and add the results to `report`."""
    budget = RequestBudget(requests, deadline)
    clients = [Client(port, budget, seed * 1000 + index, users) for index in range(concurrency)]
    started = time.perf_counter()
    for client in clients:
        client.start()
    for client in clients:
        client.join(timeout=max(1.0, deadline - time.monotonic() + 15))
    report.elapsed_s += time.perf_counter() - started
    report.capped = report.capped or budget.capped or any(client.is_alive() for client in clients)
    for client in clients:
        report.latencies_ms.extend(client.latencies_ms)
        report.errors.update(client.errors)
        report.error_samples.extend(client.samples[: max(0, 5 - len(report.error_samples))])
    report.requests += sum(client.sent for client in clients)


class _Counter:
    """A thread-safe source of user numbers, so every conversation is a new user."""

    def __init__(self) -> None:
        self._next = 0
        self._lock = threading.Lock()

    def __iter__(self) -> "_Counter":
        return self

    def __next__(self) -> int:
        with self._lock:
            self._next += 1
            return self._next


def run(requests: int = 20_000, concurrency: int = 32, time_cap_s: float = 600.0,
        checkpoints: list[int] | None = None, workers: int = 2, threads: int | None = None,
        max_growth: float = 0.10, seed: int = 1) -> LoadReport:
    """Start gunicorn, drive it through each checkpoint (a running total of requests,
    RSS per worker measured at each), stop it, and return the report."""
    marks = sorted(checkpoints or [requests])
    report = LoadReport(concurrency=concurrency, max_growth=max_growth)
    deadline = time.monotonic() + time_cap_s
    users = _Counter()
    with tempfile.TemporaryDirectory(prefix="cramp-load-") as workdir:
        server = GunicornServer(workers, Path(workdir), threads)
        try:
            server.wait_ready(workers)
            sent = 0
            for mark in marks:
                drive(server.port, mark - sent, concurrency, deadline, seed + mark, users, report)
                sent = mark
                report.memory_kb[mark] = {pid: rss_kb(pid) for pid in server.worker_pids()}
                if report.capped:
                    break
        finally:
            server.stop()
            report.server_log = server.log_tail(5) if report.error_count else ""
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m skill.loadtest", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=20_000, help="requests in all (default 20000)")
    parser.add_argument("--concurrency", type=int, default=32, help="client connections (default 32)")
    parser.add_argument("--time-cap", type=float, default=600.0, help="seconds before giving up (default 600)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--threads", type=int, default=None, help="gunicorn --threads (default: sync workers)")
    parser.add_argument("--memory", action="store_true",
                        help="measure RSS per worker after --warmup and after --memory-total requests")
    parser.add_argument("--warmup", type=int, default=5_000, help="first memory checkpoint (default 5000)")
    parser.add_argument("--memory-total", type=int, default=50_000, help="last memory checkpoint (default 50000)")
    parser.add_argument("--max-growth", type=float, default=0.10, help="allowed RSS growth (default 0.10)")
    args = parser.parse_args(argv)
    checkpoints = [args.warmup, args.memory_total] if args.memory else [args.requests]
    print(f"load test: gunicorn -w {args.workers} on {LOOPBACK} (local mode), "
          f"{max(checkpoints)} requests, {args.concurrency} concurrent, cap {args.time_cap:.0f} s",
          file=sys.stderr)
    report = run(requests=max(checkpoints), concurrency=args.concurrency, time_cap_s=args.time_cap,
                 checkpoints=checkpoints, workers=args.workers, threads=args.threads,
                 max_growth=args.max_growth)
    print(report.summary())
    if report.server_log:
        print("server log (last lines):\n" + report.server_log)
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
