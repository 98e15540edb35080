"""Hardening of the web host: settings that fail closed, fixed error replies, the body cap
and nesting where the body is read, the skill id in context and session, numeric
timestamps, the SQLite store's permissions, and keyed user tags in the logs."""
from __future__ import annotations

import json
import logging
import os
import stat
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from skill import envelopes, verification
from skill.app import create_app, set_log_key, user_tag
from skill.cli import main
from skill.persistence import SqlitePersistenceAdapter, build_persistence_adapter
from skill.settings import Settings, SettingsError
from skill.throwaway_ca import ThrowawayCA
from skill.verification import VerificationException, parse_timestamp

from .conftest import spy_on_skill

SKILL_ID = envelopes.DEFAULT_APPLICATION_ID
OTHER_ID = "amzn1.ask.skill.someone-else"

# -- settings fail closed -----------------------------------------------------------------

FLAGS = ["CRAMP_HELPER_VERIFY_SIGNATURE", "CRAMP_HELPER_VERIFY_TIMESTAMP", "CRAMP_HELPER_LOCAL"]
SPELLINGS = [
    ("1", True), ("true", True), ("TRUE", True), (" yes ", True), ("On", True),
    ("0", False), ("false", False), ("False", False), ("no", False), ("OFF", False),
    (None, None), ("", None), ("  ", None),  # unset or empty: the default
    ("enabled", "refused"), ("Y", "refused"), ("2", "refused"), ("disabled", "refused"),
    ("n", "refused"), ("-1", "refused"), ("tru", "refused"), ("yes please", "refused"),
    ("1.0", "refused"), ("ja", "refused"),
]


@pytest.mark.parametrize("name", FLAGS)
@pytest.mark.parametrize("raw, expected", SPELLINGS, ids=[repr(row[0]) for row in SPELLINGS])
def test_yes_no_settings_accept_only_explicit_spellings(monkeypatch, name, raw, expected) -> None:
    for flag in FLAGS:
        monkeypatch.delenv(flag, raising=False)
    if raw is not None:
        monkeypatch.setenv(name, raw)
    if expected == "refused":
        with pytest.raises(SettingsError, match=name):
            Settings.from_env()
        return
    settings = Settings.from_env()
    value = {"CRAMP_HELPER_VERIFY_SIGNATURE": settings.verify_signature,
             "CRAMP_HELPER_VERIFY_TIMESTAMP": settings.verify_timestamp,
             "CRAMP_HELPER_LOCAL": settings.local}[name]
    assert value is (expected if expected is not None else name != "CRAMP_HELPER_LOCAL")


@pytest.mark.parametrize("raw", ["enabled", "Y", "2"])
def test_serve_refuses_to_start_on_an_unreadable_switch(monkeypatch, capsys, raw) -> None:
    monkeypatch.setenv("SKILL_ID", SKILL_ID)
    monkeypatch.setenv("CRAMP_HELPER_VERIFY_SIGNATURE", raw)
    assert main(["serve"]) == 2
    err = capsys.readouterr().err
    assert "CRAMP_HELPER_VERIFY_SIGNATURE" in err
    with pytest.raises(SettingsError):  # the gunicorn entry point too
        create_app()


# -- signed requests ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def ca() -> ThrowawayCA:
    return ThrowawayCA()


@pytest.fixture
def verified(tmp_path, monkeypatch, ca):
    monkeypatch.setattr(verification, "download_certificate", lambda url, timeout_s: ca.chain_pem)
    monkeypatch.setattr(verification, "trusted_roots", lambda: [ca.ca_pem])
    app = create_app(Settings(persistence="memory", skill_id=SKILL_ID, db_path=tmp_path / "p.db"))
    return app.test_client(), spy_on_skill(app)


def _signed(client, ca, env: dict):
    body = json.dumps(env)
    return client.post("/alexa", data=body, headers=ca.headers(body))


