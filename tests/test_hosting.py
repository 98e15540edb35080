"""The web host: verified requests end to end, and a clear 4xx for every bad request."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from skill import envelopes, verification
from skill.app import create_app
from skill.settings import Settings
from skill.throwaway_ca import CERT_URL, ThrowawayCA

from .conftest import post, spy_on_skill

SKILL_ID = envelopes.DEFAULT_APPLICATION_ID


@pytest.fixture(scope="module")
def ca() -> ThrowawayCA:
    return ThrowawayCA()


@pytest.fixture
def trust(monkeypatch: pytest.MonkeyPatch):
    """Patch only the certificate download and the trust store; returns the download log."""
    served: dict[str, bytes] = {}
    downloads: list[str] = []

    def fake_download(url: str, timeout_s: float) -> bytes:
        downloads.append(url)
        if url not in served:
            raise OSError("no such certificate")
        return served[url]

    def use(ca: ThrowawayCA, url: str = CERT_URL) -> list[str]:
        served[url] = ca.chain_pem
        monkeypatch.setattr(verification, "trusted_roots", lambda: [ca.ca_pem])
        return downloads

    monkeypatch.setattr(verification, "download_certificate", fake_download)
    return use


@pytest.fixture
def verified_app(tmp_path):
    app = create_app(Settings(persistence="memory", skill_id=SKILL_ID, db_path=tmp_path / "p.db"))
    return app


@pytest.fixture
def verified(verified_app):
    return verified_app.test_client(), spy_on_skill(verified_app)


def signed_post(client, ca: ThrowawayCA, env: dict, *, body: str | None = None, **header_overrides):
    body = body if body is not None else json.dumps(env)
    headers = ca.headers(body)
    headers.update(header_overrides)
    return client.post("/alexa", data=body, headers=headers)


# -- local mode ---------------------------------------------------------------------------

def test_healthz(client) -> None:
    assert client.get("/healthz").get_json() == {"status": "ok"}


@pytest.mark.parametrize("env", [
    envelopes.launch_request(),
    envelopes.intent_request("AMAZON.HelpIntent"),
    envelopes.session_ended_request(),
], ids=["launch", "intent", "session-ended"])
def test_local_mode_answers_real_envelopes(client, invocations, env) -> None:
    reply = post(client, env)
    assert reply.status_code == 200
    body = reply.get_json()
    assert body["version"] == "1.0"
    assert len(invocations) == 1
    if env["request"]["type"] != "SessionEndedRequest":
        assert body["response"]["outputSpeech"]["ssml"].startswith("<speak>")


# -- verified mode: signed requests end to end ---------------------------------------------

def test_signed_launch_is_accepted(verified, ca, trust) -> None:
    client, calls = verified
    trust(ca)
    reply = signed_post(client, ca, envelopes.launch_request())
    assert reply.status_code == 200, reply.get_json()
    assert reply.get_json()["response"]["outputSpeech"]["ssml"].startswith("<speak>")
    assert len(calls) == 1


def test_unsigned_launch_is_rejected_when_not_local(verified) -> None:
    client, calls = verified
    reply = post(client, envelopes.launch_request())
    assert reply.status_code == 400
    assert "signature" in reply.get_json()["error"]
    assert calls == []


def _tampered(env: dict) -> tuple[str, str]:
    signed = json.dumps(env)
    return signed, signed.replace("LaunchRequest", "LaunchRequest ")


@pytest.mark.parametrize("case", [
    "tampered-body", "missing-signature", "missing-cert-url", "http-cert-url", "other-host",
    "dot-dot-path", "other-port", "bad-base64", "cert-download-fails",
])
def test_bad_signatures_are_rejected_before_the_skill(verified, ca, trust, case) -> None:
    client, calls = verified
    trust(ca)
    env = envelopes.launch_request()
    body = json.dumps(env)
    headers = ca.headers(body)
    if case == "tampered-body":
        body = body.replace('"new": true', '"new": false')
    elif case == "missing-signature":
        del headers["Signature-256"]
    elif case == "missing-cert-url":
        del headers["SignatureCertChainUrl"]
    elif case == "http-cert-url":
        headers["SignatureCertChainUrl"] = CERT_URL.replace("https", "http")
    elif case == "other-host":
        headers["SignatureCertChainUrl"] = CERT_URL.replace("s3.amazonaws.com", "evil.example.com")
    elif case == "dot-dot-path":
        headers["SignatureCertChainUrl"] = "https://s3.amazonaws.com/echo.api/../invalid.pem"
    elif case == "other-port":
        headers["SignatureCertChainUrl"] = CERT_URL.replace(".com/", ".com:563/")
    elif case == "bad-base64":
        headers["Signature-256"] = "!!not base64!!"
    elif case == "cert-download-fails":
        headers["SignatureCertChainUrl"] = CERT_URL.replace("test.pem", "missing.pem")
    reply = client.post("/alexa", data=body, headers=headers)
    assert reply.status_code == 400, reply.get_json()
    assert reply.get_json()["error"].startswith("verification failed")
    assert calls == []


def test_expired_leaf_is_rejected(verified, trust) -> None:
    client, calls = verified
    expired = ThrowawayCA(leaf_valid_from=timedelta(days=-30), leaf_valid_for=timedelta(days=29))
    trust(expired)
    reply = signed_post(client, expired, envelopes.launch_request())
    assert reply.status_code == 400
    assert calls == []


def test_leaf_from_an_untrusted_ca_is_rejected(verified, ca, trust, monkeypatch) -> None:
    client, calls = verified
    trust(ca)
    stranger = ThrowawayCA()
    monkeypatch.setattr(verification, "trusted_roots", lambda: [stranger.ca_pem])
    reply = signed_post(client, ca, envelopes.launch_request())
    assert reply.status_code == 400
    assert calls == []


@pytest.mark.parametrize("age_s, accepted", [(0, True), (140, True), (151, False), (-151, False)])
def test_timestamp_tolerance_is_150_seconds(verified, ca, trust, age_s, accepted) -> None:
    client, calls = verified
    trust(ca)
    env = envelopes.launch_request()
    env["request"]["timestamp"] = envelopes.now_timestamp(
        datetime.now(timezone.utc) - timedelta(seconds=age_s))
    reply = signed_post(client, ca, env)
    assert (reply.status_code == 200) is accepted, reply.get_json()
    assert len(calls) == (1 if accepted else 0)


def test_skill_event_gets_an_hour(verified, ca, trust) -> None:
    client, _ = verified
    trust(ca)
    env = envelopes.skill_disabled_event()
    env["request"]["timestamp"] = envelopes.now_timestamp(
        datetime.now(timezone.utc) - timedelta(minutes=30))
    assert signed_post(client, ca, env).status_code == 200


def test_wrong_skill_id_is_rejected(verified, ca, trust) -> None:
    client, calls = verified
    trust(ca)
    env = envelopes.launch_request(application_id="amzn1.ask.skill.someone-else")
    reply = signed_post(client, ca, env)
    assert reply.status_code == 400
    assert "skill id" in reply.get_json()["error"]
    assert calls == []


def test_wrong_skill_id_is_rejected_in_local_mode_too(tmp_path) -> None:
    app = create_app(Settings(persistence="memory", skill_id=SKILL_ID).as_local())
    calls = spy_on_skill(app)
    reply = post(app.test_client(), envelopes.launch_request(application_id="amzn1.ask.skill.other"))
    assert reply.status_code == 400
    assert calls == []


def test_warm_cache_still_rejects_a_tampered_body(verified, ca, trust) -> None:
    client, calls = verified
    downloads = trust(ca)
    env = envelopes.launch_request()
    assert signed_post(client, ca, env).status_code == 200
    signed, tampered = _tampered(env)
    reply = client.post("/alexa", data=tampered, headers=ca.headers(signed))
    assert reply.status_code == 400
    assert len(downloads) == 1, "the chain is fetched once, then served from the cache"
    assert len(calls) == 1


def test_changed_chain_at_same_url_is_validated_afresh(verified_app, ca, trust, monkeypatch) -> None:
    client = verified_app.test_client()
    trust(ca)
    assert signed_post(client, ca, envelopes.launch_request()).status_code == 200
    # The bucket now serves an untrusted chain at the same URL: a fresh download must see it.
    rogue = ThrowawayCA()
    monkeypatch.setattr(verification, "download_certificate", lambda url, timeout_s: rogue.chain_pem)
    verifier = next(v for v in verified_app.extensions["cramp_helper"]["webhook"].verifiers
                    if isinstance(v, verification.AlexaSignatureVerifier))
    verifier._pems.clear()  # as after the PEM time-to-live
    assert signed_post(client, rogue, envelopes.launch_request()).status_code == 400


def test_certificate_download_has_a_timeout(monkeypatch) -> None:
    seen = {}

    class FakeResponse:
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        chunks = [b"x"]

        def read(self, n):
            return b"x"

        def read1(self, n):  # the download reads in chunks, against an overall deadline
            return self.chunks.pop() if self.chunks else b""

    def fake_urlopen(url, timeout=None):
        seen["timeout"] = timeout
        return FakeResponse()

    monkeypatch.setattr(verification, "urlopen", fake_urlopen)
    assert verification.download_certificate(CERT_URL, 3.0) == b"x"
    assert seen["timeout"] == 3.0


# -- bad requests: a short JSON 4xx each, and the skill never runs --------------------------

BAD_REQUESTS = [
    ("not-json", "this is not json", "application/json", 400),
    ("empty", "", "application/json", 400),
    ("whitespace", "   \n ", "application/json", 400),
    ("wrong-content-type", json.dumps(envelopes.launch_request()), "text/plain", 415),
    ("form", "a=b", "application/x-www-form-urlencoded", 415),
    ("too-large", json.dumps({"pad": "x" * (64 * 1024)}), "application/json", 413),
    ("json-array", "[1, 2, 3]", "application/json", 400),
    ("no-request", json.dumps({"version": "1.0"}), "application/json", 400),
    ("request-not-object", json.dumps({"version": "1.0", "request": "LaunchRequest"}), "application/json", 400),
    ("type-not-string", json.dumps({"version": "1.0", "request": {"type": 7}}), "application/json", 400),
    ("bad-utf8", b'{"request": "\xff\xfe"}', "application/json", 400),
    ("intent-request-without-intent", json.dumps({"version": "1.0", "request": {
        "type": "IntentRequest", "requestId": "r", "timestamp": "2026-01-01T00:00:00Z"}}),
     "application/json", 400),
    ("intent-without-name", json.dumps({"version": "1.0", "request": {
        "type": "IntentRequest", "intent": {"slots": {}}}}), "application/json", 400),
    ("bad-timestamp", json.dumps({"version": "1.0", "request": {"type": "LaunchRequest",
                                  "timestamp": "not a time"}}), "application/json", 400),
]


@pytest.mark.parametrize("name, body, content_type, status", BAD_REQUESTS,
                         ids=[row[0] for row in BAD_REQUESTS])
def test_bad_requests_get_a_short_4xx(client, invocations, name, body, content_type, status) -> None:
    reply = client.post("/alexa", data=body, headers={"Content-Type": content_type})
    assert reply.status_code == status
    payload = reply.get_json()
    assert set(payload) == {"error"} and 0 < len(payload["error"]) < 80
    assert "Traceback" not in reply.get_data(as_text=True)
    assert invocations == []


def test_unsigned_body_over_the_limit_is_413_in_verified_mode(verified) -> None:
    client, calls = verified
    reply = client.post("/alexa", data="x" * (65 * 1024), headers={"Content-Type": "application/json"})
    assert reply.status_code == 413
    assert calls == []


def test_wrong_method_and_path_are_4xx_json(client) -> None:
    assert client.get("/alexa").status_code == 405
    reply = client.get("/nope")
    assert reply.status_code == 404 and reply.get_json() == {"error": "not found"}


def test_request_log_line_has_the_facts_and_no_user_id(client, caplog) -> None:
    import logging

    caplog.set_level(logging.INFO, logger="skill.requests")
    post(client, envelopes.intent_request("AMAZON.HelpIntent"))
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "skill.requests"]
    assert len(lines) == 1
    line = lines[0]
    assert line["type"] == "IntentRequest" and line["topic"] == "navigation"
    assert "intent" not in line
    assert line["status"] == 200 and line["outcome"] == "ok" and line["latency_ms"] >= 0
    assert envelopes.DEFAULT_USER_ID not in caplog.text
    assert line["user"].startswith("u:") and len(line["user"]) == 12


def test_a_skill_failure_past_its_handler_still_answers_calmly(local_app, monkeypatch) -> None:
    """If the skill itself blows up (not a handler: those have the exception handler), the
    host answers 200 with a calm line, keeps the session open and hands the user's
    session attributes back, so nothing is lost."""
    from skill.app import SAFETY_NET_SPEECH

    skill = local_app.extensions["cramp_helper"]["skill"]

    def broken(request_envelope, context):  # noqa: ANN001, ANN202
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(skill, "invoke", broken)
    kept = {"cramp": {"v": 1, "flow": "relief", "step": 2}}
    reply = post(local_app.test_client(),
                 envelopes.intent_request("AMAZON.NextIntent", session_attributes=kept))
    assert reply.status_code == 200
    body = reply.get_json()
    assert SAFETY_NET_SPEECH in body["response"]["outputSpeech"]["ssml"]
    assert body["response"]["shouldEndSession"] is False and body["response"]["reprompt"]
    assert body["sessionAttributes"] == kept
    assert "disk on fire" not in reply.get_data(as_text=True)
