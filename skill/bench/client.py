"""The load generator: N threads, one HTTP/1.1 connection each, a fixed batch.

Every request is serialized to bytes before the run. Each thread takes the next one
from a shared queue, times it from connect-or-send to the last byte of the answer (a
reconnect, when the server closed the connection, is part of the request's time, as it
is for a real client), and records the status.
The run stops early at its deadline; whatever was measured by then is reported.
"""
from __future__ import annotations

import json
import socket
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
    #: The same latencies by turn of the mix ("launch", "next"...).
    by_turn: dict[str, list[float]] = field(default_factory=dict)
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
            # A new session's launch (each night's first request), and the turns that
            # continue a session.
            "launch_median_ms": _median_ms(self.by_turn.get("launch", [])),
            "continuing_median_ms": _median_ms(
                [x for turn, lat in self.by_turn.items() if turn != "launch" for x in lat]),
        }


def _median_ms(samples: Sequence[float]) -> float | None:
    return statistics.median(samples) * 1000 if samples else None


def p99(samples: Sequence[float]) -> float:
    """99th percentile (inclusive method: never beyond the largest sample)."""
    if len(samples) < 2:
        return samples[0]
    return statistics.quantiles(samples, n=100, method="inclusive")[98]


class ServerFailed(RuntimeError):
    """A benchmark server did not come up, or did not answer as a working server does."""


class RemoteDisconnected(ConnectionError):
    """The server closed the connection before a whole answer arrived."""


class ProtocolError(Exception):
    """An answer this client does not read (chunked, or not HTTP/1.x)."""


def wire(request: SignedRequest, host: str, port: int) -> bytes:
    """The exact bytes of one HTTP/1.1 POST, built before the clock starts."""
    head = [f"POST {PATH} HTTP/1.1", f"Host: {host}:{port}"]
    head += [f"{name}: {value}" for name, value in request.headers.items()]
    head.append(f"Content-Length: {len(request.body)}")
    return ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + request.body


class Connection:
    """One client's HTTP/1.1 connection: sends prepared bytes, reads one answer each.

    Why not http.client: on a 2-core machine the client shares the CPU with the server,
    and http.client's header parsing (the email package) costs about 0.15 ms a request,
    which inflated every latency by some 17% and pulled the skill/floor ratios toward 1.
    This reads only what it needs: the status, Content-Length and Connection. The
    connection is reopened when the server closes it (a sync worker closes after every
    answer), and a request on a reused connection the server dropped is retried once.
    """

    def __init__(self, host: str, port: int, timeout_s: float) -> None:
        self._address = (host, port)
        self._timeout_s = timeout_s
        self._sock: socket.socket | None = None

    def send(self, data: bytes) -> tuple[int, bytes]:
        """Send one prepared request; the answer's status and body."""
        reused = self._sock is not None
        try:
            return self._exchange(data)
        except (RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            self.close()
            if not reused:
                raise
            return self._exchange(data)

    def post(self, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        host, port = self._address
        return self.send(wire(SignedRequest("", body, headers), host, port))

    def post_json(self, body: bytes, headers: dict[str, str]) -> dict[str, Any]:
        status, data = self.post(body, headers)
        if status != 200:
            raise ServerFailed(f"server answered {status}: {data[:200]!r}")
        return json.loads(data)

    def close(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None

    def _exchange(self, data: bytes) -> tuple[int, bytes]:
        if self._sock is None:
            self._sock = socket.create_connection(self._address, self._timeout_s)
            self._sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._sock.sendall(data)
        return self._read_answer(self._sock)

    def _read_answer(self, sock: socket.socket) -> tuple[int, bytes]:
        buffer = b""
        while (end := buffer.find(b"\r\n\r\n")) < 0:
            buffer += self._recv(sock)
        head, body = buffer[:end], buffer[end + 4:]
        status_line, *fields = head.split(b"\r\n")
        parts = status_line.split(None, 2)
        if len(parts) < 2 or not parts[0].startswith(b"HTTP/1.") or not parts[1].isdigit():
            raise ProtocolError(f"not an HTTP/1.x status line: {status_line[:60]!r}")
        status = int(parts[1])
        headers = {}
        for field_line in fields:
            name, _, value = field_line.partition(b":")
            headers[name.strip().lower()] = value.strip().lower()
        if b"transfer-encoding" in headers:
            raise ProtocolError("chunked answers are not expected from this server")
        length = int(headers.get(b"content-length", b"-1"))
        if length < 0:  # no length: the answer ends when the server closes
            while chunk := sock.recv(65536):
                body += chunk
        while len(body) < length:
            body += self._recv(sock)
        if length < 0 or headers.get(b"connection") == b"close":
            self.close()
        return status, body

    @staticmethod
    def _recv(sock: socket.socket) -> bytes:
        chunk = sock.recv(65536)
        if not chunk:
            raise RemoteDisconnected("the server closed the connection before answering")
        return chunk


def run_load(host: str, port: int, batch: Sequence[SignedRequest], concurrency: int,
             deadline: float, timeout_s: float = 10.0) -> RunResult:
    """Send the whole batch with `concurrency` clients; stop taking work at `deadline`."""
    result = RunResult(concurrency=concurrency)
    queue = iter([(item.turn, wire(item, host, port)) for item in batch])
    take_lock = threading.Lock()
    record_lock = threading.Lock()
    start = threading.Barrier(concurrency + 1)

    def next_request() -> tuple[str, bytes] | None:
        with take_lock:
            if time.monotonic() > deadline:
                result.stopped_early = True
                return None
            return next(queue, None)

    def client() -> None:
        conn = Connection(host, port, timeout_s)
        latencies: list[float] = []
        by_turn: dict[str, list[float]] = {}
        errors: dict[str, int] = {}
        start.wait()
        try:
            while (taken := next_request()) is not None:
                turn, item = taken
                began = time.perf_counter()
                try:
                    status, _ = conn.send(item)
                except (OSError, ProtocolError, ValueError) as exc:
                    errors[type(exc).__name__] = errors.get(type(exc).__name__, 0) + 1
                    conn.close()
                    continue
                elapsed = time.perf_counter() - began
                if status == 200:
                    latencies.append(elapsed)
                    by_turn.setdefault(turn, []).append(elapsed)
                else:
                    errors[f"HTTP {status}"] = errors.get(f"HTTP {status}", 0) + 1
        finally:
            conn.close()
            with record_lock:
                result.latencies_s.extend(latencies)
                for turn, samples in by_turn.items():
                    result.by_turn.setdefault(turn, []).extend(samples)
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
