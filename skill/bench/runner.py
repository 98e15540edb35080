"""The benchmark run: servers up one at a time, signed load, numbers collected.

Order: cold-start rounds (every configuration once per round, interleaved so a busy
moment on the machine hits all of them alike), then for each configuration one server
that is warmed up, loaded by 1 and by 16 clients, and has its worker's RSS read; then
the 2-worker run. One time cap bounds the whole run; whatever is not reached by then is
reported as missing rather than waited for.
"""
from __future__ import annotations

import os
import platform
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from skill.bench.client import Connection, RunResult, run_load
from skill.bench.mix import MIX, learn_session_attributes, signed_batch
from skill.bench.imports import probe
from skill.bench.servers import (
    HOST, BenchServer, ServerFailed, ServerSpec, TrustFiles, server_environment)

#: Alexa's timestamp window is 150 s: a batch must be sent well within it.
BATCH_VALID_S = 120.0


@dataclass(frozen=True)
class Options:
    """Fixed request counts and the caps that bound the run."""

    requests: int = 1000             # per configuration, at 1 client
    concurrent_requests: int = 2000  # per configuration, at 16 clients
    concurrency: int = 16
    warmup: int = 100
    cold_starts: int = 5             # samples per configuration (the measured server is one)
    two_worker_requests: int = 2000  # skill, verify ON, 2 workers, 16 clients; 0 skips it
    startup_probes: int = 3          # fresh interpreters per kind for the start-up profile
    worker_class: str = "sync"
    threads: int = 1
    time_cap_s: float = 240.0


