"""Logs never carry a user id, an API access token or any part of a request body.

A whole conversation (and a few broken requests, because error paths are where leaks
hide) runs with recognisable canary values, with every logger at DEBUG. All log output
is captured three ways: a handler on the root logger and on every logger that does not
propagate (skill.app.configure_logging sets propagate=False on "skill"), the streams of
every existing StreamHandler swapped for a buffer, and the process's stdout/stderr.
"""
from __future__ import annotations

import io
import json
import logging
import uuid

import pytest

from skill import envelopes
from skill.app import create_app, user_tag
from skill.settings import Settings

CANARY = uuid.uuid4().hex[:16].upper()
USER_ID = f"amzn1.ask.account.PRIVACYUSER{CANARY}"
ACCESS_TOKEN = f"eyJ0eXAiOiJKV1Qi.PRIVACYTOKEN{CANARY}"
DEVICE_ID = f"amzn1.ask.device.PRIVACYDEVICE{CANARY}"
SESSION_ID = f"amzn1.echo-api.session.PRIVACYSESSION{CANARY}"
SLOT_TEXT = f"calfslot{CANARY.lower()}"
ATTRIBUTE_TEXT = f"attribute{CANARY}"
ERROR_TEXT = f"errormessage{CANARY}"

FLOW = [
    ("LaunchRequest", None, None),
    ("IntentRequest", "ReliefStepsIntent", {"muscle": envelopes.slot("muscle", SLOT_TEXT, "CALF", "calf", "ER_SUCCESS_MATCH")}),
    ("IntentRequest", "AMAZON.NextIntent", None),
    ("IntentRequest", "AMAZON.RepeatIntent", None),
    ("IntentRequest", "StretchTimerIntent", {"duration": "PT30S"}),
    ("IntentRequest", "AMAZON.PauseIntent", None),
    ("IntentRequest", "AMAZON.ResumeIntent", None),
    ("IntentRequest", "IsItSeriousIntent", None),
    ("IntentRequest", "AMAZON.YesIntent", None),
    ("IntentRequest", "AMAZON.NoIntent", None),
    ("IntentRequest", "AMAZON.HelpIntent", None),
    ("IntentRequest", "AMAZON.FallbackIntent", {"muscle": SLOT_TEXT}),
    ("IntentRequest", "AMAZON.StopIntent", None),
    ("SessionEndedRequest", None, None),
    ("AlexaSkillEvent.SkillDisabled", None, None),
]


class Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        # format() renders args and any traceback, which is where values leak
        self.lines.append(self.format(record))


@pytest.fixture
def all_log_output(capfd):
    """Yields a function returning everything logged or printed since the fixture began."""
    capture = Capture()
    buffer = io.StringIO()
    loggers = [logging.getLogger()] + [logging.getLogger(name) for name in list(logging.root.manager.loggerDict)]
    saved_levels = {logger: logger.level for logger in loggers}
    swapped_streams = []
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
        for handler in logger.handlers:
            if type(handler) is logging.StreamHandler:
                swapped_streams.append((handler, handler.setStream(buffer)))
    targets = [logger for logger in loggers if logger is logging.root or not logger.propagate]
    state = {"targets": targets}
    for logger in targets:
        logger.addHandler(capture)

    def attach_to_new_loggers() -> None:
        """Loggers created since (e.g. by create_app) get the capture too."""
        for name in list(logging.root.manager.loggerDict):
            logger = logging.getLogger(name)
            if logger not in saved_levels:
                saved_levels[logger] = logger.level
                logger.setLevel(logging.DEBUG)
                if not logger.propagate and logger not in state["targets"]:
                    logger.addHandler(capture)
                    state["targets"].append(logger)
                for handler in logger.handlers:
                    if type(handler) is logging.StreamHandler and handler.stream is not buffer:
                        swapped_streams.append((handler, handler.setStream(buffer)))

    def output() -> str:
        out, err = capfd.readouterr()
        return "\n".join(capture.lines + [buffer.getvalue(), out, err])

    output.attach_to_new_loggers = attach_to_new_loggers  # type: ignore[attr-defined]
    yield output
    for logger in state["targets"]:
        logger.removeHandler(capture)
    for handler, stream in swapped_streams:
        handler.setStream(stream)
    for logger, level in saved_levels.items():
        logger.setLevel(level)


