"""Request fuzzing: whatever arrives at the webhook, the answer is never a 5xx, and every
200 is a response Alexa accepts (see tests/ssml_checks.py).

Three families of input, generated with hypothesis:
- valid envelopes (skill.envelopes builders) for every request type and intent the skill
  has, with odd slot values, odd resolutions and session attributes of random shapes;
- the same envelopes subtly broken: values swapped for other types or null, keys
  dropped, unknown request types, huge strings, deep nesting, unicode (lone surrogates
  escaped in the JSON, and raw in invalid UTF-8);
- raw bodies that are not envelopes at all, under random content types.

CI runs 200 examples per family. The long run (10,000 examples over all three) is opt-in:
    .venv/bin/python -m pytest -q --run-slow tests/test_fuzz.py -k long_fuzz
"""
from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from skill import envelopes
from skill.app import create_app
from skill.settings import Settings

from .ssml_checks import response_problems, ssml_problems

INTENTS = [
    "ReliefStepsIntent", "StretchTimerIntent", "IsItSeriousIntent",
    "AMAZON.HelpIntent", "AMAZON.StopIntent", "AMAZON.CancelIntent", "AMAZON.FallbackIntent",
    "AMAZON.NavigateHomeIntent", "AMAZON.NextIntent", "AMAZON.PreviousIntent",
    "AMAZON.RepeatIntent", "AMAZON.StartOverIntent", "AMAZON.YesIntent", "AMAZON.NoIntent",
    "AMAZON.PauseIntent", "AMAZON.ResumeIntent",
]
MUSCLE_IDS = ["CALF", "FOOT", "THIGH_FRONT", "THIGH_BACK", "THIGH", "OTHER"]
REQUEST_TYPES_ALEXA_MAY_SEND = [
    "CanFulfillIntentRequest", "Alexa.Presentation.APL.UserEvent", "Connections.Response",
    "System.ExceptionEncountered", "AudioPlayer.PlaybackStarted", "Display.ElementSelected",
    "AlexaSkillEvent.SkillEnabled", "AlexaSkillEvent.SkillPermissionChanged",
    "Dialog.API.Invoked", "Messaging.MessageReceived", "Reminders.ReminderCreated",
]
LIKELY_ATTRIBUTE_KEYS = [
    "state", "stage", "step", "step_index", "muscle", "pending", "question", "countdown",
    "seconds", "last_speech", "version", "schema", "serious", "answers", "paused", "history",
]

CI = settings(max_examples=200, deadline=None, print_blob=True,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                     HealthCheck.function_scoped_fixture])
LONG = settings(CI, max_examples=10_000)

# -- strategies -------------------------------------------------------------------------------

#: Any code point, lone surrogates included (json.dumps escapes them as \udXXX).
any_char = st.characters(exclude_categories=())
odd_text = st.one_of(
    st.text(any_char, max_size=40),
    st.sampled_from(["", " ", "<speak>", "</speak>", "a & b", "]]>", "<break time='99s'/>",
                     "\u202eevil", "\u200b", "\x00", "\ud800", "\udfff", "\ufeff", "💥" * 5,
                     "' OR 1=1 --", "null", "{}", "Ä" * 300]),
)
json_scalars = st.one_of(st.none(), st.booleans(), st.integers(-2**70, 2**70),
                         st.floats(allow_nan=False, allow_infinity=False), odd_text)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.one_of(st.sampled_from(LIKELY_ATTRIBUTE_KEYS), odd_text),
                                            inner, max_size=4)),
    max_leaves=12,
)
session_attributes = st.dictionaries(
    st.one_of(st.sampled_from(LIKELY_ATTRIBUTE_KEYS), odd_text), json_values, max_size=6)

muscle_values = st.one_of(
    st.none(), odd_text,
    st.sampled_from(["calf", "foot", "thigh", "hamstring", "back of my thigh", "Charley horse",
                     "CALF", "toes", "my whole leg", "arm"]))
duration_values = st.one_of(
    st.none(), odd_text,
    st.sampled_from(["PT0S", "PT1H", "P1D", "PT-5S", "PT3M30S", "garbage", "thirty seconds",
                     "PT30S", "PT10M", "PT0.5S", "P1Y2M", "PT99999999999999999999S", "PT", "P",
                     "-PT30S", "pt30s", "30", "PT1M", "PT5S", "PT10S"]))
resolution = st.one_of(
    st.just((None, None, None)),
    st.tuples(st.one_of(st.sampled_from(MUSCLE_IDS), odd_text), st.one_of(st.none(), odd_text),
              st.just("ER_SUCCESS_MATCH")),
    st.tuples(st.none(), st.none(), st.sampled_from(["ER_SUCCESS_NO_MATCH", "ER_ERROR_TIMEOUT",
                                                      "ER_ERROR_EXCEPTION"])),
)


