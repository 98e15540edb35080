"""The certificate URL: normalised by Amazon's rules before anything else, and the download
limits that keep junk URLs from costing work or locking Alexa out.

Amazon's examples (Host a custom skill as a web service, "Verify the signature certificate
URL") are rows of the tables below, with the forms an attack run used to bust the caches.
Every refused URL is refused before any download (the download seam records each call).
"""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from skill import envelopes, verification
from skill.app import create_app
from skill.settings import Settings
from skill.throwaway_ca import CERT_URL, ThrowawayCA
from skill.verification import AlexaSignatureVerifier, VerificationException, normalize_cert_url

CANONICAL = "https://s3.amazonaws.com/echo.api/echo-api-cert.pem"

VALID = [
    # Amazon's valid examples
    ("https://s3.amazonaws.com/echo.api/echo-api-cert.pem", CANONICAL),
    ("https://s3.amazonaws.com:443/echo.api/echo-api-cert.pem", CANONICAL),
    ("https://s3.amazonaws.com/echo.api/../echo.api/echo-api-cert.pem", CANONICAL),
    # scheme and host are case-insensitive
    ("HTTPS://S3.AmazonAWS.com/echo.api/echo-api-cert.pem", CANONICAL),
    # percent-encoded unreserved characters, dot segments
    ("https://s3.amazonaws.com/echo.api/%65cho-api-cert.pem", CANONICAL),
    ("https://s3.amazonaws.com/%65cho%2Eapi/echo-api-cert.pem", CANONICAL),
    ("https://s3.amazonaws.com/echo.api/./echo-api-cert.pem", CANONICAL),
    ("https://s3.amazonaws.com/echo.api/%2e/echo-api-cert.pem", CANONICAL),
    ("https://s3.amazonaws.com/echo.api/%2e%2e/echo.api/echo-api-cert.pem", CANONICAL),
    ("https://s3.amazonaws.com/x/../echo.api/echo-api-cert.pem", CANONICAL),
    ("https://s3.amazonaws.com/../echo.api/echo-api-cert.pem", CANONICAL),
]

INVALID = [
    # Amazon's invalid examples
    ("http-scheme", "http://s3.amazonaws.com/echo.api/echo-api-cert.pem"),
    ("other-host", "https://notamazon.com/echo.api/echo-api-cert.pem"),
    ("path-case", "https://s3.amazonaws.com/EcHo.aPi/echo-api-cert.pem"),
    ("other-path", "https://s3.amazonaws.com/invalid.path/echo-api-cert.pem"),
    ("port-563", "https://s3.amazonaws.com:563/echo.api/echo-api-cert.pem"),
    # odd ports: only "443" as written
    ("port-0443", "https://s3.amazonaws.com:0443/echo.api/echo-api-cert.pem"),
    ("port-empty", "https://s3.amazonaws.com:/echo.api/echo-api-cert.pem"),
    ("port-letters", "https://s3.amazonaws.com:https/echo.api/echo-api-cert.pem"),
    ("port-huge", "https://s3.amazonaws.com:99999999999/echo.api/echo-api-cert.pem"),
    # cache busters
    ("query", CANONICAL + "?n=1"),
    ("empty-query", CANONICAL + "?"),
    ("fragment", CANONICAL + "#n"),
    ("empty-fragment", CANONICAL + "#"),
    # userinfo and look-alike hosts
    ("userinfo", "https://user@s3.amazonaws.com/echo.api/echo-api-cert.pem"),
    ("userinfo-host", "https://s3.amazonaws.com@evil.example/echo.api/echo-api-cert.pem"),
    ("host-suffix", "https://s3.amazonaws.com.evil.example/echo.api/echo-api-cert.pem"),
    ("host-trailing-dot", "https://s3.amazonaws.com./echo.api/echo-api-cert.pem"),
    ("ipv6", "https://[::1]/echo.api/echo-api-cert.pem"),
    # backslashes, whitespace, control and non-ASCII characters
    ("backslash", "https://s3.amazonaws.com\\echo.api\\echo-api-cert.pem"),
    ("backslash-path", "https://s3.amazonaws.com/echo.api\\..\\x.pem"),
    ("space", "https://s3.amazonaws.com/echo.api/echo api.pem"),
    ("newline", "https://s3.amazonaws.com/echo.api/echo-api-cert.pem\n"),
    ("tab", "https://s3.amazonaws.com/echo.api/\techo-api-cert.pem"),
    ("nul", "https://s3.amazonaws.com/echo.api/echo-api-cert.pem\x00"),
    ("non-ascii", "https://s3.amazonaws.com/echo.api/échø.pem"),
    # dot segments that leave the folder, encoded or not
    ("dot-dot-out", "https://s3.amazonaws.com/echo.api/../invalid.pem"),
    ("encoded-dot-dot-out", "https://s3.amazonaws.com/echo.api/%2e%2e/x.pem"),
    ("mixed-encoded-dot-dot", "https://s3.amazonaws.com/echo.api/.%2E/x.pem"),
    # empty segments and leftover percent-encoding
    ("double-slash", "https://s3.amazonaws.com/echo.api//echo-api-cert.pem"),
    ("leading-double-slash", "https://s3.amazonaws.com//echo.api/echo-api-cert.pem"),
    ("encoded-slash", "https://s3.amazonaws.com/echo.api%2Fecho-api-cert.pem"),
    ("encoded-reserved", "https://s3.amazonaws.com/echo.api/echo%3Fapi.pem"),
    ("bad-percent", "https://s3.amazonaws.com/echo.api/echo%zz.pem"),
    ("double-encoded", "https://s3.amazonaws.com/echo.api/%252e%252e/x.pem"),
    # no certificate name
    ("folder-only", "https://s3.amazonaws.com/echo.api/"),
    ("folder-dot", "https://s3.amazonaws.com/echo.api/x/.."),
    ("no-path", "https://s3.amazonaws.com"),
    # not a URL at all
    ("empty", ""),
    ("relative", "/echo.api/echo-api-cert.pem"),
    ("no-scheme", "s3.amazonaws.com/echo.api/echo-api-cert.pem"),
    ("too-long", "https://s3.amazonaws.com/echo.api/" + "a" * 7000 + ".pem"),
]


