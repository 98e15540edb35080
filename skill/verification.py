"""Checks that a request really comes from Alexa, for this skill, and now.

Built on ask-sdk-webservice-support's verifiers, with what an internet-facing host needs on
top:
- every failure is a `VerificationException` with a short fixed reason (never text taken
  from the request; upstream lets a failed download, bad base64 or a naive timestamp
  escape as other errors and puts the URL into its messages);
- the certificate URL is normalised the way Amazon states its rules (percent-encoded
  unreserved characters decoded, dot segments removed) and refused unless the result is
  `https://s3.amazonaws.com[:443]/echo.api/<name>`; everything after that uses the
  normalised URL: both caches, the single download, the failure memory;
- the download fetches exactly that URL through one reused SSL context, refuses
  redirects, and has an overall deadline and a size cap;
- a URL whose download or validation failed is remembered for a while, only one download
  per URL runs at a time, and new URLs are capped per minute, while a URL whose chain has
  validated before never needs that budget, so a flood of junk URLs cannot lock out Alexa;
  and before Alexa's chain is known (just after a restart), a name shaped like Amazon's
  own (`echo-api-cert-<n>.pem`) draws on a budget of its own, which junk names cannot
  touch; the web host runs the timestamp and skill-id checks before any download;
- a validated chain's PEM is kept for the life of the process (`pem_ttl_s`, unlimited by
  default): Amazon's chain is fetched once per process (a renewed chain comes under a new
  name), and an expired one is refused from the cache;
- a validated chain is cached per (URL, exact PEM content) until the earliest expiry in
  the chain, so a warm request costs one RSA signature check;
- timestamps and the skill id are checked on the parsed JSON, before the SDK builds its
  model objects, and a numeric timestamp is read as epoch milliseconds.
"""
from __future__ import annotations

import base64
import binascii
import logging
import math
import re
import ssl
import threading
import time
import urllib.request
from collections import OrderedDict, deque
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any, Callable

from skill.oscrypto_compat import ensure_oscrypto_importable

ensure_oscrypto_importable()

from ask_sdk_webservice_support.verifier import (  # noqa: E402
    AbstractVerifier,
    RequestVerifier,
    VerificationException,
)
from ask_sdk_webservice_support.verifier_constants import (  # noqa: E402
    ALEXA_SKILL_EVENT_LIST,
    CERT_CHAIN_DOMAIN,
    MAX_NORMAL_REQUEST_TOLERANCE_IN_MILLIS,
    MAX_SKILL_EVENT_TOLERANCE_IN_MILLIS,
)
from cryptography import x509  # noqa: E402
from cryptography.exceptions import InvalidSignature  # noqa: E402

log = logging.getLogger(__name__)

__all__ = [
    "AlexaSignatureVerifier",
    "GuardedTimestampVerifier",
    "REASONS",
    "SkillIdVerifier",
    "VerificationException",
    "build_verifiers",
    "download_certificate",
    "normalize_cert_url",
    "parse_timestamp",
    "trusted_roots",
]

MAX_CERT_BYTES = 64 * 1024
#: Longer than any certificate URL Alexa sends; longer ones are refused unread.
MAX_CERT_URL_CHARS = 512
#: RSA signatures up to 8192-bit keys; a longer header is refused before decoding.
MAX_SIGNATURE_B64_CHARS = 1400

CERT_URL_HOST = "s3.amazonaws.com"
CERT_URL_PATH_PREFIX = "/echo.api/"
#: The names Amazon gives its signing chains (echo-api-cert.pem, echo-api-cert-12.pem):
#: such URLs have their own download budget (see `AlexaSignatureVerifier`).
AMAZON_CERT_NAME = re.compile(r"echo-api-cert(?:-[0-9]{1,4})?\.pem")

