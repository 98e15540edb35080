"""The DynamoDB store, through the official ask-sdk adapter, against moto's server mode
started on 127.0.0.1 (a free port) for this module and stopped after it."""
from __future__ import annotations

import json
import logging
import socket
import time
import uuid
from decimal import Decimal

import pytest
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope

from skill import envelopes
from skill.persistence import FaultTolerantAdapter, build_dynamodb_adapter, build_persistence_adapter
from skill.settings import Settings

ALICE = "amzn1.ask.account.ALICE" + "A" * 40
BOB = "amzn1.ask.account.BOB" + "B" * 42
PREFS = {"quiet_voice": True, "hold_seconds": 45, "heard_hints": True}
REGION = "eu-west-1"


def request_for(user_id: str, builder=envelopes.launch_request) -> RequestEnvelope:
    return DefaultSerializer().deserialize(json.dumps(builder(user_id=user_id)), RequestEnvelope)


@pytest.fixture(scope="module")
def aws_env():
    """Fake credentials and a region, so nothing reaches (or looks for) real AWS."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AWS_ACCESS_KEY_ID", "testing")
        patch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        patch.setenv("AWS_SESSION_TOKEN", "testing")
        patch.setenv("AWS_DEFAULT_REGION", REGION)
        patch.delenv("AWS_REGION", raising=False)
        patch.delenv("AWS_PROFILE", raising=False)
        patch.setenv("AWS_EC2_METADATA_DISABLED", "true")
        yield


@pytest.fixture(scope="module")
def endpoint(aws_env):
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


def create_table(endpoint: str) -> str:
    import boto3

    name = f"prefs-{uuid.uuid4().hex[:8]}"
    client = boto3.client("dynamodb", endpoint_url=endpoint, region_name=REGION)
    client.create_table(TableName=name, KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                        BillingMode="PAY_PER_REQUEST")
    return name


@pytest.fixture
def table(endpoint: str) -> str:
    return create_table(endpoint)


def dynamo_settings(endpoint: str, table: str, **extra) -> Settings:
    return Settings(persistence="dynamodb", dynamodb_endpoint=endpoint, dynamodb_table=table,
                    extra=extra)


def raw_item(endpoint: str, table: str, user_id: str) -> dict | None:
    import boto3

    resource = boto3.resource("dynamodb", endpoint_url=endpoint, region_name=REGION)
    return resource.Table(table).get_item(Key={"id": user_id}, ConsistentRead=True).get("Item")


def test_round_trip_two_users_and_plain_numbers(endpoint: str, table: str) -> None:
    adapter = build_persistence_adapter(dynamo_settings(endpoint, table))
    adapter.save_attributes(request_for(ALICE), PREFS)
    adapter.save_attributes(request_for(BOB), {"hold_seconds": 20})

    alice = adapter.get_attributes(request_for(ALICE))
    assert alice == PREFS
    assert type(alice["hold_seconds"]) is int
    assert adapter.get_attributes(request_for(BOB)) == {"hold_seconds": 20}
    assert adapter.get_attributes(request_for("amzn1.ask.account.NOBODY")) == {}
    # On the wire DynamoDB really did hand back a Decimal: the conversion is ours.
    assert raw_item(endpoint, table, ALICE)["attributes"]["hold_seconds"] == Decimal(45)


def test_only_preference_keys_reach_dynamodb(endpoint: str, table: str) -> None:
    adapter = build_persistence_adapter(dynamo_settings(endpoint, table))
    adapter.save_attributes(request_for(ALICE), {**PREFS, "symptoms": ["swelling"], "ratio": 0.5})
    assert raw_item(endpoint, table, ALICE) == {"id": ALICE, "attributes": {
        "quiet_voice": True, "hold_seconds": Decimal(45), "heard_hints": True}}


def test_skill_disabled_deletes_the_record(endpoint: str, table: str) -> None:
    adapter = build_persistence_adapter(dynamo_settings(endpoint, table))
    adapter.save_attributes(request_for(ALICE), PREFS)
    adapter.save_attributes(request_for(BOB), PREFS)
    adapter.delete_attributes(request_for(ALICE, envelopes.skill_disabled_event))
    assert raw_item(endpoint, table, ALICE) is None
    assert adapter.get_attributes(request_for(BOB)) == PREFS


def test_floats_are_stored_as_decimals(endpoint: str, table: str) -> None:
    raw = build_dynamodb_adapter(dynamo_settings(endpoint, table))
    raw.save_attributes(request_for(ALICE), {"ratio": 0.25, "nested": {"n": [1.5, 2]}})
    assert raw.get_attributes(request_for(ALICE)) == {"ratio": 0.25, "nested": {"n": [1.5, 2]}}


def test_adapter_can_create_its_table(endpoint: str) -> None:
    name = f"created-{uuid.uuid4().hex[:8]}"
    adapter = build_persistence_adapter(dynamo_settings(endpoint, name, dynamodb_create_table=True))
    adapter.save_attributes(request_for(ALICE), PREFS)
    assert adapter.get_attributes(request_for(ALICE)) == PREFS


def test_missing_table_gives_defaults_and_a_warning(endpoint: str, caplog) -> None:
    adapter = build_persistence_adapter(dynamo_settings(endpoint, "no-such-table"))
    with caplog.at_level(logging.WARNING, logger="skill.persistence"):
        assert adapter.get_attributes(request_for(ALICE)) == {}
        adapter.save_attributes(request_for(ALICE), PREFS)
        adapter.delete_attributes(request_for(ALICE))
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 3
    assert not any("ALICE" in message for message in warnings)


def test_server_down_gives_defaults_quickly(aws_env, caplog) -> None:
    with socket.socket() as probe:  # a port that nothing listens on
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}"
    adapter = build_persistence_adapter(dynamo_settings(dead, "prefs"))
    assert isinstance(adapter, FaultTolerantAdapter)
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="skill.persistence"):
        assert adapter.get_attributes(request_for(ALICE)) == {}
        adapter.save_attributes(request_for(ALICE), PREFS)
    assert time.monotonic() - started < 6
    assert sum(r.levelno == logging.WARNING for r in caplog.records) == 2


# --- Per-preference writes, the policy that allows them, a store that hangs ------------


def dynamodb_calls(monkeypatch) -> list[str]:
    """The DynamoDB operations boto3 sends from now on (botocore's before-call event on
    the default session, which the store's resource is built from)."""
    import boto3

    boto3.setup_default_session()
    calls: list[str] = []
    boto3.DEFAULT_SESSION.events.register(
        "before-call.dynamodb", lambda model, **_: calls.append(model.name))
    return calls


def test_a_change_updates_only_its_key_with_update_item(endpoint: str, table: str, monkeypatch) -> None:
    calls = dynamodb_calls(monkeypatch)
    adapter = build_persistence_adapter(dynamo_settings(endpoint, table))
    adapter.update_attributes(request_for(ALICE), {"hold_seconds": 40})   # no record yet
    adapter.update_attributes(request_for(ALICE), {"quiet_voice": True})  # beside it
    assert raw_item(endpoint, table, ALICE)["attributes"] == {"hold_seconds": 40, "quiet_voice": True}
    adapter.update_attributes(request_for(ALICE), {"hold_seconds": None})  # removed
    assert adapter.get_attributes(request_for(ALICE)) == {"quiet_voice": True}
    adapter.update_attributes(request_for(BOB), {"hold_seconds": None})  # nothing to remove
    assert raw_item(endpoint, table, BOB) is None
    assert "PutItem" not in calls and calls.count("UpdateItem") >= 4


def test_the_template_grants_every_call_the_store_makes(endpoint: str, table: str, monkeypatch) -> None:
    """moto allows everything, so a call the IAM policy lacks would only fail on AWS: the
    operations the store really sends are checked against deploy/template.yaml."""
    from .test_shipping import _template

    calls = dynamodb_calls(monkeypatch)
    adapter = build_persistence_adapter(dynamo_settings(endpoint, table))
    adapter.get_attributes(request_for(ALICE))
    adapter.update_attributes(request_for(ALICE), {"quiet_voice": True})
    adapter.update_attributes(request_for(ALICE), {"hold_seconds": 30})
    adapter.save_attributes(request_for(ALICE), PREFS)
    adapter.delete_attributes(request_for(ALICE))
    granted = {action.split(":", 1)[1]
               for policy in _template()["Resources"]["SkillRole"]["Properties"]["Policies"]
               for statement in policy["PolicyDocument"]["Statement"]
               for action in statement["Action"] if action.startswith("dynamodb:")}
    assert set(calls) == {"GetItem", "UpdateItem", "DeleteItem"}
    assert set(calls) <= granted, f"not granted: {set(calls) - granted}"


def test_two_devices_keep_both_settings_on_dynamodb(endpoint: str, table: str) -> None:
    from .test_preference_writes import two_devices

    record = two_devices(dynamo_settings(endpoint, table).as_local())
    assert record.get("hold_seconds") == 40 and record.get("quiet_voice") is True, record


@pytest.fixture
def hanging_endpoint(aws_env):
    """A server on 127.0.0.1 that accepts connections and never answers (boto/boto3#2045)."""
    import threading

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join()
        for connection in held:
            connection.close()
        listener.close()


#: The template's Lambda timeout (deploy/template.yaml) and what must be left of it.
LAMBDA_TIMEOUT_S = 7.0
LEFT_S = 2.0


def test_a_hanging_store_leaves_two_seconds_and_says_nothing_false(hanging_endpoint: str) -> None:
    from skill.app import create_app
    from skill.domain import ssml

    from .words import CONTENT

    client = create_app(dynamo_settings(hanging_endpoint, "prefs").as_local()).test_client()
    started = time.monotonic()
    launch = client.post("/alexa", data=json.dumps(envelopes.launch_request(user_id=ALICE)),
                         headers={"Content-Type": "application/json"})
    first_launch_s = time.monotonic() - started
    assert launch.status_code == 200 and launch.get_json()["response"]["outputSpeech"]
    print(f"first launch against a hanging DynamoDB: {first_launch_s:.2f} s")
    assert first_launch_s < LAMBDA_TIMEOUT_S - LEFT_S, f"first launch took {first_launch_s:.1f} s"

    started = time.monotonic()
    whisper = client.post("/alexa", data=json.dumps(envelopes.intent_request(
        "QuietVoiceIntent", user_id=ALICE, new_session=True)),
        headers={"Content-Type": "application/json"})
    spoken = ssml.spoken_text(whisper.get_json()["response"]["outputSpeech"]["ssml"])
    assert time.monotonic() - started < LAMBDA_TIMEOUT_S - LEFT_S
    assert CONTENT.prompts.settings.not_saved in spoken
    assert CONTENT.prompts.settings.quiet_done not in spoken
