"""The benchmark's machinery, with tiny counts: no timing assertions, only that it measures.

The servers are real gunicorn processes on loopback; each test checks they are gone after.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from skill import envelopes, verification
from skill.app import create_app
from skill.bench import floor, mix, report, server
from skill.bench.client import ServerFailed
from skill.bench.runner import Options, run_benchmark
from skill.bench.servers import BenchServer, ServerSpec, TrustFiles, children_of
from skill.settings import Settings
from skill.throwaway_ca import ThrowawayCA


@pytest.fixture(scope="module")
def ca() -> ThrowawayCA:
    return ThrowawayCA()


@pytest.fixture
def trust_files(tmp_path: Path, ca: ThrowawayCA) -> TrustFiles:
    files = TrustFiles(tmp_path / "ca.pem", tmp_path / "chain.pem")
    files.ca_file.write_bytes(ca.ca_pem)
    files.chain_file.write_bytes(ca.chain_pem)
    return files


def gone(pid: int) -> bool:
    """True when the process no longer runs (absent, or a zombie awaiting its parent)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return True
    return state == "Z"


def test_floor_says_hello_to_every_turn_of_the_mix() -> None:
    settings = Settings(persistence="memory").as_local()
    client = create_app(settings, skill=floor.build_hello_skill(settings)).test_client()
    for turn in mix.MIX:
        reply = client.post("/alexa", data=mix.encode(mix.turn_envelope(turn)),
                            headers={"Content-Type": "application/json"})
        assert reply.status_code == 200
        assert reply.get_json()["response"]["outputSpeech"]["ssml"] == "<speak>hello</speak>"


def test_signed_batch_cycles_the_mix_with_valid_signatures(ca, monkeypatch) -> None:
    attributes = {"next": {"step": 1}}
    batch = mix.signed_batch(ca, 12, attributes)
    assert [r.turn for r in batch[:5]] == list(mix.MIX)
    assert len({r.body for r in batch}) == 12, "every request is its own body"
    nxt = json.loads(batch[2].body)
    assert nxt["request"]["intent"]["name"] == "AMAZON.NextIntent"
    assert nxt["session"]["attributes"] == {"step": 1}
    countdown = json.loads(batch[3].body)["request"]["intent"]["slots"]
    assert countdown["duration"]["value"] == "PT30S"
    # The server's verifier accepts every signature in the batch.
    monkeypatch.setattr(verification, "download_certificate", lambda url, timeout_s: ca.chain_pem)
    monkeypatch.setattr(verification, "trusted_roots", lambda: [ca.ca_pem])
    verifier = verification.AlexaSignatureVerifier()
    for request in batch:
        verifier.verify(request.headers, request.body.decode("utf-8"), None)


def test_bench_app_trusts_only_the_files_it_is_given(trust_files, ca, monkeypatch, tmp_path) -> None:
    # Let monkeypatch restore the two seams the factory replaces in this process.
    monkeypatch.setattr(verification, "download_certificate", verification.download_certificate)
    monkeypatch.setattr(verification, "trusted_roots", verification.trusted_roots)
    monkeypatch.setenv(server.CA_FILE_ENV, str(trust_files.ca_file))
    monkeypatch.setenv(server.CHAIN_FILE_ENV, str(trust_files.chain_file))
    monkeypatch.setenv("SKILL_ID", envelopes.DEFAULT_APPLICATION_ID)
    monkeypatch.setenv("CRAMP_HELPER_PERSISTENCE", "memory")
    client = server.create_bench_app("floor").test_client()
    request = mix.signed_batch(ca, 1)[0]
    assert client.post("/alexa", data=request.body, headers=request.headers).status_code == 200
    stranger = ThrowawayCA()
    forged = mix.signed_batch(stranger, 1)[0]
    assert client.post("/alexa", data=forged.body, headers=forged.headers).status_code == 400


def test_bench_app_rejects_an_unknown_kind() -> None:
    with pytest.raises(ValueError):
        server.create_bench_app("other")


def test_server_starts_answers_and_is_stopped(trust_files, ca, tmp_path) -> None:
    spec = ServerSpec("floor", verify=True)
    bench_server = BenchServer(spec, tmp_path / "db.sqlite3", trust_files, tmp_path / "log")
    with bench_server:
        cold_start = bench_server.start(mix.signed_batch(ca, 1)[0])
        assert cold_start > 0
        master = bench_server._process.pid
        workers = bench_server.worker_pids()
        assert len(workers) == 1
        assert bench_server.worker_rss_kib()[0] > 10_000
    assert gone(master) and all(gone(pid) for pid in workers)
    assert not [pid for pid in children_of(os.getpid()) if not gone(pid)]


