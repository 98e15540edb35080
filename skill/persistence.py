"""Where preferences live: ask-sdk-core persistence adapters, one record per Alexa user.

Three stores, chosen by `Settings.persistence` (CRAMP_HELPER_PERSISTENCE):

* ``sqlite`` (default): one embedded file, WAL mode, safe with several server processes.
* ``dynamodb``: the official ask-sdk-dynamodb-persistence-adapter, for several machines.
* ``memory``: a dict, for tests and throwaway local runs.

Besides ask-sdk's whole-record `save_attributes`, every store has `update_attributes`,
which writes only the preferences that changed (None removes one): two devices of one
user, each with its own session copy, then never overwrite each other's change
(alexa-skills-kit-sdk-for-nodejs#126). The skill writes through it alone.

`build_persistence_adapter` wraps every store twice: `PreferencesOnlyAdapter` keeps the
allow-list at the storage boundary (nothing but preference keys is read or written), and
`FaultTolerantAdapter` turns a failed read into defaults and a failed change into
`PreferencesNotSaved` (logged once, here), so a request never fails because of
persistence and never claims a save that did not happen.
"""
from __future__ import annotations

import json
import logging
import os
import re
import stat
import threading
import time
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Mapping, TypeVar

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.exceptions import PersistenceException

from skill.preferences import PREFERENCE_KEYS, PreferenceChanges, sanitize_attributes

if TYPE_CHECKING:
    import sqlite3

    from ask_sdk_model import RequestEnvelope

    from skill.settings import Settings

log = logging.getLogger("skill.persistence")

T = TypeVar("T")
Attributes = dict[str, Any]

#: Used when neither AWS_REGION nor AWS_DEFAULT_REGION is set.
DEFAULT_AWS_REGION = "us-east-1"


class PreferencesNotSaved(PersistenceException):
    """A change could not be written (already logged by `FaultTolerantAdapter`): the skill
    says so and uses the change for this session only."""


