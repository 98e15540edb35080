"""Two server processes on one SQLite file, as README's hosting section promises.

Two real `cramp-helper serve` processes (waitress, 16 threads each) share one preferences
file on 127.0.0.1. A busy spell makes each open several connections; then one user's
voice setting is changed on server A again and again while an outside connection that
only reads (a backup, the `sqlite3` tool) opens and closes the file between the writes,
and server B must see every change in a new session. Finally no process may hold a
deleted `-wal` file open (the sign that writes went where no one else reads them).

Closing any descriptor on the file drops every POSIX lock the process holds on it
(SQLite's "How To Corrupt An SQLite Database File", 2.2): if the store opened the file
itself beside its connections, the outside connection would believe it is the last user,
checkpoint and delete the WAL, and the servers would write into the deleted file.
"""
from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from skill import envelopes

USER = "amzn1.ask.account.TWOPROCESSES" + "P" * 40
WRITES = 40
#: Requests in the busy spell (half to each server, 32 at a time).
BUSY = 400
#: Each server's threads: more than the store's pool keeps, so every busy spell opens
#: (and later closes) connections afresh, and each round is a new chance for the fault.
THREADS = 16
ROUNDS = 4
WHISPERED = 'name="whispered"'


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """One `cramp-helper serve --local` process on 127.0.0.1."""

    def __init__(self, db: Path, log: Path) -> None:
        self.port = free_port()
        env = {**os.environ, "CRAMP_HELPER_PERSISTENCE": "sqlite", "CRAMP_HELPER_DB": str(db),
               "CRAMP_HELPER_LOG_LEVEL": "WARNING"}
        self.log = log.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "skill.cli", "serve", "--local", "--port", str(self.port),
             "--threads", str(THREADS)],
            env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"server did not start: {log.read_text()[-2000:]}")
                time.sleep(0.1)

    def post(self, envelope: dict) -> dict:
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/alexa", data=json.dumps(envelope).encode(),
            headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=20) as reply:  # noqa: S310 - 127.0.0.1
            return json.loads(reply.read())

    def descriptors_on(self, db: Path) -> int:
        """How many descriptors the process has open on the database file itself."""
        return sum(1 for target in self._open_files() if target == str(db))

    def _open_files(self) -> list[str]:
        found = []
        for fd in Path(f"/proc/{self.process.pid}/fd").iterdir():
            try:
                found.append(os.readlink(fd))
            except OSError:
                continue
        return found

    def deleted_wal_open(self) -> list[str]:
        """Paths of deleted `-wal` files the process holds open (Linux /proc)."""
        return [target for target in self._open_files()
                if "-wal" in target and target.endswith("(deleted)")]

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


def busy_spell(a: Server, b: Server, db: Path) -> None:
    """Many users at once, until each process has several connections open (each SQLite
    connection has its own descriptor on the file)."""
    for _ in range(20):
        with ThreadPoolExecutor(max_workers=2 * THREADS) as pool:
            list(pool.map(lambda n: (a if n % 2 else b).post(envelopes.launch_request(
                user_id=f"{USER}{n}")), range(BUSY)))
        if min(a.descriptors_on(db), b.descriptors_on(db)) >= 2:
            return
    raise AssertionError("the busy spell was not busy")


def whispers_on_launch(server: Server) -> bool:
    """A new session on `server`: the launch is whispered when the stored voice is quiet."""
    body = server.post(envelopes.launch_request(user_id=USER))
    return WHISPERED in body["response"]["outputSpeech"]["ssml"]


def set_voice(server: Server, quiet: bool) -> None:
    intent = "QuietVoiceIntent" if quiet else "NormalVoiceIntent"
    server.post(envelopes.intent_request(intent, user_id=USER))


def outside_look(db: Path) -> None:
    """What a backup script or the `sqlite3` tool does: open the file (read-write, as
    they do), only read, close. Its close checkpoints and deletes the WAL when it can
    take the exclusive lock, i.e. when it believes no other connection is open."""
    outside = sqlite3.connect(db)
    try:
        outside.execute("SELECT count(*) FROM sqlite_master").fetchone()
    finally:
        outside.close()


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs Linux /proc to see open files")
def test_two_server_processes_see_each_others_writes_with_an_outside_reader(tmp_path: Path) -> None:
    db = tmp_path / "prefs.sqlite3"
    a = Server(db, tmp_path / "a.log")
    try:
        b = Server(db, tmp_path / "b.log")
    except BaseException:
        a.stop()
        raise
    try:
        # Rounds of a busy spell and the writes: the outside connection's chance
        # to take the file over depends on timing, so one round alone may miss it.
        seen: list[bool] = []
        held: list[str] = []
        for _ in range(ROUNDS):
            busy_spell(a, b, db)
            for n in range(WRITES):
                quiet = n % 2 == 0
                set_voice(a, quiet)
                outside_look(db)
                seen.append(whispers_on_launch(b) == quiet)
                held += a.deleted_wal_open() + b.deleted_wal_open()
            if held or not all(seen):
                break
    finally:
        a.stop()
        b.stop()
    assert all(seen), f"server B saw {seen.count(True)} of {len(seen)} writes"
    assert not held, f"deleted WAL files still open: {held}"