def _envelope(kind: str, intent: str | None, slots: dict | None, attributes: dict) -> dict:
    common = {"user_id": USER_ID, "device_id": DEVICE_ID, "session_id": SESSION_ID,
              "session_attributes": {**attributes, "note": ATTRIBUTE_TEXT}}
    if kind == "LaunchRequest":
        env = envelopes.launch_request(**common)
    elif kind == "IntentRequest":
        env = envelopes.intent_request(intent, slots, **common)
    elif kind == "SessionEndedRequest":
        env = envelopes.session_ended_request("ERROR", **common)
        env["request"]["error"] = {"type": "INVALID_RESPONSE", "message": ERROR_TEXT}
    else:
        common.pop("session_attributes"), common.pop("session_id")
        env = envelopes.skill_disabled_event(**common)
    env["context"]["System"]["apiAccessToken"] = ACCESS_TOKEN
    return env


def _broken_requests() -> list[str]:
    """Bodies that take the error paths, each carrying the canaries."""
    launch = _envelope("LaunchRequest", None, None, {})
    bad_timestamp = json.loads(json.dumps(launch))
    bad_timestamp["request"]["timestamp"] = f"not-a-time-{CANARY}"
    bad_intent = json.loads(json.dumps(launch))
    bad_intent["request"] = {"type": "IntentRequest", "intent": f"intent{CANARY}"}
    deep = json.dumps(launch).replace(f'"{ATTRIBUTE_TEXT}"', "[" * 5_000 + f'"{ATTRIBUTE_TEXT}"' + "]" * 5_000)
    return [json.dumps(bad_timestamp), json.dumps(bad_intent), deep,
            json.dumps(launch)[:-40], json.dumps({"request": SLOT_TEXT, "user": USER_ID})]


def test_a_full_conversation_leaves_no_ids_tokens_or_bodies_in_the_logs(all_log_output, tmp_path) -> None:
    app = create_app(Settings(persistence="memory", db_path=tmp_path / "p.sqlite3",
                              log_level="DEBUG").as_local())
    all_log_output.attach_to_new_loggers()
    client = app.test_client()
    attributes: dict = {}
    statuses = []
    bodies = []
    for kind, intent, slots in FLOW:
        envelope = _envelope(kind, intent, slots, attributes)
        bodies.append(json.dumps(envelope))
        reply = client.post("/alexa", data=bodies[-1], headers={"Content-Type": "application/json"})
        statuses.append(reply.status_code)
        answer = reply.get_json(silent=True) or {}
        attributes = {k: v for k, v in (answer.get("sessionAttributes") or {}).items() if k != "note"}
    for body in _broken_requests():
        reply = client.post("/alexa", data=body, headers={"Content-Type": "application/json"})
        statuses.append(reply.status_code)
    logged = all_log_output()

    assert statuses[: len(FLOW)] == [200] * len(FLOW)
    assert all(400 <= status < 500 for status in statuses[len(FLOW):]), statuses
    # The capture works: every request left its summary line, and the user as a tag.
    assert logged.count('"event":"alexa_request"') >= len(FLOW), logged[:2000]
    assert user_tag(USER_ID) in logged

    leaks = sorted({name for name, secret in secret_fragments(bodies) if secret in logged})
    assert not leaks, f"found in the logs: {leaks}\n{logged[:3000]}"


