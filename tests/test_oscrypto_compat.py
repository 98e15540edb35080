"""The oscrypto work-around: it must let the verifier import, and only act on the defect."""
from __future__ import annotations

import subprocess
import sys

import pytest

from skill import oscrypto_compat as compat


@pytest.mark.parametrize("version_string, expected", [
    ("OpenSSL 3.0.19 27 Jan 2026", "3.0.19"),
    ("OpenSSL 3.0.10 1 Aug 2023", "3.0.10"),
    ("OpenSSL 3.5.0 8 Apr 2025", "3.5.0"),
    ("OpenSSL 3.0.9 30 May 2023", "3.0.9"),
    ("OpenSSL 1.1.1w  11 Sep 2023", "1.1.1w"),
])
def test_fixed_pattern_reads_every_openssl_version(version_string: str, expected: str) -> None:
    assert compat.FIXED_VERSION_RE.search(version_string).group(1) == expected


def test_narrow_pattern_is_the_defect() -> None:
    assert compat.NARROW_VERSION_RE.search("OpenSSL 3.0.19 27 Jan 2026") is None
    assert compat.NARROW_VERSION_RE.search("OpenSSL 3.0.9 30 May 2023").group(1) == "3.0.9"


def test_widening_touches_only_the_version_pattern() -> None:
    source = "x = 1\nm = re.search('\\\\b(\\\\d\\\\.\\\\d\\\\.\\\\d[a-z]*)\\\\b', s)\n"
    widened = compat.widen_version_pattern(source)
    assert "\\\\d+\\\\.\\\\d+\\\\.\\\\d+[a-z]*" in widened
    assert widened.startswith("x = 1\n")
    assert compat.widen_version_pattern("nothing to see") == "nothing to see"


def test_installed_oscrypto_source_still_has_the_pattern_we_widen() -> None:
    """If oscrypto changes its source, the fix must be revisited (or dropped if released)."""
    import importlib.util

    import oscrypto

    if oscrypto.__version__ != "1.3.0":
        pytest.skip(f"oscrypto {oscrypto.__version__}: the 1.3.0 defect may be gone")
    origin = importlib.util.find_spec("oscrypto._openssl._libcrypto_ctypes").origin
    source = open(origin, encoding="utf-8").read()
    assert compat.widen_version_pattern(source) != source


def test_verifier_imports_in_a_fresh_interpreter() -> None:
    """The real thing: a new process imports the upstream verifier through our module."""
    code = (
        "import skill.oscrypto_compat as c; installed = c.ensure_oscrypto_importable();"
        "import ask_sdk_webservice_support.verifier;"
        "import oscrypto._openssl._libcrypto as lib;"
        "print(installed, lib.libcrypto_version_info >= (1, 0))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    installed, version_ok = done.stdout.split()
    assert version_ok == "True"
    # Where the defect shows, the fix must have been the one acting (and nowhere else).
    import ssl

    defect_expected = compat.NARROW_VERSION_RE.search(ssl.OPENSSL_VERSION) is None
    assert installed == str(defect_expected)