# The fixed reasons a verification failure may carry on the wire (the host replaces any
# other text, e.g. from an upstream check, with "rejected").
INVALID_URL = "invalid certificate URL"
MISSING_HEADERS = "missing signature headers"
FETCH_FAILED = "certificate could not be fetched"
TOO_MANY_URLS = "too many new certificate URLs"
BAD_BASE64 = "signature is not valid base64"
BAD_SIGNATURE = "signature does not match the body"
NOT_PEM = "certificate chain is not valid PEM"
CHAIN_INVALID = "certificate chain is not valid"
LEAF_EXPIRED = "signing certificate expired or not yet valid"
NO_SAN = "signing certificate has no SAN"
NOT_ALEXA = "signing certificate is not for Alexa"
TIMESTAMP_OFF = "timestamp is missing or too far from now"
TIMESTAMP_INVALID = "timestamp is not valid"
SKILL_ID_MISMATCH = "skill id does not match"
REASONS = frozenset({
    INVALID_URL, MISSING_HEADERS, FETCH_FAILED, TOO_MANY_URLS, BAD_BASE64, BAD_SIGNATURE,
    NOT_PEM, CHAIN_INVALID, LEAF_EXPIRED, NO_SAN, NOT_ALEXA, TIMESTAMP_OFF, TIMESTAMP_INVALID,
    SKILL_ID_MISMATCH,
})


# -- the certificate URL ------------------------------------------------------------------

_URL = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://(?P<host>[^/:]*)(?::(?P<port>[^/]*))?"
                  r"(?P<path>/.*)?", re.DOTALL)
_PERCENT = re.compile(r"%([0-9A-Fa-f]{2})")
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_SEGMENT = re.compile(r"[A-Za-z0-9._~-]+")


def normalize_cert_url(raw: Any) -> str:
    """The canonical form of a `SignatureCertChainUrl`, or `VerificationException`.

    Amazon states its rules on normalised URLs: scheme `https` and host `s3.amazonaws.com`
    (both case-insensitive), port 443 if any, path starting with `/echo.api/`
    (case-sensitive), so `https://s3.amazonaws.com/echo.api/../echo.api/cert.pem` is
    valid. Normalising follows RFC 3986 (6.2.2.2 then 5.2.4): percent-encoded unreserved
    characters are decoded, then dot segments removed. Refused outright: a query or a
    fragment (even empty), userinfo, a backslash, whitespace or control characters, a
    port written any way but `443`, an empty path segment (`//`), any percent-encoding
    left after decoding, and names outside letters, digits and `-._~` (no certificate
    name needs them). Returns `https://s3.amazonaws.com/echo.api/<name>`, which is the
    only URL ever fetched."""
    if not isinstance(raw, str) or not raw or len(raw) > MAX_CERT_URL_CHARS:
        raise VerificationException(INVALID_URL)
    if any(ch in raw for ch in "?#@\\") or not raw.isascii() or not raw.isprintable() \
            or any(ch.isspace() for ch in raw):
        raise VerificationException(INVALID_URL)
    match = _URL.fullmatch(raw)
    if match is None or match["scheme"].lower() != "https" or match["host"].lower() != CERT_URL_HOST:
        raise VerificationException(INVALID_URL)
    if match["port"] is not None and match["port"] != "443":
        raise VerificationException(INVALID_URL)
    path = _decode_unreserved(match["path"] or "")
    segments = path.split("/")[1:]
    if "%" in path or any(segment == "" for segment in segments[:-1]):
        raise VerificationException(INVALID_URL)
    path = _remove_dot_segments(segments)
    if not path.startswith(CERT_URL_PATH_PREFIX):
        raise VerificationException(INVALID_URL)
    names = path[len(CERT_URL_PATH_PREFIX):].split("/")
    if not all(_SEGMENT.fullmatch(name) and name not in (".", "..") for name in names):
        raise VerificationException(INVALID_URL)
    return f"https://{CERT_URL_HOST}{path}"


def _decode_unreserved(path: str) -> str:
    def decode(match: re.Match[str]) -> str:
        char = chr(int(match[1], 16))
        return char if char in _UNRESERVED else match[0]

    return _PERCENT.sub(decode, path)


def _remove_dot_segments(segments: list[str]) -> str:
    """RFC 3986 5.2.4 on an absolute path already split at '/'."""
    output: list[str] = []
    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        if segment == ".":
            if last:
                output.append("")
        elif segment == "..":
            if output:
                output.pop()
            if last:
                output.append("")
        else:
            output.append(segment)
    return "/" + "/".join(output)


# -- the download -------------------------------------------------------------------------