def _with_ids(context_id: str | None, session_id: str | None, include_session: bool = True) -> dict:
    env = envelopes.launch_request(include_session=include_session)
    if context_id is None:
        del env["context"]["System"]["application"]
    else:
        env["context"]["System"]["application"]["applicationId"] = context_id
    if include_session:
        if session_id is None:
            del env["session"]["application"]
        else:
            env["session"]["application"] = {"applicationId": session_id}
    return env


@pytest.mark.parametrize("context_id, session_id, include_session, accepted", [
    (SKILL_ID, SKILL_ID, True, True),
    (SKILL_ID, None, True, True),      # a session without an application block
    (SKILL_ID, None, False, True),     # no session at all (e.g. skill events)
    (SKILL_ID, OTHER_ID, True, False), # context ours, session another skill's
    (OTHER_ID, SKILL_ID, True, False),
    (None, SKILL_ID, True, False),     # the id only in the session
    (None, None, True, False),
    (OTHER_ID, None, False, False),
], ids=["both", "context-only", "no-session", "session-other", "context-other",
        "session-only", "none", "context-other-no-session"])
def test_skill_id_in_context_and_session(verified, ca, context_id, session_id,
                                          include_session, accepted) -> None:
    client, calls = verified
    reply = _signed(client, ca, _with_ids(context_id, session_id, include_session))
    if accepted:
        assert reply.status_code == 200, reply.get_json()
        assert len(calls) == 1
    else:
        assert reply.status_code == 400
        assert reply.get_json() == {"error": "verification failed: skill id does not match"}
        assert calls == []


def _epoch_ms(at: datetime) -> int:
    return int(at.timestamp() * 1000)


@pytest.mark.parametrize("age_s, accepted", [(0, True), (140, True), (-140, True),
                                             (151, False), (-151, False)])
def test_numeric_timestamp_is_epoch_milliseconds(verified, ca, age_s, accepted) -> None:
    client, calls = verified
    env = envelopes.launch_request()
    env["request"]["timestamp"] = _epoch_ms(datetime.now(timezone.utc) - timedelta(seconds=age_s))
    reply = _signed(client, ca, env)
    assert (reply.status_code == 200) is accepted, reply.get_json()
    assert len(calls) == (1 if accepted else 0)


def test_numeric_timestamp_is_answered_with_the_check_off(tmp_path) -> None:
    app = create_app(Settings(persistence="memory", db_path=tmp_path / "p.db").as_local())
    calls = spy_on_skill(app)
    env = envelopes.launch_request()
    env["request"]["timestamp"] = _epoch_ms(datetime.now(timezone.utc) - timedelta(days=400))
    reply = app.test_client().post("/alexa", data=json.dumps(env),
                                   headers={"Content-Type": "application/json"})
    assert reply.status_code == 200, reply.get_json()
    assert reply.get_json()["response"]["outputSpeech"]["ssml"].startswith("<speak>")
    assert len(calls) == 1


@pytest.mark.parametrize("value, expected", [
    (1767225600000, datetime(2026, 1, 1, tzinfo=timezone.utc)),
    (1767225600000.5, datetime(2026, 1, 1, 0, 0, 0, 500, tzinfo=timezone.utc)),
    ("2026-01-01T00:00:00Z", datetime(2026, 1, 1, tzinfo=timezone.utc)),
    ("2026-01-01T01:00:00+01:00", datetime(2026, 1, 1, tzinfo=timezone.utc)),
    ("2026-01-01T00:00:00", None),  # no offset
    ("not a time", None), (True, None), (None, None), ([], None), (10**30, None),
    (float("inf"), None), (float("nan"), None), ("9" * 100, None),
])
def test_parse_timestamp_table(value, expected) -> None:
    if expected is None:
        with pytest.raises(VerificationException, match="timestamp is not valid"):
            parse_timestamp(value)
    else:
        assert parse_timestamp(value) == expected


def test_upstream_messages_never_reach_the_wire(verified, ca, monkeypatch) -> None:
    """Only the fixed reasons go out; any other verifier text becomes 'rejected'."""
    client, _ = verified

    def leaky(self, headers):  # noqa: ANN001, ANN202
        raise VerificationException(f"bad URL {headers.get('SignatureCertChainUrl')}")

    monkeypatch.setattr(verification.AlexaSignatureVerifier, "precheck", leaky)
    reply = _signed(client, ca, envelopes.launch_request())
    assert reply.status_code == 400
    assert reply.get_json() == {"error": "verification failed: rejected"}


