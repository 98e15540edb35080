"""The web host: a Flask app factory with the Alexa webhook and a health check.

`create_app()` is what `cramp-helper serve` and `gunicorn 'skill.app:create_app()'` run.
Every request is answered: a verified, well-formed Alexa request gets the skill's
response; anything else gets a 4xx with a short JSON reason. Nothing escapes as a 500.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
import time
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import ClientDisconnected, HTTPException, RequestEntityTooLarge

from skill.pages import register_pages
from skill.settings import Settings
from skill.startup import long_lived
from skill.verification import (
    REASONS,
    AlexaSignatureVerifier,
    VerificationException,
    build_verifiers,
)

if TYPE_CHECKING:
    from ask_sdk_core.skill import CustomSkill
    from ask_sdk_webservice_support.verifier import AbstractVerifier

log = logging.getLogger("skill.requests")

#: Spoken when the skill itself fails past its own exception handler: never silence.
SAFETY_NET_SPEECH = "Sorry, I had a problem just now. Please ask me again."


class BadRequest(Exception):
    """A request the host refuses, with its status and a short reason for the wire."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def create_app(
    settings: Settings | None = None,
    *,
    skill: "CustomSkill | None" = None,
    verifiers: "list[AbstractVerifier] | None" = None,
) -> Flask:
    """Build the Flask app. The skill is assembled here, once, so bad content or
    configuration stops start-up instead of failing the first request. Without explicit
    settings (gunicorn), the environment's settings must name SKILL_ID when verifying, and
    the app is built as a server process's start-up (`skill.startup.long_lived`)."""
    if settings is None:  # the production entry point (gunicorn): settings from the environment
        settings = Settings.from_env()
        problem = settings.startup_problem()
        if problem:
            raise RuntimeError(f"cannot start: {problem}")
        # A server process: start-up objects live as long as it does (skill/startup.py).
        with long_lived():
            return create_app(settings, skill=skill, verifiers=verifiers)
    configure_logging(settings.log_level)
    set_log_key(settings.log_key)
    if settings.local:
        logging.getLogger("skill").warning(
            "LOCAL MODE: request verification is OFF (signature=%s, timestamp=%s). "
            "Never expose this server to the internet.",
            settings.verify_signature, settings.verify_timestamp)
    if not settings.skill_id:
        logging.getLogger("skill").warning(
            "SKILL_ID is not set: requests for any skill id are accepted. Set it in production.")
    if skill is None:
        from skill.assembly import build_skill

        skill = build_skill(settings)
    if verifiers is None:
        verifiers = build_verifiers(settings.verify_signature, settings.verify_timestamp,
                                    settings.skill_id, settings.cert_download_timeout_s)
    webhook = AlexaWebhook(skill, verifiers, settings.max_body_bytes)

    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes
    app.extensions["cramp_helper"] = {"settings": settings, "skill": skill, "webhook": webhook}
    register_pages(app, settings.content_dir, settings.publisher, settings.contact)  # /privacy, /terms

    @app.post("/alexa")
    def alexa() -> Response:
        return webhook.handle_http()

    @app.get("/healthz")
    def healthz() -> Response:
        return jsonify(status="ok")

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):  # noqa: ANN202
        return jsonify(error=exc.name.lower()), exc.code

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):  # noqa: ANN202
        logging.getLogger("skill").exception("unhandled error outside the webhook")
        return jsonify(error="bad request"), 400

    return app


