"""Where preferences live: ask-sdk-core persistence adapters, one record per Alexa user.

Three stores, chosen by `Settings.persistence` (CRAMP_HELPER_PERSISTENCE):

* ``sqlite`` (default): one embedded file, WAL mode, safe with several gunicorn workers.
* ``dynamodb``: the official ask-sdk-dynamodb-persistence-adapter, for several machines.
* ``memory``: a dict, for tests and throwaway local runs.

`build_persistence_adapter` wraps every store twice: `PreferencesOnlyAdapter` keeps the
allow-list at the storage boundary (nothing but preference keys is read or written), and
`FaultTolerantAdapter` turns any store failure into defaults plus a warning, so a request
never fails because of persistence.
"""
from __future__ import annotations

import json
import logging
import os
import re
import threading
import time
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, TypeVar

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.exceptions import PersistenceException

from skill.preferences import sanitize_attributes

if TYPE_CHECKING:
    import sqlite3

    from ask_sdk_model import RequestEnvelope

    from skill.settings import Settings

log = logging.getLogger("skill.persistence")

T = TypeVar("T")
Attributes = dict[str, Any]

#: Used when neither AWS_REGION nor AWS_DEFAULT_REGION is set.
DEFAULT_AWS_REGION = "us-east-1"


def user_id_key(request_envelope: "RequestEnvelope") -> str:
    """The record key: the Alexa user id (as ask-sdk's user_id_partition_keygen does).

    Skill events such as SkillDisabled carry no session, so read it from the context.
    """
    try:
        user_id = request_envelope.context.system.user.user_id
    except AttributeError:
        user_id = None
    if not isinstance(user_id, str) or not user_id:
        raise PersistenceException("the request has no user id to key preferences by")
    return user_id


# --- Stores ---------------------------------------------------------------------------


class MemoryPersistenceAdapter(AbstractPersistenceAdapter):
    """Records in a dict, kept as JSON text so they behave like a real store's copies."""

    def __init__(self, keygen: Callable[["RequestEnvelope"], str] = user_id_key) -> None:
        self._keygen = keygen
        self._records: dict[str, str] = {}
        self._lock = threading.Lock()

    def get_attributes(self, request_envelope: "RequestEnvelope") -> Attributes:
        key = self._keygen(request_envelope)
        with self._lock:
            text = self._records.get(key)
        return json.loads(text) if text is not None else {}

    def save_attributes(self, request_envelope: "RequestEnvelope", attributes: Attributes) -> None:
        text = _to_json(attributes)
        key = self._keygen(request_envelope)
        with self._lock:
            self._records[key] = text

    def delete_attributes(self, request_envelope: "RequestEnvelope") -> None:
        key = self._keygen(request_envelope)
        with self._lock:
            self._records.pop(key, None)


_SCHEMA = """
CREATE TABLE IF NOT EXISTS preferences (
    user_id    TEXT PRIMARY KEY,
    attributes TEXT NOT NULL,
    updated_at INTEGER NOT NULL
)
"""
_SELECT = "SELECT attributes FROM preferences WHERE user_id = ?"
_UPSERT = """
INSERT INTO preferences (user_id, attributes, updated_at) VALUES (?, ?, ?)
ON CONFLICT (user_id) DO UPDATE SET attributes = excluded.attributes,
                                    updated_at = excluded.updated_at
"""
_DELETE = "DELETE FROM preferences WHERE user_id = ?"

# Connections inherited through fork() must be neither used nor closed by the child
# (closing could checkpoint or unlock on the parent's behalf): keep them referenced here.
_inherited_connections: list[sqlite3.Connection] = []


