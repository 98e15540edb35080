"""Checks that a request really comes from Alexa, for this skill, and now.

Built on ask-sdk-webservice-support's verifiers, with what the web host needs on top:
- every failure is a `VerificationException` with a short reason (upstream lets a
  failed certificate download, bad base64 or a naive timestamp escape as other errors);
- the certificate download has a timeout and a size cap (upstream has neither);
- a validated chain is cached per (URL, content hash) until the earliest expiry in the
  chain, so a warm request costs one RSA signature check; the cache is bounded and a
  changed certificate at the same URL is validated afresh;
- the skill id is checked before any handler runs.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import logging
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable
from urllib.request import urlopen

from skill.oscrypto_compat import ensure_oscrypto_importable

ensure_oscrypto_importable()

from ask_sdk_webservice_support.verifier import (  # noqa: E402
    AbstractVerifier,
    RequestVerifier,
    TimestampVerifier,
    VerificationException,
)
from ask_sdk_webservice_support.verifier_constants import CERT_CHAIN_DOMAIN  # noqa: E402
from cryptography import x509  # noqa: E402
from cryptography.exceptions import InvalidSignature  # noqa: E402

log = logging.getLogger(__name__)

__all__ = [
    "AlexaSignatureVerifier",
    "GuardedTimestampVerifier",
    "SkillIdVerifier",
    "VerificationException",
    "build_verifiers",
    "download_certificate",
    "trusted_roots",
]

MAX_CERT_BYTES = 64 * 1024


def download_certificate(url: str, timeout_s: float) -> bytes:
    """Fetch the PEM chain from Amazon's bucket, bounded in time and size.

    The socket timeout only bounds each single wait; a server that trickles a byte now
    and then would hold the worker for minutes, so the body also has an overall deadline."""
    deadline = time.monotonic() + timeout_s
    chunks: list[bytes] = []
    received = 0
    with urlopen(url, timeout=timeout_s) as response:  # noqa: S310 - URL validated before
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


@dataclass(frozen=True)
class _ValidatedChain:
    leaf: x509.Certificate
    not_before: datetime
    not_after: datetime


class AlexaSignatureVerifier(RequestVerifier):
    """Signature-256 verification with a bounded, expiry-aware cache of validated chains."""

    def __init__(
        self,
        download_timeout_s: float = 3.0,
        max_cached_chains: int = 16,
        pem_ttl_s: float = 3600.0,
    ) -> None:
        super().__init__()
        self._timeout_s = download_timeout_s
        self._max_cached = max_cached_chains
        self._pem_ttl_s = pem_ttl_s
        self._pems: OrderedDict[str, tuple[float, bytes]] = OrderedDict()
        self._chains: OrderedDict[tuple[str, bytes], _ValidatedChain] = OrderedDict()
        self._lock = threading.Lock()

    # -- the check itself -------------------------------------------------------------
    def verify(self, headers: dict[str, Any], serialized_request_env: str,
               deserialized_request_env: Any) -> None:
        cert_url, signature = _signature_headers(headers, self._signature_cert_chain_url_key,
                                                 self._signature_key)
        leaf = self._retrieve_and_validate_certificate_chain(cert_url)
        self._valid_request_body(leaf, signature, serialized_request_env)

    def _retrieve_and_validate_certificate_chain(self, cert_url: str, x509_backend: Any = None):
        try:
            self._validate_certificate_url(cert_url)
        except ValueError as exc:  # e.g. a non-numeric port
            raise VerificationException("invalid certificate URL") from exc
        pem = self._load_cert_chain(cert_url)
        key = (cert_url, hashlib.sha256(pem).digest())
        now = datetime.now(timezone.utc)
        with self._lock:
            cached = self._chains.get(key)
            if cached is not None and cached.not_before <= now <= cached.not_after:
                self._chains.move_to_end(key)
                return cached.leaf
        validated = self._validate(pem, now)
        with self._lock:
            self._chains[key] = validated
            self._chains.move_to_end(key)
            while len(self._chains) > self._max_cached:
                self._chains.popitem(last=False)
        return validated.leaf

    def _validate(self, pem: bytes, now: datetime) -> _ValidatedChain:
        try:
            certs = x509.load_pem_x509_certificates(pem)
        except ValueError as exc:
            raise VerificationException("certificate chain is not valid PEM") from exc
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
            raise VerificationException("certificate chain is not valid") from exc

    def _validate_end_certificate(self, x509_cert: x509.Certificate) -> None:
        now = datetime.now(timezone.utc)
        if not (x509_cert.not_valid_before_utc <= now <= x509_cert.not_valid_after_utc):
            raise VerificationException("signing certificate expired or not yet valid")
        try:
            san = x509_cert.extensions.get_extension_for_class(x509.SubjectAlternativeName)
        except x509.ExtensionNotFound as exc:
            raise VerificationException("signing certificate has no SAN") from exc
        if CERT_CHAIN_DOMAIN not in san.value.get_values_for_type(x509.DNSName):
            raise VerificationException("signing certificate is not for Alexa")

    def _valid_request_body(self, cert_chain: x509.Certificate, signature: str,
                            serialized_request_env: str) -> None:
        try:
            decoded = base64.b64decode(signature, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise VerificationException("signature is not valid base64") from exc
        try:
            cert_chain.public_key().verify(
                decoded, serialized_request_env.encode("utf-8"), self._padding, self._hash_algorithm)
        except (InvalidSignature, TypeError, ValueError) as exc:
            raise VerificationException("signature does not match the body") from exc

    # -- the download -------------------------------------------------------------------
    def _load_cert_chain(self, cert_url: str) -> bytes:
        now = time.monotonic()
        with self._lock:
            cached = self._pems.get(cert_url)
            if cached is not None and now - cached[0] < self._pem_ttl_s:
                return cached[1]
        try:
            pem = download_certificate(cert_url, self._timeout_s)
        except Exception as exc:  # noqa: BLE001 - URLError, timeout, size: all one answer
            log.warning("certificate download failed: %s", type(exc).__name__)
            raise VerificationException("certificate could not be fetched") from exc
        with self._lock:
            self._pems[cert_url] = (now, pem)
            while len(self._pems) > self._max_cached:
                self._pems.popitem(last=False)
        return pem


def _signature_headers(headers: dict[str, Any], url_key: str, sig_key: str) -> tuple[str, str]:
    cert_url = signature = None
    for name, value in headers.items():
        lowered = name.lower()
        if lowered == url_key.lower():
            cert_url = value
        elif lowered == sig_key.lower():
            signature = value
    if not cert_url or not signature:
        raise VerificationException("missing signature headers")
    return cert_url, signature


class GuardedTimestampVerifier(TimestampVerifier):
    """Upstream's 150 s check (1 hour for skill events), failing closed on odd timestamps."""

    def verify(self, headers: dict[str, Any], serialized_request_env: str,
               deserialized_request_env: Any) -> None:
        try:
            super().verify(headers, serialized_request_env, deserialized_request_env)
        except VerificationException as exc:
            raise VerificationException("timestamp is missing or too far from now") from exc
        except (TypeError, ValueError, AttributeError, OverflowError) as exc:
            raise VerificationException("timestamp is not valid") from exc


class SkillIdVerifier(AbstractVerifier):
    """Rejects requests addressed to any other skill, before a handler runs."""

    def __init__(self, skill_id: str) -> None:
        self._skill_id = skill_id

    def verify(self, headers: dict[str, Any], serialized_request_env: str,
               deserialized_request_env: Any) -> None:
        if request_skill_id(deserialized_request_env) != self._skill_id:
            raise VerificationException("skill id does not match")


def request_skill_id(envelope: Any) -> str | None:
    """The applicationId from context.System, else from the session."""
    for path in (("context", "system", "application"), ("session", "application")):
        node = envelope
        for attr in path:
            node = getattr(node, attr, None)
        app_id = getattr(node, "application_id", None)
        if app_id:
            return app_id
    return None


def build_verifiers(
    verify_signature: bool,
    verify_timestamp: bool,
    skill_id: str | None,
    download_timeout_s: float = 3.0,
    signature_verifier_factory: Callable[[], AbstractVerifier] | None = None,
) -> list[AbstractVerifier]:
    """The verifiers the web host runs, in order: signature, timestamp, skill id."""
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
