"""The validated-chain cache never accepts what a cold verifier would refuse.

`AlexaSignatureVerifier` caches a validated chain per (certificate URL, exact PEM content)
until the earliest expiry in the chain. These tests drive the verifier directly through
its two seams (`download_certificate`, `trusted_roots`) and prove, with the cache warm:
an expired leaf is refused, a chain whose CA has expired is validated afresh, a changed
chain at the same URL is validated afresh (a rogue one refused, a rotated one used and
the old leaf's signatures refused), and the cache stays bounded. A tampered body with a
warm cache is covered end to end in tests/test_hosting.py
(test_warm_cache_still_rejects_a_tampered_body) and again here at the verifier.
"""
from __future__ import annotations

import copy
import json
from datetime import datetime, timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from skill import envelopes, verification
from skill.throwaway_ca import CERT_URL, ThrowawayCA
from skill.verification import AlexaSignatureVerifier, VerificationException

OTHER_URL = CERT_URL.replace("test.pem", "other.pem")


@pytest.fixture(scope="module")
def ca() -> ThrowawayCA:
    return ThrowawayCA()


class Bucket:
    """What the certificate URLs serve, and a log of every download."""

    def __init__(self) -> None:
        self.served: dict[str, bytes] = {}
        self.downloads: list[str] = []

    def download(self, url: str, timeout_s: float) -> bytes:
        self.downloads.append(url)
        if url not in self.served:
            raise OSError("no such certificate")
        return self.served[url]


@pytest.fixture
def bucket(monkeypatch: pytest.MonkeyPatch, ca: ThrowawayCA) -> Bucket:
    """The module CA's chain at CERT_URL, trusted; tests may serve and trust more."""
    bucket = Bucket()
    bucket.served[CERT_URL] = ca.chain_pem
    monkeypatch.setattr(verification, "download_certificate", bucket.download)
    monkeypatch.setattr(verification, "trusted_roots", lambda: [ca.ca_pem])
    return bucket


