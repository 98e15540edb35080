"""No dead ends: every intent of the interaction model, at every point of a conversation.

The intents and their slots come from interaction_models/en-US.json, so an intent added
to the model joins the matrix by itself. The conversation states are reached by driving
the skill through the web host and keeping the session attributes it hands back (never
written by hand). Every cell must be a sensible answer (tests/voice_checks.py): valid
SSML, speech, a reprompt while the session stays open, and not the error fallback.

Then the slot edge cases (muscles, durations) and tampered session attributes.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import msgspec
import pytest

from skill import envelopes
from skill.app import create_app
from skill.domain import ssml
from skill.domain.content import load_content
from skill.domain.countdown import spoken_duration

from skill.domain.state import KEY, VERSION, DialogState
from skill.preferences import SESSION_KEY as PREFERENCES_KEY
from skill.settings import PROJECT_ROOT, Settings

from .conftest import post
from .words import (
    FALLBACK_EMERGENCY, FIRST_STEP_LEAD, NO_QUESTION, NOTHING_PAUSED, NOTHING_TO_REPEAT, PAUSED,
    RELEASE, STEER, UNKNOWN_MUSCLE_LEAD)
from .voice_checks import assert_sensible, reprompted, said, session_closed, speech_ssml

CONTENT = load_content(PROJECT_ROOT / "content")
GENERAL_PLAN = CONTENT.relief_plan(None)
STRETCH = {s.muscle: s for s in CONTENT.relief.stretch}
LIMITS = CONTENT.countdown

# -- the model ---------------------------------------------------------------------------------

LANGUAGE = json.loads((PROJECT_ROOT / "interaction_models" / "en-US.json").read_text("utf-8"))[
    "interactionModel"]["languageModel"]
MODEL_INTENTS: dict[str, list[dict[str, str]]] = {
    intent["name"]: intent.get("slots") or [] for intent in LANGUAGE["intents"]}
CUSTOM_TYPES: dict[str, list[dict[str, Any]]] = {
    slot_type["name"]: slot_type["values"] for slot_type in LANGUAGE.get("types", [])}
#: A typical value for built-in slot types a new intent might use.
BUILTIN_SAMPLES = {"AMAZON.DURATION": "PT45S", "AMAZON.NUMBER": "2", "AMAZON.TIME": "03:00",
                   "AMAZON.DATE": "2024-01-01", "AMAZON.FOUR_DIGIT_NUMBER": "2024"}


def sample_slot(name: str, slot_type: str) -> dict[str, Any]:
    """A filled slot as Alexa sends it: custom types resolved to their first value."""
    if slot_type in CUSTOM_TYPES:
        first = CUSTOM_TYPES[slot_type][0]
        spoken = first["name"]["value"]
        return envelopes.slot(name, spoken, first.get("id") or spoken, spoken, "ER_SUCCESS_MATCH",
                              authority=f"amzn1.er-authority.echo-sdk.skill.{slot_type}")
    return envelopes.slot(name, BUILTIN_SAMPLES.get(slot_type, "something"))


@dataclass(frozen=True)
class Ask:
    """One intent request of the matrix: an intent with its slots empty or filled."""

    intent: str
    fill: str
    slots: dict[str, Any] = field(hash=False, compare=False)

    def __str__(self) -> str:
        return f"{self.intent}[{self.fill}]"


def asks_from_model() -> list[Ask]:
    """Every model intent; one with slotted intents' slots unfilled (present without a
    value, as Alexa sends them), one with every slot filled with a sample."""
    asks = []
    for intent, slots in MODEL_INTENTS.items():
        if not slots:
            asks.append(Ask(intent, "no slots", {}))
            continue
        asks.append(Ask(intent, "unfilled", {s["name"]: envelopes.slot(s["name"], None) for s in slots}))
        asks.append(Ask(intent, "filled", {s["name"]: sample_slot(s["name"], s["type"]) for s in slots}))
    return asks


ASKS = asks_from_model()

# -- driving the skill -------------------------------------------------------------------------

_users = iter(range(10**9))


def fresh_user() -> str:
    """A user of their own per request, so stored preferences (quiet voice...) set by
    one cell never change another cell's answer."""
    return f"{envelopes.DEFAULT_USER_ID[:-12]}{next(_users):012d}"