@dataclass
class ConfigResult:
    spec: ServerSpec
    cold_starts_s: list[float] = field(default_factory=list)
    runs: dict[int, RunResult] = field(default_factory=dict)
    rss_kib: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        cold = sorted(self.cold_starts_s)
        return {
            "label": self.spec.label,
            "workers": self.spec.workers,
            "cold_start_ms": (cold[len(cold) // 2] * 1000) if cold else None,
            "cold_start_samples_ms": [round(c * 1000, 1) for c in self.cold_starts_s],
            "rss_mib": (sum(self.rss_kib) / len(self.rss_kib) / 1024) if self.rss_kib else None,
            "runs": {str(c): r.summary() for c, r in sorted(self.runs.items())},
        }


class Benchmark:
    """Holds the throwaway CA, the temp directory and the results of one run."""

    def __init__(self, options: Options, progress=print) -> None:  # noqa: ANN001
        from skill.throwaway_ca import ThrowawayCA  # client side only; never in a server

        self.options = options
        self.progress = progress
        self.ca = ThrowawayCA()
        self.deadline = time.monotonic() + options.time_cap_s
        self.results: dict[str, ConfigResult] = {}
        self.attributes: dict[str, dict[str, Any]] | None = None
        self.warm_up_answers: dict[str, str] = {}
        self.missing: list[str] = []
        self.startup: dict[str, dict[str, Any]] = {}
        self._starts = 0

    def specs(self) -> list[ServerSpec]:
        o = self.options
        return [ServerSpec(kind, verify, 1, o.worker_class, o.threads)
                for verify in (True, False) for kind in ("skill", "floor")]

    def run(self) -> dict[str, Any]:
        started = time.monotonic()
        with tempfile.TemporaryDirectory(prefix="cramp-bench-") as tmp:
            self.tmp = Path(tmp)
            self.trust = self._write_trust_files()
            specs = self.specs()
            for spec in specs:
                self.results[spec.key] = ConfigResult(spec)
            for round_no in range(max(self.options.cold_starts - 1, 0)):
                for spec in specs:
                    if not self._time_left(f"cold start round {round_no + 1} for {spec.label}"):
                        break
                    with self._server(spec) as server:
                        self.results[spec.key].cold_starts_s.append(self._start(server))
            for spec in specs:
                self._measure(spec, (1, self.options.concurrency))
            if self.options.startup_probes > 0:
                self._probe_startup()
            if self.options.two_worker_requests > 0:
                o = self.options
                spec = ServerSpec("skill", True, 2, o.worker_class, o.threads)
                self.results[spec.key] = ConfigResult(spec)
                self._measure(spec, (o.concurrency,), o.two_worker_requests)
        return self.report(time.monotonic() - started)

    # -- one configuration -------------------------------------------------------------
    def _measure(self, spec: ServerSpec, concurrencies: tuple[int, ...],
                 count: int | None = None) -> None:
        result = self.results[spec.key]
        if not self._time_left(f"measurement of {spec.label}"):
            return
        with self._server(spec) as server:
            result.cold_starts_s.append(self._start(server))
            if self.attributes is None:
                self.attributes = self._learn(server)
            self._load(server, 1, self.options.warmup)  # warm-up, not recorded
            for concurrency in concurrencies:
                if not self._time_left(f"{spec.label} at {concurrency} clients"):
                    break
                n = count or (self.options.requests if concurrency == 1
                              else self.options.concurrent_requests)
                run = self._load(server, concurrency, n)
                result.runs[concurrency] = run
                self.progress(f"  {spec.label}, {concurrency} clients: {describe(run)}")
            result.rss_kib = server.worker_rss_kib()

    def _probe_startup(self) -> None:
        for kind in ("skill", "floor"):
            if not self._time_left(f"start-up profile of the {kind}"):
                return
            spec = ServerSpec(kind, verify=True)
            env = server_environment(spec, self.tmp / f"probe-{kind}.sqlite3", self.trust)
            self.startup[kind] = probe(kind, env, self.options.startup_probes)
            s = self.startup[kind]
            self.progress(f"{kind} worker start-up: import skill.app {s['import_skill_app_ms']:.0f} ms, "
                          f"create_app {s['create_app_ms']:.0f} ms, {s['modules']} modules")

    def _server(self, spec: ServerSpec) -> BenchServer:
        self._starts += 1
        name = f"{spec.key}-{self._starts:02d}"
        return BenchServer(spec, self.tmp / f"{name}.sqlite3", self.trust,
                           self.tmp / f"{name}.log")

    def _start(self, server: BenchServer) -> float:
        first = signed_batch(self.ca, 1)[0]  # a LaunchRequest
        seconds = server.start(first)
        self.progress(f"{server.spec.label}: first 200 after {seconds * 1000:.0f} ms")
        return seconds

    def _learn(self, server: BenchServer) -> dict[str, dict[str, Any]]:
        conn = Connection(HOST, server.port, 10.0)
        answers: dict[str, str] = {}

        def send(body: bytes, headers: dict[str, str]) -> dict[str, Any]:
            answer = conn.post_json(body, headers)
            turn = MIX[len(answers)]
            speech = (answer.get("response", {}).get("outputSpeech") or {}).get("ssml", "")
            answers[turn] = speech[:120]
            return answer

        try:
            attributes = learn_session_attributes(send, self.ca)
        finally:
            conn.close()
        self.warm_up_answers = answers
        return attributes

    def _load(self, server: BenchServer, concurrency: int, count: int) -> RunResult:
        batch = signed_batch(self.ca, count, self.attributes)  # signed now: timestamps fresh
        deadline = min(self.deadline, time.monotonic() + BATCH_VALID_S)
        return run_load(HOST, server.port, batch, concurrency, deadline)

    def _time_left(self, what: str) -> bool:
        if time.monotonic() < self.deadline:
            return True
        self.missing.append(what)
        return False

    def _write_trust_files(self) -> TrustFiles:
        trust = TrustFiles(self.tmp / "ca.pem", self.tmp / "chain.pem")
        trust.ca_file.write_bytes(self.ca.ca_pem)
        trust.chain_file.write_bytes(self.ca.chain_pem)
        return trust

    # -- results -------------------------------------------------------------------------
    def report(self, elapsed_s: float) -> dict[str, Any]:
        o = self.options
        return {
            "machine": machine(),
            "options": {**o.__dict__, "server": f"gunicorn {o.worker_class}"
                        + (f" ({o.threads} threads)" if o.worker_class == "gthread" else "")},
            "configs": {key: r.as_dict() for key, r in self.results.items()},
            "startup": self.startup,
            "warm_up_answers": self.warm_up_answers,
            "missing": self.missing,
            "elapsed_s": round(elapsed_s, 1),
        }


def describe(run: RunResult) -> str:
    s = run.summary()
    if not s["requests"]:
        return f"no request answered with a 200 ({s['error_kinds']})"
    return (f"{s['requests']} requests, median {s['median_ms']:.2f} ms, p99 {s['p99_ms']:.2f} ms, "
            f"{s['rps']:.0f} req/s, {s['errors']} errors")


def machine() -> dict[str, Any]:
    """What the numbers were measured on: times vary between machines, ratios matter."""
    model = None
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "executable": sys.executable,
    }


def run_benchmark(options: Options, progress=print) -> dict[str, Any]:  # noqa: ANN001
    """Run the whole benchmark; raises ServerFailed if a server cannot answer."""
    return Benchmark(options, progress).run()


__all__ = ["Options", "ServerFailed", "run_benchmark"]
