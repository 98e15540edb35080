"""The benchmark run: servers up, signed load in interleaved slices, numbers collected.

First the project's bytecode is compiled into the run's temp directory (as a deployed
image would have it) and the worker start-up is profiled in fresh interpreters. Cold
starts are sampled one server at a time, in interleaved rounds. Then, side by side: the
four 1-worker servers (skill and floor, verification ON and OFF) are up at the same
time, and every load level is sent in rounds of small slices, one slice to each server
in turn (the order flips every round), so a busy moment on the machine hits all four
alike and the skill/floor ratios stay honest on a shared, noisy host. Slices are small
(`slice_requests` per client) because the machine's speed drifts over seconds, and each
configuration runs as several processes (`processes`) whose samples are pooled, so no
single process's luck decides a ratio. The same for the 2-worker pair (skill and floor,
verification ON).

One time cap bounds the whole run; whatever is not reached by then is reported as
missing rather than waited for. Every server is stopped on the way out, whatever happens.
"""
from __future__ import annotations

import math
import os
import platform
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from skill.bench.client import Connection, RunResult, run_load
from skill.bench.imports import prime_bytecode, probe
from skill.bench.mix import MIX, learn_session_attributes, signed_batch
from skill.bench.servers import (
    HOST, BenchServer, ServerFailed, ServerSpec, TrustFiles, server_environment)

#: The servers measured beside gunicorn: `cramp-helper serve` (waitress) and Flask's
#: development server (Werkzeug).
PRODUCTION_AND_DEVELOPMENT = ("waitress", "werkzeug")

#: Alexa's timestamp window is 150 s: a batch must be sent well within it.
BATCH_VALID_S = 120.0


@dataclass(frozen=True)
class Options:
    """Fixed request counts and the caps that bound the run."""

    requests: int = 2000             # per configuration, at 1 client
    concurrent_requests: int = 4000  # per configuration, at `concurrency` clients
    concurrency: int = 16
    rounds: int = 20                 # slices per load level (at least), interleaved across servers
    #: Requests per client in one slice, at most: the machine's speed drifts over seconds
    #: (a shared host). With 100-request slices, five processes of the same floor had
    #: medians from 1.65 to 2.14 ms; with 40-request slices, 1.94 to 2.00 ms.
    slice_requests: int = 20
    warmup: int = 200
    cold_starts: int = 9             # samples per configuration (median; starts vary ±10%)
    two_worker_requests: int = 4000  # skill, verify ON, 2 workers; 0 skips it
    startup_probes: int = 3          # fresh interpreters per kind for the start-up profile
    worker_class: str = "sync"
    threads: int = 1
    lambda_cold_starts: int = 15     # per store and side; 0 skips the Lambda comparison
    server_requests: int = 1500      # per server, 1 client, on waitress and Werkzeug; 0 skips
    #: Server processes per configuration in the side-by-side runs, their samples pooled:
    #: even with small slices, processes of the same server differ by a few percent in
    #: median latency, which one process per side would put straight into the ratio.
    processes: int = 3
    time_cap_s: float = 420.0


