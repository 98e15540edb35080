"""Per-preference writes: one user on two devices at once loses nothing.

alexa-skills-kit-sdk-for-nodejs#126: each session keeps its own copy of the record, so a
store that writes the whole record lets the older session's copy wipe what the other
device saved. Here device one says "always time forty seconds", then device two (whose
session began before that) says "whisper": both must be kept. Conversations go through
the Flask app with real envelopes, on every store (DynamoDB in
test_persistence_dynamodb.py, against moto on 127.0.0.1).
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope

from skill import envelopes
from skill.app import create_app
from skill.assembly import build_skill
from skill.persistence import build_persistence_adapter
from skill.settings import Settings

USER = "amzn1.ask.account.TWODEVICES" + "D" * 40


class Session:
    """One device's session: the session attributes carried from turn to turn."""

    def __init__(self, client, device: str) -> None:
        self.client, self.device, self.attributes = client, device, {}
        self.session_id = f"amzn1.echo-api.session.{device}"

    def send(self, envelope: dict[str, Any]) -> dict[str, Any]:
        reply = self.client.post("/alexa", data=json.dumps(envelope),
                                 headers={"Content-Type": "application/json"})
        assert reply.status_code == 200
        body = reply.get_json()
        self.attributes = body.get("sessionAttributes") or {}
        return body

    def launch(self) -> dict[str, Any]:
        return self.send(envelopes.launch_request(user_id=USER, device_id=self.device,
                                                  session_id=self.session_id))

    def say(self, intent: str, slots: dict[str, Any] | None = None) -> dict[str, Any]:
        return self.send(envelopes.intent_request(
            intent, slots, user_id=USER, device_id=self.device, session_id=self.session_id,
            session_attributes=self.attributes, new_session=False))


def stored(adapter) -> dict[str, Any]:  # noqa: ANN001 - a persistence adapter
    """The user's record as the store holds it."""
    request = DefaultSerializer().deserialize(
        json.dumps(envelopes.launch_request(user_id=USER)), RequestEnvelope)
    return adapter.get_attributes(request)


def two_devices(settings: Settings) -> dict[str, Any]:
    """Both sessions open, then one setting said on each; returns what is stored."""
    adapter = build_persistence_adapter(settings)
    client = create_app(settings, skill=build_skill(settings, persistence_adapter=adapter)).test_client()
    kitchen, bedroom = Session(client, "amzn1.ask.device.KITCHEN"), Session(client, "amzn1.ask.device.BEDROOM")
    kitchen.launch()
    bedroom.launch()
    kitchen.say("SetHoldTimeIntent", {"duration": "PT40S"})
    bedroom.say("QuietVoiceIntent")
    return stored(adapter)


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
def test_two_devices_keep_both_settings(kind: str, tmp_path: Path) -> None:
    settings = Settings(persistence=kind, db_path=tmp_path / "prefs.sqlite3").as_local()
    record = two_devices(settings)
    assert record.get("hold_seconds") == 40, record
    assert record.get("quiet_voice") is True, record


def test_a_setting_the_store_could_not_keep_is_said_and_logged_once(tmp_path: Path, caplog) -> None:
    """A folder that cannot be created (a file in its place): "whisper" is heard as not
    saved, still whispers this session, and the failed write is one warning."""
    import logging

    from skill.domain import ssml

    from .words import CONTENT

    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    settings = Settings(persistence="sqlite", db_path=blocker / "prefs.sqlite3").as_local()
    session = Session(create_app(settings).test_client(), "amzn1.ask.device.KITCHEN")
    session.launch()
    skill_log = logging.getLogger("skill")  # it does not propagate (skill.app.configure_logging)
    skill_log.addHandler(caplog.handler)
    caplog.clear()  # the launch's own failures (a read, the hints' write) are not counted
    try:
        said = session.say("QuietVoiceIntent")["response"]["outputSpeech"]["ssml"]
    finally:
        skill_log.removeHandler(caplog.handler)
    spoken = ssml.spoken_text(said)
    assert CONTENT.prompts.settings.not_saved in spoken
    assert CONTENT.prompts.settings.quiet_done not in spoken
    assert 'name="whispered"' in said  # used for now
    # One record (counted once even if it reached the capture by two routes).
    writes = {id(r) for r in caplog.records if "write failed" in r.getMessage()}
    assert len(writes) == 1, [r.getMessage() for r in caplog.records if "failed" in r.getMessage()]
    again = session.say("AMAZON.HelpIntent")["response"]["outputSpeech"]["ssml"]
    assert 'name="whispered"' in again  # and for the rest of the session
