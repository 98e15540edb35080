"""The same skill serves AWS Lambda through `skill.lambda_function.handler`."""
from __future__ import annotations

import importlib

from skill import envelopes


def test_lambda_handler_answers_a_launch_request(monkeypatch) -> None:
    monkeypatch.setenv("CRAMP_HELPER_PERSISTENCE", "memory")
    monkeypatch.delenv("SKILL_ID", raising=False)
    import skill.lambda_function as lambda_function

    lambda_function = importlib.reload(lambda_function)
    answer = lambda_function.handler(envelopes.launch_request(), None)
    assert answer["version"] == "1.0"
    assert answer["response"]["outputSpeech"]["ssml"].startswith("<speak>")
    assert answer["response"]["shouldEndSession"] is False


ON_LAMBDA_ID = "amzn1.ask.skill.12345678-1234-1234-1234-123456789012"


def _reload_on_lambda(monkeypatch, **env: str):
    import skill.lambda_function as lambda_function

    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "leg-cramp-helper-skill")
    monkeypatch.setenv("CRAMP_HELPER_PERSISTENCE", "memory")
    monkeypatch.delenv("SKILL_ID", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return importlib.reload(lambda_function)


def test_on_lambda_the_skill_id_is_required(monkeypatch) -> None:
    import pytest

    with pytest.raises(RuntimeError, match="SKILL_ID"):
        _reload_on_lambda(monkeypatch)


def test_on_lambda_the_skill_answers_only_its_own_id(monkeypatch) -> None:
    import pytest

    function = _reload_on_lambda(monkeypatch, SKILL_ID=ON_LAMBDA_ID)
    answer = function.handler(envelopes.launch_request(application_id=ON_LAMBDA_ID), None)
    assert answer["response"]["outputSpeech"]["ssml"].startswith("<speak>")
    with pytest.raises(Exception, match="(?i)skill id"):
        function.handler(envelopes.launch_request(), None)


def test_on_lambda_preferences_default_to_dynamodb(monkeypatch) -> None:
    from skill.settings import Settings

    monkeypatch.delenv("CRAMP_HELPER_PERSISTENCE", raising=False)
    monkeypatch.delenv("AWS_LAMBDA_FUNCTION_NAME", raising=False)
    assert Settings.from_env().persistence == "sqlite"
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "leg-cramp-helper-skill")
    settings = Settings.from_env()
    assert settings.persistence == "dynamodb" and settings.lambda_runtime
    monkeypatch.setenv("CRAMP_HELPER_PERSISTENCE", "memory")
    assert Settings.from_env().persistence == "memory"