def merged(record: Mapping[str, Any], changes: Mapping[str, Any]) -> Attributes:
    """`record` with `changes` applied: a None value removes its key."""
    result = dict(record)
    for key, value in changes.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = value
    return result


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
        if isinstance(attributes, PreferenceChanges):  # some keys only, even unwrapped
            self.update_attributes(request_envelope, attributes)
            return
        text = _to_json(attributes)
        key = self._keygen(request_envelope)
        with self._lock:
            self._records[key] = text

    def update_attributes(self, request_envelope: "RequestEnvelope",
                          changes: Mapping[str, Any]) -> None:
        """Apply `changes` to the stored record (None removes a key), under the lock."""
        key = self._keygen(request_envelope)
        with self._lock:
            text = self._records.get(key)
            record = json.loads(text) if text is not None else {}
            self._records[key] = _to_json(merged(record, changes))

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
# One statement, so atomic: the changed keys are merged into the stored JSON object by
# SQLite's json_patch (RFC 7396: a null removes its key), whatever else wrote meanwhile.
_PATCH = """
INSERT INTO preferences (user_id, attributes, updated_at)
VALUES (:user, json_patch('{}', :patch), :now)
ON CONFLICT (user_id) DO UPDATE SET attributes = json_patch(preferences.attributes, :patch),
                                    updated_at = :now
"""
_DELETE = "DELETE FROM preferences WHERE user_id = ?"
#: A healthy WAL-mode database file holds at least its header page: shorter means truncated.
_MIN_DATABASE_BYTES = 512

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

    Several processes: SQLite's locks are POSIX locks, which a process loses on a file
    as soon as it closes *any* descriptor on it ("How To Corrupt An SQLite Database File",
    2.2). Then another program's connection (a backup, the sqlite3 tool) believes it is
    the last one, checkpoints and deletes the WAL, and the servers go on writing into the
    deleted file. So the store opens the file itself only to create and secure it, before
    the first connection on it, once; later connections are SQLite's alone.

    Faults: before every operation the path is looked at (one lstat, no descriptor). A
    file that was deleted (or its folder), replaced by another file, or truncated is
    noticed there: the idle connections are closed, ones in use are closed when handed
    back, and the next connection recreates or reopens the file.
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
        self._pool: list[tuple[int, sqlite3.Connection]] = []
        self._pool_pid = os.getpid()
        self._pool_lock = threading.Lock()
        #: (device, inode) of the file this process's connections use; None until the
        #: file is secured (and again after it went away).
        self._file: tuple[int, int] | None = None
        #: Bumped when the file changed under us: older connections are not reused.
        self._generation = 0

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
        if isinstance(attributes, PreferenceChanges):  # some keys only, even unwrapped
            self.update_attributes(request_envelope, attributes)
            return
        text = _to_json(attributes)
        key = self._keygen(request_envelope)
        self._run("write", lambda db: db.execute(_UPSERT, (key, text, int(time.time()))))

    def update_attributes(self, request_envelope: "RequestEnvelope",
                          changes: Mapping[str, Any]) -> None:
        """Merge `changes` into the stored record in one statement (None removes a key)."""
        patch = _to_json(dict(changes))
        key = self._keygen(request_envelope)
        self._run("write", lambda db: db.execute(
            _PATCH, {"user": key, "patch": patch, "now": int(time.time())}))

    def delete_attributes(self, request_envelope: "RequestEnvelope") -> None:
        """Delete the user's record, then checkpoint and truncate the WAL so the user id
        does not linger in the -wal file (a checkpoint blocked by a reader only delays
        this to SQLite's next automatic checkpoint)."""
        key = self._keygen(request_envelope)
        self._run("delete", lambda db: db.execute(_DELETE, (key,)))
        self._run("checkpoint", lambda db: db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone())

    # Connections

    def _acquire(self) -> tuple[int, sqlite3.Connection]:
        """An idle connection of this process (with its generation), or a new one."""
        with self._pool_lock:
            if self._pool_pid != os.getpid():  # forked: the parent's connections stay its own
                _inherited_connections.extend(db for _, db in self._pool)
                self._pool, self._pool_pid = [], os.getpid()
            self._notice_file_changes()
            generation = self._generation
            if self._pool:
                return self._pool.pop()
        return generation, self._open()

    def _notice_file_changes(self) -> None:
        """Called with the pool lock held: if the file our connections use is gone,
        another file, or truncated, drop them so the next connection starts afresh."""
        if self._file is None:
            return
        try:
            found = os.lstat(self.path)
        except OSError:
            what = "deleted (or its folder)"
        else:
            if stat.S_ISLNK(found.st_mode) or (found.st_dev, found.st_ino) != self._file:
                what = "replaced by another file"
            elif found.st_size < _MIN_DATABASE_BYTES:
                what = "truncated"
            else:
                return
        log.warning("the preferences file was %s while in use; opening it afresh", what)
        idle, self._pool = self._pool, []
        for _, db in idle:
            self._close(db)
        self._generation += 1
        if what != "truncated":  # the same file: already secured, and not to be opened here
            self._file = None

    def _release(self, generation: int, db: sqlite3.Connection) -> None:
        """Hand a healthy connection back (closed when the pool is full or the file it
        was opened on has since changed)."""
        with self._pool_lock:
            if (self._pool_pid == os.getpid() and generation == self._generation
                    and len(self._pool) < self.POOL_SIZE):
                self._pool.append((generation, db))
                return
        self._close(db)

    def _secure_file(self) -> tuple[int, int]:
        """Create the folders and the file if needed, privately, once per file identity:
        the only descriptor the store itself ever opens on it (see the class doc)."""
        with self._pool_lock:
            if self._file is None:
                _make_private_folders(self.path.parent)
                self._file = _create_private_file(self.path)
            return self._file

    def _open(self) -> sqlite3.Connection:
        """A new connection: switch to WAL, ensure the table.

        Only the server's user may read the store: missing folders are made 0700 and the
        file 0600 (SQLite gives its -wal and -shm files the same mode). A symlink at the
        path is refused, so the store cannot be pointed at another file."""
        import sqlite3  # here: the memory and DynamoDB stores (Lambda) never load it

        inode = self._secure_file()
        # Used by one thread at a time (taken from the pool, then handed back), but not
        # always by the thread that opened it.
        db = sqlite3.connect(self.path, timeout=self._busy_timeout_s, isolation_level=None,
                             check_same_thread=False)
        try:
            if self.path.is_symlink():
                refuse_symlink(self.path)
            if _inode(self.path) != inode:  # swapped between the check and the open
                with self._pool_lock:
                    self._file = None
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
            generation = -1
            try:
                generation, db = self._acquire()
                result = operation(db)
            except sqlite3.OperationalError as exc:
                if db is not None:
                    if _is_busy(exc):
                        self._release(generation, db)
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
            self._release(generation, db)
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