class _RefuseRedirects(urllib.request.HTTPRedirectHandler):
    """A 3xx is an error: the certificate must come from exactly the URL that was checked."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: ANN001, ANN201, PLR0913
        return None


_opener_lock = threading.Lock()
_opener_instance: urllib.request.OpenerDirector | None = None


def _opener() -> urllib.request.OpenerDirector:
    """One opener, with one SSL context (the system's trust store, hostname checks on),
    built on first use and shared by every download."""
    global _opener_instance
    with _opener_lock:
        if _opener_instance is None:
            context = ssl.create_default_context()
            _opener_instance = urllib.request.build_opener(
                urllib.request.HTTPSHandler(context=context), _RefuseRedirects())
        return _opener_instance


def urlopen(url: str, timeout: float):  # noqa: ANN201 - an http.client response
    """Open `url` with the shared opener: no redirects, the shared SSL context."""
    return _opener().open(url, timeout=timeout)


def download_certificate(url: str, timeout_s: float) -> bytes:
    """Fetch the PEM chain from Amazon's bucket, bounded in time and size.

    The socket timeout only bounds each single wait; a server that trickles a byte now
    and then would hold the worker for minutes, so the body also has an overall deadline."""
    deadline = time.monotonic() + timeout_s
    chunks: list[bytes] = []
    received = 0
    with urlopen(url, timeout=timeout_s) as response:  # noqa: S310 - URL normalised before
        while chunk := response.read1(16 * 1024):
            chunks.append(chunk)
            received += len(chunk)
            if received > MAX_CERT_BYTES:
                raise ValueError("certificate chain too large")
            if time.monotonic() > deadline:
                raise TimeoutError("certificate download took too long")
    return b"".join(chunks)


def trusted_roots() -> list[bytes] | None:
    """Extra trust roots for chain validation; None means the system's store (production)."""
    return None


# -- the signature ------------------------------------------------------------------------

@dataclass(frozen=True)
class _ValidatedChain:
    leaf: x509.Certificate
    not_before: datetime
    not_after: datetime


class AlexaSignatureVerifier(RequestVerifier):
    """Signature-256 verification with bounded, expiry-aware caches and download limits.

    `download_timeout_s`: overall deadline of one download. `max_cached_chains`: chains
    (and PEMs) kept. `pem_ttl_s`: how long a downloaded PEM is used before it is fetched
    again. `failure_ttl_s`: how long a failed URL is refused without a new download.
    `new_urls_per_minute`: downloads of URLs that have never validated, per minute, for
    names of Amazon's shape (`AMAZON_CERT_NAME`) and, separately, for any other name: ten
    junk names after a restart cannot spend what Alexa's first request needs."""

    def __init__(
        self,
        download_timeout_s: float = 3.0,
        max_cached_chains: int = 16,
        pem_ttl_s: float = math.inf,
        failure_ttl_s: float = 60.0,
        new_urls_per_minute: int = 10,
        max_remembered_failures: int = 1024,
    ) -> None:
        super().__init__()
        self._timeout_s = download_timeout_s
        self._max_cached = max_cached_chains
        self._pem_ttl_s = pem_ttl_s
        self._failure_ttl_s = failure_ttl_s
        self._new_urls_per_minute = new_urls_per_minute
        self._max_failures = max_remembered_failures
        # Only PEMs whose chain validated are kept here, so junk never evicts Alexa's.
        self._pems: OrderedDict[str, tuple[float, bytes]] = OrderedDict()
        # Keyed by the PEM itself: the cached PEM is one bytes object, whose hash Python
        # keeps, so a warm lookup costs no digest (a SHA-256 of it was 5 µs a request).
        self._chains: OrderedDict[tuple[str, bytes], _ValidatedChain] = OrderedDict()
        self._failures: OrderedDict[str, float] = OrderedDict()
        self._inflight: dict[str, threading.Event] = {}
        #: Download times of never-validated URLs, per budget (Amazon-shaped name or not).
        self._new_url_times: dict[bool, deque[float]] = {True: deque(), False: deque()}
        self._lock = threading.Lock()

    # -- the check itself ---------------------------------------------------------------
    def precheck(self, headers: Any) -> tuple[str, bytes]:
        """The cheap part, runnable before the body is read: both headers present, the URL
        valid (returned normalised), the signature valid base64 (returned decoded)."""
        cert_url, signature = _signature_headers(headers, self._signature_cert_chain_url_key,
                                                 self._signature_key)
        canonical = self._validate_certificate_url(cert_url)
        if len(signature) > MAX_SIGNATURE_B64_CHARS:
            raise VerificationException(BAD_BASE64)
        try:
            decoded = base64.b64decode(signature, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise VerificationException(BAD_BASE64) from exc
        if not decoded:
            raise VerificationException(BAD_BASE64)
        return canonical, decoded

    def verify(self, headers: Any, serialized_request_env: str,
               deserialized_request_env: Any) -> None:
        self.verify_prechecked(self.precheck(headers), serialized_request_env)

    def verify_prechecked(self, prechecked: tuple[str, bytes], serialized_request_env: str) -> None:
        """The rest of `verify` after `precheck` gave (normalised URL, signature bytes): the
        web host runs the cheap part before reading the body and does not repeat it."""
        cert_url, signature = prechecked
        leaf = self._retrieve_and_validate_certificate_chain(cert_url)
        self._valid_request_body(leaf, signature, serialized_request_env)

    def _validate_certificate_url(self, cert_url: str) -> str:  # type: ignore[override]
        return _normalized_cached(cert_url)

    def _retrieve_and_validate_certificate_chain(self, cert_url: str, x509_backend: Any = None):
        """`cert_url` must already be normalised."""
        pem = self._load_cert_chain(cert_url)
        return self._validated_chain(cert_url, pem).leaf

    def _validated_chain(self, cert_url: str, pem: bytes) -> _ValidatedChain:
        key = (cert_url, pem)
        now = datetime.now(timezone.utc)
        with self._lock:
            cached = self._chains.get(key)
            if cached is not None and cached.not_before <= now <= cached.not_after:
                self._chains.move_to_end(key)
                return cached
        validated = self._validate(pem, now)
        with self._lock:
            self._chains[key] = validated
            self._chains.move_to_end(key)
            while len(self._chains) > self._max_cached:
                self._chains.popitem(last=False)
        return validated

    def _validate(self, pem: bytes, now: datetime) -> _ValidatedChain:
        try:
            certs = x509.load_pem_x509_certificates(pem)
        except ValueError as exc:
            raise VerificationException(NOT_PEM) from exc
        self._validate_cert_chain(pem)
        self._validate_end_certificate(certs[0])
        return _ValidatedChain(
            leaf=certs[0],
            not_before=max(c.not_valid_before_utc for c in certs),
            not_after=min(c.not_valid_after_utc for c in certs),
        )

    def _validate_cert_chain(self, cert_chain: bytes) -> None:
        """Path to a trusted root, with the leaf allowed to sign (certvalidator does the work)."""
        from asn1crypto import pem as asn1_pem
        from certvalidator import CertificateValidator, ValidationContext
        from certvalidator.errors import PathError, ValidationError

        try:
            ders = [der for _, _, der in asn1_pem.unarmor(cert_chain, multiple=True)]
            roots = trusted_roots()
            context = ValidationContext(trust_roots=roots) if roots is not None else None
            validator = CertificateValidator(ders[0], ders[1:], validation_context=context)
            validator.validate_usage(key_usage={"digital_signature"})
        except (PathError, ValidationError, ValueError, TypeError, IndexError) as exc:
            raise VerificationException(CHAIN_INVALID) from exc

    def _validate_end_certificate(self, x509_cert: x509.Certificate) -> None:
        now = datetime.now(timezone.utc)
        if not (x509_cert.not_valid_before_utc <= now <= x509_cert.not_valid_after_utc):
            raise VerificationException(LEAF_EXPIRED)
        try:
            san = x509_cert.extensions.get_extension_for_class(x509.SubjectAlternativeName)
        except x509.ExtensionNotFound as exc:
            raise VerificationException(NO_SAN) from exc
        if CERT_CHAIN_DOMAIN not in san.value.get_values_for_type(x509.DNSName):
            raise VerificationException(NOT_ALEXA)

    def _valid_request_body(self, cert_chain: x509.Certificate, signature: bytes,
                            serialized_request_env: str) -> None:
        try:
            cert_chain.public_key().verify(
                signature, serialized_request_env.encode("utf-8", "surrogatepass"),
                self._padding, self._hash_algorithm)
        except (InvalidSignature, TypeError, ValueError) as exc:
            raise VerificationException(BAD_SIGNATURE) from exc

    # -- the download, once per URL at a time ---------------------------------------------
    def _load_cert_chain(self, cert_url: str) -> bytes:
        """The PEM for a normalised URL: from the cache while fresh, else downloaded and
        validated by exactly one thread while others with the same URL wait for it."""
        while True:
            now = time.monotonic()
            with self._lock:
                cached = self._pems.get(cert_url)
                if cached is not None and now - cached[0] < self._pem_ttl_s:
                    self._pems.move_to_end(cert_url)
                    return cached[1]
                failed_at = self._failures.get(cert_url)
                if failed_at is not None and now - failed_at < self._failure_ttl_s:
                    if cached is not None:  # a known-good chain outlives a bucket hiccup
                        return cached[1]
                    raise VerificationException(FETCH_FAILED)
                event = self._inflight.get(cert_url)
                if event is None:
                    if cached is None and not self._spend_new_url_budget(now, cert_url):
                        raise VerificationException(TOO_MANY_URLS)
                    event = self._inflight[cert_url] = threading.Event()
                    break
            if not event.wait(self._timeout_s + 1.0):
                raise VerificationException(FETCH_FAILED)
        try:
            return self._fetch_and_validate(cert_url, cached)
        finally:
            with self._lock:
                self._inflight.pop(cert_url, None)
            event.set()

    def _fetch_and_validate(self, cert_url: str, cached: tuple[float, bytes] | None) -> bytes:
        try:
            pem = download_certificate(cert_url, self._timeout_s)
        except Exception as exc:  # noqa: BLE001 - URLError, timeout, size: all one answer
            log.warning("certificate download failed: %s", type(exc).__name__)
            self._remember_failure(cert_url)
            if cached is not None:
                return cached[1]
            raise VerificationException(FETCH_FAILED) from exc
        try:
            self._validated_chain(cert_url, pem)
        except VerificationException:
            self._remember_failure(cert_url)
            raise
        with self._lock:
            self._failures.pop(cert_url, None)
            self._pems[cert_url] = (time.monotonic(), pem)
            self._pems.move_to_end(cert_url)
            while len(self._pems) > self._max_cached:
                self._pems.popitem(last=False)
        return pem

    def _remember_failure(self, cert_url: str) -> None:
        with self._lock:
            self._failures[cert_url] = time.monotonic()
            self._failures.move_to_end(cert_url)
            while len(self._failures) > self._max_failures:
                self._failures.popitem(last=False)

    def _spend_new_url_budget(self, now: float, cert_url: str) -> bool:
        """One of `new_urls_per_minute` downloads for a URL that has never validated, from
        the budget of its kind of name. Called with the lock held."""
        name = cert_url.rsplit("/", 1)[-1]
        times = self._new_url_times[AMAZON_CERT_NAME.fullmatch(name) is not None]
        while times and now - times[0] >= 60.0:
            times.popleft()
        if len(times) >= self._new_urls_per_minute:
            return False
        times.append(now)
        return True


@lru_cache(maxsize=64)
def _normalized_cached(cert_url: str) -> str:
    """`normalize_cert_url` for the few URLs Alexa uses, remembered (a dict lookup instead
    of about 15 µs of parsing per request). Only valid URLs are remembered (a refusal
    raises, and lru_cache keeps no exceptions), at most 64, least recently used dropped."""
    return normalize_cert_url(cert_url)


def _signature_headers(headers: Any, url_key: str, sig_key: str) -> tuple[str, str]:
    """The two signature headers, any letter case. A plain dict (the SDK's interface, a
    Lambda-style event) is scanned; any other headers object (Flask's) is asked by name,
    which it answers case-insensitively without listing the whole WSGI environment (that
    listing took 10 µs a request)."""
    if not isinstance(headers, dict):
        cert_url, signature = headers.get(url_key), headers.get(sig_key)
        if not cert_url or not signature:
            raise VerificationException(MISSING_HEADERS)
        return cert_url, signature
    cert_url = signature = None
    for name, value in headers.items():
        lowered = name.lower()
        if lowered == url_key.lower():
            cert_url = value
        elif lowered == sig_key.lower():
            signature = value
    if not cert_url or not signature:
        raise VerificationException(MISSING_HEADERS)
    return cert_url, signature


# -- the timestamp and the skill id, on the parsed JSON ---------------------------------

def parse_timestamp(value: Any) -> datetime:
    """A request timestamp as an aware UTC datetime: ISO 8601 with an offset (what Alexa
    sends), or a number read as epoch milliseconds (what an older simulator sent).
    Anything else, including a time without an offset, raises `VerificationException`."""
    if isinstance(value, bool):
        raise VerificationException(TIMESTAMP_INVALID)
    if isinstance(value, (int, float)):
        try:
            return datetime.fromtimestamp(value / 1000, tz=timezone.utc)
        except (OverflowError, ValueError, OSError) as exc:
            raise VerificationException(TIMESTAMP_INVALID) from exc
    if isinstance(value, str) and len(value) <= 64:
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            parsed = None
        if parsed is not None and parsed.tzinfo is not None:
            return parsed.astimezone(timezone.utc)
    raise VerificationException(TIMESTAMP_INVALID)


class GuardedTimestampVerifier(AbstractVerifier):
    """Amazon's 150 s window (1 hour for skill events), failing closed on odd timestamps.
    Works on the parsed JSON envelope (a dict)."""

    def __init__(self, tolerance_ms: int = MAX_NORMAL_REQUEST_TOLERANCE_IN_MILLIS) -> None:
        self._tolerance_s = tolerance_ms / 1000

    def verify(self, headers: Any, serialized_request_env: str,
               deserialized_request_env: Any) -> None:
        request = _section(deserialized_request_env, "request")
        if "timestamp" not in request:
            raise VerificationException(TIMESTAMP_OFF)
        when = parse_timestamp(request["timestamp"])
        try:
            off_s = abs((datetime.now(timezone.utc) - when).total_seconds())
        except OverflowError as exc:
            raise VerificationException(TIMESTAMP_INVALID) from exc
        if off_s <= self._tolerance_s:
            return
        if request.get("type") in ALEXA_SKILL_EVENT_LIST \
                and off_s <= MAX_SKILL_EVENT_TOLERANCE_IN_MILLIS / 1000:
            return
        raise VerificationException(TIMESTAMP_OFF)


class SkillIdVerifier(AbstractVerifier):
    """Rejects requests addressed to any other skill, before a handler runs: the id in
    `context.System.application` must be ours, and so must the session's when present."""

    def __init__(self, skill_id: str) -> None:
        self._skill_id = skill_id

    def verify(self, headers: Any, serialized_request_env: str,
               deserialized_request_env: Any) -> None:
        context_id, session_id = request_skill_ids(deserialized_request_env)
        if context_id != self._skill_id:
            raise VerificationException(SKILL_ID_MISMATCH)
        if session_id is not None and session_id != self._skill_id:
            raise VerificationException(SKILL_ID_MISMATCH)


def request_skill_ids(envelope: Any) -> tuple[Any, Any]:
    """(context.System.application.applicationId, session.application.applicationId) of
    a parsed envelope; None where absent."""
    system = _section(_section(envelope, "context"), "System")
    context_app = _section(system, "application")
    session = _section(envelope, "session")
    session_app = _section(session, "application")
    return context_app.get("applicationId"), session_app.get("applicationId")


def _section(node: Any, key: str) -> dict:
    value = node.get(key) if isinstance(node, dict) else None
    return value if isinstance(value, dict) else {}


def build_verifiers(
    verify_signature: bool,
    verify_timestamp: bool,
    skill_id: str | None,
    download_timeout_s: float = 3.0,
    signature_verifier_factory: Callable[[], AbstractVerifier] | None = None,
) -> list[AbstractVerifier]:
    """The verifiers the web host runs on (headers, raw body text, parsed JSON dict), in
    order: signature, timestamp, skill id."""
    verifiers: list[AbstractVerifier] = []
    if verify_signature:
        factory = signature_verifier_factory or (
            lambda: AlexaSignatureVerifier(download_timeout_s=download_timeout_s))
        verifiers.append(factory())
    if verify_timestamp:
        verifiers.append(GuardedTimestampVerifier())
    if skill_id:
        verifiers.append(SkillIdVerifier(skill_id))
    return verifiers