@dataclass
class ConfigResult:
    spec: ServerSpec
    cold_starts_s: list[float] = field(default_factory=list)
    runs: dict[int, RunResult] = field(default_factory=dict)
    rss_kib: list[int] = field(default_factory=list)
    #: Ports of the server processes whose answers were recorded.
    served_by: set[int] = field(default_factory=set)

    def add(self, run: RunResult) -> RunResult:
        """Merge one slice into the totals for its load level."""
        total = self.runs.setdefault(run.concurrency, RunResult(run.concurrency))
        total.latencies_s.extend(run.latencies_s)
        for turn, samples in run.by_turn.items():
            total.by_turn.setdefault(turn, []).extend(samples)
        total.wall_s += run.wall_s
        total.stopped_early |= run.stopped_early
        for kind, count in run.errors.items():
            total.errors[kind] = total.errors.get(kind, 0) + count
        return total

    def as_dict(self) -> dict[str, Any]:
        cold = sorted(self.cold_starts_s)
        return {
            "label": self.spec.label,
            "workers": self.spec.workers,
            "cold_start_ms": (cold[len(cold) // 2] * 1000) if cold else None,
            "server": self.spec.server,
            "cold_start_samples_ms": [round(c * 1000, 1) for c in self.cold_starts_s],
            "rss_mib": (sum(self.rss_kib) / len(self.rss_kib) / 1024) if self.rss_kib else None,
            "processes": len(self.served_by),
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
        self.lambda_cold: dict[str, Any] = {}
        self._starts = 0

    def specs(self) -> list[ServerSpec]:
        o = self.options
        return [ServerSpec(kind, verify, 1, o.worker_class, o.threads)
                for verify in (True, False) for kind in ("skill", "floor")]

    def run(self) -> dict[str, Any]:
        o = self.options
        started = time.monotonic()
        with tempfile.TemporaryDirectory(prefix="cramp-bench-") as tmp:
            self.tmp = Path(tmp)
            self.pycache = self.tmp / "pycache"
            self.trust = self._write_trust_files()
            specs = self.specs()
            for spec in specs:
                self.results[spec.key] = ConfigResult(spec)
            self._prime_bytecode()
            if o.startup_probes > 0:
                self._probe_startup()
            if o.lambda_cold_starts > 0:
                self._lambda_cold_starts()
            # Each process of the side-by-side runs adds its own cold start.
            self._cold_start_rounds(specs, o.cold_starts - max(1, o.processes))
            self._side_by_side(specs, [(1, o.requests), (o.concurrency, o.concurrent_requests)])
            if o.two_worker_requests > 0:
                self._side_by_side([replace(spec, workers=2) for spec in specs if spec.verify],
                                   [(o.concurrency, o.two_worker_requests)])
            if o.server_requests > 0:
                for name in PRODUCTION_AND_DEVELOPMENT:
                    self._side_by_side(
                        [ServerSpec(kind, False, server=name) for kind in ("skill", "floor")],
                        [(1, o.server_requests)])
        return self.report(time.monotonic() - started)

    # -- the parts -------------------------------------------------------------------------
    def _cold_start_rounds(self, specs: list[ServerSpec], rounds: int) -> None:
        for round_no in range(max(rounds, 0)):
            for spec in specs if round_no % 2 == 0 else specs[::-1]:
                if not self._time_left(f"cold start round {round_no + 1}, {spec.label}"):
                    return
                with self._server(spec) as server:
                    self.results[spec.key].cold_starts_s.append(self._start(server))

    def _side_by_side(self, specs: list[ServerSpec], levels: list[tuple[int, int]]) -> None:
        """`processes` servers of every spec up at once; each (concurrency, requests)
        level in interleaved slices, each configuration's slices spread over its
        processes; RSS read after the last one (each process's workers)."""
        with ExitStack() as running:
            pools: list[list[BenchServer]] = []
            for spec in specs:
                self.results[spec.key] = self.results.get(spec.key) or ConfigResult(spec)
                pool: list[BenchServer] = []
                for _ in range(max(1, self.options.processes)):
                    if not self._time_left(f"start of {spec.label}"):
                        return
                    server = running.enter_context(self._server(spec))
                    self.results[spec.key].cold_starts_s.append(self._start(server))
                    pool.append(server)
                pools.append(pool)
            if self.attributes is None:
                self.attributes = self._learn(pools[0][0])
            for pool in pools:  # not recorded; at full concurrency to warm every worker
                for server in pool:
                    self._load(server, self.options.concurrency, self.options.warmup)
            for concurrency, total in levels:
                self._interleaved(pools, concurrency, total)
            for pool in pools:
                self.results[pool[0].spec.key].rss_kib = [
                    rss for server in pool for rss in server.worker_rss_kib()]

    def _interleaved(self, pools: list[list[BenchServer]], concurrency: int, total: int) -> None:
        """`total` requests per configuration in `rounds` slices; every round sends one
        slice to each configuration (the order flips every round), to its processes in
        turn."""
        rounds, per_slice = slices(total, concurrency, self.options.rounds,
                                   self.options.slice_requests)
        for round_no in range(rounds):
            if not self._time_left(f"round {round_no + 1} at {concurrency} clients"):
                break
            for pool in pools if round_no % 2 == 0 else pools[::-1]:
                server = pool[round_no % len(pool)]
                result = self.results[server.spec.key]
                result.add(self._load(server, concurrency, per_slice))
                result.served_by.add(server.port)
        for pool in pools:
            run = self.results[pool[0].spec.key].runs.get(concurrency)
            if run is not None:
                self.progress(f"  {pool[0].spec.label}, {concurrency} clients: {describe(run)}")

    def _prime_bytecode(self) -> None:
        spec = ServerSpec("skill", True)
        prime_bytecode(server_environment(spec, self.tmp / "prime.sqlite3", self.trust, self.pycache))

    def _probe_startup(self) -> None:
        for kind in ("skill", "floor"):
            if not self._time_left(f"start-up profile of the {kind}"):
                return
            spec = ServerSpec(kind, verify=True)
            env = server_environment(spec, self.tmp / f"probe-{kind}.sqlite3", self.trust,
                                     self.pycache)
            self.startup[kind] = probe(kind, env, self.options.startup_probes)
            s = self.startup[kind]
            self.progress(f"{kind} worker start-up: import skill.app {s['import_skill_app_ms']:.0f} ms, "
                          f"create_app {s['create_app_ms']:.0f} ms, {s['modules']} modules")

    def _lambda_cold_starts(self) -> None:
        from skill.bench.lambda_cold import measure

        env = server_environment(ServerSpec("skill", True), self.tmp / "lambda.sqlite3",
                                 self.trust, self.pycache)
        self.lambda_cold = measure(env, self.options.lambda_cold_starts,
                                   deadline=self.deadline, progress=self.progress)

    # -- helpers -----------------------------------------------------------------------------
    def _server(self, spec: ServerSpec) -> BenchServer:
        self._starts += 1
        name = f"{spec.key}-{self._starts:02d}"
        return BenchServer(spec, self.tmp / f"{name}.sqlite3", self.trust,
                           self.tmp / f"{name}.log", self.pycache)

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
            speech = (answer.get("response", {}).get("outputSpeech") or {}).get("ssml", "")
            answers[MIX[len(answers)]] = speech[:120]
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

    # -- results -------------------------------------------------------------------------------
    def report(self, elapsed_s: float) -> dict[str, Any]:
        o = self.options
        return {
            "machine": machine(),
            "options": {**o.__dict__, "server": f"gunicorn {o.worker_class}"
                        + (f" ({o.threads} threads)" if o.worker_class == "gthread" else "")},
            "configs": {key: r.as_dict() for key, r in self.results.items()},
            "startup": self.startup,
            "lambda_cold_start": self.lambda_cold,
            "warm_up_answers": self.warm_up_answers,
            "missing": self.missing,
            "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
            "elapsed_s": round(elapsed_s, 1),
        }


def slices(total: int, concurrency: int, min_rounds: int, per_client: int) -> tuple[int, int]:
    """(rounds, requests per slice) for `total` requests at `concurrency` clients: at least
    `min_rounds` slices, more when a slice would give a client more than `per_client`
    requests, never an empty slice."""
    by_size = total // max(1, per_client * concurrency)
    rounds = max(1, min(total, max(min_rounds, by_size)))
    return rounds, math.ceil(total / rounds)


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