class AlexaWebhook:
    """Reads, verifies and dispatches one POST, cheapest checks first: the content type,
    the body size (also for chunked bodies), the signature headers and certificate URL,
    the JSON itself, then the signature, timestamp and skill id, and only then the SDK's
    parsing and the skill (ask-sdk-webservice-support's handler, with no verifiers of its
    own)."""

    def __init__(self, skill: "CustomSkill", verifiers: "list[AbstractVerifier]",
                 max_body_bytes: int = 64 * 1024) -> None:
        from ask_sdk_webservice_support.webservice_handler import WebserviceSkillHandler

        self._handler = WebserviceSkillHandler(
            skill, verify_signature=False, verify_timestamp=False, verifiers=[])
        self._skill = skill
        self.verifiers = list(verifiers)
        self._max_body_bytes = max_body_bytes
        self._prechecks = [v for v in self.verifiers if isinstance(v, AlexaSignatureVerifier)]
        self._cheap = [v for v in self.verifiers if not isinstance(v, AlexaSignatureVerifier)]

    def handle_http(self) -> Response:
        started = time.perf_counter()
        summary: dict[str, Any] = {"type": None, "topic": None, "user": None}
        try:
            if request.mimetype != "application/json":
                raise BadRequest(415, "content type must be application/json")
            raw = self._read_raw()
            prechecked = {id(verifier): _verification(verifier.precheck, request.headers)
                          for verifier in self._prechecks}
            body_text, envelope = self._parse(raw, summary)
            # The checks that cost nothing (timestamp, skill id) before the signature's,
            # which may download a certificate chain: a stale or foreign request never
            # spends the download budget.
            for verifier in self._cheap:
                _verification(verifier.verify, request.headers, body_text, envelope)
            for verifier in self._prechecks:  # their cheap part is done: not twice
                _verification(verifier.verify_prechecked, prechecked[id(verifier)], body_text)
            payload = self._dispatch(_sdk_body(body_text, envelope), envelope)
            status, outcome = 200, "ok"
            response = jsonify(payload)
        except BadRequest as exc:
            status, outcome = exc.status, exc.reason
            response = jsonify(error=exc.reason)
        response.status_code = status
        log_request(summary, status, outcome, started)
        return response

    def _read_raw(self) -> bytes:
        """The body, at most `max_body_bytes`; 413 past that whether or not a
        Content-Length was sent (chunked bodies are counted as they arrive)."""
        limit = self._max_body_bytes
        try:
            if request.content_length is not None and request.content_length > limit:
                raise BadRequest(413, "body too large")
            stream = request.stream
            chunks: list[bytes] = []
            received = 0
            while chunk := stream.read(16 * 1024):
                received += len(chunk)
                if received > limit:
                    raise BadRequest(413, "body too large")
                chunks.append(chunk)
        except RequestEntityTooLarge:
            raise BadRequest(413, "body too large") from None
        except (ClientDisconnected, OSError):
            raise BadRequest(400, "body incomplete") from None
        return b"".join(chunks)

    def _parse(self, raw: bytes, summary: dict[str, Any]) -> tuple[str, dict]:
        if not raw.strip():
            raise BadRequest(400, "empty body")
        try:
            text = raw.decode("utf-8")
            envelope = json.loads(text)
        except (UnicodeDecodeError, ValueError):
            raise BadRequest(400, "body is not valid JSON") from None
        except RecursionError:
            raise BadRequest(400, "body nested too deeply") from None
        summarize(envelope, summary)
        if not _looks_like_envelope(envelope):
            raise BadRequest(400, "not an Alexa request envelope")
        return text, envelope

    def _dispatch(self, body_text: str, envelope: dict) -> dict:
        from ask_sdk_core.exceptions import SerializationException

        try:
            return self._handler.verify_request_and_dispatch(
                http_request_headers=dict(request.headers), http_request_body=body_text)
        except SerializationException:
            raise BadRequest(400, "malformed request envelope") from None
        except RecursionError:
            raise BadRequest(400, "request envelope nested too deeply") from None
        except Exception:  # noqa: BLE001 - the skill failed past its exception handler
            logging.getLogger("skill").exception("skill failed; answering with the safety net")
            return safety_net_response(envelope)


def _verification(check: Any, *args: Any) -> Any:
    """Run one verification step; a failure is a 400 with one of the fixed reasons (never
    text from the request, e.g. an upstream message quoting the URL)."""
    try:
        return check(*args)
    except VerificationException as exc:
        reason = exc.args[0] if exc.args and exc.args[0] in REASONS else "rejected"
        raise BadRequest(400, f"verification failed: {reason}") from None
    except RecursionError:
        raise BadRequest(400, "body nested too deeply") from None


