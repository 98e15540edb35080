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
So the build needs the runtime's own Python (the template's `Runtime: python3.13`), found on
PATH (`python3.13`) or among pyenv's versions: it compiles every module of the skill and its
dependencies (`--invalidation-mode unchecked-hash`: never checked against the sources, so
never recompiled) and writes the validated content's cache (skill.domain.content_cache).
Without that Python the build stops and names the two ways out: install it, or
`--runtime X.Y` to switch the template to a Python that is here.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from skill.settings import PROJECT_ROOT

#: The Lambda runtime when there is no deploy/template.yaml to read it from (an installed
#: wheel); in a checkout the template's `Runtime:` line decides (`template_runtime`).
LAMBDA_PYTHON = "3.13"
TEMPLATE = PROJECT_ROOT / "deploy" / "template.yaml"
_RUNTIME_LINE = re.compile(r"^(\s*Runtime:\s*)python(3\.\d+)\s*$", re.MULTILINE)
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
    #: The interpreter that compiled the byte code (the runtime's Python).
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
                     python_version: str | None = None,
                     platform: str = LAMBDA_PLATFORM) -> LambdaZip:
    """Install `wheel` (built from the checkout when None) and its dependencies for the
    Lambda platform and `python_version` (default: the template's runtime), compile them
    with that Python, and zip them into `out`. Needs the package registry (pip). Raises
    LambdaPackageError, before anything is built, when that Python is not on this machine."""
    python_version = python_version or template_runtime()
    python = require_runtime_python(python_version)
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
        install_for_lambda(staging, [str(wheel)], python_version, platform)
        compile_byte_code(python, staging)
        build_content_cache(python, staging)
        built = zip_folder(staging, out)
        return LambdaZip(built.path, built.files, built.bytes, built.unpacked_bytes, python)


def install_for_lambda(folder: Path, requirements: list[str], python_version: str,
                       platform: str = LAMBDA_PLATFORM) -> None:
    """pip-install `requirements` (wheel files or `name==version`) and their dependencies
    into `folder` as Lambda's platform and Python need them, without byte code."""
    _pip("install", "--target", str(folder), "--platform", platform,
         "--python-version", python_version, "--implementation", "cp",
         "--only-binary=:all:", "--no-compile", *requirements)


def template_runtime(template: Path = TEMPLATE) -> str:
    """The X.Y of the template's `Runtime: pythonX.Y`; LAMBDA_PYTHON without a template."""
    if not template.is_file():
        return LAMBDA_PYTHON
    found = _RUNTIME_LINE.findall(template.read_text(encoding="utf-8"))
    if len(found) != 1:
        raise LambdaPackageError(f"{template}: expected one `Runtime: python3.N` line, "
                                 f"found {len(found)}")
    return found[0][1]


def set_template_runtime(version: str, template: Path = TEMPLATE) -> None:
    """Rewrite the template's `Runtime:` line to python`version`."""
    template_runtime(template)  # exactly one line to change
    text = template.read_text(encoding="utf-8")
    template.write_text(_RUNTIME_LINE.sub(lambda m: f"{m.group(1)}python{version}", text),
                        encoding="utf-8")


def require_runtime_python(version: str) -> str:
    """The interpreter of Python `version` (X.Y) on this machine; LambdaPackageError naming
    the two ways out when there is none."""
    python = runtime_python(version)
    if python is not None:
        return python
    present = ", ".join(sorted(v for v in _pyenv_versions() if v != version)) or "none"
    raise LambdaPackageError(
        f"the Lambda runtime is Python {version} (deploy/template.yaml), and no Python "
        f"{version} is on this machine (looked on PATH for python{version} and among pyenv's "
        f"versions): without it the zip carries no byte code and every cold start compiles "
        f"the skill and its dependencies again on Lambda's read-only folder. Either install "
        f"Python {version} (e.g. `pyenv install {version}`, or your system's python{version} "
        f"package), or pass `--runtime X.Y` to switch the template's runtime to a Python that "
        f"is here (other versions found: {present}).")


def runtime_python(version: str) -> str | None:
    """An interpreter of exactly this Python version (X.Y) on this machine, or None: this
    one, `pythonX.Y` on PATH, or the newest pyenv version X.Y.*."""
    if f"{sys.version_info.major}.{sys.version_info.minor}" == version:
        return sys.executable
    candidates = [shutil.which(f"python{version}")]
    candidates += [str(path) for _, path in sorted(
        ((tuple(int(p) for p in name.split(".") if p.isdigit()), python)
         for name, python in _pyenv_pythons().items() if _minor(name) == version),
        reverse=True)]
    for found in candidates:
        if found and _reports_version(found, version):
            return found
    return None


def _pyenv_pythons() -> dict[str, Path]:
    """pyenv's installed versions (name -> its pythonX.Y), from PYENV_ROOT or ~/.pyenv."""
    root = Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv") / "versions"
    if not root.is_dir():
        return {}
    found = {}
    for folder in root.iterdir():
        minor = _minor(folder.name)
        python = folder / "bin" / f"python{minor}"
        if minor and python.is_file():
            found[folder.name] = python
    return found


def _pyenv_versions() -> set[str]:
    return {_minor(name) for name in _pyenv_pythons()}


def _minor(name: str) -> str:
    """'3.13.0' -> '3.13'; '' for names that are not CPython X.Y.Z (pypy3.10-7.3, ...)."""
    match = re.fullmatch(r"(3\.\d+)\.\d+", name)
    return match.group(1) if match else ""


def _reports_version(python: str, version: str) -> bool:
    try:
        done = subprocess.run([python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                              capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0 and done.stdout.strip() == version


def compile_byte_code(python: str, folder: Path) -> None:
    """Compile every module under `folder` with `python`, marked unchecked-hash: the import
    system never compares it with the source, so nothing is ever recompiled (Lambda's copy
    never changes, and the zip's time stamps are fixed). Raises LambdaPackageError when any
    module does not compile for that Python: it would fail at import on Lambda too."""
    done = subprocess.run([python, "-W", "ignore", "-m", "compileall", "-q", "-j", "0",
                           "--invalidation-mode", "unchecked-hash", str(folder)],
                          capture_output=True, text=True, timeout=900)
    if done.returncode != 0:
        tail = (done.stdout + done.stderr).strip()[-1500:]
        raise LambdaPackageError(f"compiling byte code with {python} failed:\n{tail}")


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