def send(client, envelope: dict[str, Any], attributes: dict[str, Any] | None, new: bool,
         session: bool = True) -> dict[str, Any]:
    """POST one request with the given session attributes (None: no attributes key;
    `session=False`: no session object at all)."""
    if not session:
        del envelope["session"]
    else:
        envelope["session"]["new"] = new
        envelope["session"]["attributes"] = attributes
        if attributes is None:
            del envelope["session"]["attributes"]
    reply = post(client, envelope)
    assert reply.status_code == 200, reply.get_data(as_text=True)
    return reply.get_json()


def intent(name: str, **slots: Any) -> Callable[[], dict[str, Any]]:
    return lambda: envelopes.intent_request(name, slots, user_id=fresh_user())


@dataclass(frozen=True)
class Point:
    """A point in a conversation: the attributes Alexa would send next, and whether the
    next request starts a new session."""

    attributes: dict[str, Any] | None
    new: bool
    session: bool = True

    @property
    def state(self) -> DialogState:
        return DialogState.from_attributes(self.attributes)


def drive(client, script: list[Callable[[], dict[str, Any]]]) -> Point:
    """Play requests in order, carrying the session as Alexa does: a response that ends
    the session (or a SessionEndedRequest) means the next request starts fresh."""
    point = Point({}, True)
    for make in script:
        envelope = make()
        body = send(client, envelope, point.attributes, point.new)
        ended = session_closed(body) or envelope["request"]["type"] == "SessionEndedRequest"
        point = Point({} if ended else dict(body.get("sessionAttributes") or {}), ended)
    return point


def launch() -> dict[str, Any]:
    return envelopes.launch_request(user_id=fresh_user())


def session_ended() -> dict[str, Any]:
    return envelopes.session_ended_request("EXCEEDED_MAX_REPROMPTS", user_id=fresh_user())


NEXT, NO, YES = intent("AMAZON.NextIntent"), intent("AMAZON.NoIntent"), intent("AMAZON.YesIntent")


@dataclass(frozen=True)
class Scene:
    """How to reach a state, and what must be true there (so a change in the skill can't
    quietly make the matrix test some other state)."""

    script: list[Callable[[], dict[str, Any]]]
    holds: Callable[[DialogState], bool]


SCENES: dict[str, Scene] = {
    "fresh launch": Scene([launch], lambda s: s.flow == "relief" and s.step == 0),
    "mid steps": Scene([intent("ReliefStepsIntent"), NEXT], lambda s: s.flow == "relief" and s.step == 1),
    "last step": Scene([launch] + [NEXT] * (len(GENERAL_PLAN) - 1),
                       lambda s: s.step == len(GENERAL_PLAN) - 1 and s.pending == "start_over"),
    "mid serious check": Scene([intent("IsItSeriousIntent")],
                               lambda s: s.pending == "check" and s.question == 0),
    "serious check, later question": Scene([intent("IsItSeriousIntent"), NO],
                                           lambda s: s.pending == "check" and s.question == 1),
    "which medicine, over the check": Scene(
        [intent("IsItSeriousIntent"), intent("MedicationIntent")],
        lambda s: s.pending == "which_medical" and s.question == 0),
    "how long to count, asked": Scene([launch, intent("SetHoldTimeIntent")],
                                      lambda s: s.pending == "hold_time" and s.flow == "relief"),
    "serious check over, relief offered": Scene(
        [intent("IsItSeriousIntent")] + [NO] * len(CONTENT.serious.question),
        lambda s: s.flow == "none" and s.pending == "relief"),
    "unknown muscle's steps": Scene([intent("ReliefStepsIntent", muscle=envelopes.slot("muscle", "shin"))],
                                    lambda s: s.flow == "relief" and s.muscle == "OTHER"),
    "thigh's steps, later step": Scene([intent("ReliefStepsIntent", muscle=envelopes.slot("muscle", "thigh")), NEXT],
                                       lambda s: s.muscle == "THIGH" and s.step == 1),
    "after a countdown": Scene([intent("StretchTimerIntent")], lambda s: s.pending == "another_set"),
    "after a side answer to a countdown": Scene([intent("StretchTimerIntent"), intent("SourcesIntent")],
                                                lambda s: s.flow == "relief" and s.pending == "another_set"),
    "after help": Scene([intent("AMAZON.HelpIntent")], lambda s: s.pending == "none" and bool(s.last_speech)),
    "after the session ended": Scene([launch, NEXT, session_ended], lambda s: s == DialogState()),
}
#: Beside the scenes: a session without an attributes key, and no session object at all.
NO_ATTRIBUTES = "no session attributes at all"
NO_SESSION = "no session object"
STATE_NAMES = [*SCENES, NO_ATTRIBUTES, NO_SESSION]


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    """One app for the whole module (the matrix is hundreds of requests)."""
    settings = Settings(persistence="memory",
                        db_path=tmp_path_factory.mktemp("matrix") / "prefs.sqlite3").as_local()
    return create_app(settings).test_client()


