"""Make `ask_sdk_webservice_support.verifier` importable on OpenSSL 3.0.10 and later.

Why: the verifier imports certvalidator, which imports oscrypto. oscrypto 1.3.0 reads
the libcrypto version with the pattern `\\d\\.\\d\\.\\d`, so "OpenSSL 3.0.19" does not
match (the last part has two digits) and the import fails with
`LibraryNotFoundError: Error detecting the version of libcrypto`. oscrypto's own
repository fixed the pattern (`\\d+` for each part) but has not released it.

What this does: `ensure_oscrypto_importable()` first tries the normal import. Only when
it fails with exactly that error does it install an import hook that loads oscrypto's
two version-detecting modules with the fixed pattern, then imports again. With a fixed
oscrypto, another OpenSSL, or another platform, it does nothing. Nothing is vendored:
the installed oscrypto source is read and the one pattern is widened as it loads.
"""
from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import re
import sys

DEFECT_MESSAGE = "Error detecting the version of libcrypto"

#: The modules whose version pattern is too narrow in oscrypto 1.3.0.
PATCHED_MODULES = frozenset({
    "oscrypto._openssl._libcrypto_cffi",
    "oscrypto._openssl._libcrypto_ctypes",
})

# As written in oscrypto's source (a Python string literal, hence the doubled slashes).
_NARROW_PATTERN = r"'\\b(\\d\\.\\d\\.\\d[a-z]*)\\b'"
_FIXED_PATTERN = r"'\\b(\\d+\\.\\d+\\.\\d+[a-z]*)\\b'"

#: The same patterns as regular expressions, for tests and diagnostics.
NARROW_VERSION_RE = re.compile(r"\b(\d\.\d\.\d[a-z]*)\b")
FIXED_VERSION_RE = re.compile(r"\b(\d+\.\d+\.\d+[a-z]*)\b")

_installed = False


def widen_version_pattern(source: str) -> str:
    """oscrypto source with the libcrypto version pattern widened (unchanged if absent)."""
    return source.replace(_NARROW_PATTERN, _FIXED_PATTERN)


class _WidenedSourceLoader(importlib.machinery.SourceFileLoader):
    """Loads one oscrypto module from its installed file with the pattern widened."""

    def get_data(self, path: str) -> bytes:
        data = super().get_data(path)
        if path.endswith(".py"):
            return widen_version_pattern(data.decode("utf-8")).encode("utf-8")
        return data

    def get_code(self, fullname: str):  # noqa: ANN201 - matches the base signature
        # Always compile from the (widened) source, never from a cached .pyc.
        source = self.get_data(self.get_filename(fullname))
        return compile(source, self.get_filename(fullname), "exec", dont_inherit=True)


class _OscryptoVersionFinder(importlib.abc.MetaPathFinder):
    """Routes only PATCHED_MODULES to the widening loader."""

    def find_spec(self, fullname, path=None, target=None):  # noqa: ANN001, ANN201
        if fullname not in PATCHED_MODULES:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None and spec.origin and spec.origin.endswith(".py"):
                loader = _WidenedSourceLoader(fullname, spec.origin)
                return importlib.util.spec_from_file_location(fullname, spec.origin, loader=loader)
        return None


def _try_import() -> Exception | None:
    try:
        importlib.import_module("oscrypto._openssl._libcrypto")
    except Exception as exc:  # noqa: BLE001 - inspected below
        return exc
    return None


def _is_the_defect(exc: Exception | None) -> bool:
    return exc is not None and type(exc).__name__ == "LibraryNotFoundError" and DEFECT_MESSAGE in str(exc)


def prefer_ctypes() -> str:
    """Use ctypes rather than cffi for oscrypto's FFI; returns the FFI in use.

    Why: with cffi, importing oscrypto parses its C declarations with pycparser in every
    process (about 25 ms of a worker's start-up and 1 MiB of its memory); with ctypes it
    does not, and oscrypto supports both alike. Keeps an earlier choice if oscrypto was
    already loaded.
    """
    import oscrypto

    try:
        oscrypto.use_ctypes()
    except RuntimeError:  # another part of oscrypto was imported first
        pass
    return oscrypto.ffi()


def ensure_oscrypto_importable() -> bool:
    """Install the fix if, and only if, the defect shows. Returns True when it was installed."""
    global _installed
    import oscrypto

    prefer_ctypes()
    if _installed or oscrypto.backend() != "openssl":
        return False
    failure = _try_import()
    if failure is None:
        return False
    if not _is_the_defect(failure):
        raise failure
    for name in [n for n in sys.modules if n.startswith("oscrypto._openssl._libcrypto")]:
        del sys.modules[name]
    sys.meta_path.insert(0, _OscryptoVersionFinder())
    _installed = True
    importlib.import_module("oscrypto._openssl._libcrypto")
    return True