class SqlitePersistenceAdapter(AbstractPersistenceAdapter):
    """Records as JSON text in one SQLite file, shared by processes and threads.

    Each process keeps its own small pool of connections, opened on first use (so
    gunicorn can fork after the adapter is built): an operation takes one, runs, and hands
    it back. A pool, not a connection per thread: a server that runs each request on a new
    thread (Werkzeug's) would otherwise open the file, set it up and check it at every
    request. Every operation is one autocommit statement, so locks are held for
    microseconds; WAL lets readers run beside the writer; a busy writer waits up to
    `busy_timeout_s` and is retried a few times, all well inside Alexa's 8-second answer
    window.
    """

    #: Idle connections kept per process (more are opened when more threads need one).
    POOL_SIZE = 8

    def __init__(
        self,
        path: Path | str,
        *,
        busy_timeout_s: float = 0.5,
        attempts: int = 3,
        keygen: Callable[["RequestEnvelope"], str] = user_id_key,
    ) -> None:
        self.path = Path(path)
        self._busy_timeout_s = busy_timeout_s
        self._attempts = max(1, attempts)
        self._keygen = keygen
        self._pool: list[sqlite3.Connection] = []
        self._pool_pid = os.getpid()
        self._pool_lock = threading.Lock()

    # AbstractPersistenceAdapter

    def get_attributes(self, request_envelope: "RequestEnvelope") -> Attributes:
        key = self._keygen(request_envelope)
        row = self._run("read", lambda db: db.execute(_SELECT, (key,)).fetchone())
        if row is None:
            return {}
        try:
            attributes = json.loads(row[0])
        except ValueError as exc:
            raise PersistenceException("stored preferences are not valid JSON") from exc
        if not isinstance(attributes, dict):
            raise PersistenceException("stored preferences are not a JSON object")
        return attributes

    def save_attributes(self, request_envelope: "RequestEnvelope", attributes: Attributes) -> None:
        text = _to_json(attributes)
        key = self._keygen(request_envelope)
        self._run("write", lambda db: db.execute(_UPSERT, (key, text, int(time.time()))))

    def delete_attributes(self, request_envelope: "RequestEnvelope") -> None:
        """Delete the user's record, then checkpoint and truncate the WAL so the user id
        does not linger in the -wal file (a checkpoint blocked by a reader only delays
        this to SQLite's next automatic checkpoint)."""
        key = self._keygen(request_envelope)
        self._run("delete", lambda db: db.execute(_DELETE, (key,)))
        self._run("checkpoint", lambda db: db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone())

    # Connections

    def _acquire(self) -> sqlite3.Connection:
        """An idle connection of this process, or a new one."""
        with self._pool_lock:
            if self._pool_pid != os.getpid():  # forked: the parent's connections stay its own
                _inherited_connections.extend(self._pool)
                self._pool, self._pool_pid = [], os.getpid()
            if self._pool:
                return self._pool.pop()
        return self._open()

    def _release(self, db: sqlite3.Connection) -> None:
        """Hand a healthy connection back (closed when the pool is full)."""
        with self._pool_lock:
            if self._pool_pid == os.getpid() and len(self._pool) < self.POOL_SIZE:
                self._pool.append(db)
                return
        self._close(db)

    def _open(self) -> sqlite3.Connection:
        """Create the file (and its folders) if needed, switch to WAL, ensure the table.

        Only the server's user may read the store: missing folders are made 0700 and the
        file 0600 (SQLite gives its -wal and -shm files the same mode). A symlink at the
        path is refused, so the store cannot be pointed at another file."""
        import sqlite3  # here: the memory and DynamoDB stores (Lambda) never load it

        _make_private_folders(self.path.parent)
        inode = _create_private_file(self.path)
        # Used by one thread at a time (taken from the pool, then handed back), but not
        # always by the thread that opened it.
        db = sqlite3.connect(self.path, timeout=self._busy_timeout_s, isolation_level=None,
                             check_same_thread=False)
        try:
            if _inode(self.path) != inode:  # swapped between the check and the open
                raise PersistenceException("the preferences file changed while opening it")
            db.execute(f"PRAGMA busy_timeout = {int(self._busy_timeout_s * 1000)}")
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = NORMAL")
            # Deleted records are overwritten, not left in free pages of the file.
            db.execute("PRAGMA secure_delete = ON")
            db.execute(_SCHEMA)
        except BaseException:
            db.close()
            raise
        return db

    @staticmethod
    def _close(db: sqlite3.Connection) -> None:
        import sqlite3

        try:
            db.close()
        except sqlite3.Error:
            pass

    def _run(self, what: str, operation: Callable[[sqlite3.Connection], T]) -> T:
        """Run one statement, retrying briefly while another writer holds the lock."""
        import sqlite3

        for attempt in range(1, self._attempts + 1):
            db = None
            try:
                db = self._acquire()
                result = operation(db)
            except sqlite3.OperationalError as exc:
                if db is not None:
                    if _is_busy(exc):
                        self._release(db)
                    else:
                        self._close(db)
                if _is_busy(exc) and attempt < self._attempts:
                    import random

                    time.sleep(random.uniform(0.005, 0.03) * attempt)
                    continue
                raise PersistenceException(f"SQLite {what} failed: {exc}") from exc
            except (sqlite3.Error, OSError) as exc:
                # Corrupt file, full disk, unwritable folder: reopen from scratch next time.
                if db is not None:
                    self._close(db)
                raise PersistenceException(f"SQLite {what} failed: {exc}") from exc
            except BaseException:
                if db is not None:
                    self._close(db)
                raise
            self._release(db)
            return result
        raise AssertionError("unreachable")  # pragma: no cover


