"""`cramp-helper package --lambda`: the AWS Lambda deployment zip.

The zip is the skill's wheel installed with all its dependencies, as pip would install them
on the Lambda platform (x86_64 Linux, manylinux2014 wheels, the runtime's Python), unpacked
at the top of the archive where Lambda looks for `skill.lambda_function.handler`:

    skill/...                    the code, content and model sources (skill.content, ...)
    flask/, ask_sdk_core/, ...   dependencies, binary wheels for Linux x86_64 only

deploy/template.yaml points at it (build/lambda.zip by default). Entries are sorted and
time-stamped 1980-01-01 so the same inputs give the same bytes: SAM and CloudFormation then
see an unchanged function as unchanged.

Lambda's code folder is read-only, so Python cannot cache byte code there and would compile
every module on each cold start (about 0.5 s of a 0.8 s start, measured on Python 3.13).
When the runtime's Python is on this machine (`python3.13`), the zip carries byte code
compiled by it, checked by hash rather than by time stamp, and the validated content's
cache (skill.domain.content_cache) written by it; otherwise it ships sources only, parses
the content at each cold start, and says so.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from skill.settings import PROJECT_ROOT

#: The Lambda runtime in deploy/template.yaml (python3.13); a test keeps the two in step.
LAMBDA_PYTHON = "3.13"
#: The function's architecture in deploy/template.yaml is x86_64.
LAMBDA_PLATFORM = "manylinux2014_x86_64"
HANDLER = "skill.lambda_function.handler"
DEFAULT_ZIP = Path("build") / "lambda.zip"

#: Never copied from a checkout into the wheel build: environments, caches, earlier builds.
_NOT_SOURCES = (".venv", ".git", "build", "dist", "__pycache__", "*.egg-info", ".pytest_cache",
                ".hypothesis", "*.sqlite3", "*.db")
#: Never zipped: console scripts (they name the build machine's interpreter).
_NOT_ZIPPED_DIRS = {"bin"}
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)


class LambdaPackageError(RuntimeError):
    """The wheel or the zip could not be built; the message says why."""


@dataclass(frozen=True)
class LambdaZip:
    path: Path
    files: int
    bytes: int
    unpacked_bytes: int
    #: The interpreter that compiled the byte code, or None when the zip has sources only.
    compiled_with: str | None = None


def source_root() -> Path | None:
    """The checkout this code runs from, or None when installed from a wheel."""
    if (PROJECT_ROOT / "pyproject.toml").is_file() and (PROJECT_ROOT / "skill").is_dir():
        return PROJECT_ROOT
    return None


def build_wheel(source: Path, out_dir: Path) -> Path:
    """Build the project's wheel from a clean copy of `source` into `out_dir`; returns it.

    The copy keeps setuptools' in-tree build folder (which can hold stale modules) and local
    files such as preference databases out of the wheel.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="cramp-wheel-") as tmp:
        copy = Path(tmp) / "src"
        shutil.copytree(source, copy, ignore=shutil.ignore_patterns(*_NOT_SOURCES))
        _pip("wheel", "--no-deps", "--wheel-dir", str(out_dir), str(copy))
    wheels = sorted(out_dir.glob("leg_cramp_helper-*.whl"), key=lambda p: p.stat().st_mtime)
    if not wheels:
        raise LambdaPackageError(f"pip built no wheel in {out_dir}")
    return wheels[-1]