#: botocore's timeouts for DynamoDB (seconds) and its attempts per call (the first one
#: included). A call that hangs costs at most about 2 x (1 + 1) s plus one short back-off,
#: and after it `FaultTolerantAdapter` skips the store for `DYNAMODB_PAUSE_S`: a first
#: launch against a store that never answers takes under 5 s of the template's 7 s Lambda
#: timeout (tests/test_persistence_dynamodb.py measures it).
DYNAMODB_CONNECT_TIMEOUT_S = 1.0
DYNAMODB_READ_TIMEOUT_S = 1.0
DYNAMODB_ATTEMPTS = 2
DYNAMODB_PAUSE_S = 30.0


def build_dynamodb_adapter(settings: "Settings", *, create_table: bool = False) -> AbstractPersistenceAdapter:
    """The official DynamoDB adapter, with our own boto3 resource (endpoint, short timeouts)
    and per-preference writes (`UpdateItem`).

    Imported here, not at module level: `ask_sdk_dynamodb.adapter` calls
    `boto3.resource("dynamodb")` while being imported, which fails without a region.
    """
    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or DEFAULT_AWS_REGION
    os.environ.setdefault("AWS_DEFAULT_REGION", region)

    import boto3
    from botocore.config import Config

    resource = boto3.resource(
        "dynamodb",
        region_name=region,
        endpoint_url=settings.dynamodb_endpoint,
        # Bounded: a request that reads and saves must still answer within Alexa's 8 s.
        config=Config(connect_timeout=DYNAMODB_CONNECT_TIMEOUT_S,
                      read_timeout=DYNAMODB_READ_TIMEOUT_S,
                      retries={"total_max_attempts": DYNAMODB_ATTEMPTS, "mode": "standard"}),
    )
    adapter = _dynamodb_adapter_class()(
        table_name=settings.dynamodb_table,
        partition_key_name="id",
        attribute_name="attributes",
        create_table=create_table,
        dynamodb_resource=resource,
    )
    return DecimalConvertingAdapter(adapter)