def refuse_symlink(path: Path) -> None:
    """Raise `PersistenceException` if `path` is a symbolic link."""
    if path.is_symlink():
        raise PersistenceException(f"refusing the preferences file {path}: it is a symbolic link")


def _make_private_folders(folder: Path) -> None:
    """Create `folder` and its missing parents as 0700 (existing folders are left alone:
    the path may be anywhere an operator chose)."""
    missing = []
    current = folder
    while not current.exists():
        missing.append(current)
        current = current.parent
    for path in reversed(missing):
        try:
            path.mkdir(mode=0o700)
        except FileExistsError:
            continue
        os.chmod(path, 0o700)  # mkdir's mode is filtered by the umask


def _create_private_file(path: Path) -> tuple[int, int]:
    """Open (creating if needed) the file without following a symlink, make it 0600, and
    return its (device, inode)."""
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags, 0o600)
    except OSError:
        if path.is_symlink():
            refuse_symlink(path)
        raise
    try:
        os.fchmod(fd, 0o600)
        stat = os.fstat(fd)
        return stat.st_dev, stat.st_ino
    finally:
        os.close(fd)


def _inode(path: Path) -> tuple[int, int]:
    stat = os.lstat(path)
    return stat.st_dev, stat.st_ino


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    message = str(exc).lower()
    return "locked" in message or "busy" in message


# --- DynamoDB ---------------------------------------------------------------------------


def build_dynamodb_adapter(settings: "Settings", *, create_table: bool = False) -> AbstractPersistenceAdapter:
    """The official DynamoDB adapter, with our own boto3 resource (endpoint, short timeouts).

    Imported here, not at module level: `ask_sdk_dynamodb.adapter` calls
    `boto3.resource("dynamodb")` while being imported, which fails without a region.
    """
    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or DEFAULT_AWS_REGION
    os.environ.setdefault("AWS_DEFAULT_REGION", region)

    import boto3
    from ask_sdk_dynamodb.adapter import DynamoDbAdapter
    from botocore.config import Config

    resource = boto3.resource(
        "dynamodb",
        region_name=region,
        endpoint_url=settings.dynamodb_endpoint,
        # Bounded: a request that reads and saves must still answer within Alexa's 8 s.
        config=Config(connect_timeout=1, read_timeout=1,
                      retries={"max_attempts": 2, "mode": "standard"}),
    )
    adapter = DynamoDbAdapter(
        table_name=settings.dynamodb_table,
        partition_key_name="id",
        attribute_name="attributes",
        create_table=create_table,
        dynamodb_resource=resource,
    )
    return DecimalConvertingAdapter(adapter)


class DecimalConvertingAdapter(AbstractPersistenceAdapter):
    """DynamoDB returns every number as Decimal and refuses floats: convert both ways."""

    def __init__(self, store: AbstractPersistenceAdapter) -> None:
        self.store = store

    def get_attributes(self, request_envelope: "RequestEnvelope") -> Attributes:
        return _from_decimals(self.store.get_attributes(request_envelope))

    def save_attributes(self, request_envelope: "RequestEnvelope", attributes: Attributes) -> None:
        self.store.save_attributes(request_envelope, _to_decimals(attributes))

    def delete_attributes(self, request_envelope: "RequestEnvelope") -> None:
        self.store.delete_attributes(request_envelope)


