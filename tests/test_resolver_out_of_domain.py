"""Speech outside the skill's world goes to AMAZON.FallbackIntent, as on a device: a close
match needs a meaningful word in common, not just "i am" or "what is the"."""
from __future__ import annotations

import pytest

from skill.model.generate import generate_model
from skill.settings import Settings
from skill.simulator.resolver import FALLBACK_INTENT, Resolver


@pytest.fixture(scope="module")
def resolver() -> Resolver:
    return Resolver(generate_model(Settings()))


@pytest.mark.parametrize("utterance", [
    "i am dying", "what's the weather", "play some music", "set an alarm for seven",
    "who won the game",
])
def test_out_of_domain_speech_falls_back(resolver: Resolver, utterance: str) -> None:
    assert resolver.resolve(utterance).intent == FALLBACK_INTENT


@pytest.mark.parametrize("utterance, intent", [
    ("yes", "AMAZON.YesIntent"), ("i am", "AMAZON.YesIntent"),
    ("my calf is killing me", "ReliefStepsIntent"),
])
def test_in_domain_speech_still_matches(resolver: Resolver, utterance: str, intent: str) -> None:
    assert resolver.resolve(utterance).intent == intent
