"""Persistence adapters: per-user records, the allow-list at the storage boundary, and
fault tolerance (store unavailable, locked, corrupt, disk full)."""
from __future__ import annotations

import json
import logging
import os
import sqlite3
import time
from pathlib import Path

import pytest
from ask_sdk_core.exceptions import PersistenceException
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope

from skill import envelopes
from skill.persistence import (
    FaultTolerantAdapter,
    MemoryPersistenceAdapter,
    PreferencesOnlyAdapter,
    SqlitePersistenceAdapter,
    build_persistence_adapter,
    redact,
)
from skill.preferences import PREFERENCE_KEYS
from skill.settings import Settings

ALICE = "amzn1.ask.account.ALICE" + "A" * 40
BOB = "amzn1.ask.account.BOB" + "B" * 42
PREFS = {"quiet_voice": True, "hold_seconds": 45, "heard_hints": True}


def request_for(user_id: str, builder=envelopes.launch_request) -> RequestEnvelope:
    return DefaultSerializer().deserialize(json.dumps(builder(user_id=user_id)), RequestEnvelope)


@pytest.fixture(params=["memory", "sqlite"])
def store(request, tmp_path: Path):
    if request.param == "memory":
        return MemoryPersistenceAdapter()
    return SqlitePersistenceAdapter(tmp_path / "prefs.sqlite3")


# --- Behaviour common to every store -------------------------------------------------


def test_unknown_user_has_no_record(store) -> None:
    assert store.get_attributes(request_for(ALICE)) == {}


def test_round_trip_and_two_users_never_see_each_other(store) -> None:
    store.save_attributes(request_for(ALICE), PREFS)
    assert store.get_attributes(request_for(ALICE)) == PREFS
    assert store.get_attributes(request_for(BOB)) == {}
    store.save_attributes(request_for(BOB), {"hold_seconds": 20})
    assert store.get_attributes(request_for(ALICE)) == PREFS
    assert store.get_attributes(request_for(BOB)) == {"hold_seconds": 20}


def test_save_replaces_the_record(store) -> None:
    store.save_attributes(request_for(ALICE), PREFS)
    store.save_attributes(request_for(ALICE), {"quiet_voice": False})
    assert store.get_attributes(request_for(ALICE)) == {"quiet_voice": False}


def test_delete_removes_only_that_user(store) -> None:
    store.save_attributes(request_for(ALICE), PREFS)
    store.save_attributes(request_for(BOB), PREFS)
    store.delete_attributes(request_for(ALICE, envelopes.skill_disabled_event))
    assert store.get_attributes(request_for(ALICE)) == {}
    assert store.get_attributes(request_for(BOB)) == PREFS
    store.delete_attributes(request_for(ALICE))  # deleting nothing is fine


def test_skill_event_without_session_is_keyed_by_the_same_user(store) -> None:
    store.save_attributes(request_for(ALICE, envelopes.skill_disabled_event), PREFS)
    assert store.get_attributes(request_for(ALICE)) == PREFS


def test_request_without_user_id_is_refused(store) -> None:
    envelope = envelopes.launch_request()
    del envelope["context"]["System"]["user"]
    del envelope["session"]["user"]
    request = DefaultSerializer().deserialize(json.dumps(envelope), RequestEnvelope)
    with pytest.raises(PersistenceException):
        store.get_attributes(request)
    assert FaultTolerantAdapter(store).get_attributes(request) == {}


# --- SQLite specifics -------------------------------------------------------------------


def test_sqlite_creates_file_and_folders_on_first_use_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "not" / "yet" / "there" / "prefs.sqlite3"
    store = SqlitePersistenceAdapter(path)
    assert not path.exists()
    store.save_attributes(request_for(ALICE), PREFS)
    assert path.is_file()
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        (text,) = raw.execute("SELECT attributes FROM preferences WHERE user_id = ?",
                              (ALICE,)).fetchone()
    assert json.loads(text) == PREFS


def test_sqlite_record_survives_a_new_adapter(tmp_path: Path) -> None:
    path = tmp_path / "prefs.sqlite3"
    SqlitePersistenceAdapter(path).save_attributes(request_for(ALICE), PREFS)
    assert SqlitePersistenceAdapter(path).get_attributes(request_for(ALICE)) == PREFS


def test_sqlite_stored_value_that_is_not_json_is_a_persistence_error(tmp_path: Path) -> None:
    path = tmp_path / "prefs.sqlite3"
    store = SqlitePersistenceAdapter(path)
    store.save_attributes(request_for(ALICE), PREFS)
    with sqlite3.connect(path) as raw:
        raw.execute("UPDATE preferences SET attributes = '{not json'")
    with pytest.raises(PersistenceException):
        store.get_attributes(request_for(ALICE))


# --- The factory and the allow-list ------------------------------------------------------