def _from_decimals(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {key: _from_decimals(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_from_decimals(item) for item in value]
    return value


def _to_decimals(value: Any) -> Any:
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, dict):
        return {key: _to_decimals(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_to_decimals(item) for item in value]
    return value


# --- Wrappers used for every store ----------------------------------------------------


class PreferencesOnlyAdapter(AbstractPersistenceAdapter):
    """The allow-list at the storage boundary: only preference keys go in or come out,
    even if a handler writes something else into the persistent attributes."""

    def __init__(self, store: AbstractPersistenceAdapter) -> None:
        self.store = store

    def get_attributes(self, request_envelope: "RequestEnvelope") -> Attributes:
        return sanitize_attributes(self.store.get_attributes(request_envelope))

    def save_attributes(self, request_envelope: "RequestEnvelope", attributes: Attributes) -> None:
        self.store.save_attributes(request_envelope, sanitize_attributes(attributes))

    def delete_attributes(self, request_envelope: "RequestEnvelope") -> None:
        self.store.delete_attributes(request_envelope)


class FaultTolerantAdapter(AbstractPersistenceAdapter):
    """Never lets a store failure reach the skill: reads fall back to {} (the defaults),
    writes and deletes are dropped; each failure is logged as a warning without user ids."""

    def __init__(self, store: AbstractPersistenceAdapter, name: str = "store") -> None:
        self.store = store
        self.name = name

    def get_attributes(self, request_envelope: "RequestEnvelope") -> Attributes:
        try:
            attributes = self.store.get_attributes(request_envelope)
        except Exception as exc:  # noqa: BLE001 - defaults are always a valid answer
            self._warn("read", exc)
            return {}
        return attributes if isinstance(attributes, dict) else {}

    def save_attributes(self, request_envelope: "RequestEnvelope", attributes: Attributes) -> None:
        try:
            self.store.save_attributes(request_envelope, attributes)
        except Exception as exc:  # noqa: BLE001
            self._warn("write", exc)

    def delete_attributes(self, request_envelope: "RequestEnvelope") -> None:
        try:
            self.store.delete_attributes(request_envelope)
        except Exception as exc:  # noqa: BLE001
            self._warn("delete", exc)

    def _warn(self, operation: str, exc: Exception) -> None:
        log.warning("preferences %s %s failed, carrying on with defaults: %s: %s",
                    self.name, operation, type(exc).__name__, redact(str(exc)))


_ALEXA_ID = re.compile(r"amzn1\.[A-Za-z0-9._-]+")


def redact(message: str, limit: int = 200) -> str:
    """A store's error message, shortened and without Alexa ids (user, device, skill)."""
    return _ALEXA_ID.sub("amzn1.<id>", message)[:limit]


def _to_json(attributes: Attributes) -> str:
    try:
        return json.dumps(attributes, separators=(",", ":"), sort_keys=True, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise PersistenceException(f"preferences are not JSON-serialisable: {exc}") from exc


# --- Factory --------------------------------------------------------------------------

STORES = ("sqlite", "dynamodb", "memory")


def build_persistence_adapter(settings: "Settings") -> AbstractPersistenceAdapter:
    """The adapter the skill is built with: the chosen store, allow-listed and fault
    tolerant. An unknown store name is a configuration error and stops start-up."""
    kind = (settings.persistence or "sqlite").lower()
    if kind == "sqlite":
        path = settings.resolved_db_path()
        refuse_symlink(path)  # a configuration problem: stop start-up, not just warn
        store: AbstractPersistenceAdapter = SqlitePersistenceAdapter(path)
    elif kind == "dynamodb":
        store = build_dynamodb_adapter(
            settings, create_table=bool(settings.extra.get("dynamodb_create_table", False)))
    elif kind == "memory":
        store = MemoryPersistenceAdapter()
    else:
        raise ValueError(f"CRAMP_HELPER_PERSISTENCE={settings.persistence!r} is not one of "
                         f"{', '.join(STORES)}")
    return FaultTolerantAdapter(PreferencesOnlyAdapter(store), name=kind)
