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


# "i am dying" is not here: it fits "i am {sign}" with a word the SIGN list doesn't hold, so
# it is heard as an unknown symptom, and the skill answers with the doctor referral and the
# emergency line (tested below), not the Fallback's steer back.
@pytest.mark.parametrize("utterance", [
    "what's the weather", "play some music", "set an alarm for seven",
    "who won the game", "what's the news", "turn on the radio",
])
def test_out_of_domain_speech_falls_back(resolver: Resolver, utterance: str) -> None:
    assert resolver.resolve(utterance).intent == FALLBACK_INTENT


@pytest.mark.parametrize("utterance, intent", [
    ("yes", "AMAZON.YesIntent"), ("i am", "AMAZON.YesIntent"),
    ("my calf is killing me", "ReliefStepsIntent"),
])
def test_in_domain_speech_still_matches(resolver: Resolver, utterance: str, intent: str) -> None:
    assert resolver.resolve(utterance).intent == intent


def test_i_am_dying_is_an_unknown_symptom_never_a_listed_sign(resolver: Resolver) -> None:
    resolution = resolver.resolve("i am dying")
    assert resolution.intent == "SymptomIntent"
    assert resolution.slots["sign"].status == "ER_SUCCESS_NO_MATCH"
