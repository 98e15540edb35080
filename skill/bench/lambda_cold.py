"""Lambda cold start, as Lambda runs it: the deployment zip, unpacked, read-only, started by
the runtime's Python in a fresh process, against a hello-world zip built the same way.

Two zips are built for the template's runtime (skill/model/lambda_package.py: pip for
Lambda's platform, every module compiled unchecked-hash by the runtime's Python, found on
PATH or through pyenv): the skill's own (`cramp-helper package --lambda`), and a floor
holding a hello-world skill on ask-sdk-core alone (`hello_world.handler`, nothing from this
project) with the same versions of ask-sdk-core, the DynamoDB adapter and boto3 as the
skill's zip. Each is unpacked into its own folder, made read-only like Lambda's /var/task,
and every sample is a new process of the runtime's Python with `-S` (no site-packages:
only the standard library and the unpacked zip on the path), PYTHONDONTWRITEBYTECODE set
(nothing is written; the run checks the folders are unchanged afterwards), the function's
environment (a function name, the skill id, the store). Both first import what Lambda's
Python runtime has loaded before it imports a handler (`RUNTIME_PREAMBLE`: logging,
json...), since on Lambda those cost neither side anything, then import the handler and
answer one LaunchRequest. Time is taken from the process start to the answer on its
stdout, so the interpreter's own start is in both and its shutdown in neither. Runs
alternate skill, floor, floor, skill... so a busy moment hits both alike; medians.

Two stores: in memory (`CRAMP_HELPER_PERSISTENCE=memory` against a floor without one),
and DynamoDB: the official adapter on both sides, talking to a stub on loopback that
answers every call with an empty item, so importing boto3, building the resource and the
first call's set-up are measured without any network. The floor reads the user's
attributes once (from its own few-line in-memory adapter, or DynamoDB), as a hello-world
with a store would; the skill reads them and, for a new user, saves one preference.

`python -m skill.bench.lambda_cold [--samples N]` runs this part alone (it needs the
package registry, or pip's cache, to build the zips).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from skill import envelopes
from skill.bench.client import ServerFailed

STORES = ("memory", "dynamodb")

#: What Lambda's Python runtime has imported before it imports the function's module
#: (the runtime interface client's bootstrap: importlib, json, logging, os, sys, time,
#: traceback; it also installs its log handler). Both sides start from there.
RUNTIME_PREAMBLE = "import importlib, json, logging, os, sys, time, traceback\n"

#: The hello-world skill of the floor's zip (`hello_world.py`): ask-sdk-core alone.
FLOOR_MODULE = """import os

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.skill_builder import CustomSkillBuilder