def _dynamodb_adapter_class() -> type:
    """ask-sdk's DynamoDbAdapter, writing with `UpdateItem` only (the template grants
    GetItem, UpdateItem and DeleteItem): a change sets or removes just its keys inside the
    record's map, and a whole record is set in one attribute."""
    from ask_sdk_dynamodb.adapter import DynamoDbAdapter
    from botocore.exceptions import ClientError

    class UpdatingDynamoDbAdapter(DynamoDbAdapter):
        def save_attributes(self, request_envelope: "RequestEnvelope", attributes: Attributes) -> None:
            self._update(request_envelope, "SET #a = :record", {"#a": self.attribute_name},
                         {":record": dict(attributes)})

        def update_attributes(self, request_envelope: "RequestEnvelope",
                              changes: Mapping[str, Any]) -> None:
            names = {"#a": self.attribute_name}
            values: dict[str, Any] = {}
            sets, removes = [], []
            for number, (key, value) in enumerate(sorted(changes.items())):
                names[f"#k{number}"] = key
                if value is None:
                    removes.append(f"#a.#k{number}")
                else:
                    values[f":v{number}"] = value
                    sets.append(f"#a.#k{number} = :v{number}")
            expression = " ".join(part for part in (
                "SET " + ", ".join(sets) if sets else "",
                "REMOVE " + ", ".join(removes) if removes else "") if part)
            record = {key: value for key, value in changes.items() if value is not None}
            for _ in range(2):  # the record may be created by another device in between
                # The record's map exists: change only these keys inside it.
                if self._update(request_envelope, expression, names, values,
                                condition="attribute_exists(#a)"):
                    return
                if not record:  # nothing stored, nothing to remove
                    return
                # No record yet: create it with these keys, unless one appeared meanwhile.
                if self._update(request_envelope, "SET #a = :record", {"#a": self.attribute_name},
                                {":record": record}, condition="attribute_not_exists(#a)"):
                    return
            raise PersistenceException("DynamoDB record kept changing while being updated")

        def _update(self, request_envelope: "RequestEnvelope", expression: str,
                    names: dict[str, str], values: dict[str, Any],
                    condition: str | None = None) -> bool:
            """One UpdateItem; False when its condition did not hold."""
            arguments: dict[str, Any] = {
                "Key": {self.partition_key_name: self.partition_keygen(request_envelope)},
                "UpdateExpression": expression, "ExpressionAttributeNames": names}
            if values:
                arguments["ExpressionAttributeValues"] = values
            if condition:
                arguments["ConditionExpression"] = condition
            try:
                self.dynamodb.Table(self.table_name).update_item(**arguments)
            except ClientError as exc:
                if exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                    return False
                raise PersistenceException(f"DynamoDB update failed: {type(exc).__name__}: {exc}") from exc
            except Exception as exc:  # noqa: BLE001 - timeouts, connection errors
                raise PersistenceException(f"DynamoDB update failed: {type(exc).__name__}: {exc}") from exc
            return True

    return UpdatingDynamoDbAdapter


class DecimalConvertingAdapter(AbstractPersistenceAdapter):
    """DynamoDB returns every number as Decimal and refuses floats: convert both ways."""

    def __init__(self, store: AbstractPersistenceAdapter) -> None:
        self.store = store

    def get_attributes(self, request_envelope: "RequestEnvelope") -> Attributes:
        return _from_decimals(self.store.get_attributes(request_envelope))

    def save_attributes(self, request_envelope: "RequestEnvelope", attributes: Attributes) -> None:
        if isinstance(attributes, PreferenceChanges):  # some keys only, even unwrapped
            self.update_attributes(request_envelope, attributes)
            return
        self.store.save_attributes(request_envelope, _to_decimals(attributes))

    def update_attributes(self, request_envelope: "RequestEnvelope",
                          changes: Mapping[str, Any]) -> None:
        self.store.update_attributes(request_envelope, _to_decimals(dict(changes)))  # type: ignore[attr-defined]

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
        if isinstance(attributes, PreferenceChanges):
            self.update_attributes(request_envelope, attributes)
            return
        self.store.save_attributes(request_envelope, sanitize_attributes(attributes))

    def update_attributes(self, request_envelope: "RequestEnvelope",
                          changes: Mapping[str, Any]) -> None:
        """Only preference keys, each with a valid value or None (removed)."""
        kept = sanitize_attributes(changes)
        removed = {key: None for key in PREFERENCE_KEYS
                   if key in changes and changes[key] is None and key not in kept}
        allowed = {**kept, **removed}
        if allowed:
            self.store.update_attributes(request_envelope, allowed)  # type: ignore[attr-defined]

    def delete_attributes(self, request_envelope: "RequestEnvelope") -> None:
        self.store.delete_attributes(request_envelope)