@pytest.fixture(scope="module")
def points(client) -> dict[str, Point]:
    reached = {name: drive(client, scene.script) for name, scene in SCENES.items()}
    for name, scene in SCENES.items():
        assert scene.holds(reached[name].state), f"driving to {name!r} ended at {reached[name]}"
    reached[NO_ATTRIBUTES] = Point(None, False)
    reached[NO_SESSION] = Point(None, False, session=False)
    return reached


def ask_at(client, point: Point, ask: Ask) -> dict[str, Any]:
    return send(client, envelopes.intent_request(ask.intent, ask.slots, user_id=fresh_user()),
                point.attributes, point.new, point.session)


def ask_named(client, point: Point, name: str, **slots: Any) -> dict[str, Any]:
    return send(client, envelopes.intent_request(name, slots, user_id=fresh_user()),
                point.attributes, point.new, point.session)


def assert_state_readable(body: dict[str, Any]) -> None:
    """What the skill stores for the next turn is a state it can read back itself."""
    if session_closed(body):
        return
    stored = (body.get("sessionAttributes") or {}).get(KEY)
    assert stored is not None, "open session without the conversation state"
    state = msgspec.convert(stored, DialogState)
    assert state.v == VERSION


# -- 1+2. the matrix ---------------------------------------------------------------------------

def test_the_matrix_covers_the_whole_model() -> None:
    assert {ask.intent for ask in ASKS} == set(MODEL_INTENTS)
    assert len(MODEL_INTENTS) >= 16


@pytest.mark.parametrize("state_name", STATE_NAMES)
@pytest.mark.parametrize("ask", ASKS, ids=str)
def test_every_intent_in_every_state_is_answered_sensibly(client, points, ask, state_name) -> None:
    body = ask_at(client, points[state_name], ask)
    assert_sensible(body, context=f"{ask} in state {state_name!r}")
    # Only unrecognised speech (or a symptom intent without its symptom) is "not understood".
    if ask.intent != "AMAZON.FallbackIntent" and (ask.intent, ask.fill) != ("SymptomIntent", "unfilled"):
        assert not said(body).startswith(FALLBACK_EMERGENCY), f"{ask} in state {state_name!r}"
    if points[state_name].session:  # without a session there is nowhere to keep state
        assert_state_readable(body)


@pytest.mark.parametrize("state_name", STATE_NAMES)
def test_session_ended_in_every_state_says_nothing(client, points, state_name) -> None:
    point = points[state_name]
    body = send(client, session_ended(), point.attributes, point.new, point.session)
    assert_sensible(body, silent=True, context=f"SessionEndedRequest in state {state_name!r}")


# -- the named cases from the issue ------------------------------------------------------------

def test_next_at_launch_gives_the_second_step(client, points) -> None:
    body = ask_named(client, points["fresh launch"], "AMAZON.NextIntent")
    assert said(body).startswith(GENERAL_PLAN[1].text)


def test_next_as_the_first_words_of_a_session_gives_the_first_step(client, points) -> None:
    body = ask_named(client, points["after the session ended"], "AMAZON.NextIntent")
    assert said(body).startswith(GENERAL_PLAN[0].text)


@pytest.mark.parametrize("state_name", ["after the session ended", "after help", NO_ATTRIBUTES])
def test_yes_with_no_question_pending_says_so_and_offers_the_choices(client, points, state_name) -> None:
    body = ask_named(client, points[state_name], "AMAZON.YesIntent")
    assert said(body) == f"{NO_QUESTION} {STEER}"
    assert not session_closed(body) and reprompted(body) == STEER