def _sdk_body(body_text: str, envelope: dict) -> str:
    """The body the SDK parses. Its model reads `request.timestamp` only as ISO 8601, but
    an older simulator sent epoch milliseconds: that number is rewritten as ISO 8601 (the
    signature was checked on the original text already)."""
    req = envelope["request"]
    stamp = req.get("timestamp")
    if not isinstance(stamp, (int, float)) or isinstance(stamp, bool):
        return body_text
    try:
        when = datetime.fromtimestamp(stamp / 1000, tz=timezone.utc)
    except (OverflowError, ValueError, OSError):
        raise BadRequest(400, "timestamp is not valid") from None
    req["timestamp"] = when.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return json.dumps(envelope)


def _looks_like_envelope(envelope: Any) -> bool:
    """The shape every request needs before the SDK sees it: a typed request (and, for an
    IntentRequest, a named intent)."""
    if not isinstance(envelope, dict):
        return False
    req = envelope.get("request")
    if not (isinstance(req, dict) and isinstance(req.get("type"), str)
            and isinstance(envelope.get("version", "1.0"), str)):
        return False
    if req["type"] == "IntentRequest":
        intent = req.get("intent")
        return isinstance(intent, dict) and isinstance(intent.get("name"), str) and bool(intent["name"])
    return True


#: The request log's coarse word for an intent, in place of its name: a line that ties
#: requests to one user (the tag) must not say "pregnancy" or "medication". Health
#: questions of every kind are one word, "referral"; an intent not listed is "other".
LOG_TOPICS: dict[str, str] = {
    **dict.fromkeys(("IsItSeriousIntent", "SymptomIntent", "SignAbsentIntent",
                     "SignUnsureIntent", "CrampDurationIntent", "PregnancyIntent",
                     "MedicationIntent", "PainReliefIntent", "RemedyIntent", "DoseIntent",
                     "ConditionIntent", "JourneyIntent", "TenMinuteTimerIntent"), "referral"),
    **dict.fromkeys(("ReliefStepsIntent", "NotHelpingIntent", "StretchTimerIntent",
                     "StopCountingIntent", "NotReadyIntent",
                     "WalkIntent", "StandIntent", "HoldLengthIntent",
                     "HeatOrColdIntent", "AMAZON.NextIntent", "AMAZON.PreviousIntent",
                     "AMAZON.PauseIntent", "AMAZON.ResumeIntent", "AMAZON.StartOverIntent"),
                    "relief"),
    **dict.fromkeys(("QuietVoiceIntent", "NormalVoiceIntent", "SetHoldTimeIntent",
                     "ForgetSettingsIntent"), "setting"),
    **dict.fromkeys(("PreventionIntent", "CausesIntent", "SourcesIntent",
                     "StretchReminderIntent"), "information"),
    **dict.fromkeys(("AMAZON.YesIntent", "AMAZON.NoIntent", "NotSureIntent", "MaybeIntent"),
                    "answer"),
    **dict.fromkeys(("AMAZON.HelpIntent", "AMAZON.StopIntent", "AMAZON.CancelIntent",
                     "AMAZON.FallbackIntent", "AMAZON.NavigateHomeIntent",
                     "AMAZON.RepeatIntent", "GoodbyeIntent"), "navigation"),
}


def summarize(envelope: Any, summary: dict[str, Any]) -> None:
    """Pick the loggable facts out of a parsed body: the request type, a coarse topic
    word for an intent (`LOG_TOPICS`, never its name or slots), the user's daily tag."""
    if not isinstance(envelope, dict):
        return
    req = envelope.get("request")
    if isinstance(req, dict):
        summary["type"] = _short(req.get("type"))
        intent = req.get("intent")
        if isinstance(intent, dict):
            name = intent.get("name")
            summary["topic"] = LOG_TOPICS.get(name, "other") if isinstance(name, str) else "other"
    summary["user"] = user_tag(_user_id(envelope))


