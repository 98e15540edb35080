"""Gunicorn app factory for the benchmark's server processes (never used in production).

    gunicorn 'skill.bench.server:create_bench_app("skill")'   # or "floor"

Settings come from the environment exactly as in production (`Settings.from_env`). When
the benchmark runs with verification ON it writes its throwaway CA and the chain "served at
the certificate URL" to files and names them in two environment variables; this factory
then points `skill.verification.download_certificate` and `trusted_roots` at those files,
in this server process only, so the real verifier runs in full without any network.
Nothing here imports the throwaway CA builder or cryptography's key tools: the server's
import profile stays that of production.
"""
from __future__ import annotations

import os
from pathlib import Path

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask

#: PEM of the throwaway root the server should trust.
CA_FILE_ENV = "CRAMP_HELPER_BENCH_CA_FILE"
#: PEM chain (leaf first) the server "downloads" from any certificate URL.
CHAIN_FILE_ENV = "CRAMP_HELPER_BENCH_CHAIN_FILE"

KINDS = ("skill", "floor")


def create_bench_app(kind: str = "skill") -> "Flask":
    """The real skill, or the hello-world floor, on the same app factory and settings."""
    # Imported here so the benchmark's client can read this module's constants cheaply.
    from skill.app import create_app
    from skill.settings import Settings

    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
    trust_bench_certificates()
    settings = Settings.from_env()
    if kind == "floor":
        from skill.bench.floor import build_hello_skill

        return create_app(settings, skill=build_hello_skill(settings))
    from skill.startup import long_lived

    with long_lived():  # as the skill's own entry points start it (cramp-helper serve, gunicorn)
        return create_app(settings)


def trust_bench_certificates() -> bool:
    """Patch the verifier's two seams from the benchmark's files; False when not asked to."""
    ca_file, chain_file = os.environ.get(CA_FILE_ENV), os.environ.get(CHAIN_FILE_ENV)
    if not (ca_file and chain_file):
        return False
    from skill import verification

    ca_pem = Path(ca_file).read_bytes()
    chain_pem = Path(chain_file).read_bytes()

    def download_certificate(url: str, timeout_s: float) -> bytes:
        return chain_pem

    def trusted_roots() -> list[bytes]:
        return [ca_pem]

    verification.download_certificate = download_certificate
    verification.trusted_roots = trusted_roots
    return True


def serve_on_fd(server: str, kind: str, fd: int) -> None:
    """Serve the bench app on the listening socket `fd` (bound by the benchmark), with
    `cramp-helper serve`'s waitress settings or Flask's development server (Werkzeug,
    threaded, as `flask run` has it)."""
    import socket

    app = create_bench_app(kind)
    if server == "waitress":
        from waitress import serve

        from skill.serving import server_options
        from skill.settings import Settings

        options = server_options(threads=8, connection_limit=1000, channel_timeout=30,
                                 max_body_bytes=Settings.from_env().max_body_bytes)
        serve(app, sockets=[socket.socket(fileno=fd)], **options)
    elif server == "werkzeug":
        from werkzeug.serving import make_server

        listener = socket.socket(fileno=fd)
        host, port = listener.getsockname()[:2]
        listener.detach()
        make_server(host, port, app, threaded=True, fd=fd).serve_forever()
    else:
        raise ValueError(f"server must be waitress or werkzeug, not {server!r}")


def main(argv: list[str] | None = None) -> None:
    """`python -m skill.bench.server waitress|werkzeug skill|floor FD`"""
    import sys

    server, kind, fd = (argv if argv is not None else sys.argv[1:])
    serve_on_fd(server, kind, int(fd))


if __name__ == "__main__":
    main()
