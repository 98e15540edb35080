"""Every interface sentence lives in content/prompts.toml, and every phrase a prompt tells
the user to say is understood: it is a sample of the model (or a phrase of Amazon's built-in
intent) for the intent it means. Certification rule: a prompt may only suggest what the
model covers."""
from __future__ import annotations

import ast
import json
import re

import pytest

from skill.domain.content import PROMPT_PLACEHOLDERS, prompt_texts
from skill.settings import PROJECT_ROOT
from skill.simulator.resolver import Resolver, normalize

from .words import CONTENT

MODEL = json.loads((PROJECT_ROOT / "interaction_models" / "en-US.json").read_text("utf-8"))
RESOLVER = Resolver(MODEL)
PROMPTS = dict(prompt_texts(CONTENT.prompts))

#: What each suggested phrase means. A new phrase in a prompt must be added here, with the
#: intent it is meant to reach.
MEANT: dict[str, str] = {
    "next": "AMAZON.NextIntent",
    "normal voice": "NormalVoiceIntent",
    "time it": "StretchTimerIntent",
    "is it serious": "IsItSeriousIntent",
    "whisper": "QuietVoiceIntent",
    "yes": "AMAZON.YesIntent",
    "no": "AMAZON.NoIntent",
    "not sure": "NotSureIntent",
    "stop": "AMAZON.StopIntent",
    "always time thirty seconds": "SetHoldTimeIntent",
    "always time forty seconds": "SetHoldTimeIntent",
    "can statins cause cramps": "MedicationIntent",
    "is it my diabetes": "MedicationIntent",
    "open leg cramp helper": "LaunchRequest",
}

_TRIGGER = re.compile(r"\b(?:say|answer|ask|open)\b[:,]?\s*(?:for example,\s*)?([^.?!;]+)", re.I)
_TAIL = re.compile(r"\s+(?:for|to|when|then|and i'll)\b.*$")


def suggested(text: str) -> list[str]:
    """The phrases a prompt tells the user to say."""
    phrases = []
    for match in _TRIGGER.finditer(text):
        chunk = match.group(0)
        if chunk.lower().startswith("open"):
            phrases.append(normalize(chunk.split(" again")[0]))
            continue
        for part in re.split(r",\s*(?:or\s+)?|\s+or\s+", match.group(1)):
            phrase = _TAIL.sub("", re.sub(r"^say ", "", normalize(part))).strip()
            if phrase and phrase != "say":
                phrases.append(phrase)
    return phrases


def test_the_parser_reads_a_typical_prompt() -> None:
    assert suggested("Say next for a relief step, time it for a countdown, or is it serious.") == [
        "next", "time it", "is it serious"]
    assert suggested("Please answer yes, no, or not sure") == ["yes", "no", "not sure"]


@pytest.mark.parametrize("key", sorted(PROMPTS))
def test_every_phrase_a_prompt_suggests_is_understood_as_meant(key) -> None:
    for phrase in suggested(PROMPTS[key]):
        assert phrase in MEANT, f"{key}: {phrase!r} is not in MEANT (which intent does it mean?)"
        resolution = RESOLVER.resolve(phrase)
        reached = resolution.intent or resolution.request_type
        assert reached == MEANT[phrase], f"{key}: {phrase!r} reaches {resolution.describe()}"
        assert resolution.method in ("exact", "launch"), f"{key}: {phrase!r} is no sample"


def test_prompts_hold_no_health_statements() -> None:
    """Interface prompts cite nothing, so they must say nothing about health: those words
    belong in the cited content files."""
    health = re.compile(r"\b(?:doctor|emergency|ibuprofen|acetaminophen|magnesium|heat|ice|"
                        r"stretch the|muscle|swell|clot|pregnan|medicine is|minutes? or more)\b", re.I)
    allowed = {"general.fallback_emergency"}  # the referral that opens every "not understood"
    for key, text in PROMPTS.items():
        if key not in allowed:
            assert not health.search(text), f"{key}: {text!r}"


def test_placeholders_are_declared_for_prompts_that_exist() -> None:
    assert set(PROMPT_PLACEHOLDERS) <= set(PROMPTS)


def spoken_literals(tree: ast.AST) -> list[str]:
    """String constants that read like a spoken sentence, docstrings left out."""
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                  and node.body and isinstance(node.body[0], ast.Expr)
                  and isinstance(node.body[0].value, ast.Constant)}
    sentence = re.compile(r"^[A-Z][a-z']+(?: [A-Za-z',]+){2,}[.?!]$")
    return [node.value for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
            and id(node) not in docstrings and sentence.match(node.value)]


def test_at_most_five_sentences_remain_in_code() -> None:
    """Spoken sentences live in content: string literals in the skill's code that read like
    a sentence are counted (the web host's safety net is one). Tools that the skill never
    speaks through (simulator, benchmark, model tooling) are left out."""
    found = []
    for path in (PROJECT_ROOT / "skill").rglob("*.py"):
        if any(part in path.parts for part in ("simulator", "bench", "model")) or path.name == "loadtest.py":
            continue
        found += [f"{path.name}: {text}" for text in spoken_literals(ast.parse(path.read_text("utf-8")))]
    assert len(found) <= 5, found