def _user_id(envelope: dict) -> str | None:
    for section in (envelope.get("context"), envelope.get("session")):
        if not isinstance(section, dict):
            continue
        system = section.get("System", section)
        user = system.get("user") if isinstance(system, dict) else None
        if isinstance(user, dict) and isinstance(user.get("userId"), str):
            return user["userId"]
    return None


# The key of the log's user tags. Without CRAMP_HELPER_LOG_KEY it is random per process:
# tags then agree within one server run (waitress: one process) and cannot be matched
# against a user id by anyone who holds the id but not the key. With a key, tags agree
# across processes and restarts, but only for one UTC day (see `user_tag`).
_log_key: bytes = secrets.token_bytes(32)
#: (UTC day number, that day's key), derived once a day.
_day_key: tuple[int, bytes] = (-1, b"")


def set_log_key(key: str | bytes | None) -> None:
    """Use `key` (CRAMP_HELPER_LOG_KEY) for user tags; None keeps this process's random key."""
    global _log_key, _day_key
    if key:
        _log_key = key.encode("utf-8") if isinstance(key, str) else key
        _day_key = (-1, b"")


def _key_of_today() -> bytes:
    """HMAC-SHA256(log key, "YYYY-MM-DD" in UTC), computed on the first request of a day."""
    global _day_key
    day = int(time.time() // 86400)
    cached_day, key = _day_key
    if cached_day != day:
        date = time.strftime("%Y-%m-%d", time.gmtime(day * 86400)).encode("ascii")
        key = hmac.new(_log_key, date, hashlib.sha256).digest()
        _day_key = (day, key)
    return key


def user_tag(user_id: str | None) -> str | None:
    """A short keyed one-way tag for a user id (keyed BLAKE2b, a MAC in one C call, under
    the day's key; 40 bits):
    enough to follow one user through one day's logs, useless without the key, and a
    different tag the next UTC day, so the log holds no lasting per-user history."""
    if not user_id:
        return None
    # surrogatepass: JSON may carry a lone surrogate (\ud800), which strict UTF-8 refuses.
    message = user_id.encode("utf-8", "surrogatepass")
    return "u:" + hashlib.blake2b(message, key=_key_of_today(), digest_size=5).hexdigest()


def _short(value: Any, limit: int = 64) -> str | None:
    return value[:limit] if isinstance(value, str) else None


def safety_net_response(envelope: dict | None = None) -> dict:
    """A calm spoken answer that keeps the session open and hands the session attributes
    back unchanged, so the user's place in the conversation is not lost."""
    session = (envelope or {}).get("session")
    attributes = session.get("attributes") if isinstance(session, dict) else None
    return {
        "version": "1.0",
        "sessionAttributes": attributes if isinstance(attributes, dict) else {},
        "response": {
            "outputSpeech": {"type": "SSML", "ssml": f"<speak>{SAFETY_NET_SPEECH}</speak>"},
            "reprompt": {"outputSpeech": {"type": "SSML", "ssml": f"<speak>{SAFETY_NET_SPEECH}</speak>"}},
            "shouldEndSession": False,
        },
    }


def log_request(summary: dict[str, Any], status: int, outcome: str, started: float) -> None:
    log.info(json.dumps({
        "event": "alexa_request",
        "type": summary.get("type"),
        "topic": summary.get("topic"),
        "user": summary.get("user"),
        "status": status,
        "outcome": outcome,
        "latency_ms": round((time.perf_counter() - started) * 1000, 2),
    }, separators=(",", ":")))


def configure_logging(level: str = "INFO") -> None:
    """One plain line per record on stderr; the request lines are JSON themselves."""
    root = logging.getLogger("skill")
    if not root.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
        root.addHandler(handler)
        root.propagate = False
    root.setLevel(level)