def validations(verifier: AlexaSignatureVerifier, monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """Record every full chain validation (the work the cache exists to skip)."""
    seen: list[bytes] = []
    real_validate = verifier._validate

    def validate(pem: bytes, now: datetime):  # noqa: ANN202
        seen.append(pem)
        return real_validate(pem, now)

    monkeypatch.setattr(verifier, "_validate", validate)
    return seen


def shift_clock(monkeypatch: pytest.MonkeyPatch, by: timedelta) -> None:
    """Move the verification module's clock (not the timestamp check's, not the PEM TTL)."""

    class ShiftedDateTime(datetime):
        @classmethod
        def now(cls, tz=None):  # noqa: ANN001, ANN206
            return datetime.now(tz) + by

    monkeypatch.setattr(verification, "datetime", ShiftedDateTime)


def check(verifier: AlexaSignatureVerifier, signer: ThrowawayCA, *, url: str = CERT_URL,
          body: str | None = None, signed_body: str | None = None) -> None:
    """Verify one request; `signed_body` differs from `body` to model tampering."""
    body = body if body is not None else json.dumps(envelopes.launch_request())
    headers = signer.headers(signed_body if signed_body is not None else body, cert_url=url)
    verifier.verify(headers, body, None)


def rotated(ca: ThrowawayCA) -> ThrowawayCA:
    """The same CA with a new leaf key and certificate, as after Amazon rotates its cert."""
    new = copy.copy(ca)
    new.leaf_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    new.leaf_cert = ca.issue_leaf(new.leaf_key)
    return new


def test_a_warm_request_does_not_validate_the_chain_again(ca, bucket, monkeypatch) -> None:
    verifier = AlexaSignatureVerifier()
    seen = validations(verifier, monkeypatch)
    for _ in range(3):
        check(verifier, ca)
    assert len(seen) == 1
    assert bucket.downloads == [CERT_URL]


def test_tampered_body_is_rejected_with_the_cache_warm(ca, bucket, monkeypatch) -> None:
    verifier = AlexaSignatureVerifier()
    seen = validations(verifier, monkeypatch)
    body = json.dumps(envelopes.launch_request())
    check(verifier, ca, body=body)
    with pytest.raises(VerificationException, match="signature does not match"):
        check(verifier, ca, body=body.replace('"new": true', '"new": false'), signed_body=body)
    assert len(seen) == 1, "the refusal came from the warm path"


def test_expired_leaf_is_rejected_with_the_cache_warm(bucket, monkeypatch) -> None:
    # A trusted leaf that expires in one hour; the cache is warmed while it is valid.
    short_lived = ThrowawayCA(leaf_valid_from=timedelta(days=-1),
                              leaf_valid_for=timedelta(days=1, hours=1))
    bucket.served[CERT_URL] = short_lived.chain_pem
    monkeypatch.setattr(verification, "trusted_roots", lambda: [short_lived.ca_pem])
    verifier = AlexaSignatureVerifier()
    check(verifier, short_lived)

    shift_clock(monkeypatch, timedelta(hours=2))
    with pytest.raises(VerificationException, match="expired"):
        check(verifier, short_lived)
    assert bucket.downloads == [CERT_URL], "refused from the cached PEM, without a new download"


def test_leaf_not_yet_valid_is_not_served_from_the_cache(ca, bucket, monkeypatch) -> None:
    verifier = AlexaSignatureVerifier()
    check(verifier, ca)
    shift_clock(monkeypatch, timedelta(days=-3))  # before the leaf's notBefore
    with pytest.raises(VerificationException):
        check(verifier, ca)


def test_cache_entry_ends_at_the_earliest_expiry_in_the_chain(bucket, monkeypatch) -> None:
    # The leaf outlives its CA (CA: 365 days): the entry must end with the CA, not the leaf.
    long_leaf = ThrowawayCA(leaf_valid_for=timedelta(days=400))
    bucket.served[CERT_URL] = long_leaf.chain_pem
    monkeypatch.setattr(verification, "trusted_roots", lambda: [long_leaf.ca_pem])
    verifier = AlexaSignatureVerifier()
    seen = validations(verifier, monkeypatch)
    check(verifier, long_leaf)
    shift_clock(monkeypatch, timedelta(days=300))
    check(verifier, long_leaf)
    assert len(seen) == 1, "still within every certificate's validity: served from the cache"

    shift_clock(monkeypatch, timedelta(days=366))
    try:
        check(verifier, long_leaf)
    except VerificationException:
        pass  # the verdict belongs to the chain validation, which uses its own clock
    assert len(seen) == 2, "past the CA's expiry the chain is validated afresh"


def test_rogue_chain_at_the_same_url_is_rejected_with_the_cache_warm(ca, bucket, monkeypatch) -> None:
    verifier = AlexaSignatureVerifier(pem_ttl_s=0)  # every request re-reads the bucket
    check(verifier, ca)
    rogue = ThrowawayCA()  # not trusted
    bucket.served[CERT_URL] = rogue.chain_pem
    with pytest.raises(VerificationException, match="chain is not valid"):
        check(verifier, rogue)
    assert len(bucket.downloads) == 2


def test_rotated_chain_at_the_same_url_is_validated_and_used(ca, bucket, monkeypatch) -> None:
    verifier = AlexaSignatureVerifier(pem_ttl_s=0)
    seen = validations(verifier, monkeypatch)
    check(verifier, ca)
    new = rotated(ca)
    bucket.served[CERT_URL] = new.chain_pem
    check(verifier, new)
    assert seen == [ca.chain_pem, new.chain_pem], "the changed chain was validated afresh"
    with pytest.raises(VerificationException, match="signature does not match"):
        check(verifier, ca)  # signed by the old leaf: the cached old chain is not used


def test_cache_is_bounded_and_evicts_the_least_recently_used(ca, bucket, monkeypatch) -> None:
    urls = [CERT_URL, OTHER_URL, CERT_URL.replace("test.pem", "third.pem")]
    for url in urls:
        bucket.served[url] = ca.chain_pem
    verifier = AlexaSignatureVerifier(max_cached_chains=2)
    seen = validations(verifier, monkeypatch)
    for url in urls:
        check(verifier, ca, url=url)
    assert len(seen) == 3
    check(verifier, ca, url=urls[2])
    assert len(seen) == 3, "the most recent chain is still cached"
    check(verifier, ca, url=urls[0])
    assert len(seen) == 4, "the oldest chain was evicted and is validated again"
    assert len(verifier._chains) <= 2 and len(verifier._pems) <= 2


# -- the signature headers: any letter case, from Flask's headers or a plain dict --------

def _header_shapes(headers: dict[str, str]) -> list[object]:
    """The same headers as a plain dict with odd letter case, as werkzeug's Headers, and as
    the WSGI environment's view that Flask's request.headers is."""
    from werkzeug.datastructures import EnvironHeaders, Headers

    odd_case = {name.upper() if i % 2 else name.lower(): value
                for i, (name, value) in enumerate(headers.items())}
    environ = {"HTTP_" + name.upper().replace("-", "_"): value
               for name, value in headers.items() if name.lower() != "content-type"}
    return [headers, odd_case, Headers(odd_case), EnvironHeaders(environ)]


@pytest.mark.parametrize("shape", range(4))
def test_signature_headers_are_found_in_every_shape(ca, bucket, shape: int) -> None:
    body = json.dumps(envelopes.launch_request())
    headers = _header_shapes(ca.headers(body))[shape]
    verifier = AlexaSignatureVerifier()
    verifier.verify_prechecked(verifier.precheck(headers), body)
    with pytest.raises(VerificationException):
        verifier.verify_prechecked(verifier.precheck(headers), body + " ")


@pytest.mark.parametrize("shape", range(4))
@pytest.mark.parametrize("missing", ["SignatureCertChainUrl", "Signature-256"])
def test_a_missing_signature_header_is_refused_in_every_shape(ca, shape: int, missing: str) -> None:
    body = json.dumps(envelopes.launch_request())
    headers = {k: v for k, v in ca.headers(body).items() if k != missing}
    with pytest.raises(VerificationException, match="missing"):
        AlexaSignatureVerifier().precheck(_header_shapes(headers)[shape])