def secret_fragments(bodies: list[str]) -> list[tuple[str, str]]:
    """What must never appear: the canaries, any 12-character run of their unique parts,
    request ids, and JSON fragments of the bodies."""
    secrets = [("user id", USER_ID), ("access token", ACCESS_TOKEN), ("device id", DEVICE_ID),
               ("session id", SESSION_ID), ("slot value", SLOT_TEXT), ("session attribute", ATTRIBUTE_TEXT),
               ("error message", ERROR_TEXT), ("canary", CANARY)]
    for label, value in list(secrets):
        unique = value.rsplit(".", 1)[-1]
        secrets += [(f"part of the {label}", unique[start:start + 12]) for start in range(0, len(unique) - 11)]
    for body in bodies:
        envelope = json.loads(body)
        secrets.append(("request id", envelope["request"]["requestId"]))
        secrets.append(("body fragment", body[:60]))
        secrets.append(("body fragment", json.dumps(envelope["request"])[:60]))
    secrets += [("JSON key", key) for key in ('"userId"', '"apiAccessToken"', '"sessionId"',
                                               '"attributes"', '"deviceId"', '"requestId"')]
    return secrets


# --- Nothing about health beside the user tag; tags that change daily -------------------

HEALTH_FLOW = [
    ("IsItSeriousIntent", None),
    ("SymptomIntent", {"sign": "swelling"}),
    ("MedicationIntent", {"medicine": "statins", "condition": "diabetes"}),
    ("PregnancyIntent", {"remedy": "magnesium"}),
    ("CrampDurationIntent", {"duration": "PT20M"}),
]
#: Words a line tied to a user must never carry: health intent names (or their stems) and
#: the slot names and values said.
HEALTH_WORDS = ("Serious", "Symptom", "Medication", "Pregnancy", "CrampDuration", "sign",
                "medicine", "condition", "remedy", "swelling", "statins", "diabetes",
                "magnesium")


def test_health_requests_are_logged_as_a_coarse_word_only() -> None:
    app = create_app(Settings(persistence="memory", log_level="INFO").as_local())
    capture = Capture()
    capture.setFormatter(logging.Formatter("%(message)s"))
    requests_log = logging.getLogger("skill.requests")
    requests_log.addHandler(capture)
    try:
        client = app.test_client()
        for intent, slots in HEALTH_FLOW + [("QuietVoiceIntent", None), ("ReliefStepsIntent", None)]:
            envelope = envelopes.intent_request(intent, slots, user_id=USER_ID)
            assert client.post("/alexa", data=json.dumps(envelope),
                               headers={"Content-Type": "application/json"}).status_code == 200
    finally:
        requests_log.removeHandler(capture)
    lines = [json.loads(line) for line in capture.lines]
    assert len(lines) == len(HEALTH_FLOW) + 2
    assert all(line["user"] == user_tag(USER_ID) for line in lines)
    assert [line["topic"] for line in lines] == ["referral"] * len(HEALTH_FLOW) + ["setting", "relief"]
    for line in lines:
        assert "intent" not in line
        text = json.dumps(line)
        assert not [word for word in HEALTH_WORDS if word.lower() in text.lower()], text


def test_every_intent_of_the_model_has_a_topic_word() -> None:
    """A new intent must be placed deliberately (else it is logged as "other")."""
    from skill.app import LOG_TOPICS
    from skill.model.source import load_model_source

    source = load_model_source()
    names = {intent.name for intent in source.intents} | set(source.builtin_intents)
    assert names <= set(LOG_TOPICS), sorted(names - set(LOG_TOPICS))


def test_user_tags_change_each_utc_day_with_a_key(monkeypatch) -> None:
    import time as real_time

    from skill import app as app_module

    app_module.set_log_key("a fixed key for this test")
    day = 20_000 * 86400.0
    try:
        monkeypatch.setattr(app_module.time, "time", lambda: day + 10)
        morning = user_tag(USER_ID)
        monkeypatch.setattr(app_module.time, "time", lambda: day + 86390)
        assert user_tag(USER_ID) == morning  # the same UTC day: lines can be followed
        app_module.set_log_key("a fixed key for this test")  # a restart, same key
        assert user_tag(USER_ID) == morning
        monkeypatch.setattr(app_module.time, "time", lambda: day + 86400 + 5)
        assert user_tag(USER_ID) != morning  # the next day: not linkable to yesterday
        assert user_tag("amzn1.ask.account.SOMEONEELSE") != user_tag(USER_ID)
    finally:
        monkeypatch.setattr(app_module.time, "time", real_time.time)
        app_module.set_log_key(__import__("secrets").token_bytes(32))
