"""A throwaway certificate authority that signs requests the way Alexa does.

For tests and the benchmark only: it makes a CA and a leaf with SAN
`echo-api.amazon.com` (key usage: digital signature), and signs a body with the leaf key
(PKCS#1 v1.5, SHA-256), base64 in the `Signature-256` header. Nothing here is trusted
unless a test or the benchmark puts its CA into `skill.verification.trusted_roots`.
"""
from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

CERT_URL = "https://s3.amazonaws.com/echo.api/echo-api-cert-test.pem"


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


@dataclass
class ThrowawayCA:
    """A CA plus one signing leaf; `leaf_valid` shifts the leaf's validity for expiry tests."""

    leaf_valid_from: timedelta = timedelta(days=-1)
    leaf_valid_for: timedelta = timedelta(days=30)
    san: str = "echo-api.amazon.com"
    ca_key: rsa.RSAPrivateKey = field(default_factory=_key, repr=False)
    leaf_key: rsa.RSAPrivateKey = field(default_factory=_key, repr=False)

    def __post_init__(self) -> None:
        now = datetime.now(timezone.utc)
        self.ca_cert = (
            x509.CertificateBuilder()
            .subject_name(_name("Throwaway Test Root"))
            .issuer_name(_name("Throwaway Test Root"))
            .public_key(self.ca_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=2))
            .not_valid_after(now + timedelta(days=365))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(
                digital_signature=True, content_commitment=False, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
                encipher_only=False, decipher_only=False), critical=True)
            .sign(self.ca_key, hashes.SHA256())
        )
        self.leaf_cert = self.issue_leaf(self.leaf_key)

    def issue_leaf(self, key: rsa.RSAPrivateKey) -> x509.Certificate:
        now = datetime.now(timezone.utc)
        start = now + self.leaf_valid_from
        return (
            x509.CertificateBuilder()
            .subject_name(_name(self.san))
            .issuer_name(self.ca_cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(start)
            .not_valid_after(start + self.leaf_valid_for)
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(self.san)]), critical=False)
            .add_extension(x509.KeyUsage(
                digital_signature=True, content_commitment=False, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
                encipher_only=False, decipher_only=False), critical=True)
            .sign(self.ca_key, hashes.SHA256())
        )

    @property
    def ca_pem(self) -> bytes:
        return self.ca_cert.public_bytes(serialization.Encoding.PEM)

    @property
    def chain_pem(self) -> bytes:
        """What Amazon's bucket serves: the leaf first, then the issuer."""
        return self.leaf_cert.public_bytes(serialization.Encoding.PEM) + self.ca_pem

    def sign(self, body: bytes | str) -> str:
        data = body.encode("utf-8") if isinstance(body, str) else body
        signature = self.leaf_key.sign(data, padding.PKCS1v15(), hashes.SHA256())
        return base64.b64encode(signature).decode("ascii")

    def headers(self, body: bytes | str, cert_url: str = CERT_URL) -> dict[str, str]:
        return {
            "Content-Type": "application/json; charset=utf-8",
            "SignatureCertChainUrl": cert_url,
            "Signature-256": self.sign(body),
        }