def test_stretch_timer_before_any_countdown_counts_the_default_hold(client, points) -> None:
    body = ask_named(client, points["after the session ended"], "StretchTimerIntent")
    text = said(body)
    assert text.startswith(STRETCH["GENERAL"].cue)
    assert f"{spoken_duration(LIMITS.default_seconds)}, starting now." in text
    assert RELEASE in text
    assert abs(hold_seconds(body) - LIMITS.default_seconds) <= 2


def test_repeat_before_anything_was_said_offers_the_choices(client, points) -> None:
    body = ask_named(client, points["after the session ended"], "AMAZON.RepeatIntent")
    assert said(body) == f"{NOTHING_TO_REPEAT} {STEER}"


def test_again_right_after_launch_says_the_first_step_again(client, points) -> None:
    point = points["fresh launch"]
    body = ask_named(client, point, "AMAZON.RepeatIntent")
    assert said(body) == ssml.spoken_text(ssml.speak(point.state.last_speech))


def test_previous_at_step_one_says_so_and_repeats_it(client, points) -> None:
    body = ask_named(client, points["fresh launch"], "AMAZON.PreviousIntent")
    first = GENERAL_PLAN[0].text
    assert said(body).startswith(f"{FIRST_STEP_LEAD}: {first[:1].lower()}{first[1:]}")


def test_resume_with_nothing_paused_says_so(client, points) -> None:
    body = ask_named(client, points["after the session ended"], "AMAZON.ResumeIntent")
    assert said(body) == f"{NOTHING_PAUSED} {STEER}"


@pytest.mark.parametrize("state_name", STATE_NAMES)
def test_pause_is_honest_it_ends_the_session_with_how_to_come_back(client, points, state_name) -> None:
    """A pause promises nothing a timed-out session could not keep: it ends the session
    and says how to come back; a later "resume" in a new session has nothing to go on."""
    paused = ask_named(client, points[state_name], "AMAZON.PauseIntent")
    assert said(paused) == PAUSED and session_closed(paused), state_name
    resumed = ask_named(client, Point({}, True), "AMAZON.ResumeIntent")
    assert said(resumed).startswith(NOTHING_PAUSED), state_name


def test_resume_mid_steps_goes_on_with_the_step(client, points) -> None:
    body = ask_named(client, points["mid steps"], "AMAZON.ResumeIntent")
    assert said(body).startswith(GENERAL_PLAN[1].text)


def test_resume_in_the_serious_check_asks_the_open_question_again(client, points) -> None:
    body = ask_named(client, points["serious check, later question"], "AMAZON.ResumeIntent")
    assert said(body).startswith(CONTENT.serious.question[1].text)


# -- 3. slot edge cases ------------------------------------------------------------------------

def hold_seconds(body: dict[str, Any]) -> float:
    """Play time from "starting now." to "And release." in a countdown answer."""
    inner = ssml.unwrap(speech_ssml(body))
    start = inner.index("starting now.") + len("starting now.")
    return ssml.ssml_play_seconds(ssml.speak(inner[start:inner.index(RELEASE)]))


UNREADABLE = f"I didn't catch a time I can count, so here's {spoken_duration(LIMITS.default_seconds)}."
SHORTEST = f"The shortest count I do is {spoken_duration(LIMITS.min_seconds)}."
LONGEST = f"The longest count I do is {spoken_duration(LIMITS.max_seconds)}."
NOTES = (UNREADABLE, SHORTEST, LONGEST)
DEFAULT, MIN, MAX = LIMITS.default_seconds, LIMITS.min_seconds, LIMITS.max_seconds

