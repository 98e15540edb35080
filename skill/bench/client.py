"""The load generator: N threads, one keep-alive HTTP connection each, a fixed batch.

Each thread takes the next prepared request from a shared queue, times it from send
to the last byte of the answer (a reconnect, when the server closed the connection,
is part of the request's time, as it is for a real client), and records the status.
The run stops early at its deadline; whatever was measured by then is reported.
"""
from __future__ import annotations

import http.client
import json
import statistics
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from skill.bench.mix import SignedRequest

PATH = "/alexa"


@dataclass
class RunResult:
    """Latencies (seconds) of the answered requests and what went wrong with the others."""

    concurrency: int
    latencies_s: list[float] = field(default_factory=list)
    wall_s: float = 0.0
    errors: dict[str, int] = field(default_factory=dict)
    stopped_early: bool = False

    @property
    def completed(self) -> int:
        return len(self.latencies_s)

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    def summary(self) -> dict[str, Any]:
        """Median and p99 in milliseconds, throughput in requests per second."""
        lat = self.latencies_s
        return {
            "concurrency": self.concurrency,
            "requests": self.completed,
            "errors": self.error_count,
            "error_kinds": dict(self.errors),
            "stopped_early": self.stopped_early,
            "median_ms": statistics.median(lat) * 1000 if lat else None,
            "p99_ms": p99(lat) * 1000 if lat else None,
            "rps": self.completed / self.wall_s if self.wall_s > 0 else None,
        }


def p99(samples: Sequence[float]) -> float:
    """99th percentile (inclusive method: never beyond the largest sample)."""
    if len(samples) < 2:
        return samples[0]
    return statistics.quantiles(samples, n=100, method="inclusive")[98]


class Connection:
    """One client's connection to the server, reopened when the server closes it."""

    def __init__(self, host: str, port: int, timeout_s: float) -> None:
        self._conn = http.client.HTTPConnection(host, port, timeout=timeout_s)

    def post(self, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        try:
            return self._post(body, headers)
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            # A keep-alive connection the server dropped while idle: retry once, fresh.
            self._conn.close()
            return self._post(body, headers)

    def _post(self, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        self._conn.request("POST", PATH, body=body, headers=headers)
        response = self._conn.getresponse()
        return response.status, response.read()

    def post_json(self, body: bytes, headers: dict[str, str]) -> dict[str, Any]:
        status, data = self.post(body, headers)
        if status != 200:
            raise RuntimeError(f"server answered {status}: {data[:200]!r}")
        return json.loads(data)

    def close(self) -> None:
        self._conn.close()


def run_load(host: str, port: int, batch: Sequence[SignedRequest], concurrency: int,
             deadline: float, timeout_s: float = 10.0) -> RunResult:
    """Send the whole batch with `concurrency` clients; stop taking work at `deadline`."""
    result = RunResult(concurrency=concurrency)
    queue = iter(batch)
    take_lock = threading.Lock()
    record_lock = threading.Lock()
    start = threading.Barrier(concurrency + 1)

    def next_request() -> SignedRequest | None:
        with take_lock:
            if time.monotonic() > deadline:
                result.stopped_early = True
                return None
            return next(queue, None)

    def client() -> None:
        conn = Connection(host, port, timeout_s)
        latencies: list[float] = []
        errors: dict[str, int] = {}
        start.wait()
        try:
            while (item := next_request()) is not None:
                began = time.perf_counter()
                try:
                    status, _ = conn.post(item.body, item.headers)
                except (OSError, http.client.HTTPException) as exc:
                    errors[type(exc).__name__] = errors.get(type(exc).__name__, 0) + 1
                    conn.close()
                    continue
                elapsed = time.perf_counter() - began
                if status == 200:
                    latencies.append(elapsed)
                else:
                    errors[f"HTTP {status}"] = errors.get(f"HTTP {status}", 0) + 1
        finally:
            conn.close()
            with record_lock:
                result.latencies_s.extend(latencies)
                for kind, count in errors.items():
                    result.errors[kind] = result.errors.get(kind, 0) + count

    threads = [threading.Thread(target=client, daemon=True) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    result.wall_s = time.perf_counter() - began
    return result