def build_lambda_zip(out: Path, wheel: Path | None = None,
                     python_version: str = LAMBDA_PYTHON,
                     platform: str = LAMBDA_PLATFORM) -> LambdaZip:
    """Install `wheel` (built from the checkout when None) and its dependencies for the
    Lambda platform, and zip them into `out`. Needs the package registry (pip)."""
    with tempfile.TemporaryDirectory(prefix="cramp-lambda-") as tmp:
        if wheel is None:
            root = source_root()
            if root is None:
                raise LambdaPackageError("no source checkout here to build the wheel from: "
                                         "pass --wheel leg_cramp_helper-<version>.whl")
            wheel = build_wheel(root, Path(tmp) / "dist")
        if not wheel.is_file():
            raise LambdaPackageError(f"{wheel}: no such wheel")
        staging = Path(tmp) / "staging"
        _pip("install", "--target", str(staging), "--platform", platform,
             "--python-version", python_version, "--implementation", "cp",
             "--only-binary=:all:", "--no-compile", str(wheel))
        python = runtime_python(python_version)
        if python is not None:
            compile_byte_code(python, staging)
            build_content_cache(python, staging)
        built = zip_folder(staging, out)
        return LambdaZip(built.path, built.files, built.bytes, built.unpacked_bytes, python)


def runtime_python(version: str) -> str | None:
    """An interpreter of exactly this Python version (X.Y) on this machine, or None."""
    if f"{sys.version_info.major}.{sys.version_info.minor}" == version:
        return sys.executable
    found = shutil.which(f"python{version}")
    if found is None:
        return None
    try:
        done = subprocess.run([found, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                              capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return found if done.returncode == 0 and done.stdout.strip() == version else None


def compile_byte_code(python: str, folder: Path) -> None:
    """Compile every module under `folder` with `python`, validated by source hash (the
    zip's time stamps are fixed, and Lambda's copy never changes)."""
    done = subprocess.run([python, "-W", "ignore", "-m", "compileall", "-q", "-j", "0",
                           "--invalidation-mode", "unchecked-hash", str(folder)],
                          capture_output=True, text=True, timeout=900)
    # A dependency may ship a file meant for another Python (compileall then exits 1):
    # that module simply compiles at import, as it would without byte code.
    if done.returncode not in (0, 1):
        raise LambdaPackageError(f"compiling byte code failed: {done.stderr.strip()[-500:]}")


def build_content_cache(python: str, folder: Path) -> Path:
    """Write the validated content's cache (skill.domain.content_cache) into the staged
    package, with the runtime's Python and only the staged code on the path (-S), so the
    cache is keyed by exactly the code and content Lambda will run: a cold start then reads
    it instead of parsing and checking the TOML files."""
    code = ("from skill.domain.content_cache import build_cache\n"
            "from skill.settings import packaged_dir\n"
            "print(build_cache(packaged_dir('content')))\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "CRAMP_HELPER_"))}
    env.update(PYTHONPATH=str(folder), PYTHONDONTWRITEBYTECODE="1")
    done = subprocess.run([python, "-S", "-c", code], cwd=folder, env=env,
                          capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        raise LambdaPackageError(f"the content does not load: {done.stderr.strip()[-1000:]}")
    return Path(done.stdout.strip())


def zip_folder(folder: Path, out: Path) -> LambdaZip:
    """Zip everything under `folder` (paths relative to it) reproducibly into `out`."""
    out.parent.mkdir(parents=True, exist_ok=True)
    files = sorted(path for path in folder.rglob("*")
                   if path.is_file() and not _NOT_ZIPPED_DIRS & set(path.relative_to(folder).parts))
    unpacked = 0
    partial = out.with_name(out.name + ".part")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for path in files:
            entry = zipfile.ZipInfo(path.relative_to(folder).as_posix(), date_time=_FIXED_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16  # readable by Lambda's sandbox user
            data = path.read_bytes()
            unpacked += len(data)
            archive.writestr(entry, data)
    os.replace(partial, out)
    return LambdaZip(out, len(files), out.stat().st_size, unpacked)


def _pip(*args: str) -> None:
    command = [sys.executable, "-m", "pip", "--disable-pip-version-check", *args[:1], "--quiet",
               *args[1:]]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=900)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise LambdaPackageError(f"pip {args[0]} could not run: {exc}") from None
    if done.returncode != 0:
        tail = "\n".join((done.stderr or done.stdout).strip().splitlines()[-8:])
        raise LambdaPackageError(f"pip {args[0]} failed:\n{tail}")
