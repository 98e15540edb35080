"""A pretend Alexa service API on 127.0.0.1, over real HTTPS, for the simulator and the tests.

It answers the three calls the skill makes, with the shapes Amazon documents:
- `GET /v2/devices/{deviceId}/settings/System.timeZone`: the time zone as a JSON string;
- `POST /v1/alerts/timers`: the timer, echoed back with an id and status ON;
- `POST /v1/alerts/reminders`: an alert token and status ON.
Every request is kept (`calls`: method, path, authorization header, JSON body), so a test can
check the body the SDK's own classes produced. `fail[path_prefix]` makes a path answer with an
HTTP status instead, or `"timeout"` to hold the answer past any client's timeout.

TLS: a throwaway CA signs a certificate for the IP 127.0.0.1; `ca_file` is the CA to trust
(settings `alexa_api_ca`, or `CRAMP_HELPER_ALEXA_API_CA`). Nothing here is trusted otherwise,
and the server listens on loopback only.
"""
from __future__ import annotations

import ipaddress
import json
import ssl
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

#: How long a "timeout" failure holds its answer (longer than any timeout the skill uses).
HOLD_S = 4.0


@dataclass
class Call:
    method: str
    path: str
    authorization: str | None
    body: Any


@dataclass
class AlexaStandIn:
    time_zone: str = "Europe/London"
    fail: dict[str, int | str] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._folder = tempfile.TemporaryDirectory(prefix="alexa-standin-")
        self.ca_file, cert_file, key_file = _certificates(Path(self._folder.name))
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert_file, key_file)
        self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> "AlexaStandIn":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._folder.cleanup()

    def __enter__(self) -> "AlexaStandIn":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def calls_to(self, prefix: str) -> list[Call]:
        return [c for c in self.calls if c.path.startswith(prefix)]

    def answer(self, method: str, path: str, body: Any) -> tuple[int, Any]:
        """The status and JSON body for one call."""
        for prefix, status in self.fail.items():
            if path.startswith(prefix):
                if status == "timeout":
                    time.sleep(HOLD_S)
                    return 500, {"code": "TIMEOUT", "message": "held too long"}
                return int(status), {"code": "ERROR", "message": "stand-in failure"}
        now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        if method == "GET" and path.endswith("/settings/System.timeZone"):
            return 200, self.time_zone
        if method == "POST" and path == "/v1/alerts/timers":
            return 200, {"id": str(uuid.uuid4()), "status": "ON", "duration": body.get("duration"),
                         "timerLabel": body.get("timerLabel"), "createdTime": now,
                         "updatedTime": now, "remainingTimeWhenPaused": body.get("duration")}
        if method == "POST" and path == "/v1/alerts/reminders":
            return 201, {"alertToken": str(uuid.uuid4()), "createdTime": now, "updatedTime": now,
                         "status": "ON", "version": "1", "href": "/v1/alerts/reminders/1"}
        return 404, {"code": "NOT_FOUND", "message": "no such path"}


def _handler(standin: AlexaStandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _serve(self, method: str) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            try:
                body = json.loads(raw) if raw else None
            except ValueError:
                body = raw.decode("utf-8", "replace")
            standin.calls.append(Call(method, self.path, self.headers.get("Authorization"), body))
            status, answer = standin.answer(method, self.path, body if isinstance(body, dict) else {})
            data = json.dumps(answer).encode("utf-8")
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except OSError:
                pass  # the client gave up (a timeout test)

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            self._serve("GET")

        def do_POST(self) -> None:  # noqa: N802
            self._serve("POST")

        def log_message(self, *args: Any) -> None:
            pass

    return Handler


def _certificates(folder: Path) -> tuple[str, str, str]:
    """A CA, and a leaf for IP 127.0.0.1 signed by it: (CA file, cert file, key file)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    def name(common: str) -> x509.Name:
        return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])

    now = datetime.now(timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (x509.CertificateBuilder().subject_name(name("Alexa stand-in root"))
          .issuer_name(name("Alexa stand-in root")).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number())
          .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=30))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    leaf = (x509.CertificateBuilder().subject_name(name("127.0.0.1")).issuer_name(ca.subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=30))
            .add_extension(x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .sign(ca_key, hashes.SHA256()))
    files = (folder / "ca.pem", folder / "cert.pem", folder / "key.pem")
    files[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    files[1].write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    files[2].write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return tuple(str(f) for f in files)  # type: ignore[return-value]
