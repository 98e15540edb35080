"""The validated content, ready to use, so a cold start skips TOML, the checks and the tables.

`load_content` (skill.domain.content) parses every content/*.toml file, decodes it into
the schema's Structs, builds the lookup tables and cross-checks the result: tens of
milliseconds at every start. Here the finished `Content` (the files and their tables, which
share records) is stored with `pickle` and read back in about a millisecond: faster than
decoding the files again (msgspec first inspects every Struct's annotations) and building
the tables from them. A cache that was not written from checked content is never used.

The cache is never stale: its first line is a key, the BLAKE2b-256 hash of
- this module's format version, the Python and msgspec versions,
- the source of every module in skill/domain/ (the schema and the checks),
- the name and bytes of every *.toml file in the content folder.
Any byte changed in any of these gives another key, and a file with another key is
ignored (and replaced) rather than used. Only content that passed `load_content` in full
is ever written, so a cache hit is content that passed every check.

The cache is trusted like the byte code beside it, and checked more than Python checks
byte code: it is read only when it is owned by this user (or root) and nobody else may
write it, and unpickling builds nothing but the content schema's own Structs and enums
(`_ContentUnpickler`): a file that names any other class or function is refused and the
content is parsed again.

Where: `content.pickle` inside the content folder. `cramp-helper package --lambda`
writes it into the Lambda zip (Lambda's code folder is read-only); elsewhere the first
start writes it when the folder is writable, atomically (another process never reads a
half-written file), and a folder that is not writable just means parsing at each start.
`cramp-helper check` and the content tests call `load_content` directly: they always
parse and check in full.

Pure module: no SDK imports.
"""
from __future__ import annotations

import io
import os
import stat
import sys
from enum import Enum
from pathlib import Path

import msgspec

from skill.domain import content as schema
from skill.domain import triage
from skill.domain.content import Content, load_content

# The C pickler that `pickle` itself re-exports, imported alone: the `pickle` module also
# defines its pure-Python twin, two milliseconds of every cold start spent on nothing here.
try:
    from _pickle import Unpickler, UnpicklingError, dumps
except ImportError:  # pragma: no cover - an interpreter without the C accelerator
    from pickle import Unpickler, UnpicklingError, dumps

#: The cache's file name, inside the content folder.
CACHE_NAME = "content.pickle"
#: Bumped when the file layout below changes.
FORMAT = b"cramp-helper content cache 3 (pickle of the checked Content)"
_DOMAIN_DIR = Path(__file__).resolve().parent
#: The modules whose Structs and enums make up `Content`, and msgspec's helper that
#: rebuilds a Struct from keyword arguments: all that unpickling may touch.
_SCHEMA_MODULES = {module.__name__: module for module in (schema, triage)}
_STRUCT_REBUILD = ("msgspec._utils", "rebuild")


class _ContentUnpickler(Unpickler):
    """Unpickles the content schema's Structs and enums and nothing else: a name from any
    other module, or one that is not such a class, raises UnpicklingError (Python's own
    advice for reading pickles: "Restricting Globals" in the pickle module's docs)."""

    def find_class(self, module: str, name: str) -> object:
        if (module, name) == _STRUCT_REBUILD:
            return super().find_class(module, name)
        found = getattr(_SCHEMA_MODULES[module], name, None) if module in _SCHEMA_MODULES else None
        if isinstance(found, type) and issubclass(found, (msgspec.Struct, Enum)):
            return found
        raise UnpicklingError(f"the content cache names {module}.{name}: refused")


def _hasher(data: bytes = b""):  # noqa: ANN202 - a hashlib-style object
    """BLAKE2b, from the interpreter's built-in module when it has one: `hashlib` loads
    OpenSSL, a few milliseconds of every cold start spent on nothing else here."""
    try:
        from _blake2 import blake2b
    except ImportError:  # pragma: no cover - an interpreter built without it
        from hashlib import blake2b
    return blake2b(data, digest_size=32)


def code_version() -> bytes:
    """What decides how content is parsed, checked and stored: the domain modules' source
    (the schema, the checks, this module), the cache format, the Python and msgspec
    versions."""
    digest = _hasher(FORMAT)
    digest.update(f"{sys.version_info[:2]} msgspec {msgspec.__version__}".encode())
    for name, path in _files(_DOMAIN_DIR, ".py"):
        digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.digest()


def _files(folder: Path, suffix: str) -> list[tuple[str, Path]]:
    """(name, path) of the files in `folder` ending in `suffix`, sorted by name.
    (os.scandir, not Path.glob: glob compiles a pattern, a cost at every start.)"""
    with os.scandir(folder) as entries:
        return sorted((e.name, Path(e.path)) for e in entries
                      if e.name.endswith(suffix) and e.is_file())


def cache_key(content_dir: Path | str) -> str:
    """Hex BLAKE2b (256 bits) of the code version and every *.toml file (name and bytes) in
    `content_dir`. OSError when the folder cannot be read."""
    digest = _hasher(code_version())
    for name, path in _files(Path(content_dir), ".toml"):
        data = path.read_bytes()
        digest.update(f"{name}\0{len(data)}\0".encode() + data)
    return digest.hexdigest()


def cache_path(content_dir: Path | str) -> Path:
    return Path(content_dir) / CACHE_NAME


def read_cache(content_dir: Path | str, key: str | None = None) -> Content | None:
    """The cached content when the cache file exists and its key matches; else None."""
    try:
        key = key or cache_key(content_dir)
        with open(cache_path(content_dir), "rb") as cache:
            if not _trusted(os.fstat(cache.fileno())):
                return None
            data = cache.read()
    except OSError:
        return None
    head, newline, body = data.partition(b"\n")
    if not newline or head != key.encode("ascii"):
        return None
    try:
        content = _ContentUnpickler(io.BytesIO(body)).load()
    except Exception:  # noqa: BLE001 - any damage at all means: parse again
        return None  # damaged: parsed again and rewritten by the caller
    return content if isinstance(content, Content) else None


def _trusted(status: os.stat_result) -> bool:
    """A regular file owned by this user or root that no one else may write."""
    return (stat.S_ISREG(status.st_mode) and status.st_uid in (os.getuid(), 0)
            and not status.st_mode & (stat.S_IWGRP | stat.S_IWOTH))


def write_cache(content_dir: Path | str, content: Content, key: str | None = None) -> Path:
    """Write `content` (which must come from `load_content(content_dir)`) as the cache.
    Atomic: written beside the target, then renamed over it. Raises OSError."""
    key = key or cache_key(content_dir)
    import tempfile

    target = cache_path(content_dir)
    data = key.encode("ascii") + b"\n" + dumps(content, protocol=-1)  # -1: the highest
    fd, temporary = tempfile.mkstemp(prefix=".content-", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


def build_cache(content_dir: Path | str) -> Path:
    """Parse and check the content in full, then write the cache (for packaging).
    Raises ContentError for bad content, OSError when the folder is not writable."""
    key = cache_key(content_dir)
    return write_cache(content_dir, load_content(content_dir), key)


def load_content_cached(content_dir: Path | str) -> Content:
    """The validated content: from the cache when it matches, otherwise parsed and
    checked by `load_content` (raising its ContentError), then cached if the folder is
    writable."""
    try:
        key = cache_key(content_dir)
    except OSError:
        return load_content(content_dir)  # names the unreadable file
    cached = read_cache(content_dir, key)
    if cached is not None:
        return cached
    content = load_content(content_dir)
    try:
        write_cache(content_dir, content, key)
    except OSError:
        pass  # a read-only folder: parsing at each start still works
    return content