@pytest.mark.parametrize("raw, canonical", VALID, ids=[row[0] for row in VALID])
def test_valid_forms_normalise_to_one_url(raw: str, canonical: str) -> None:
    assert normalize_cert_url(raw) == canonical


@pytest.mark.parametrize("name, raw", INVALID, ids=[row[0] for row in INVALID])
def test_invalid_forms_are_refused(name: str, raw: str) -> None:
    with pytest.raises(VerificationException, match="^invalid certificate URL$"):
        normalize_cert_url(raw)


class Bucket:
    """What the certificate URLs serve, and a log of every download."""

    def __init__(self, served: dict[str, bytes] | None = None, delay_s: float = 0.0) -> None:
        self.served = dict(served or {})
        self.downloads: list[str] = []
        self.delay_s = delay_s

    def download(self, url: str, timeout_s: float) -> bytes:
        self.downloads.append(url)
        if self.delay_s:
            time.sleep(self.delay_s)
        if url not in self.served:
            raise OSError("no such certificate")
        return self.served[url]


@pytest.fixture(scope="module")
def ca() -> ThrowawayCA:
    return ThrowawayCA()


@pytest.fixture
def bucket(monkeypatch: pytest.MonkeyPatch, ca: ThrowawayCA) -> Bucket:
    bucket = Bucket({CERT_URL: ca.chain_pem})
    monkeypatch.setattr(verification, "download_certificate", bucket.download)
    monkeypatch.setattr(verification, "trusted_roots", lambda: [ca.ca_pem])
    return bucket


@pytest.fixture
def app(tmp_path, bucket):
    return create_app(Settings(persistence="memory", skill_id=envelopes.DEFAULT_APPLICATION_ID,
                               db_path=tmp_path / "p.sqlite3"))


def _post(client, ca: ThrowawayCA, cert_url: str = CERT_URL):
    body = json.dumps(envelopes.launch_request())
    return client.post("/alexa", data=body, headers=ca.headers(body, cert_url=cert_url))


#: Rows that can travel in an HTTP header (not a newline or NUL).
SENDABLE = [row for row in INVALID if not any(ch in row[1] for ch in "\n\x00")]


@pytest.mark.parametrize("name, raw", SENDABLE, ids=[row[0] for row in SENDABLE])
def test_invalid_urls_are_refused_before_any_download_with_a_fixed_reason(app, bucket, ca, name, raw) -> None:
    reply = _post(app.test_client(), ca, raw)
    assert reply.status_code == 400
    reason = "missing signature headers" if raw == "" else "invalid certificate URL"
    assert reply.get_json() == {"error": f"verification failed: {reason}"}
    assert bucket.downloads == []


@pytest.mark.parametrize("raw", [row[0] for row in VALID])
def test_every_valid_spelling_shares_one_download_and_one_cache_entry(monkeypatch, ca, raw) -> None:
    bucket = Bucket({CANONICAL: ca.chain_pem})
    monkeypatch.setattr(verification, "download_certificate", bucket.download)
    monkeypatch.setattr(verification, "trusted_roots", lambda: [ca.ca_pem])
    verifier = AlexaSignatureVerifier()
    body = json.dumps(envelopes.launch_request())
    verifier.verify(ca.headers(body, cert_url=CANONICAL), body, None)
    verifier.verify(ca.headers(body, cert_url=raw), body, None)
    assert bucket.downloads == [CANONICAL], "fetched once, as the normalised URL"
    assert list(verifier._pems) == [CANONICAL]


