"""The production HTTP server behind `cramp-helper serve`: waitress.

Waitress reads and writes sockets in one event loop and hands only complete requests to
its worker threads, so idle connections and clients that trickle their headers cost a
file descriptor each, never a thread: they cannot starve Alexa's requests (gunicorn's
sync workers can; Flask's development server is not for production at all). The limits
set here bound what one client can hold: how many connections (`connection_limit`,
capped by the process's file limit), how long an idle one stays (`channel_timeout`), and
how much a request may send (headers, and a body a little over the webhook's own cap,
which answers 413 itself).
"""
from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger("skill.serving")

#: Descriptors kept for everything but client connections: listener, SQLite, logs, the
#: certificate download, waitress's trigger pipe.
RESERVED_FDS = 64
#: Alexa's headers are well under 8 KiB.
MAX_HEADER_BYTES = 32 * 1024


def connection_limit_for(requested: int) -> int:
    """`requested`, lowered to fit the file limit (raising the soft limit towards the
    hard one first), never below 10."""
    try:
        import resource
    except ImportError:  # pragma: no cover - not POSIX
        return requested
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = requested + RESERVED_FDS
    if soft != resource.RLIM_INFINITY and soft < wanted:
        target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError):
            pass
    if soft == resource.RLIM_INFINITY:
        return requested
    return max(10, min(requested, soft - RESERVED_FDS))


def server_options(*, threads: int, connection_limit: int, channel_timeout: int,
                   max_body_bytes: int) -> dict[str, Any]:
    """Waitress's adjustments for an internet-facing webhook (see the module docstring)."""
    return {
        "threads": max(1, threads),
        "connection_limit": connection_limit_for(connection_limit),
        "channel_timeout": max(1, channel_timeout),
        "cleanup_interval": max(1, min(30, channel_timeout // 2 or 1)),
        # poll(), not select(): select() fails past 1,024 descriptors.
        "asyncore_use_poll": True,
        "max_request_header_size": MAX_HEADER_BYTES,
        # A margin over the webhook's cap, so the webhook's own JSON 413 answers first;
        # waitress refuses anything larger without buffering it.
        "max_request_body_size": max_body_bytes + 16 * 1024,
        "expose_tracebacks": False,
        "ident": "leg-cramp-helper",
    }


def serve_forever(app: Any, host: str, port: int, *, threads: int = 8,
                  connection_limit: int = 1000, channel_timeout: int = 30,
                  max_body_bytes: int = 64 * 1024) -> None:
    """Serve the WSGI `app` on host:port until interrupted."""
    from waitress import serve

    options = server_options(threads=threads, connection_limit=connection_limit,
                             channel_timeout=channel_timeout, max_body_bytes=max_body_bytes)
    log.info("waitress: %(threads)d threads, up to %(connection_limit)d connections, "
             "idle timeout %(channel_timeout)d s", options)
    serve(app, host=host, port=port, **options)