def test_whole_benchmark_with_tiny_counts() -> None:
    """Every part once, the Lambda comparison included (it builds both zips: pip, from its
    cache or the package registry, so the cap leaves room for that)."""
    from skill.model.lambda_package import runtime_python, template_runtime

    if runtime_python(template_runtime()) is None:
        pytest.skip(f"Python {template_runtime()} (the template's runtime) is not on this "
                    "machine: the Lambda comparison needs it")
    options = Options(requests=10, concurrent_requests=20, concurrency=4, rounds=2, warmup=2,
                      cold_starts=3, processes=2, two_worker_requests=20, startup_probes=1,
                      lambda_cold_starts=1, server_requests=10, time_cap_s=420)
    results = run_benchmark(options, progress=lambda line: None)
    configs = results["configs"]
    assert set(configs) == {"skill-verify-on", "floor-verify-on", "skill-verify-off",
                            "floor-verify-off", "skill-verify-on-2w", "floor-verify-on-2w",
                            "skill-verify-off-waitress", "floor-verify-off-waitress",
                            "skill-verify-off-werkzeug", "floor-verify-off-werkzeug"}
    for key, config in configs.items():
        expected_runs = ({"4"} if key.endswith("2w") else
                         {"1"} if key.endswith(("waitress", "werkzeug")) else {"1", "4"})
        assert set(config["runs"]) == expected_runs
        for run in config["runs"].values():
            assert run["errors"] == 0 and run["requests"] > 0
            assert 0 < run["median_ms"] <= run["p99_ms"]
            assert run["launch_median_ms"] > 0 and run["continuing_median_ms"] > 0
        assert config["rss_mib"] > 0
        assert config["processes"] == 2  # two rounds: one slice to each process
    assert len(configs["skill-verify-on"]["cold_start_samples_ms"]) == 3
    for store in ("memory", "dynamodb"):
        for kind in ("skill", "floor"):
            assert len(results["lambda_cold_start"][store][kind]["samples_ms"]) == 1
    assert results["lambda_cold_start"]["conditions"]["python"] == template_runtime()
    assert set(results["startup"]) == {"skill", "floor"}
    assert list(results["warm_up_answers"]) == list(mix.MIX)
    table = report.markdown(results)
    assert table.count("\n| ") >= 8 + 3 + 12 + 2 + 11
    assert "waitress (cramp-helper serve)" in table and "DynamoDB adapter" in table
    assert "not measured" not in table and "n/a" not in table
    assert all(t.measured is not None for t in report.targets(results))


def _results(lambda_ms: dict[str, float], servers: dict[str, dict[str, float]]) -> dict:
    """Just enough of a benchmark's results for the targets: Lambda medians per side and,
    per config key, the 1-client medians and RSS."""
    configs = {key: {"runs": {"1": {"median_ms": v.get("median"),
                                    "launch_median_ms": v.get("launch"),
                                    "continuing_median_ms": v.get("continuing")}},
                     "rss_mib": v.get("rss")}
               for key, v in servers.items()}
    return {"options": {"concurrency": 16}, "configs": configs,
            "lambda_cold_start": {"memory": {k: {"median_ms": v} for k, v in lambda_ms.items()}}}


FLOOR = {"median": 3.0, "launch": 3.0, "continuing": 3.0, "rss": 50.0}


@pytest.mark.parametrize("lambda_ms, skill, failing", [
    ({"skill": 240, "floor": 200}, {"launch": 3.9, "continuing": 3.6, "rss": 60.0}, set()),
    ({"skill": 241, "floor": 200}, {"launch": 3.9, "continuing": 3.6, "rss": 60.0},
     {"Lambda cold start"}),
    ({"skill": 200, "floor": 200}, {"launch": 3.91, "continuing": 3.6, "rss": 60.0},
     {"new-session launch"}),
    ({"skill": 200, "floor": 200}, {"launch": 3.0, "continuing": 3.61, "rss": 60.0},
     {"continuing-session turn"}),
    ({"skill": 200, "floor": 200}, {"launch": 3.0, "continuing": 3.0, "rss": 60.1},
     {"RSS per worker"}),
])
def test_strict_targets_from_ratios(lambda_ms, skill, failing) -> None:
    servers = {}
    for server in ("waitress", "werkzeug"):
        skill_key, floor_key = report.SERVERS[server]
        servers[skill_key], servers[floor_key] = {**FLOOR, **skill}, FLOOR
    verdicts = report.targets(_results(lambda_ms, servers))
    own = {t.name: t.passed for t in verdicts
           if t.name.startswith(("Lambda", "new-session", "continuing", "RSS per worker, skill / "
                                 "floor, waitress"))}
    assert len(own) == 6
    failed = {name for name, passed in own.items() if passed is False}
    assert {f for f in failing if any(name.startswith(f) for name in failed)} == failing
    assert all(any(name.startswith(f) for f in failing) for name in failed)
    assert all(passed is not None for passed in own.values())