class HelloHandler(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return True

    def handle(self, handler_input):
        handler_input.attributes_manager.persistent_attributes
        return handler_input.response_builder.speak("hello").ask("hello").response


class MemoryStore(AbstractPersistenceAdapter):
    def __init__(self):
        self.records = {}

    def get_attributes(self, request_envelope):
        return self.records.get(request_envelope.context.system.user.user_id, {})

    def save_attributes(self, request_envelope, attributes):
        self.records[request_envelope.context.system.user.user_id] = dict(attributes)

    def delete_attributes(self, request_envelope):
        self.records.pop(request_envelope.context.system.user.user_id, None)


STORE = MemoryStore()
if os.environ.get("CRAMP_HELPER_PERSISTENCE") == "dynamodb":
    import boto3
    from ask_sdk_dynamodb.adapter import DynamoDbAdapter
    STORE = DynamoDbAdapter(
        table_name="hello", partition_key_name="id", attribute_name="attributes",
        dynamodb_resource=boto3.resource(
            "dynamodb", endpoint_url=os.environ["CRAMP_HELPER_DYNAMODB_ENDPOINT"]))
builder = CustomSkillBuilder(persistence_adapter=STORE)
builder.add_request_handler(HelloHandler())
builder.skill_id = os.environ["SKILL_ID"]
handler = builder.lambda_handler()
"""

#: Each side's handler, as the template names it (Handler: module.function).
HANDLERS = {"skill": "skill.lambda_function", "floor": "hello_world"}
_CALL = RUNTIME_PREAMBLE + """
from {module} import handler
answer = handler(json.loads(sys.argv[1]), None)
print(json.dumps(answer), flush=True)
"""
#: Distributions the floor's zip holds, at the versions the skill's zip holds them.
FLOOR_DISTRIBUTIONS = ("ask-sdk-core", "ask-sdk-dynamodb-persistence-adapter", "boto3",
                       "botocore")

KINDS = {kind: _CALL.format(module=module) for kind, module in HANDLERS.items()}


class _EmptyDynamoDB(BaseHTTPRequestHandler):
    """Answers every DynamoDB call with `{}`: GetItem finds nothing, PutItem succeeds."""

    def do_POST(self) -> None:  # noqa: N802 - the http.server hook's name
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = b"{}"
        self.send_response(200)
        self.send_header("Content-Type", "application/x-amz-json-1.0")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@contextmanager
def dynamodb_stub() -> Iterator[str]:
    """A loopback DynamoDB stand-in for the time of the block; yields its URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _EmptyDynamoDB)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def lambda_environment(base: dict[str, str], store: str, endpoint: str | None) -> dict[str, str]:
    """Lambda's environment for both sides: a function name, the skill id, the store, no
    byte-code writes, and nothing from this machine's Python set-up (PYTHON* variables)."""
    env = {k: v for k, v in base.items() if not k.startswith("PYTHON")}
    env.update({
        "PYTHONDONTWRITEBYTECODE": "1",
        "AWS_LAMBDA_FUNCTION_NAME": "cramp-helper-bench",
        "SKILL_ID": envelopes.DEFAULT_APPLICATION_ID,
        "CRAMP_HELPER_PERSISTENCE": store,
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
        # Dummy keys: requests are signed but only ever reach the loopback stub.
        "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench",
    })
    for name in ("AWS_SESSION_TOKEN", "AWS_PROFILE"):
        env.pop(name, None)
    env["AWS_CONFIG_FILE"] = env["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
    if endpoint:
        env["CRAMP_HELPER_DYNAMODB_ENDPOINT"] = endpoint
    return env


def launch_event() -> str:
    return json.dumps(envelopes.launch_request())


def build_floor_zip(out: Path, skill_zip: Path, python: str, python_version: str) -> Path:
    """The hello-world zip: FLOOR_MODULE as hello_world.py and FLOOR_DISTRIBUTIONS at the
    skill zip's versions, installed, compiled and zipped exactly as the skill's zip is."""
    from skill.model.lambda_package import compile_byte_code, install_for_lambda, zip_folder

    pins = zip_versions(skill_zip, FLOOR_DISTRIBUTIONS)
    with tempfile.TemporaryDirectory(prefix="cramp-floor-") as tmp:
        staging = Path(tmp) / "staging"
        install_for_lambda(staging, [f"{name}=={version}" for name, version in pins.items()],
                           python_version)
        (staging / "hello_world.py").write_text(FLOOR_MODULE, encoding="utf-8")
        compile_byte_code(python, staging)
        return zip_folder(staging, out).path


def zip_versions(archive: Path, names: tuple[str, ...]) -> dict[str, str]:
    """name -> version of each distribution in a zip built by pip (its .dist-info folders).
    ServerFailed when one is missing."""
    import zipfile

    found = {}
    for entry in zipfile.ZipFile(archive).namelist():
        match = re.match(r"^([^/]+)-([^-/]+)\.dist-info/METADATA$", entry)
        if match:
            found[match.group(1).lower().replace("_", "-")] = match.group(2)
    missing = [name for name in names if name not in found]
    if missing:
        raise ServerFailed(f"{archive} holds no {', '.join(missing)}")
    return {name: found[name] for name in names}


def unpack_read_only(archive: Path, folder: Path) -> Path:
    """Unpack `archive` into `folder` and make it read-only, as Lambda's /var/task."""
    import zipfile

    folder.mkdir(parents=True)
    zipfile.ZipFile(archive).extractall(folder)
    _set_modes(folder, 0o555, 0o444)
    return folder


def _set_modes(folder: Path, directories: int, files: int) -> None:
    for path in [*folder.rglob("*"), folder]:
        if not path.is_symlink():
            path.chmod(directories if path.is_dir() else files)


def _listing(folder: Path) -> set[str]:
    return {str(path.relative_to(folder)) for path in folder.rglob("*")}


def cold_start(kind: str, python: str, task: Path, env: dict[str, str],
               timeout_s: float = 60.0) -> float:
    """Seconds from starting a fresh runtime interpreter in `task` (the unpacked zip) to
    its answer to one launch."""
    env = {**env, "PYTHONPATH": str(task)}  # with -S: the only folder beside the stdlib
    began = time.perf_counter()
    process = subprocess.Popen([python, "-S", "-c", KINDS[kind], launch_event()], env=env,
                               cwd=task, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    try:
        line = process.stdout.readline()  # type: ignore[union-attr]
        answered = time.perf_counter()
        _, err = process.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise ServerFailed(f"Lambda cold start of the {kind} took over {timeout_s:g} s") from None
    try:
        speech = json.loads(line)["response"]["outputSpeech"]["ssml"]
    except (ValueError, KeyError, TypeError):
        raise ServerFailed(f"Lambda cold start of the {kind} gave no answer:\n"
                           f"{err.decode(errors='replace')[-2000:]}") from None
    if not speech:
        raise ServerFailed(f"Lambda cold start of the {kind}: empty speech")
    return answered - began


def build_zips(folder: Path, progress: Callable[[str], None] = lambda line: None
               ) -> dict[str, Any]:
    """Both zips for the template's runtime, in `folder`: paths, sizes, the interpreter."""
    from skill.model.lambda_package import (
        LambdaPackageError, build_lambda_zip, require_runtime_python, template_runtime)

    version = template_runtime()
    try:
        python = require_runtime_python(version)
        progress(f"Lambda cold start: building the skill's zip and the floor's for Python "
                 f"{version} ({python})")
        skill = build_lambda_zip(folder / "skill.zip", python_version=version)
        floor = build_floor_zip(folder / "floor.zip", skill.path, python, version)
    except LambdaPackageError as exc:
        raise ServerFailed(f"the Lambda comparison needs both zips: {exc}") from None
    return {"python": python, "python_version": version,
            "zips": {"skill": skill.path, "floor": floor},
            "zip_mb": {"skill": round(skill.bytes / 1e6, 1),
                       "floor": round(floor.stat().st_size / 1e6, 1)}}


def measure(base_env: dict[str, str], samples: int, stores: tuple[str, ...] = STORES,
            deadline: float | None = None,
            progress: Callable[[str], None] = lambda line: None) -> dict[str, Any]:
    """Alternating cold starts of skill and floor per store, from their zips as Lambda runs
    them: medians and samples (ms), and the conditions (runtime, zip sizes)."""
    scratch = Path(tempfile.mkdtemp(prefix="cramp-bench-lambda-"))
    tasks: dict[str, Path] = {}
    try:
        built = build_zips(scratch, progress)
        tasks = {kind: unpack_read_only(path, scratch / f"{kind}-task")
                 for kind, path in built["zips"].items()}
        before = {kind: _listing(task) for kind, task in tasks.items()}
        results = _measure(base_env, samples, stores, deadline, progress, built["python"], tasks)
        for kind, task in tasks.items():
            if _listing(task) != before[kind]:
                raise ServerFailed(f"the {kind}'s cold starts wrote into its code folder")
        results["conditions"] = {
            "python": built["python_version"], "zip_mb": built["zip_mb"],
            "read_only": True, "dont_write_bytecode": True}
        return results
    finally:
        for task in tasks.values():
            _set_modes(task, 0o755, 0o644)
        shutil.rmtree(scratch, ignore_errors=True)


def _measure(base_env: dict[str, str], samples: int, stores: tuple[str, ...],
             deadline: float | None, progress: Callable[[str], None], python: str,
             tasks: dict[str, Path]) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for store in stores:
        with dynamodb_stub() as endpoint:
            env = lambda_environment(base_env, store, endpoint if store == "dynamodb" else None)
            for kind in KINDS:  # one unrecorded start each: the OS's file cache, as Lambda's
                cold_start(kind, python, tasks[kind], env)
            times: dict[str, list[float]] = {kind: [] for kind in KINDS}
            for index in range(samples):
                if deadline is not None and time.monotonic() > deadline:
                    break
                for kind in (("skill", "floor") if index % 2 == 0 else ("floor", "skill")):
                    times[kind].append(cold_start(kind, python, tasks[kind], env) * 1000)
        results[store] = {
            kind: {"median_ms": statistics.median(t) if t else None,
                   "samples_ms": [round(x, 1) for x in t]}
            for kind, t in times.items()}
        skill, floor = (results[store][k]["median_ms"] for k in ("skill", "floor"))
        if skill and floor:
            progress(f"Lambda cold start, {store} store: skill {skill:.0f} ms, "
                     f"floor {floor:.0f} ms, {skill / floor:.2f}x")
    return results


def main(argv: list[str] | None = None) -> int:
    """Only the Lambda comparison: prints the medians per store, and the ratio."""
    parser = argparse.ArgumentParser(prog="python -m skill.bench.lambda_cold",
                                     description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--samples", type=int, default=15,
                        help="cold starts per side and store (default %(default)s)")
    parser.add_argument("--store", choices=STORES, action="append",
                        help="only this store (repeatable; default both)")
    parser.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    args = parser.parse_args(argv)
    try:
        results = measure(dict(os.environ), args.samples, tuple(args.store or STORES),
                          progress=lambda line: print(line, file=sys.stderr, flush=True))
    except ServerFailed as exc:
        print(f"python -m skill.bench.lambda_cold: {exc}", file=sys.stderr)
        return 1
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    load = os.getloadavg()[0]
    conditions = results["conditions"]
    print(f"Python {conditions['python']}, zips {conditions['zip_mb']['skill']} MB (skill) and "
          f"{conditions['zip_mb']['floor']} MB (floor), read-only, {args.samples} alternating "
          f"samples per side, 1-minute load average after the run {load:.2f} on "
          f"{os.cpu_count()} cores")
    for store in results:
        if store == "conditions":
            continue
        skill, floor = (results[store][k]["median_ms"] for k in ("skill", "floor"))
        print(f"{store}: skill {skill:.0f} ms, floor {floor:.0f} ms, {skill / floor:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
