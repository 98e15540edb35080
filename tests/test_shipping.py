"""Shipping: the wheel starts anywhere, the Lambda zip answers from an empty folder, and the
AWS template passes cfn-lint.

These tests install from the package registry (the only host they reach). Dependencies are
downloaded once per session into a wheelhouse, as Linux x86_64 (manylinux2014) wheels for
this Python, which suit both this machine and the Lambda build; every install after that
is offline (`--no-index`).
"""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import tomllib
import urllib.request
import zipfile
from pathlib import Path

import pytest

from skill import envelopes
from skill.model.lambda_package import (
    DEFAULT_ZIP,
    HANDLER,
    LAMBDA_PLATFORM,
    build_wheel,
    runtime_python,
    set_template_runtime,
    template_runtime,
)
from skill.settings import PROJECT_ROOT

HOST_PYTHON = f"{sys.version_info.major}.{sys.version_info.minor}"
TEMPLATE = PROJECT_ROOT / "deploy" / "template.yaml"
SKILL_ID = "amzn1.ask.skill.12345678-1234-1234-1234-123456789012"


def _run(command: list[str], timeout: float = 600, **kwargs) -> subprocess.CompletedProcess:
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, **kwargs)
    assert done.returncode == 0, f"{command[:4]} failed:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
    return done


def _clean_env(**extra: str) -> dict[str, str]:
    """This machine's environment without the skill's settings or any Python path."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("CRAMP_HELPER_", "SKILL_ID", "PYTHON", "VIRTUAL_ENV", "AWS_"))}
    env.update(extra)
    return env


@pytest.fixture(scope="session")
def shipping_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("shipping")


@pytest.fixture(scope="session")
def wheel(shipping_dir: Path) -> Path:
    return build_wheel(PROJECT_ROOT, shipping_dir / "dist")


def _download(house: Path, wheel: Path, python_version: str) -> Path:
    _run([sys.executable, "-m", "pip", "download", "--quiet", "--dest", str(house),
          "--platform", LAMBDA_PLATFORM, "--python-version", python_version,
          "--implementation", "cp", "--only-binary=:all:", str(wheel)])
    return house


@pytest.fixture(scope="session")
def wheelhouse(shipping_dir: Path, wheel: Path) -> Path:
    """The wheel's dependencies for this Python, downloaded once per session."""
    return _download(shipping_dir / "wheelhouse", wheel, HOST_PYTHON)


RUNTIME = template_runtime()  # the template's Lambda runtime, X.Y


@pytest.fixture(scope="session")
def runtime_interpreter() -> str:
    """The template's runtime Python on this machine (PATH or pyenv), as the build finds it."""
    python = runtime_python(RUNTIME)
    if python is None:
        pytest.skip(f"Python {RUNTIME} (deploy/template.yaml's runtime) is not on this machine: "
                    f"install it (pyenv install {RUNTIME}) to build and test the Lambda zip")
    return python


@pytest.fixture(scope="session")
def runtime_wheelhouse(shipping_dir: Path, wheel: Path, runtime_interpreter: str) -> Path:
    """The wheel's dependencies for the Lambda runtime's Python, downloaded once."""
    return _download(shipping_dir / "runtime-wheelhouse", wheel, RUNTIME)


