"""A slow-client attack and a health probe, for any HTTP server on loopback.

One attacker holds `idle` connections that never send a byte and `trickle` connections
that send a request line and then one header byte every `trickle_every_s`; meanwhile a
probe sends `probes` health checks, one every `interval_s`, each on a fresh connection
with a `timeout_s` deadline. The result counts the probes answered 200 in time.

    python -m tests.slow_clients PORT      # against a server you started yourself
"""
from __future__ import annotations

import http.client
import socket
import sys
import threading
import time
from dataclasses import dataclass, field

LOOPBACK = "127.0.0.1"


@dataclass
class ProbeResult:
    answered: int
    probes: int
    latencies_s: list[float] = field(default_factory=list)
    attacker_connections: int = 0

    def __str__(self) -> str:
        slowest = max(self.latencies_s) if self.latencies_s else float("nan")
        return (f"{self.answered}/{self.probes} probes answered "
                f"(attacker held {self.attacker_connections} connections; "
                f"slowest answer {slowest:.3f} s)")


def _probe(port: int, timeout_s: float) -> float | None:
    started = time.monotonic()
    connection = http.client.HTTPConnection(LOOPBACK, port, timeout=timeout_s)
    try:
        connection.request("GET", "/healthz")
        reply = connection.getresponse()
        reply.read()
        elapsed = time.monotonic() - started
        return elapsed if reply.status == 200 and elapsed <= timeout_s else None
    except OSError:
        return None
    finally:
        connection.close()


def attack_and_probe(port: int, *, idle: int = 50, trickle: int = 10, probes: int = 20,
                     interval_s: float = 0.25, timeout_s: float = 2.0,
                     trickle_every_s: float = 0.5) -> ProbeResult:
    """Run the attack and the probe together; every socket is closed before returning."""
    sockets: list[socket.socket] = []
    trickling: list[socket.socket] = []
    stop = threading.Event()
    try:
        for _ in range(idle):
            sockets.append(socket.create_connection((LOOPBACK, port), timeout=timeout_s))
        for _ in range(trickle):
            sock = socket.create_connection((LOOPBACK, port), timeout=timeout_s)
            sock.sendall(b"POST /alexa HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            sockets.append(sock)
            trickling.append(sock)

        def drip() -> None:
            while not stop.wait(trickle_every_s):
                for sock in trickling:
                    try:
                        sock.send(b"a")
                    except OSError:
                        pass

        dripper = threading.Thread(target=drip, daemon=True)
        dripper.start()
        time.sleep(0.5)  # let the server see (or fail to see) every connection

        latencies: list[float | None] = [None] * probes
        threads = []
        start = time.monotonic()

        def run(index: int) -> None:
            latencies[index] = _probe(port, timeout_s)

        for index in range(probes):
            delay = start + index * interval_s - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            thread = threading.Thread(target=run, args=(index,), daemon=True)
            thread.start()
            threads.append(thread)
        for thread in threads:
            thread.join(timeout_s + 1.0)
        answered = [latency for latency in latencies if latency is not None]
        return ProbeResult(len(answered), probes, answered, len(sockets))
    finally:
        stop.set()
        for sock in sockets:
            sock.close()


if __name__ == "__main__":
    print(attack_and_probe(int(sys.argv[1])))