# -- the body, read once and bounded -------------------------------------------------------

def test_deep_nesting_is_a_400_with_one_log_line(client, invocations, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    logger = logging.getLogger("skill")  # does not propagate: attach the capture directly
    logger.addHandler(caplog.handler)
    try:
        reply = client.post("/alexa", data="[" * 30_000 + "]" * 30_000,
                            headers={"Content-Type": "application/json"})
    finally:
        logger.removeHandler(caplog.handler)
    assert reply.status_code == 400
    assert reply.get_json() == {"error": "body nested too deeply"}
    assert invocations == []
    assert "Traceback" not in caplog.text and not any(r.exc_info for r in caplog.records)
    request_lines = [r for r in caplog.records if r.name == "skill.requests"]
    assert len(request_lines) == 1 and '"status":400' in request_lines[0].getMessage()


@pytest.mark.parametrize("size, status", [(80 * 1024, 413), (100, 400)])
def test_chunked_body_over_the_cap_is_413(local_app, invocations, size, status) -> None:
    """No Content-Length: the server de-chunks and marks the stream as terminated, as
    waitress and gunicorn do (the real server is tested in test_slow_clients.py)."""
    import io

    from werkzeug.test import EnvironBuilder, run_wsgi_app

    body = b'{"pad": "' + b"x" * size + b'"}'
    environ = EnvironBuilder(path="/alexa", method="POST", input_stream=io.BytesIO(body),
                             headers={"Content-Type": "application/json",
                                      "Transfer-Encoding": "chunked"}).get_environ()
    environ.pop("CONTENT_LENGTH", None)
    environ["wsgi.input_terminated"] = True
    app_iter, status_line, _ = run_wsgi_app(local_app, environ)
    reply = b"".join(app_iter)
    assert int(status_line.split()[0]) == status
    if status == 413:
        assert json.loads(reply) == {"error": "body too large"}
    assert invocations == []


@pytest.mark.parametrize("mode", ["local", "verified"])
def test_error_replies_are_short_and_fixed(tmp_path, mode) -> None:
    settings = Settings(persistence="memory", skill_id=SKILL_ID, db_path=tmp_path / "p.db")
    app = create_app(settings.as_local() if mode == "local" else settings)
    client = app.test_client()
    marker = "Q" * 7000
    bodies = [marker, json.dumps({"request": {"type": marker}}), "[" * 3000 + marker,
              json.dumps({"version": marker, "request": {"type": "LaunchRequest"}})]
    for body in bodies:
        reply = client.post("/alexa", data=body, headers={
            "Content-Type": "application/json", "SignatureCertChainUrl": "https://x/" + marker[:4000],
            "Signature-256": marker[:4000]})
        assert 400 <= reply.status_code < 500
        assert len(reply.get_data()) < 100 and "QQQQ" not in reply.get_data(as_text=True)


# -- the SQLite store ----------------------------------------------------------------------

def _launch(user: str = "amzn1.ask.account.STOREUSER"):
    from skill.serializer import SkillSerializer
    from ask_sdk_model import RequestEnvelope

    return SkillSerializer().deserialize(json.dumps(envelopes.launch_request(user_id=user)),
                                         RequestEnvelope)


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_store_folder_is_0700_and_files_are_0600(tmp_path) -> None:
    old = os.umask(0o022)
    try:
        adapter = SqlitePersistenceAdapter(tmp_path / "new" / "deeper" / "p.sqlite3")
        adapter.save_attributes(_launch(), {"quiet": True})
    finally:
        os.umask(old)
    assert _mode(tmp_path / "new") == 0o700 and _mode(tmp_path / "new" / "deeper") == 0o700
    files = list((tmp_path / "new" / "deeper").iterdir())
    assert any(f.name.endswith("-wal") for f in files)
    for path in files:
        assert _mode(path) == 0o600, path.name


def test_an_existing_world_readable_file_is_tightened(tmp_path) -> None:
    path = tmp_path / "p.sqlite3"
    SqlitePersistenceAdapter(path).save_attributes(_launch(), {"quiet": True})
    os.chmod(path, 0o644)
    adapter = SqlitePersistenceAdapter(path)
    assert adapter.get_attributes(_launch()) == {"quiet": True}
    assert _mode(path) == 0o600


def test_a_symlink_at_the_store_path_is_refused(tmp_path) -> None:
    from ask_sdk_core.exceptions import PersistenceException

    target = tmp_path / "elsewhere.txt"
    target.write_text("someone else's file")
    link = tmp_path / "p.sqlite3"
    link.symlink_to(target)
    with pytest.raises(PersistenceException, match="symbolic link"):
        SqlitePersistenceAdapter(link).save_attributes(_launch(), {"quiet": True})
    with pytest.raises(PersistenceException, match="symbolic link"):  # and at start-up
        build_persistence_adapter(Settings(persistence="sqlite", db_path=link))
    assert target.read_text() == "someone else's file"


def test_a_deleted_user_leaves_no_trace_in_the_files(tmp_path) -> None:
    user = "amzn1.ask.account.DELETEDUSERCANARY"
    adapter = SqlitePersistenceAdapter(tmp_path / "p.sqlite3")
    reader = SqlitePersistenceAdapter(tmp_path / "p.sqlite3")
    adapter.save_attributes(_launch(user), {"quiet": True})
    adapter.save_attributes(_launch(), {"quiet": False})
    assert reader.get_attributes(_launch(user)) == {"quiet": True}
    adapter.delete_attributes(_launch(user))
    for path in tmp_path.iterdir():
        assert b"DELETEDUSERCANARY" not in path.read_bytes(), path.name
    assert reader.get_attributes(_launch()) == {"quiet": False}


# -- keyed user tags -----------------------------------------------------------------------

def test_user_tags_are_keyed() -> None:
    import hashlib

    user = "amzn1.ask.account.TAGUSER"
    unsalted = "u:" + hashlib.sha256(user.encode()).hexdigest()[:10]
    set_log_key("first key")
    first = user_tag(user)
    set_log_key("second key")
    second = user_tag(user)
    assert first != second and unsalted not in (first, second)
    assert first.startswith("u:") and len(first) == 12
    set_log_key("first key")
    assert user_tag(user) == first, "stable under one key"


def test_the_log_key_comes_from_the_setting(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("CRAMP_HELPER_LOG_KEY", "operator key")
    assert Settings.from_env().log_key == "operator key"
    assert "operator key" not in repr(Settings.from_env())
    user = "amzn1.ask.account.TAGUSER"
    set_log_key("operator key")
    expected = user_tag(user)
    set_log_key("something else")
    create_app(Settings(persistence="memory", log_key="operator key").as_local())
    assert user_tag(user) == expected


def test_the_signature_headers_are_checked_once_per_request(monkeypatch, tmp_path) -> None:
    """precheck (URL rules, base64) runs before the body is read; verify must not repeat it."""
    from skill.throwaway_ca import ThrowawayCA

    ca = ThrowawayCA()
    monkeypatch.setattr(verification, "download_certificate", lambda url, timeout_s: ca.chain_pem)
    monkeypatch.setattr(verification, "trusted_roots", lambda: [ca.ca_pem])
    calls = []
    original = verification.AlexaSignatureVerifier.precheck

    def counted(self, headers):  # noqa: ANN001, ANN202
        calls.append(1)
        return original(self, headers)

    monkeypatch.setattr(verification.AlexaSignatureVerifier, "precheck", counted)
    app = create_app(Settings(persistence="memory", skill_id=SKILL_ID, db_path=tmp_path / "p.db"))
    body = json.dumps(envelopes.launch_request(application_id=SKILL_ID))
    answer = app.test_client().post("/alexa", data=body, headers={
        **ca.headers(body), "Content-Type": "application/json"})
    assert answer.status_code == 200, answer.get_json()
    assert len(calls) == 1
