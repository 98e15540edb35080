"""Concurrent preference writes on one SQLite file, as several gunicorn workers (processes,
forked after the adapter was built) and threads would make them: no lost writes, and no
"database is locked" ever reaching the caller. The raw store is used, not the fault-
tolerant wrapper, so any failure would surface here."""
from __future__ import annotations

import json
import multiprocessing
import threading
import traceback
from pathlib import Path

from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope

from skill import envelopes
from skill.persistence import SqlitePersistenceAdapter

HOLD_VALUES = (10, 20, 30, 40, 50, 60, 70, 80, 90, 120)


def request_for(user_id: str) -> RequestEnvelope:
    envelope = envelopes.intent_request("AMAZON.HelpIntent", user_id=user_id)
    return DefaultSerializer().deserialize(json.dumps(envelope), RequestEnvelope)


def user(writer: str, n: int) -> str:
    return f"amzn1.ask.account.{writer}.{n:04d}"


def expected_record(n: int) -> dict:
    return {"quiet_voice": n % 2 == 0, "hold_seconds": HOLD_VALUES[-1], "heard_hints": True}


def write_users(store: SqlitePersistenceAdapter, writer: str, users: int) -> None:
    """Each user's record is written several times (read-modify-write); the last must win."""
    for n in range(users):
        request = request_for(user(writer, n))
        for hold in HOLD_VALUES:
            current = store.get_attributes(request)
            current.update({"quiet_voice": n % 2 == 0, "hold_seconds": hold, "heard_hints": True})
            store.save_attributes(request, current)


def assert_all_written(path: Path, writers: list[str], users: int) -> None:
    reader = SqlitePersistenceAdapter(path)
    for writer in writers:
        for n in range(users):
            assert reader.get_attributes(request_for(user(writer, n))) == expected_record(n), (writer, n)


def test_many_threads_many_users(tmp_path: Path) -> None:
    path = tmp_path / "prefs.sqlite3"
    store = SqlitePersistenceAdapter(path)
    writers = [f"T{i}" for i in range(16)]
    errors: list[str] = []

    def work(writer: str) -> None:
        try:
            write_users(store, writer, users=20)
        except Exception:  # noqa: BLE001 - collected and asserted below
            errors.append(traceback.format_exc())

    threads = [threading.Thread(target=work, args=(w,)) for w in writers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert not any(thread.is_alive() for thread in threads)
    assert_all_written(path, writers, users=20)


def _process_worker(store: SqlitePersistenceAdapter, writer: str, users: int, errors) -> None:
    try:
        threads = [threading.Thread(target=write_users, args=(store, f"{writer}-{t}", users))
                   for t in range(2)]
        write_users(store, writer, users)
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    except Exception:  # noqa: BLE001
        errors.put(traceback.format_exc())


def test_several_forked_processes_share_the_file(tmp_path: Path) -> None:
    """Like gunicorn without --preload... and with it: the adapter is built and used in
    the parent, then forked; each child must open its own connection."""
    path = tmp_path / "prefs.sqlite3"
    store = SqlitePersistenceAdapter(path)
    store.save_attributes(request_for(user("parent", 0)), expected_record(0))
    context = multiprocessing.get_context("fork")
    errors = context.Queue()
    writers = [f"P{i}" for i in range(4)]
    processes = [context.Process(target=_process_worker, args=(store, w, 25, errors))
                 for w in writers]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=120)
    assert [p.exitcode for p in processes] == [0] * len(processes)
    failures = []
    while not errors.empty():
        failures.append(errors.get())
    assert failures == []
    all_writers = writers + [f"{w}-{t}" for w in writers for t in range(2)]
    assert_all_written(path, all_writers, users=25)
    # The parent's own connection still works after its children wrote.
    assert store.get_attributes(request_for(user("parent", 0))) == expected_record(0)