DURATIONS: list[tuple[str, Any, int, str | None]] = [
    # (case, the duration slot as sent, seconds counted, note spoken)
    ("slot absent", None, DEFAULT, None),
    ("slot without value", envelopes.slot("duration", None), DEFAULT, None),
    ("value null", {"name": "duration", "value": None}, DEFAULT, None),
    ("empty string", "", DEFAULT, None),
    ("blank", "   ", DEFAULT, None),
    ("PT0S", "PT0S", MIN, SHORTEST),
    ("PT-5S", "PT-5S", DEFAULT, UNREADABLE),
    ("garbage", "garbage", DEFAULT, UNREADABLE),
    ("words", "twenty seconds", DEFAULT, UNREADABLE),
    ("question mark", "?", DEFAULT, UNREADABLE),
    ("PT?S", "PT?S", DEFAULT, UNREADABLE),
    ("PT5S", "PT5S", MIN, SHORTEST),
    ("PT0.5S", "PT0.5S", MIN, SHORTEST),
    ("PT10S", "PT10S", MIN, None),
    ("PT20S padded", " PT20S ", 20, None),
    ("PT45S", "PT45S", 45, None),
    ("PT2M", "PT2M", MAX, None),
    ("PT3M30S", "PT3M30S", MAX, LONGEST),
    ("PT1H", "PT1H", MAX, LONGEST),
    ("P1D", "P1D", MAX, LONGEST),
    ("P1Y", "P1Y", MAX, LONGEST),
    ("huge hours", "PT99999999999999999999H", MAX, LONGEST),
    ("huge days", "P99999999999999999999D", MAX, LONGEST),
    ("huge negative", "-PT99999999999999999999H", DEFAULT, UNREADABLE),
    ("negative", "-PT30S", DEFAULT, UNREADABLE),
]


@pytest.mark.parametrize("case, duration, seconds, note", DURATIONS, ids=[d[0] for d in DURATIONS])
def test_durations_are_clamped_or_defaulted_and_said_so(client, case, duration, seconds, note) -> None:
    slots = {} if duration is None else {"duration": duration}
    body = send(client, envelopes.intent_request("StretchTimerIntent", slots, user_id=fresh_user()), {}, True)
    assert_sensible(body, context=f"duration {case}")
    text = said(body)
    assert f"{spoken_duration(seconds)}, starting now." in text
    assert [n for n in NOTES if n in text] == ([note] if note else [])
    assert abs(hold_seconds(body) - seconds) <= 2


def test_an_intent_without_a_slots_object_is_answered(client) -> None:
    for name in MODEL_INTENTS:
        envelope = envelopes.intent_request(name, user_id=fresh_user())
        del envelope["request"]["intent"]["slots"]
        assert_sensible(send(client, envelope, {}, True), context=f"{name} without slots")


def resolved(value: str | None, muscle_id: str) -> dict[str, Any]:
    return envelopes.slot("muscle", value, muscle_id, value, "ER_SUCCESS_MATCH")


MUSCLES: list[tuple[str, Any, str, bool]] = [
    # (case, the muscle slot as sent, stretch expected, whether "no special stretch" is said)
    # None named: the general (calf-style) stretch; named but unknown: the OTHER one.
    ("slot absent", None, "GENERAL", False),
    ("slot without value", envelopes.slot("muscle", None), "GENERAL", False),
    ("empty value", "", "GENERAL", False),
    ("blank value", "   ", "GENERAL", False),
    ("resolved", resolved("calves", "CALF"), "CALF", False),
    ("resolved without a value", resolved(None, "FOOT"), "FOOT", False),
    ("resolved to an unknown id", resolved("elbow", "ELBOW"), "OTHER", True),
    ("resolved id in odd case", resolved("hamstring", "thigh_back"), "THIGH_BACK", False),
    ("no match", envelopes.slot("muscle", "elbow", status="ER_SUCCESS_NO_MATCH"), "OTHER", True),
    ("no match on a known word", envelopes.slot("muscle", "calf", status="ER_SUCCESS_NO_MATCH"), "CALF", False),
    ("resolution timed out", envelopes.slot("muscle", "quads", status="ER_ERROR_TIMEOUT"), "THIGH_FRONT", False),
    ("no resolutions, known", "hamstrings", "THIGH_BACK", False),
    ("thigh, no side", resolved("thigh", "THIGH"), "THIGH", False),
    ("upper leg, no resolutions", "upper leg", "THIGH", False),
    ("shin", envelopes.slot("muscle", "shin", status="ER_SUCCESS_NO_MATCH"), "OTHER", True),
    ("back of my leg (ambiguous)", "back of my leg", "OTHER", True),
    ("no resolutions, unknown", "elbow", "OTHER", True),
    ("odd case and spacing", "  CaLF  ", "CALF", False),
    ("odd spacing inside", "Back   Of My   Thigh", "THIGH_BACK", False),
    ("shouted", "MY QUADS", "THIGH_FRONT", False),
    ("punctuation", "foot!", "FOOT", False),
    ("emoji", "\U0001f9b5", "OTHER", True),
    ("very long", "calf " * 2000, "OTHER", True),
]