def _offline_pip_env(house: Path) -> dict[str, str]:
    return _clean_env(PIP_NO_INDEX="1", PIP_FIND_LINKS=str(house))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _post(url: str, payload: dict) -> dict:
    request = urllib.request.Request(url, data=json.dumps(payload).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as reply:
        assert reply.status == 200
        return json.loads(reply.read())


def _wait_for(url: str, server: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=1).read()
            return
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the server did not come up: {server.stderr.read() if server.stderr else ''}")
            time.sleep(0.1)


LAMBDA_CALL = """
import json, sys
import skill, skill.lambda_function as function
from skill.settings import Settings
event = json.loads(sys.stdin.read())
answer = function.handler(event, None)
print(json.dumps({"skill": skill.__file__, "content": str(Settings().content_dir),
                  "store": Settings.from_env().persistence, "answer": answer}))
"""


def _call_lambda(python: list[str], cwd: Path, env: dict[str, str]) -> dict:
    event = envelopes.launch_request(application_id=SKILL_ID)
    done = _run([*python, "-c", LAMBDA_CALL], input=json.dumps(event), cwd=cwd, env=env,
                timeout=120)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _assert_launch_answer(answer: dict) -> None:
    speech = answer["response"]["outputSpeech"]["ssml"]
    assert speech.startswith("<speak>") and "step" in speech
    assert answer["response"]["shouldEndSession"] is False


# --- the wheel --------------------------------------------------------------------------

def test_the_wheel_carries_the_content_and_model_sources(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for path in sorted((PROJECT_ROOT / "content").glob("*.toml")):
        assert f"skill/content/{path.name}" in names
    assert {"skill/content/privacy.md", "skill/content/terms.md",
            "skill/interaction_models/model.toml", "skill/interaction_models/publishing.toml",
            "skill/interaction_models/en-US.json", "skill/lambda_function.py"} <= names
    assert not any(name.startswith(("content/", "interaction_models/", "tests/")) for name in names)


def test_every_package_under_skill_is_in_the_wheel_list() -> None:
    """pyproject.toml lists packages by hand (the data packages are mapped from the top level),
    so a new package must be added there."""
    listed = set(tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {".".join(init.parent.relative_to(PROJECT_ROOT).parts)
             for init in (PROJECT_ROOT / "skill").rglob("__init__.py")}
    assert found | {"skill.content", "skill.interaction_models"} == listed


def test_the_wheel_starts_anywhere(shipping_dir: Path, wheel: Path, wheelhouse: Path) -> None:
    """Installed into a fresh virtual environment outside the checkout: serve answers a launch
    and the policy pages, the Lambda handler answers a launch, check and simulate find the
    model, all from the installed package."""
    venv = shipping_dir / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    python = venv / "bin" / "python"
    _run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", str(wheel)],
         env=_offline_pip_env(wheelhouse))
    home = shipping_dir / "home"
    home.mkdir()
    env = _clean_env(HOME=str(home), CRAMP_HELPER_DB=str(home / "prefs.sqlite3"))

    port = _free_port()
    server = subprocess.Popen([str(venv / "bin" / "cramp-helper"), "serve", "--local",
                               "--host", "127.0.0.1", "--port", str(port)],
                              cwd=home, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        _wait_for(f"http://127.0.0.1:{port}/healthz", server)
        _assert_launch_answer(_post(f"http://127.0.0.1:{port}/alexa", envelopes.launch_request()))
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/privacy", timeout=5) as page:
            assert "forget my settings" in page.read().decode()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)

    seen = _call_lambda([str(python)], home, {**env, "AWS_LAMBDA_FUNCTION_NAME": "test",
                                              "SKILL_ID": SKILL_ID,
                                              "CRAMP_HELPER_PERSISTENCE": "memory"})
    _assert_launch_answer(seen["answer"])
    assert Path(seen["skill"]).is_relative_to(venv) and Path(seen["content"]).is_relative_to(venv)

    checked = _run([str(venv / "bin" / "cramp-helper"), "check"], cwd=home, env=env)
    assert "OK (sources)" in checked.stdout
    script = home / "script.txt"
    script.write_text("open leg cramp helper\nnext\nstop\n")
    talk = _run([str(venv / "bin" / "cramp-helper"), "simulate", "--in-process", "--script",
                 str(script)], cwd=home, env={**env, "SKILL_ID": SKILL_ID})
    assert "heard: AMAZON.NextIntent" in talk.stdout


# --- the Lambda zip ---------------------------------------------------------------------

def _pyc_flags(data: bytes) -> int:
    return int.from_bytes(data[4:8], "little")


def test_the_lambda_zip_answers_a_launch_from_a_read_only_folder(
        shipping_dir: Path, wheel: Path, runtime_wheelhouse: Path,
        runtime_interpreter: str) -> None:
    """Built for the template's runtime, unpacked into an empty folder made read-only, and
    run by that runtime's Python with nothing else on the path and no byte-code writes, as
    Lambda runs it: the handler answers a launch. Every module carries byte code for that
    Python (unchecked-hash, so it is never recompiled), and none for any other."""
    out = shipping_dir / "lambda.zip"
    built = _run([sys.executable, "-m", "skill.cli", "package", "--lambda", "--wheel", str(wheel),
                  "--out", str(out)], env=_offline_pip_env(runtime_wheelhouse))
    assert f"handler {HANDLER}" in built.stdout and runtime_interpreter in built.stdout

    archive = zipfile.ZipFile(out)
    names = archive.namelist()
    assert "skill/lambda_function.py" in names and "skill/content/sources.toml" in names
    assert "skill/content/content.pickle" in names, "the validated content ships pre-built"
    assert not any(name.startswith("bin/") for name in names), "console scripts are not shipped"
    binaries = [n for n in names if n.endswith(".so")]
    assert binaries and all("x86_64-linux" in n or ".abi3." in n for n in binaries), binaries
    tag = f"cpython-{RUNTIME.replace('.', '')}"
    assert any(f".{tag}-x86_64-linux" in n for n in binaries), "binaries for the runtime's Python"
    sources = [n for n in names if n.endswith(".py")]
    compiled = {n for n in names if n.endswith(".pyc")}
    expected = {"/".join([*n.split("/")[:-1], "__pycache__", n.split("/")[-1][:-3] + f".{tag}.pyc"])
                for n in sources}
    assert len(sources) > 1000 and {n for n in sources if n.startswith("skill/")}
    assert sorted(expected - compiled) == [], "modules without byte code for the runtime"
    assert sorted(compiled - expected) == [], "byte code for another Python, or without a source"
    assert {_pyc_flags(archive.read(n)) for n in compiled} == {0b01}, "unchecked-hash only"

    task = shipping_dir / "task"  # Lambda's /var/task
    task.mkdir()
    archive.extractall(task)
    for path in [task, *task.rglob("*")]:
        if not path.is_symlink():
            path.chmod(0o555 if path.is_dir() else 0o444)
    try:
        # -S: no site-packages at all, only the unpacked zip (PYTHONPATH), as on Lambda.
        env = _clean_env(HOME=str(task), PYTHONPATH=str(task), PYTHONDONTWRITEBYTECODE="1",
                         AWS_LAMBDA_FUNCTION_NAME="leg-cramp-helper-skill",
                         AWS_REGION="us-east-1", SKILL_ID=SKILL_ID,
                         CRAMP_HELPER_PERSISTENCE="memory")
        seen = _call_lambda([runtime_interpreter, "-S"], task, env)
        _assert_launch_answer(seen["answer"])
        cached = _run([runtime_interpreter, "-S", "-c",
                       "from skill.domain.content_cache import read_cache; "
                       "from skill.settings import Settings; "
                       "print(read_cache(Settings().content_dir) is not None)"], cwd=task, env=env)
        assert cached.stdout.strip() == "True", "the zip's content cache matches its code and content"
        assert Path(seen["skill"]).is_relative_to(task) and Path(seen["content"]).is_relative_to(task)
        # Every module the launch imported from the zip came from its byte code: `-v` says
        # "code object from <file.py>" for each module compiled from its source instead.
        verbose = _run([runtime_interpreter, "-S", "-v", "-c", LAMBDA_CALL],
                       input=json.dumps(envelopes.launch_request(application_id=SKILL_ID)),
                       cwd=task, env=env)
        from_pyc = [line for line in verbose.stderr.splitlines()
                    if line.startswith(f"# code object from '{task}")]
        from_source = [line for line in verbose.stderr.splitlines()
                       if line.startswith(f"# code object from {task}")]
        assert len(from_pyc) > 300 and from_source == []
        del env["CRAMP_HELPER_PERSISTENCE"]
        probe = _run([runtime_interpreter, "-S", "-c", "from skill.settings import Settings; "
                      "print(Settings.from_env().persistence)"], cwd=task, env=env)
        assert probe.stdout.strip() == "dynamodb", "on Lambda the store defaults to DynamoDB"
        written = {p.relative_to(task).as_posix() for p in task.rglob("*") if p.is_file()}
        assert written == {n for n in names if not n.endswith("/")}, "nothing was written"
    finally:
        for path in [task, *task.rglob("*")]:
            if not path.is_symlink():
                path.chmod(0o755 if path.is_dir() else 0o644)


def test_the_build_stops_naming_the_ways_out_when_the_runtime_python_is_absent(
        tmp_path: Path) -> None:
    before = (PROJECT_ROOT / "deploy" / "template.yaml").read_bytes()
    for flag in ("--python-version", "--runtime"):
        done = subprocess.run([sys.executable, "-m", "skill.cli", "package", "--lambda",
                               "--out", str(tmp_path / "l.zip"), flag, "3.99"],
                              capture_output=True, text=True, timeout=120, env=_clean_env())
        assert done.returncode == 1
        assert "no Python 3.99 is on this machine" in done.stderr
        assert "install Python 3.99" in done.stderr and "--runtime X.Y" in done.stderr
        assert not (tmp_path / "l.zip").exists()
    assert (PROJECT_ROOT / "deploy" / "template.yaml").read_bytes() == before, \
        "--runtime never switches the template to a Python that is absent"


def test_runtime_switches_only_the_templates_runtime_line(tmp_path: Path) -> None:
    copy = tmp_path / "template.yaml"
    copy.write_text(TEMPLATE.read_text())
    set_template_runtime("3.12", copy)
    assert template_runtime(copy) == "3.12"
    changed = [(a, b) for a, b in zip(TEMPLATE.read_text().splitlines(), copy.read_text().splitlines())
               if a != b]
    assert changed == [(f"      Runtime: python{RUNTIME}", "      Runtime: python3.12")]


def test_the_lambda_zip_is_reproducible(tmp_path: Path) -> None:
    from skill.model.lambda_package import zip_folder

    folder = tmp_path / "f"
    (folder / "skill").mkdir(parents=True)
    (folder / "bin").mkdir()
    (folder / "skill" / "a.py").write_text("x = 1\n")
    (folder / "bin" / "cramp-helper").write_text("#!/bin/sh\n")
    first = zip_folder(folder, tmp_path / "1.zip")
    os.utime(folder / "skill" / "a.py", (1e9, 1e9))
    second = zip_folder(folder, tmp_path / "2.zip")
    assert (tmp_path / "1.zip").read_bytes() == (tmp_path / "2.zip").read_bytes()
    assert first.files == second.files == 1
    assert zipfile.ZipFile(tmp_path / "1.zip").namelist() == ["skill/a.py"]


# --- the AWS template -------------------------------------------------------------------

def _template() -> dict:
    from cfnlint.decode import decode

    template, problems = decode(str(TEMPLATE))
    assert not problems, problems
    return template


def test_cfn_lint_passes_on_the_template_and_catches_a_broken_one(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(TEMPLATE.read_text().replace("BillingMode: PAY_PER_REQUEST",
                                                   "BillingMode: ON_DEMAND"))
    cfn_lint = Path(sys.executable).parent / "cfn-lint"  # the dev dependency's command
    done = subprocess.run([str(cfn_lint), "--format", "json", str(TEMPLATE), str(broken)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode != 0, done.stderr
    findings = json.loads(done.stdout)
    assert [f for f in findings if Path(f["Filename"]) == TEMPLATE] == []
    assert any(Path(f["Filename"]) == broken and "ON_DEMAND" in f["Message"] for f in findings), \
        "cfn-lint did not check the template"


def test_the_template_matches_the_zip_and_grants_only_what_the_skill_uses() -> None:
    resources = _template()["Resources"]
    function = resources["SkillFunction"]["Properties"]
    assert function["Runtime"] == f"python{template_runtime()}"
    assert function["Handler"] == HANDLER
    assert function["Architectures"] == ["x86_64"] and LAMBDA_PLATFORM.endswith("x86_64")
    assert (TEMPLATE.parent / function["CodeUri"]).resolve() == (PROJECT_ROOT / DEFAULT_ZIP).resolve()
    assert function["Events"]["AlexaSkill"] == {"Type": "AlexaSkill",
                                                "Properties": {"SkillId": {"Ref": "SkillId"}}}
    variables = function["Environment"]["Variables"]
    assert variables["SKILL_ID"] == {"Ref": "SkillId"}
    assert variables["CRAMP_HELPER_DYNAMODB_TABLE"] == {"Ref": "PreferencesTable"}
    assert function["Timeout"] < 8, "Alexa stops waiting after about 8 seconds"

    table = resources["PreferencesTable"]["Properties"]
    assert table["BillingMode"] == "PAY_PER_REQUEST"
    assert table["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True
    assert table["KeySchema"] == [{"AttributeName": "id", "KeyType": "HASH"}]

    statements = [s for policy in resources["SkillRole"]["Properties"]["Policies"]
                  for s in policy["PolicyDocument"]["Statement"]]
    granted = {(action, json.dumps(s["Resource"], sort_keys=True))
               for s in statements for action in s["Action"]}
    table_arn = json.dumps({"Fn::GetAtt": ["PreferencesTable", "Arn"]})
    logs_arn = json.dumps({"Fn::GetAtt": ["SkillLogGroup", "Arn"]})
    assert granted == {("dynamodb:GetItem", table_arn), ("dynamodb:UpdateItem", table_arn),
                       ("dynamodb:DeleteItem", table_arn), ("logs:CreateLogStream", logs_arn),
                       ("logs:PutLogEvents", logs_arn)}
    assert all(s["Effect"] == "Allow" for s in statements)