def test_factory_builds_sqlite_at_the_configured_path(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "prefs.sqlite3"
    adapter = build_persistence_adapter(Settings(persistence="sqlite", db_path=path))
    assert isinstance(adapter, FaultTolerantAdapter)
    assert isinstance(adapter.store, PreferencesOnlyAdapter)
    assert isinstance(adapter.store.store, SqlitePersistenceAdapter)
    adapter.save_attributes(request_for(ALICE), PREFS)
    assert path.is_file()


def test_factory_reads_the_path_from_the_environment(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "from-env.sqlite3"
    monkeypatch.setenv("CRAMP_HELPER_DB", str(path))
    monkeypatch.delenv("CRAMP_HELPER_PERSISTENCE", raising=False)
    adapter = build_persistence_adapter(Settings.from_env())
    assert adapter.store.store.path == path


def test_factory_memory_store() -> None:
    adapter = build_persistence_adapter(Settings(persistence="memory"))
    assert isinstance(adapter.store.store, MemoryPersistenceAdapter)


def test_factory_refuses_an_unknown_store() -> None:
    with pytest.raises(ValueError, match="CRAMP_HELPER_PERSISTENCE"):
        build_persistence_adapter(Settings(persistence="postgres"))


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
def test_only_preference_keys_are_ever_written_or_read(kind: str, tmp_path: Path) -> None:
    raw = (MemoryPersistenceAdapter() if kind == "memory"
           else SqlitePersistenceAdapter(tmp_path / "prefs.sqlite3"))
    adapter = FaultTolerantAdapter(PreferencesOnlyAdapter(raw))
    leaky = {**PREFS, "last_cramp": "calf", "serious_answers": {"swelling": True},
             "medicines": ["statin"], "hold_seconds": 45}
    adapter.save_attributes(request_for(ALICE), leaky)
    stored = raw.get_attributes(request_for(ALICE))
    assert stored == PREFS
    assert set(stored) <= set(PREFERENCE_KEYS)
    # An older record with stray or broken keys is cleaned on the way out as well.
    raw.save_attributes(request_for(BOB), {"symptom": "swelling", "quiet_voice": "yes",
                                           "hold_seconds": 30})
    assert adapter.get_attributes(request_for(BOB)) == {"hold_seconds": 30}


# --- Faults -----------------------------------------------------------------------------


def assert_tolerated(raw_store, caplog, budget_s: float = 3.0) -> None:
    """The raw store really fails; wrapped, every operation returns quietly and warns."""
    with pytest.raises(PersistenceException):
        raw_store.save_attributes(request_for(ALICE), PREFS)
    adapter = FaultTolerantAdapter(PreferencesOnlyAdapter(raw_store), name="sqlite")
    caplog.clear()
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="skill.persistence"):
        assert adapter.get_attributes(request_for(ALICE)) in ({}, PREFS)
        assert adapter.save_attributes(request_for(ALICE), PREFS) is None
        assert adapter.delete_attributes(request_for(ALICE)) is None
    assert time.monotonic() - started < budget_s
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) >= 2
    assert all(ALICE not in r.getMessage() and "ALICE" not in r.getMessage() for r in warnings)


def test_fault_store_unavailable(tmp_path: Path, caplog) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    store = SqlitePersistenceAdapter(blocker / "prefs.sqlite3")
    with pytest.raises(PersistenceException):
        store.get_attributes(request_for(ALICE))
    assert_tolerated(store, caplog)


def test_fault_corrupt_file(tmp_path: Path, caplog) -> None:
    path = tmp_path / "prefs.sqlite3"
    path.write_bytes(b"\x00garbage\xff" * 1000)
    store = SqlitePersistenceAdapter(path)
    with pytest.raises(PersistenceException):
        store.get_attributes(request_for(ALICE))
    assert_tolerated(store, caplog)


def test_corrupt_file_replaced_by_the_operator_works_again(tmp_path: Path) -> None:
    path = tmp_path / "prefs.sqlite3"
    path.write_bytes(b"garbage" * 1000)
    adapter = FaultTolerantAdapter(SqlitePersistenceAdapter(path))
    adapter.save_attributes(request_for(ALICE), PREFS)
    path.unlink()
    adapter.save_attributes(request_for(ALICE), PREFS)
    assert adapter.get_attributes(request_for(ALICE)) == PREFS


def test_fault_locked_before_first_use(tmp_path: Path, caplog) -> None:
    """Another process holds an exclusive lock on a (rollback-journal) database."""
    path = tmp_path / "prefs.sqlite3"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE other (x)")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        store = SqlitePersistenceAdapter(path, busy_timeout_s=0.2)
        with pytest.raises(PersistenceException, match="locked"):
            store.get_attributes(request_for(ALICE))
        assert_tolerated(store, caplog)
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_fault_write_lock_held_in_wal_mode(tmp_path: Path, caplog) -> None:
    """In WAL mode a held write lock still lets us read; writes give up in bounded time."""
    path = tmp_path / "prefs.sqlite3"
    store = SqlitePersistenceAdapter(path, busy_timeout_s=0.2)
    store.save_attributes(request_for(ALICE), PREFS)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        assert store.get_attributes(request_for(ALICE)) == PREFS
        assert_tolerated(store, caplog)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    store.save_attributes(request_for(ALICE), {"quiet_voice": False})  # lock gone: works
    assert store.get_attributes(request_for(ALICE)) == {"quiet_voice": False}