class FaultTolerantAdapter(AbstractPersistenceAdapter):
    """Never lets a store failure break a request, and never hides a lost change: reads
    fall back to {} (the defaults); a change (`PreferenceChanges`, from
    skill.preferences) that fails raises `PreferencesNotSaved` so the skill can say so;
    other writes and deletes are dropped. Each failure is logged here, once, as a warning
    without user ids.

    `pause_after_failure_s` (DynamoDB): after a store failure, calls within that many
    seconds fail at once instead of waiting on a store that is hanging or down, so one
    request never pays two timeouts and the next few pay none (boto/boto3#2045).
    """

    def __init__(self, store: AbstractPersistenceAdapter, name: str = "store", *,
                 pause_after_failure_s: float = 0.0) -> None:
        self.store = store
        self.name = name
        self._pause_s = pause_after_failure_s
        self._failed_at: float | None = None

    def get_attributes(self, request_envelope: "RequestEnvelope") -> Attributes:
        if self._paused():
            return {}
        try:
            attributes = self.store.get_attributes(request_envelope)
        except Exception as exc:  # noqa: BLE001 - defaults are always a valid answer
            self._failed("read", exc)
            return {}
        return attributes if isinstance(attributes, dict) else {}

    def save_attributes(self, request_envelope: "RequestEnvelope", attributes: Attributes) -> None:
        if isinstance(attributes, PreferenceChanges):
            self.update_attributes(request_envelope, attributes)
            return
        if self._paused():
            return
        try:
            self.store.save_attributes(request_envelope, attributes)
        except Exception as exc:  # noqa: BLE001
            self._failed("write", exc)

    def update_attributes(self, request_envelope: "RequestEnvelope",
                          changes: Mapping[str, Any]) -> None:
        """Write `changes` only; raises `PreferencesNotSaved` when that failed."""
        if self._paused():
            raise PreferencesNotSaved(f"preferences {self.name} skipped after a recent failure")
        try:
            self.store.update_attributes(request_envelope, changes)  # type: ignore[attr-defined]
        except Exception as exc:  # noqa: BLE001
            self._failed("write", exc)
            raise PreferencesNotSaved(f"preferences {self.name} write failed") from None

    def delete_attributes(self, request_envelope: "RequestEnvelope") -> None:
        if self._paused():
            return
        try:
            self.store.delete_attributes(request_envelope)
        except Exception as exc:  # noqa: BLE001
            self._failed("delete", exc)

    def _paused(self) -> bool:
        failed_at = self._failed_at
        return failed_at is not None and time.monotonic() - failed_at < self._pause_s

    def _failed(self, operation: str, exc: Exception) -> None:
        if self._pause_s > 0 and _is_unreachable(exc):
            self._failed_at = time.monotonic()
        log.warning("preferences %s %s failed, carrying on with defaults: %s: %s",
                    self.name, operation, type(exc).__name__, redact(str(exc)))


def _is_unreachable(exc: BaseException) -> bool:
    """Whether a failure (or what it was raised from) is botocore's timeout or connection
    error (`HTTPClientError` and its subclasses): the store did not answer at all."""
    seen = 0
    current: BaseException | None = exc
    while current is not None and seen < 8:
        if any(kind.__name__ == "HTTPClientError" for kind in type(current).__mro__):
            return True
        current, seen = current.__cause__ or current.__context__, seen + 1
    return False


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
        return FaultTolerantAdapter(PreferencesOnlyAdapter(store), name=kind,
                                    pause_after_failure_s=DYNAMODB_PAUSE_S)
    elif kind == "memory":
        store = MemoryPersistenceAdapter()
    else:
        raise ValueError(f"CRAMP_HELPER_PERSISTENCE={settings.persistence!r} is not one of "
                         f"{', '.join(STORES)}")
    return FaultTolerantAdapter(PreferencesOnlyAdapter(store), name=kind)