def test_a_long_url_is_not_echoed_or_logged(app, bucket, ca, caplog) -> None:
    import logging

    caplog.set_level(logging.DEBUG)
    marker = "Z" * 7000
    reply = _post(app.test_client(), ca, f"https://evil.example/{marker}")
    assert reply.status_code == 400
    assert len(reply.get_data()) < 100
    assert "ZZZZZZZZ" not in reply.get_data(as_text=True) and "ZZZZZZZZ" not in caplog.text


def test_a_failed_download_is_remembered(monkeypatch, ca) -> None:
    bucket = Bucket()
    monkeypatch.setattr(verification, "download_certificate", bucket.download)
    verifier = AlexaSignatureVerifier(failure_ttl_s=60)
    body = json.dumps(envelopes.launch_request())
    missing = CERT_URL.replace("test.pem", "missing.pem")
    for _ in range(5):
        with pytest.raises(VerificationException, match="could not be fetched"):
            verifier.verify(ca.headers(body, cert_url=missing), body, None)
    assert bucket.downloads == [missing]


def test_an_invalid_chain_is_remembered_and_never_cached(monkeypatch, ca) -> None:
    rogue = ThrowawayCA()  # not trusted
    bucket = Bucket({CERT_URL: rogue.chain_pem})
    monkeypatch.setattr(verification, "download_certificate", bucket.download)
    monkeypatch.setattr(verification, "trusted_roots", lambda: [ca.ca_pem])
    verifier = AlexaSignatureVerifier()
    body = json.dumps(envelopes.launch_request())
    with pytest.raises(VerificationException, match="chain is not valid"):
        verifier.verify(rogue.headers(body), body, None)
    with pytest.raises(VerificationException, match="could not be fetched"):
        verifier.verify(rogue.headers(body), body, None)
    assert bucket.downloads == [CERT_URL] and not verifier._pems