@st.composite
def slot_maps(draw) -> dict[str, Any]:
    slots: dict[str, Any] = {}
    for name, values in (("muscle", muscle_values), ("duration", duration_values)):
        if draw(st.booleans()):
            resolved_id, resolved_name, status = draw(resolution)
            slots[name] = envelopes.slot(name, draw(values), resolved_id, resolved_name, status)
    if draw(st.integers(0, 9)) == 0:  # a slot the model doesn't have
        slots["mystery"] = envelopes.slot("mystery", draw(odd_text))
    return slots


@st.composite
def session_kwargs(draw) -> dict[str, Any]:
    return {
        "session_attributes": draw(session_attributes),
        "new_session": draw(st.booleans()),
        "with_screen": draw(st.booleans()),
        "locale": draw(st.sampled_from(["en-US", "en-GB", "en-CA", "en-AU", "en-IN", "de-DE", "xx-XX"])),
        "user_id": draw(st.one_of(st.just(envelopes.DEFAULT_USER_ID),
                                  st.text(any_char, min_size=1, max_size=80))),
    }


@st.composite
def valid_envelopes(draw) -> dict[str, Any]:
    kind = draw(st.sampled_from(["launch", "intent", "intent", "intent", "ended", "disabled"]))
    kwargs = draw(session_kwargs())
    if kind == "launch":
        return envelopes.launch_request(**kwargs)
    if kind == "intent":
        name = draw(st.sampled_from(INTENTS))
        env = envelopes.intent_request(name, draw(slot_maps()), **kwargs)
        env["request"]["dialogState"] = draw(st.sampled_from(["COMPLETED", "STARTED", "IN_PROGRESS"]))
        return env
    if kind == "ended":
        env = envelopes.session_ended_request(
            draw(st.sampled_from(["USER_INITIATED", "ERROR", "EXCEEDED_MAX_REPROMPTS"])), **kwargs)
        if draw(st.booleans()):
            env["request"]["error"] = {"type": "INVALID_RESPONSE", "message": draw(odd_text)}
        return env
    kwargs.pop("session_attributes"), kwargs.pop("new_session")
    return envelopes.skill_disabled_event(**kwargs)


def _paths(node: Any, prefix: tuple = (), depth: int = 0) -> list[tuple]:
    """Every (key/index path) inside a JSON value, up to a modest depth."""
    found = []
    if depth > 8:
        return found
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, child in items:
        found.append(prefix + (key,))
        found.extend(_paths(child, prefix + (key,), depth + 1))
    return found


def _parent(root: Any, path: tuple) -> Any:
    node = root
    for key in path[:-1]:
        node = node[key]
    return node


DEEP_MARK = "~~deep~~:"  # a placeholder the encoder swaps for deeply nested JSON text


def nested_json(depth: int) -> str:
    """`depth` levels of alternating objects and lists, as text (json.dumps would recurse)."""
    opening = "".join('{"a":' if level % 2 == 0 else "[" for level in range(depth))
    closing = "".join("}" if level % 2 == 0 else "]" for level in reversed(range(depth)))
    return opening + '"deep"' + closing


def expand_deep_marks(text: str) -> str:
    """Replace each placeholder string (as JSON-encoded) with its nested JSON."""
    marker = json.dumps(DEEP_MARK)[:-1]  # the quoted, escaped prefix, without the closing quote
    while (start := text.find(marker)) != -1:
        end = text.index('"', start + len(marker))
        depth = int(text[start + len(marker):end])
        text = text[:start] + nested_json(depth) + text[end + 1:]
    return text


huge_strings = st.tuples(st.text(any_char, min_size=1, max_size=3),
                         st.integers(1_000, 40_000)).map(lambda pair: pair[0] * pair[1])
deep_values = st.integers(50, 3_000).map(lambda depth: f"{DEEP_MARK}{depth}")
broken_values = st.one_of(json_values, st.none(), huge_strings, deep_values,
                          st.sampled_from([[], {}, 0, -1, True, "", 1e308]))


@st.composite
def broken_envelopes(draw) -> dict[str, Any]:
    env = copy.deepcopy(draw(valid_envelopes()))
    for _ in range(draw(st.integers(1, 3))):
        operation = draw(st.sampled_from(["replace", "replace", "delete", "request-type", "nest"]))
        if operation == "request-type" and isinstance(env.get("request"), dict):
            env["request"]["type"] = draw(st.one_of(st.sampled_from(REQUEST_TYPES_ALEXA_MAY_SEND),
                                                    odd_text))
            continue
        if operation == "nest" and isinstance(env.get("session"), dict):
            env["session"]["attributes"] = {"deep": draw(deep_values)}
            continue
        paths = _paths(env)
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = _parent(env, path)
        if operation == "delete":
            del parent[path[-1]]
        else:
            parent[path[-1]] = draw(broken_values)
    return env


@st.composite
def encoded(draw, envelope_strategy, *, raw_surrogates: bool = True) -> bytes:
    """JSON text as Alexa would send it (ASCII, escapes), or now and then raw UTF-8 with
    any lone surrogates left raw (invalid UTF-8)."""
    env = draw(envelope_strategy)
    if raw_surrogates and draw(st.integers(0, 4)) == 0:
        return expand_deep_marks(json.dumps(env, ensure_ascii=False)).encode("utf-8", "surrogatepass")
    return expand_deep_marks(json.dumps(env)).encode("ascii")


