"""Getting an envelope to the skill: in-process (Flask test client) or over HTTP (urllib)."""
from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any, Protocol

from skill.settings import Settings

DEFAULT_URL = "http://127.0.0.1:5000/alexa"


@dataclass(frozen=True)
class Reply:
    status: int
    body: dict[str, Any] | None
    text: str


class TransportError(RuntimeError):
    """The skill could not be reached at all."""


class Transport(Protocol):
    def post(self, envelope: dict[str, Any]) -> Reply: ...


class InProcessTransport:
    """The skill's own Flask app, built here with local settings: no server needed."""

    def __init__(self, settings: Settings | None = None) -> None:
        from skill.app import create_app

        self.app = create_app(settings or in_process_settings())
        self.client = self.app.test_client()

    def post(self, envelope: dict[str, Any]) -> Reply:
        response = self.client.post("/alexa", data=json.dumps(envelope),
                                    headers={"Content-Type": "application/json"})
        text = response.get_data(as_text=True)
        return Reply(response.status_code, _json_or_none(text), text)


def in_process_settings() -> Settings:
    """Local settings (verification off); preferences in memory unless the environment
    chooses a store, so a simulation leaves nothing behind; request logs only as warnings."""
    settings = Settings.from_env().as_local()
    if not os.environ.get("CRAMP_HELPER_PERSISTENCE"):
        settings = settings.replace(persistence="memory")
    if not os.environ.get("CRAMP_HELPER_LOG_LEVEL"):
        settings = settings.replace(log_level="WARNING")  # the transcript is the output
    return settings


class HttpTransport:
    """A running webhook, e.g. `cramp-helper serve --local`."""

    def __init__(self, url: str = DEFAULT_URL, timeout_s: float = 10.0) -> None:
        self.url = url
        self.timeout_s = timeout_s

    def post(self, envelope: dict[str, Any]) -> Reply:
        request = urllib.request.Request(
            self.url, data=json.dumps(envelope).encode("utf-8"), method="POST",
            headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_s) as response:
                text = response.read().decode("utf-8", "replace")
                return Reply(response.status, _json_or_none(text), text)
        except urllib.error.HTTPError as exc:
            text = exc.read().decode("utf-8", "replace")
            return Reply(exc.code, _json_or_none(text), text)
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise TransportError(f"cannot reach {self.url}: {reason}. Is `cramp-helper serve "
                                 f"--local` running? Or use --in-process.") from None


def _json_or_none(text: str) -> dict[str, Any] | None:
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None
