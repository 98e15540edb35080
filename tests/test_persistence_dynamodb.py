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
