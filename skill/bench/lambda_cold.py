"""Lambda cold start: a new Python process imports the handler and answers one launch.

The skill's process imports `skill.lambda_function` (with Lambda's environment: the
function name set, SKILL_ID given) and calls `handler(event, None)` on a LaunchRequest;
the floor's process does the same with a hello-world skill built on ask-sdk-core alone
(nothing from this project is imported). Both first import what Lambda's Python
runtime itself has loaded before it imports a handler (`RUNTIME_PREAMBLE`: logging,
json...), since on Lambda those cost neither side anything. Time is taken from the
process start to the answer on its stdout, so the interpreter's own start is in both and its shutdown in
neither. Runs alternate skill, floor, floor, skill... so a busy moment hits both alike.

Both sides run from a folder that holds only what the Lambda zip ships: this project and
its run-time dependencies (`runtime_folder`, symbolic links into the installed packages),
with `python -S`, so no site-packages on the path and no import hook of an editable
install. A development environment holds more: cfn-lint brings typing_extensions, which
msgspec imports whenever it is installed (9 ms), and the editable install's finder
imports pathlib and importlib.util for both sides before either starts. Lambda has none
of them.

Two stores: in memory (`CRAMP_HELPER_PERSISTENCE=memory` against a floor without one),
and DynamoDB: the official adapter on both sides, talking to a stub on loopback that
answers every call with an empty item, so importing boto3, building the resource and the
first call's set-up are measured without any network. The floor reads the user's
attributes once (from its own few-line in-memory adapter, or DynamoDB), as a hello-world
with a store would; the skill reads them and, for a new user, saves one preference.
"""
from __future__ import annotations

import json
import os
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

_SKILL = RUNTIME_PREAMBLE + """
from skill.lambda_function import handler
answer = handler(json.loads(sys.argv[1]), None)
print(json.dumps(answer), flush=True)
"""

_FLOOR = RUNTIME_PREAMBLE + """
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
answer = handler(json.loads(sys.argv[1]), None)
print(json.dumps(answer), flush=True)
"""

KINDS = {"skill": _SKILL, "floor": _FLOOR}


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


#: The distribution whose run-time dependencies the Lambda zip ships.
PROJECT = "leg-cramp-helper"


def runtime_distributions(root: str = PROJECT) -> set[str]:
    """The canonical names of `root`'s run-time dependencies, all the way down (extras and
    markers evaluated for this interpreter), from the installed metadata. `root` itself is
    not included. ServerFailed when `packaging` (a development dependency) is missing."""
    import importlib.metadata as metadata

    try:
        from packaging.requirements import Requirement
        from packaging.utils import canonicalize_name
    except ImportError:
        raise ServerFailed("the Lambda comparison needs `packaging`: install the dev extras "
                           "(make setup)") from None
    seen: set[str] = set()
    todo = [canonicalize_name(root)]
    while todo:
        name = todo.pop()
        for line in metadata.requires(name) or ():
            requirement = Requirement(line)
            if requirement.marker is not None and not requirement.marker.evaluate({"extra": ""}):
                continue
            dependency = canonicalize_name(requirement.name)
            if dependency not in seen:
                seen.add(dependency)
                todo.append(dependency)
    return seen


def runtime_folder(folder: Path, root: str = PROJECT) -> Path:
    """Fill `folder` with links to what the Lambda zip would hold: the `skill` package and
    the top-level modules and packages of every run-time dependency; returns `folder`."""
    import importlib.metadata as metadata

    import skill

    links = {"skill": Path(skill.__file__).resolve().parent}
    for name in runtime_distributions(root):
        distribution = metadata.distribution(name)
        for file in distribution.files or ():
            top = file.parts[0]
            if top in links or top in ("..", "__pycache__") or top.endswith(
                    (".dist-info", ".egg-info", ".pth")):
                continue
            links[top] = Path(distribution.locate_file(top)).resolve()
    for top, target in links.items():
        (folder / top).symlink_to(target)
    return folder


def lambda_environment(base: dict[str, str], store: str, endpoint: str | None,
                       pycache: str | None = None, path: Path | None = None) -> dict[str, str]:
    """Lambda's environment for both sides: a function name, the skill id, the store. Byte
    code is kept (under `pycache`, for both sides alike), as the deployment package ships
    it: a shell that sets PYTHONDONTWRITEBYTECODE would otherwise make every run compile
    the skill's own modules from source while the floor's come compiled from the install."""
    env = dict(base)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if pycache:
        env["PYTHONPYCACHEPREFIX"] = pycache
    if path is not None:
        env["PYTHONPATH"] = str(path)  # with `python -S`: the only folder beside the stdlib
    env.update({
        "AWS_LAMBDA_FUNCTION_NAME": "cramp-helper-bench",
        "SKILL_ID": envelopes.DEFAULT_APPLICATION_ID,
        "CRAMP_HELPER_PERSISTENCE": store,
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
        # Dummy keys: requests are signed but only ever reach the loopback stub.
        "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench",
    })
    for name in ("AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_CONFIG_FILE",
                 "AWS_SHARED_CREDENTIALS_FILE"):
        env.pop(name, None)
    env["AWS_CONFIG_FILE"] = env["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
    if endpoint:
        env["CRAMP_HELPER_DYNAMODB_ENDPOINT"] = endpoint
    return env


def launch_event() -> str:
    return json.dumps(envelopes.launch_request())


def cold_start(kind: str, env: dict[str, str], timeout_s: float = 60.0) -> float:
    """Seconds from starting a fresh interpreter to its answer to one launch."""
    began = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-S", "-c", KINDS[kind], launch_event()], env=env,
                               stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
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


def measure(base_env: dict[str, str], samples: int, stores: tuple[str, ...] = STORES,
            deadline: float | None = None,
            progress: Callable[[str], None] = lambda line: None) -> dict[str, Any]:
    """Alternating cold starts of skill and floor per store: medians and samples (ms).
    A first, unrecorded run of each writes byte code and the content cache, as a
    deployment package has them built in."""
    results: dict[str, Any] = {}
    scratch = Path(tempfile.mkdtemp(prefix="cramp-bench-lambda-"))
    try:
        (scratch / "pycache").mkdir()
        (scratch / "task").mkdir()
        task = runtime_folder(scratch / "task")
        return _measure(base_env, samples, stores, deadline, progress,
                        str(scratch / "pycache"), task, results)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _measure(base_env: dict[str, str], samples: int, stores: tuple[str, ...],
             deadline: float | None, progress: Callable[[str], None], pycache: str,
             task: Path, results: dict[str, Any]) -> dict[str, Any]:
    for store in stores:
        with dynamodb_stub() as endpoint:
            env = lambda_environment(base_env, store, endpoint if store == "dynamodb" else None,
                                     pycache, task)
            for kind in KINDS:
                cold_start(kind, env)
            times: dict[str, list[float]] = {kind: [] for kind in KINDS}
            for index in range(samples):
                if deadline is not None and time.monotonic() > deadline:
                    break
                for kind in (("skill", "floor") if index % 2 == 0 else ("floor", "skill")):
                    times[kind].append(cold_start(kind, env) * 1000)
        results[store] = {
            kind: {"median_ms": statistics.median(t) if t else None,
                   "samples_ms": [round(x, 1) for x in t]}
            for kind, t in times.items()}
        skill, floor = (results[store][k]["median_ms"] for k in ("skill", "floor"))
        if skill and floor:
            progress(f"Lambda cold start, {store} store: skill {skill:.0f} ms, "
                     f"floor {floor:.0f} ms, {skill / floor:.2f}x")
    return results