raw_bodies = st.one_of(
    st.binary(max_size=200),
    st.text(any_char, max_size=200).map(lambda text: text.encode("utf-8", "surrogatepass")),
    json_values.map(lambda value: json.dumps(value).encode()),
    st.sampled_from([b"", b"   ", b"null", b"[]", b"{}", b'{"request": null}', b'{"request": {}}',
                     b'{"request": {"type": 5}}', b'{"version": 1, "request": {"type": "LaunchRequest"}}',
                     b"\xef\xbb\xbf{}", b'{"request": {"type": "LaunchRequest"}', b"NaN",
                     b"[" * 5_000 + b"]" * 5_000, b'{"a":' * 3_000 + b"1" + b"}" * 3_000]),
    encoded(valid_envelopes()).map(lambda body: body[: len(body) // 2]),  # truncated
)
content_types = st.sampled_from(["application/json", "application/json; charset=utf-8",
                                 "text/plain", "application/x-www-form-urlencoded", ""])

# -- the property -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fuzz_client(tmp_path_factory):
    settings_ = Settings(persistence="memory", db_path=tmp_path_factory.mktemp("fuzz") / "p.sqlite3",
                         log_level="CRITICAL").as_local()
    return create_app(settings_).test_client()


def check_answer(client, body: bytes, content_type: str = "application/json",
                 *, must_accept: bool = False) -> None:
    reply = client.post("/alexa", data=body, headers={"Content-Type": content_type})
    event(f"status {reply.status_code}")
    assert reply.status_code < 500, f"{reply.status_code} for {body[:300]!r}"
    answer = json.loads(reply.get_data(as_text=True))  # every answer is JSON, 4xx included
    if must_accept:
        assert reply.status_code == 200, (reply.status_code, answer)
    if reply.status_code != 200:
        assert 400 <= reply.status_code < 500 and isinstance(answer.get("error"), str)
        return
    problems = response_problems(answer, check_size=len(body) < 4_096)
    assert not problems, f"{problems} for {body[:300]!r}"


@CI
@given(body=encoded(valid_envelopes(), raw_surrogates=False))
def test_valid_envelopes_are_answered_with_speech_alexa_accepts(fuzz_client, body: bytes) -> None:
    check_answer(fuzz_client, body, must_accept=True)


@CI
@given(body=encoded(broken_envelopes()))
def test_broken_envelopes_never_get_a_5xx(fuzz_client, body: bytes) -> None:
    check_answer(fuzz_client, body)


@CI
@given(body=raw_bodies, content_type=content_types)
def test_raw_bodies_never_get_a_5xx(fuzz_client, body: bytes, content_type: str) -> None:
    check_answer(fuzz_client, body, content_type)


@pytest.mark.slow
@LONG
@given(body=st.one_of(encoded(valid_envelopes()), encoded(broken_envelopes()), raw_bodies),
       content_type=st.sampled_from(["application/json"] * 4 + ["text/plain"]))
def test_long_fuzz_ten_thousand_requests(fuzz_client, body: bytes, content_type: str) -> None:
    check_answer(fuzz_client, body, content_type)


# -- the checker itself must catch what it is for --------------------------------------------

@pytest.mark.parametrize("ssml, complaint", [
    ("<speak>Hold your foot.</speak>", None),
    ('<speak>Breathe <break time="10s"/> out.</speak>', None),
    ('<speak>Breathe <break time="1500ms"/> out.</speak>', None),
    ('<speak>Breathe <break time="11s"/> out.</speak>', "longer than 10 s"),
    ('<speak>Breathe <break time="10001ms"/></speak>', "longer than 10 s"),
    ('<speak>Breathe <break time="soon"/></speak>', "not a duration"),
    ("<speak>calf & foot</speak>", "not well-formed"),
    ("Hold your foot.", "not well-formed"),
    ("<p>Hold your foot.</p>", "not <speak>"),
    ("<speak>" + "a" * 8000 + "</speak>", "characters"),
], ids=["plain", "break-10s", "break-ms", "break-11s", "break-10001ms", "break-word",
        "unescaped-amp", "no-tags", "wrong-root", "too-long"])
def test_ssml_checker_catches_what_alexa_rejects(ssml: str, complaint: str | None) -> None:
    problems = ssml_problems(ssml)
    if complaint is None:
        assert problems == []
    else:
        assert any(complaint in problem for problem in problems), problems


def test_response_checker_requires_a_reprompt_on_an_open_session() -> None:
    body = {"version": "1.0", "response": {
        "outputSpeech": {"type": "SSML", "ssml": "<speak>Which leg?</speak>"},
        "shouldEndSession": False}}
    assert response_problems(body) == ["session left open without a reprompt"]
    body["response"]["reprompt"] = {"outputSpeech": {"type": "SSML", "ssml": "<speak>Which leg?</speak>"}}
    assert response_problems(body) == []