def test_one_download_per_url_at_a_time(monkeypatch, ca) -> None:
    bucket = Bucket({CERT_URL: ca.chain_pem}, delay_s=0.3)
    monkeypatch.setattr(verification, "download_certificate", bucket.download)
    monkeypatch.setattr(verification, "trusted_roots", lambda: [ca.ca_pem])
    verifier = AlexaSignatureVerifier()
    body = json.dumps(envelopes.launch_request())
    errors: list[Exception] = []

    def check() -> None:
        try:
            verifier.verify(ca.headers(body), body, None)
        except Exception as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)

    threads = [threading.Thread(target=check) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert errors == []
    assert bucket.downloads == [CERT_URL]


def test_new_urls_are_capped_per_minute(monkeypatch, ca) -> None:
    bucket = Bucket()
    monkeypatch.setattr(verification, "download_certificate", bucket.download)
    verifier = AlexaSignatureVerifier(new_urls_per_minute=5)
    body = json.dumps(envelopes.launch_request())
    reasons = []
    for n in range(20):
        url = CERT_URL.replace("test.pem", f"junk-{n}.pem")
        with pytest.raises(VerificationException) as raised:
            verifier.verify(ca.headers(body, cert_url=url), body, None)
        reasons.append(raised.value.args[0])
    assert len(bucket.downloads) == 5
    assert reasons[5:] == ["too many new certificate URLs"] * 15


def test_a_junk_flood_never_locks_out_a_cached_chain(app, bucket, ca, monkeypatch) -> None:
    """Junk URLs (each under echo.api/, so each passes the URL check) use up the budget for
    new URLs; a correctly signed request on Alexa's already-validated URL still answers,
    also once its PEM is due for a refresh."""
    client = app.test_client()
    assert _post(client, ca).status_code == 200
    flood = [_post(client, ca, CERT_URL.replace("test.pem", f"junk-{n}.pem")) for n in range(60)]
    assert {reply.status_code for reply in flood} == {400}
    assert len(bucket.downloads) <= 11, "the cap bounded the junk downloads"
    assert _post(client, ca).status_code == 200
    verifier = next(v for v in app.extensions["cramp_helper"]["webhook"].verifiers
                    if isinstance(v, AlexaSignatureVerifier))
    monkeypatch.setattr(verifier, "_pem_ttl_s", 0)  # the PEM is stale: a refresh is due
    assert _post(client, ca).status_code == 200
    assert bucket.downloads[-1] == CERT_URL, "the refresh ran despite the spent budget"


def test_a_known_chain_outlives_a_failed_refresh(monkeypatch, ca) -> None:
    bucket = Bucket({CERT_URL: ca.chain_pem})
    monkeypatch.setattr(verification, "download_certificate", bucket.download)
    monkeypatch.setattr(verification, "trusted_roots", lambda: [ca.ca_pem])
    verifier = AlexaSignatureVerifier(pem_ttl_s=0)
    body = json.dumps(envelopes.launch_request())
    verifier.verify(ca.headers(body), body, None)
    bucket.served.clear()  # the bucket hiccups
    verifier.verify(ca.headers(body), body, None)
    verifier.verify(ca.headers(body), body, None)
    assert len(bucket.downloads) == 2, "one failed refresh, then the failure is remembered"


def test_headers_and_url_are_checked_before_the_body_is_parsed(app, bucket, ca, monkeypatch) -> None:
    parsed = []
    real_loads = json.loads
    monkeypatch.setattr("skill.app.json.loads", lambda *a, **k: parsed.append(1) or real_loads(*a, **k))
    client = app.test_client()
    body = json.dumps(envelopes.launch_request())
    for headers in ({"Content-Type": "application/json"},
                    ca.headers(body, cert_url=CERT_URL + "?n=1"),
                    {**ca.headers(body), "Signature-256": "!!not base64!!"}):
        assert client.post("/alexa", data=body, headers=headers).status_code == 400
    assert parsed == [] and bucket.downloads == []


# -- the real download: exactly the URL, redirects refused, one SSL context ---------------

class Redirector(BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        self.hits.append(self.path)
        if self.path == "/redirect.pem":
            self.send_response(302)
            self.send_header("Location", "/target.pem")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = b"-----BEGIN CERTIFICATE-----\n"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def redirector():
    Redirector.hits = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Redirector)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_redirects_are_refused(redirector) -> None:
    with pytest.raises(Exception) as raised:
        verification.download_certificate(redirector + "/redirect.pem", 2.0)
    assert "302" in str(raised.value)
    assert Redirector.hits == ["/redirect.pem"], "the redirect target was never fetched"
    assert verification.download_certificate(redirector + "/target.pem", 2.0).startswith(b"-----")


def test_one_ssl_context_is_reused() -> None:
    first = verification._opener()
    assert verification._opener() is first
    contexts = {id(handler._context) for handler in first.handlers
                if hasattr(handler, "_context")}
    assert len(contexts) == 1


# -- genuine requests first ----------------------------------------------------------------

AMAZON_URL = "https://s3.amazonaws.com/echo.api/echo-api-cert-12.pem"


def test_junk_urls_after_a_restart_cannot_spend_what_alexas_first_request_needs(app, bucket, ca) -> None:
    """Ten junk certificate URLs right after a restart (nothing validated yet), then
    Alexa's requests on its own URL: every one is answered, and its chain was fetched
    once."""
    bucket.served[AMAZON_URL] = ca.chain_pem
    client = app.test_client()
    junk = [_post(client, ca, CERT_URL.replace("test.pem", f"junk-{n}.pem")) for n in range(10)]
    assert {reply.status_code for reply in junk} == {400}
    genuine = [_post(client, ca, AMAZON_URL) for _ in range(16)]
    assert [reply.status_code for reply in genuine] == [200] * 16
    assert bucket.downloads.count(AMAZON_URL) == 1


def test_amazon_shaped_names_have_their_own_budget(monkeypatch, ca) -> None:
    bucket = Bucket()
    monkeypatch.setattr(verification, "download_certificate", bucket.download)
    verifier = AlexaSignatureVerifier(new_urls_per_minute=3)
    body = json.dumps(envelopes.launch_request())

    def reason(url: str) -> str:
        with pytest.raises(VerificationException) as raised:
            verifier.verify(ca.headers(body, cert_url=url), body, None)
        return raised.value.args[0]

    junk = [reason(CERT_URL.replace("test.pem", f"junk-{n}.pem")) for n in range(5)]
    assert junk[3:] == ["too many new certificate URLs"] * 2
    shaped = [reason(f"https://s3.amazonaws.com/echo.api/echo-api-cert-{n}.pem") for n in range(4)]
    assert shaped[:3] == ["certificate could not be fetched"] * 3  # downloaded: own budget
    assert shaped[3] == "too many new certificate URLs"


@pytest.mark.parametrize("spoil", ["stale timestamp", "another skill"])
def test_a_stale_or_foreign_request_never_downloads_a_chain(app, bucket, ca, spoil: str) -> None:
    envelope = envelopes.launch_request()
    if spoil == "stale timestamp":
        envelope["request"]["timestamp"] = "2020-01-01T00:00:00Z"
    else:
        envelope = envelopes.launch_request(application_id="amzn1.ask.skill.someone-else")
    body = json.dumps(envelope)
    reply = app.test_client().post("/alexa", data=body, headers=ca.headers(
        body, cert_url=CERT_URL.replace("test.pem", "never-seen.pem")))
    assert reply.status_code == 400
    assert bucket.downloads == []