def test_unmeasured_targets_are_not_passed() -> None:
    verdicts = report.targets({"options": {"concurrency": 16}, "configs": {}})
    assert verdicts and all(t.passed is None for t in verdicts)


@pytest.mark.parametrize("measured, limit, strict, passed", [
    (1.3, 1.3, False, True), (1.31, 1.3, False, False),
    (20.0, 20.0, True, False), (19.9, 20.0, True, True), (None, 1.2, False, None),
])
def test_target_verdicts(measured, limit, strict, passed) -> None:
    assert report.Target("t", measured, limit, "x", strict).passed is passed


def test_client_reads_keep_alive_and_closing_answers() -> None:
    """The lean client against the standard library's HTTP/1.1 server (both connection styles)."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from skill.bench.client import Connection

    class Echo(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:  # noqa: N802 - the standard library's name
            body = self.rfile.read(int(self.headers["Content-Length"]))
            self.send_response(200 if body != b"fail" else 418)
            self.send_header("Content-Length", str(len(body)))
            if body == b"close":
                self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:  # noqa: ANN002
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Echo)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        conn = Connection("127.0.0.1", httpd.server_address[1], 5.0)
        headers = {"Content-Type": "application/json"}
        assert conn.post(b"one", headers) == (200, b"one")
        assert conn.post(b"two", headers) == (200, b"two")  # same connection, kept alive
        assert conn.post(b"close", headers) == (200, b"close")
        assert conn._sock is None, "closed when the server said so"
        assert conn.post(b"fail", headers) == (418, b"fail")  # reopened
        conn.close()
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_the_floor_zip_is_hello_world_on_the_skill_zips_sdk_versions(tmp_path) -> None:
    """The floor's zip is built as the skill's is (pip for Lambda, compiled by the runtime's
    Python), holds hello_world.py and the SDK at the versions the skill's zip names, and
    nothing of this project. Its cold start answers from the unpacked, read-only folder."""
    import importlib.metadata as metadata
    import zipfile

    from skill.bench.lambda_cold import (
        FLOOR_DISTRIBUTIONS, build_floor_zip, cold_start, lambda_environment, unpack_read_only,
        zip_versions, _set_modes)
    from skill.model.lambda_package import runtime_python, template_runtime

    version = template_runtime()
    python = runtime_python(version)
    if python is None:
        pytest.skip(f"Python {version} (the template's runtime) is not on this machine")
    pins = {name: metadata.version(name) for name in FLOOR_DISTRIBUTIONS}
    fake_skill = tmp_path / "skill.zip"
    with zipfile.ZipFile(fake_skill, "w") as archive:
        for name, pinned in pins.items():
            archive.writestr(f"{name.replace('-', '_')}-{pinned}.dist-info/METADATA", "")
    assert zip_versions(fake_skill, FLOOR_DISTRIBUTIONS) == pins
    floor = build_floor_zip(tmp_path / "floor.zip", fake_skill, python, version)
    names = zipfile.ZipFile(floor).namelist()
    tag = f"cpython-{version.replace('.', '')}"
    assert "hello_world.py" in names and f"__pycache__/hello_world.{tag}.pyc" in names
    assert not any(n.startswith(("skill/", "leg_cramp_helper")) for n in names)
    assert zip_versions(floor, FLOOR_DISTRIBUTIONS) == pins
    task = unpack_read_only(floor, tmp_path / "task")
    try:
        assert all(path.stat().st_mode & 0o222 == 0 for path in (task, task / "hello_world.py"))
        seconds = cold_start("floor", python, task, lambda_environment(dict(os.environ),
                                                                       "memory", None))
        assert 0 < seconds < 60
    finally:
        _set_modes(task, 0o755, 0o644)


def test_zip_versions_names_a_missing_distribution(tmp_path) -> None:
    import zipfile

    from skill.bench.lambda_cold import zip_versions

    archive = tmp_path / "a.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr("boto3-1.2.3.dist-info/METADATA", "")
    with pytest.raises(ServerFailed, match="holds no ask-sdk-core"):
        zip_versions(archive, ("boto3", "ask-sdk-core"))


@pytest.mark.parametrize("total, concurrency, min_rounds, per_client, expected", [
    (2000, 1, 20, 20, (100, 20)),   # 1 client: small slices, so drift hits every server
    (4000, 16, 20, 20, (20, 200)),  # 16 clients: the minimum rounds already keep slices small
    (1500, 1, 20, 20, (75, 20)),
    (10, 1, 20, 20, (10, 1)),       # never more slices than requests
    (0, 1, 20, 20, (1, 0)),
    (2000, 1, 20, 0, (2000, 1)),    # a nonsense size is read as 1
])
def test_slices(total, concurrency, min_rounds, per_client, expected) -> None:
    from skill.bench.runner import slices

    assert slices(total, concurrency, min_rounds, per_client) == expected