@pytest.mark.parametrize("case, muscle, stretch, unknown", MUSCLES, ids=[m[0] for m in MUSCLES])
def test_relief_steps_muscle_slot_edge_cases(client, case, muscle, stretch, unknown) -> None:
    slots = {} if muscle is None else {"muscle": muscle}
    body = send(client, envelopes.intent_request("ReliefStepsIntent", slots, user_id=fresh_user()), {}, True)
    assert_sensible(body, context=f"muscle {case}")
    text, step = said(body), STRETCH[stretch].text
    if unknown:
        assert text.startswith(f"{UNKNOWN_MUSCLE_LEAD}: {step[:1].lower()}{step[1:]}")
    else:
        assert text.startswith(step)


@pytest.mark.parametrize("case, muscle, stretch, unknown", MUSCLES, ids=[m[0] for m in MUSCLES])
def test_stretch_timer_muscle_slot_edge_cases(client, case, muscle, stretch, unknown) -> None:
    slots = {} if muscle is None else {"muscle": muscle}
    body = send(client, envelopes.intent_request("StretchTimerIntent", slots, user_id=fresh_user()), {}, True)
    assert_sensible(body, context=f"muscle {case}")
    assert said(body).startswith(STRETCH[stretch].cue)


# -- 4. tampered session attributes ------------------------------------------------------------

def cramp(**fields: Any) -> dict[str, Any]:
    return {KEY: fields}


#: Our state broken so it can't be read: the skill must answer exactly as in a new session.
UNREADABLE_STATES: dict[str, dict[str, Any]] = {
    "cramp is a string": {KEY: "relief"},
    "cramp is a number": {KEY: 5},
    "cramp is a float": {KEY: 1.5},
    "cramp is true": {KEY: True},
    "cramp is a list": {KEY: ["flow", "relief"]},
    "cramp is null": {KEY: None},
    "future version": cramp(v=VERSION + 1, flow="relief", step=2),
    "older version": cramp(v=0, flow="relief", step=2),
    "version as text": cramp(v="1", flow="relief", step=2),
    "version null": cramp(v=None, flow="relief", step=2),
    "flow a number": cramp(flow=5),
    "flow unknown": cramp(flow="dancing"),
    "flow a list": cramp(flow=["relief"]),
    "muscle a number": cramp(flow="relief", muscle=5),
    "muscle a list": cramp(flow="relief", muscle=["CALF"]),
    "muscle huge": cramp(flow="relief", muscle="CALF" * 1000),
    "step as text": cramp(flow="relief", step="2"),
    "step negative": cramp(flow="relief", step=-1),
    "step past the limit": cramp(flow="relief", step=41),
    "step huge": cramp(flow="relief", step=10**30),
    "step a float": cramp(flow="relief", step=1.5),
    "step true": cramp(flow="relief", step=True),
    "step null": cramp(flow="relief", step=None),
    "pending a number": cramp(flow="relief", pending=3),
    "pending unknown": cramp(flow="relief", pending="dessert"),
    "question as text": cramp(pending="check", question="1"),
    "question negative": cramp(pending="check", question=-1),
    "question past the limit": cramp(pending="check", question=6),
    "question huge": cramp(pending="check", question=10**30),
    "question a list": cramp(pending="check", question=[0]),
    "question an object": cramp(pending="check", question={"0": "no"}),
    "misses negative": cramp(pending="check", question=0, misses=-1),
    "misses huge": cramp(pending="check", question=0, misses=99),
    "flow serious (an older state)": cramp(flow="serious"),
    "hold as text": cramp(pending="another_set", hold="30"),
    "hold zero": cramp(pending="another_set", hold=0),
    "hold negative": cramp(pending="another_set", hold=-5),
    "hold huge": cramp(pending="another_set", hold=10**9),
    "hold a float": cramp(pending="another_set", hold=30.5),
    "sources a string": cramp(sources="000"),
    "sources numbers": cramp(sources=[0, 1]),
    "sources too many": cramp(sources=["000"] * 11),
    "last speech a number": cramp(last_speech=5),
    "last speech a list": cramp(last_speech=["hello"]),
    "last speech huge": cramp(last_speech="x" * 40_000),
    "last reprompt an object": cramp(last_speech="Hello.", last_reprompt={"ssml": "Hi"}),
}

