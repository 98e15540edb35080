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