class CappedSqliteAdapter(SqlitePersistenceAdapter):
    """A database that cannot grow past its current size: SQLite's own "disk is full"."""

    def _open(self) -> sqlite3.Connection:
        db = super()._open()
        pages = db.execute("PRAGMA page_count").fetchone()[0]
        db.execute(f"PRAGMA max_page_count = {pages}")
        return db


def test_fault_disk_full(tmp_path: Path, caplog) -> None:
    store = CappedSqliteAdapter(tmp_path / "prefs.sqlite3")
    big = {"padding": "x" * 8000}  # the raw store takes anything JSON; it has no room
    with pytest.raises(PersistenceException, match="full"):
        for n in range(50):
            store.save_attributes(request_for(f"{ALICE}{n}"), big)
    adapter = FaultTolerantAdapter(store, name="sqlite")
    with caplog.at_level(logging.WARNING, logger="skill.persistence"):
        adapter.save_attributes(request_for(BOB), big)
    assert any("full" in r.getMessage() for r in caplog.records)


def test_redact_hides_alexa_ids() -> None:
    message = f"Key {{'id': '{ALICE}'}} failed"
    assert ALICE not in redact(message)
    assert "ALICE" not in redact(message)
    assert len(redact("x" * 1000)) == 200


# --- Faults noticed on the next write, and told ------------------------------------------


def _deleted_folder(path: Path) -> None:
    import shutil

    shutil.rmtree(path.parent)


def _truncated(path: Path) -> None:
    os.truncate(path, 0)


def _replaced(path: Path) -> None:
    other = path.with_name("restored.sqlite3")
    SqlitePersistenceAdapter(other).update_attributes(request_for(BOB), {"hold_seconds": 20})
    os.replace(other, path)


@pytest.mark.parametrize("fault", [_deleted_folder, _truncated, _replaced],
                         ids=["folder deleted", "file truncated", "file replaced"])
def test_a_changed_file_is_noticed_on_the_next_write(fault, tmp_path: Path, caplog) -> None:
    path = tmp_path / "data" / "prefs.sqlite3"
    store = SqlitePersistenceAdapter(path)
    store.update_attributes(request_for(ALICE), {"quiet_voice": True})
    fault(path)
    with caplog.at_level(logging.WARNING, logger="skill.persistence"):
        store.update_attributes(request_for(ALICE), {"hold_seconds": 30})
    assert any("preferences file was" in r.getMessage() for r in caplog.records)
    # What this store wrote is in the file at the path, as a new process reads it.
    assert SqlitePersistenceAdapter(path).get_attributes(request_for(ALICE))["hold_seconds"] == 30
    assert store.get_attributes(request_for(ALICE))["hold_seconds"] == 30


def test_a_change_writes_only_its_key_and_none_removes_it(store) -> None:
    store.save_attributes(request_for(ALICE), PREFS)
    store.update_attributes(request_for(ALICE), {"quiet_voice": False})
    assert store.get_attributes(request_for(ALICE)) == {**PREFS, "quiet_voice": False}
    store.update_attributes(request_for(ALICE), {"hold_seconds": None})
    assert store.get_attributes(request_for(ALICE)) == {"quiet_voice": False, "heard_hints": True}
    store.update_attributes(request_for(BOB), {"hold_seconds": 20})
    assert store.get_attributes(request_for(BOB)) == {"hold_seconds": 20}


def test_forget_after_changes_leaves_nothing_in_the_file_or_its_wal(tmp_path: Path) -> None:
    path = tmp_path / "prefs.sqlite3"
    adapter = build_persistence_adapter(Settings(persistence="sqlite", db_path=path))
    for seconds in (20, 30, 40):
        adapter.update_attributes(request_for(ALICE), {"hold_seconds": seconds})
    adapter.delete_attributes(request_for(ALICE))
    assert adapter.get_attributes(request_for(ALICE)) == {}
    for part in (path, Path(f"{path}-wal")):
        if part.exists():
            assert b"ALICE" not in part.read_bytes()


def test_a_failed_write_raises_not_saved_and_is_logged_once(tmp_path: Path, caplog) -> None:
    from skill.persistence import PreferencesNotSaved
    from skill.preferences import PreferenceChanges

    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    store = SqlitePersistenceAdapter(blocker / "prefs.sqlite3")
    adapter = FaultTolerantAdapter(PreferencesOnlyAdapter(store), name="sqlite")
    with caplog.at_level(logging.WARNING):
        with pytest.raises(PreferencesNotSaved):
            adapter.save_attributes(request_for(BOB), PreferenceChanges({"quiet_voice": True}))
    assert len([r for r in caplog.records if r.levelno >= logging.WARNING]) == 1