#: Readable, but odd, stale or beside the point: any sensible answer will do.
ODD_STATES: dict[str, dict[str, Any]] = {
    "empty attributes": {},
    "empty state": cramp(),
    "only the flow (relief)": cramp(flow="relief"),
    "only the check's question": cramp(question=2),
    "pending count outside the steps": cramp(pending="count"),
    "another set, no hold": cramp(pending="another_set"),
    "another set, hold under the minimum": cramp(pending="another_set", hold=3),
    "another set, hold over the maximum": cramp(pending="another_set", hold=600),
    "step past the plan": cramp(flow="relief", step=40, pending="count"),
    "unknown muscle id": cramp(flow="relief", muscle="ELBOW", step=1),
    "serious check at its last question": cramp(pending="check", question=5),
    "check pending without a question": cramp(pending="check"),
    "side prompt over nothing": cramp(pending="which_medical"),
    "a second unclear answer": cramp(pending="check", question=1, misses=1),
    "replies of an older state": cramp(flow="none", replies=["no", "no"]),
    "last speech not SSML": cramp(last_speech="Tom & Jerry <b", last_reprompt="x"),
    "last speech with a long break": cramp(last_speech='<break time="60s"/>', last_reprompt=""),
    "last reprompt broken": cramp(last_speech="Hello there.", last_reprompt="<unclosed"),
    "unknown key in our state": cramp(flow="relief", step=1, colour="blue"),
    "unknown keys beside ours": {"other_feature": {"nested": [1, {"deep": None}]}, "n": 1},
    "huge unknown key": {"blob": "x" * 40_000},
    "deep unknown key": {"deep": json.loads("[" * 50 + "]" * 50)},
}

TAMPER_ASKS = [ask for ask in ASKS if ask.fill != "filled"]


@pytest.fixture(scope="module")
def new_session_answers(client) -> dict[Ask, str]:
    """What each intent says at the very start of a session (no attributes)."""
    return {ask: said(ask_at(client, Point({}, False), ask)) for ask in TAMPER_ASKS}


@pytest.mark.parametrize("case", UNREADABLE_STATES)
def test_an_unreadable_state_is_treated_as_a_new_conversation(client, new_session_answers, case) -> None:
    point = Point(UNREADABLE_STATES[case], False)
    for ask in TAMPER_ASKS:
        body = ask_at(client, point, ask)
        assert_sensible(body, context=f"{ask} with {case}")
        assert said(body) == new_session_answers[ask], f"{ask} with {case}"
        assert_state_readable(body)


@pytest.mark.parametrize("case", ODD_STATES)
def test_an_odd_state_still_gets_sensible_answers(client, case) -> None:
    attributes = ODD_STATES[case]
    for ask in TAMPER_ASKS:
        body = ask_at(client, Point(attributes, False), ask)
        assert_sensible(body, context=f"{ask} with {case}")
        assert_state_readable(body)
        if not session_closed(body):  # other features' keys travel on untouched
            stored = body.get("sessionAttributes") or {}
            ours = {KEY, PREFERENCES_KEY}
            assert {k: v for k, v in stored.items() if k not in ours} == \
                {k: v for k, v in attributes.items() if k not in ours}


@pytest.mark.parametrize("attributes", [[], ["cramp"], "cramp", 5, True, None],
                         ids=["empty list", "list", "string", "number", "true", "null"])
def test_attributes_that_are_not_an_object_start_a_new_conversation(client, new_session_answers,
                                                                    attributes) -> None:
    for ask in TAMPER_ASKS:
        envelope = envelopes.intent_request(ask.intent, ask.slots, user_id=fresh_user())
        envelope["session"]["attributes"] = attributes
        reply = post(client, envelope)
        assert reply.status_code == 200, f"{ask}: {reply.get_data(as_text=True)}"
        body = reply.get_json()
        assert_sensible(body, context=f"{ask} with attributes {attributes!r}")
        assert said(body) == new_session_answers[ask]
