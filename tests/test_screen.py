"""The night screen: APL only where declared, the countdown spoken by the screen in the
plan's own words and silences, touch answered like speech, the emergency line alone, and
every document a screen conversation sends passes Amazon's apl-suggester."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from skill import envelopes
from skill.domain import ssml
from skill.domain.content import EMERGENCY_START
from skill.simulator.screen import screen_says, screen_shows

from .conftest import post
from .words import CONTENT

RENDER = "Alexa.Presentation.APL.RenderDocument"
EXECUTE = "Alexa.Presentation.APL.ExecuteCommands"
APLT_RENDER = "Alexa.Presentation.APLT.RenderDocument"
STATE_KEYS = ("flow", "muscle", "step", "question", "pending", "hold")


def ask(client, request: dict[str, Any]) -> dict[str, Any]:
    reply = post(client, request)
    assert reply.status_code == 200
    return reply.get_json()


def directives(body: dict[str, Any], kind: str | None = None) -> list[dict[str, Any]]:
    found = body["response"].get("directives") or []
    return [d for d in found if kind is None or d.get("type") == kind]


class Device:
    """A device turn by turn: session attributes carried along, with or without a screen."""

    def __init__(self, client, screen: bool = True) -> None:
        self.client, self.screen, self.attributes = client, screen, {}
        self.bodies: list[dict[str, Any]] = []

    def _go(self, request: dict[str, Any]) -> dict[str, Any]:
        body = ask(self.client, request)
        self.attributes = body.get("sessionAttributes") or {}
        self.bodies.append(body)
        return body

    def launch(self) -> dict[str, Any]:
        return self._go(envelopes.launch_request(with_screen=self.screen))

    def say(self, intent: str, slots: dict[str, Any] | None = None) -> dict[str, Any]:
        return self._go(envelopes.intent_request(intent, slots, with_screen=self.screen,
                                                 session_attributes=self.attributes))

    def tap(self, event: str) -> dict[str, Any]:
        return self._go(envelopes.user_event([event], session_attributes=self.attributes))

    def state(self) -> dict[str, Any]:
        state = self.attributes.get("state") or self.attributes
        return {key: state.get(key) for key in STATE_KEYS}


# -- only where supported ---------------------------------------------------------------------

def test_a_speaker_gets_no_apl_and_the_same_answers(client) -> None:
    speaker, screen = Device(client, screen=False), Device(client)
    for device in (speaker, screen):
        device.launch()
        device.say("AMAZON.NextIntent")
        device.say("StretchTimerIntent")
    for body in speaker.bodies:
        assert not directives(body), body["response"]
        assert body["response"]["shouldEndSession"] is False
    assert all(directives(body, RENDER) for body in screen.bodies)
    # The same words: spoken by the speech on a speaker, by the screen's commands on a screen.
    assert speaker.bodies[1]["response"]["outputSpeech"] == screen.bodies[1]["response"]["outputSpeech"]
    spoken = ssml.spoken_text(speaker.bodies[2]["response"]["outputSpeech"]["ssml"])
    by_screen = " ".join(w for w in screen_says(screen.bodies[2]["response"]) if not w.startswith("(pause"))
    assert ssml._WORD.findall(by_screen) == ssml._WORD.findall(spoken)


def test_the_clock_display_shows_the_seconds_only_when_declared(client) -> None:
    request = envelopes.intent_request("StretchTimerIntent", {"duration": "PT20S"})
    plain = ask(client, request)
    assert not directives(plain)
    request["context"]["System"]["device"]["supportedInterfaces"]["Alexa.Presentation.APLT"] = {
        "runtime": {"maxVersion": "1.0"}}
    clock = ask(client, request)
    assert clock["response"]["outputSpeech"] == plain["response"]["outputSpeech"]
    rendered = directives(clock, APLT_RENDER)
    assert rendered and rendered[0]["document"]["mainTemplate"]["items"][0]["text"] == "20"


# -- the countdown on screen -----------------------------------------------------------------

def _segments_of(speech_ssml: str) -> list[tuple[str, float]]:
    """("text", words) and ("pause", seconds) runs of a speaker's countdown SSML."""
    root = ssml.parse(speech_ssml)
    found: list[tuple[str, Any]] = []

    def add(kind: str, value: Any) -> None:
        if kind == "pause" and found and found[-1][0] == "pause":
            found[-1] = ("pause", found[-1][1] + value)
        elif kind == "text" and found and found[-1][0] == "text":
            found[-1] = ("text", f"{found[-1][1]} {value}")
        else:
            found.append((kind, value))

    def walk(node) -> None:  # noqa: ANN001
        if node.text and node.text.strip():
            add("text", " ".join(node.text.split()))
        for child in node:
            if child.tag == "break":
                add("pause", ssml.breaks_in(ssml.speak(f'<break time="{child.get("time")}"/>'))[0])
            else:
                walk(child)
            if child.tail and child.tail.strip():
                add("text", " ".join(child.tail.split()))

    walk(root)
    return found


def _segments_of_commands(body: dict[str, Any]) -> list[tuple[str, Any]]:
    sources = directives(body, RENDER)[0]["datasources"]["count"]["properties"]
    found: list[tuple[str, Any]] = []
    sequential = directives(body, EXECUTE)[0]["commands"]
    assert len(sequential) == 1 and sequential[0]["type"] == "Sequential"
    assert sequential[0]["screenLock"] is True
    for command in sequential[0]["commands"]:
        assert command["type"] in ("SetValue", "SpeakItem", "Idle")
        delay = command.get("delay", 0) / 1000
        if delay:
            if found and found[-1][0] == "pause":
                found[-1] = ("pause", found[-1][1] + delay)
            else:
                found.append(("pause", delay))
        if command["type"] == "SpeakItem":
            words = ssml.spoken_text(sources[f"s{command['componentId'][3:]}"])
            if found and found[-1][0] == "text":
                found[-1] = ("text", f"{found[-1][1]} {words}")
            else:
                found.append(("text", words))
    return found


@pytest.mark.parametrize("duration", ["PT10S", "PT20S", "PT25S", "PT30S", "PT1M", "PT2M",
                                      "PT15M"])
def test_screen_countdown_commands_say_the_spoken_plan(client, duration: str) -> None:
    slots = {"duration": duration}
    speaker = ask(client, envelopes.intent_request("StretchTimerIntent", slots))
    screen = ask(client, envelopes.intent_request("StretchTimerIntent", slots, with_screen=True))
    spoken = _segments_of(speaker["response"]["outputSpeech"]["ssml"])
    shown = _segments_of_commands(screen)
    assert [kind for kind, _ in shown] == [kind for kind, _ in spoken]
    for (kind, said), (_, on_screen) in zip(spoken, shown):
        if kind == "text":
            assert on_screen == said
        else:
            assert on_screen == pytest.approx(said, abs=0.002)
    assert "outputSpeech" not in screen["response"]
    assert screen["response"].get("shouldEndSession") is None
    assert "reprompt" not in screen["response"]
    assert len(json.dumps(screen).encode()) < 24_000


def test_the_screen_shows_the_marks_as_they_are_said(client) -> None:
    body = ask(client, envelopes.intent_request("StretchTimerIntent", {"duration": "PT30S"},
                                                with_screen=True))
    words = CONTENT.prompts.countdown
    left, shown = None, {}
    for command in directives(body, EXECUTE)[0]["commands"][0]["commands"]:
        if command["type"] == "SetValue" and command["componentId"] == "left":
            left = command["value"]
        if command["type"] == "SetValue" and command["componentId"] == "said":
            shown[command["value"]] = left
    assert shown[words.halfway] == "15"
    assert shown[words.ten_left] == "10"
    assert shown[words.five] == "5"
    assert shown[words.release] == "0"
    ticks = [c["value"] for c in directives(body, EXECUTE)[0]["commands"][0]["commands"]
             if c["type"] == "SetValue" and c["componentId"] == "left"]
    assert ticks == [str(n) for n in range(30, -1, -1)]


def test_a_whispered_countdown_is_whispered_on_screen_too(client) -> None:
    device = Device(client)
    device.launch()
    device.say("QuietVoiceIntent")
    body = device.say("StretchTimerIntent")
    spoken = directives(body, RENDER)[0]["datasources"]["count"]["properties"]
    assert all('name="whispered"' in value for key, value in spoken.items() if key.startswith("s"))


# -- touch ----------------------------------------------------------------------------------

TOUCH_AND_SPEECH = [
    ("next", "AMAZON.NextIntent"), ("back", "AMAZON.PreviousIntent"),
    ("time_it", "StretchTimerIntent"), ("serious", "IsItSeriousIntent"),
    ("yes", "AMAZON.YesIntent"), ("no", "AMAZON.NoIntent"), ("unsure", "NotSureIntent"),
]
#: Where the conversation stands before the touch: what was said to get there.
BEFORE = {
    "launch": [],
    "second step": [("AMAZON.NextIntent", None)],
    "after a count": [("StretchTimerIntent", None)],
    "check": [("IsItSeriousIntent", None)],
    "check, second question": [("IsItSeriousIntent", None), ("AMAZON.NoIntent", None)],
}


@pytest.mark.parametrize("where", sorted(BEFORE))
@pytest.mark.parametrize("event,intent", TOUCH_AND_SPEECH)
def test_touching_gives_the_same_state_as_saying(client, where: str, event: str,
                                                 intent: str) -> None:
    touched, spoken = Device(client), Device(client)
    for device in (touched, spoken):
        device.launch()
        for said, slots in BEFORE[where]:
            device.say(said, slots)
    by_touch = touched.tap(event)
    by_voice = spoken.say(intent)
    assert touched.state() == spoken.state()
    assert by_touch["response"].get("outputSpeech") == by_voice["response"].get("outputSpeech")
    if by_voice["response"].get("shouldEndSession") is True:
        assert by_touch["response"]["shouldEndSession"] is True
    else:
        assert by_touch["response"].get("shouldEndSession") is None
        assert "reprompt" not in by_touch["response"]


def test_a_touch_answer_is_whispered_for_a_quiet_user_but_an_emergency_is_not(client) -> None:
    device = Device(client)
    device.launch()
    device.say("QuietVoiceIntent")
    assert 'name="whispered"' in device.tap("next")["response"]["outputSpeech"]["ssml"]
    device.tap("serious")
    emergency = device.tap("yes")  # the first question is an emergency sign
    speech = emergency["response"]["outputSpeech"]["ssml"]
    assert 'whispered' not in speech
    assert ssml.spoken_text(speech).lower().startswith(EMERGENCY_START)
    assert emergency["response"]["shouldEndSession"] is True


def test_an_unknown_touch_gets_the_steer(client) -> None:
    body = ask(client, envelopes.user_event(["self-destruct"]))
    assert ssml.spoken_text(body["response"]["outputSpeech"]["ssml"]) == CONTENT.prompts.general.steer
    assert body["response"].get("shouldEndSession") is None


# -- what each screen shows --------------------------------------------------------------------

def test_the_emergency_screen_shows_the_emergency_line_first_and_alone(client) -> None:
    device = Device(client)
    device.launch()
    device.tap("serious")
    body = device.tap("yes")
    texts, controls = screen_shows(body["response"])
    assert texts and texts[0].lower().startswith(EMERGENCY_START)
    assert len(texts) == 1 and not controls
    assert directives(body, RENDER)[0]["document"]["theme"] == "dark"


def test_the_step_screen_shows_step_n_of_n_and_the_controls(client) -> None:
    device = Device(client)
    body = device.launch()
    texts, controls = screen_shows(body["response"])
    plan = CONTENT.relief_plan(None)
    words = CONTENT.prompts.screen
    assert texts[:2] == [words.step.format(number=1, total=len(plan)), plan[0].text]
    assert controls == [words.back, words.next, words.time_it, words.serious]
    texts, controls = screen_shows(device.tap("serious")["response"])
    assert texts[1] == CONTENT.serious.question[0].text
    assert controls == [words.yes, words.no, words.unsure]


def test_not_sure_by_touch_says_when_to_call_and_shows_the_next_question(client) -> None:
    """Tapping Not sure on an emergency question: its "not sure" line in the normal voice,
    then the next question on screen with Yes / No / Not sure; after Not sure to the sting
    or bite question the check ends on the watch advice, with no step and no controls."""
    questions = CONTENT.serious.question
    words = CONTENT.prompts.screen
    held = next(i for i, q in enumerate(questions) if q.unsure_holds_back)
    device = Device(client)
    device.launch()
    device.say("QuietVoiceIntent")
    device.tap("serious")
    for _ in range(held):
        device.tap("no")
    body = device.tap("unsure")
    speech = body["response"]["outputSpeech"]["ssml"]
    assert "whispered" not in speech
    assert ssml.spoken_text(speech) == f"{questions[held].unsure} {questions[held + 1].text}"
    texts, controls = screen_shows(body["response"])
    assert texts == [words.check, questions[held].unsure, questions[held + 1].text]
    assert controls == [words.yes, words.no, words.unsure]
    for _ in range(held + 1, len(questions)):
        body = device.tap("no")
    spoken = ssml.spoken_text(body["response"]["outputSpeech"]["ssml"])
    assert spoken == CONTENT.outcome("watch").text
    assert body["response"]["shouldEndSession"] is True
    texts, controls = screen_shows(body["response"])
    assert not controls and not any(step.text in " ".join(texts) for step in CONTENT.relief_plan(None))


# -- every document passes Amazon's validator --------------------------------------------------

VALIDATE_JS = """
const { StaticAplTemplateValidator } = require(process.argv[process.argv.length - 1]);
const docs = JSON.parse(require('fs').readFileSync(0, 'utf8'));
(async () => {
  const out = [];
  for (const doc of docs) {  // one at a time: parallel calls collide
    out.push(await new StaticAplTemplateValidator().validate(doc));
  }
  process.stdout.write(JSON.stringify(out));
})().catch((e) => { console.error(e); process.exit(2); });
"""


#: Where `make install` puts apl-suggester (the Makefile's APL_DIR); no test installs it.
APL_SUGGESTER = (Path(__file__).resolve().parent.parent / ".venv" / "apl-suggester"
                 / "node_modules" / "apl-suggester")


@pytest.fixture(scope="session")
def apl_suggester() -> Path:
    """apl-suggester as `make install` installed it. Missing, the test skips with the
    reason, except on CI (CI set), where `make test` installs it first: there a missing
    validator is a failure, not a skip."""
    missing = None
    if shutil.which("node") is None:
        missing = "node is not on PATH: apl-suggester (npm) validates the documents through Node.js"
    elif not (APL_SUGGESTER / "package.json").is_file():
        missing = (f"apl-suggester is not installed at {APL_SUGGESTER}: run `make install` "
                   "(it installs it from npm; tests never install anything)")
    if missing is not None:
        if os.environ.get("CI"):
            pytest.fail(f"on CI the install step must provide it: {missing}")
        pytest.skip(missing)
    return APL_SUGGESTER


def crawl_documents(client) -> dict[str, dict[str, Any]]:
    """Every kind of document a screen conversation sends, by where it was sent."""
    found: dict[str, dict[str, Any]] = {}
    walks = {
        "steps": [("say", "launch")] + [("tap", "next")] * len(CONTENT.relief_plan(None))
                 + [("tap", "back")],
        "countdown": [("say", "launch"), ("tap", "time_it"), ("tap", "yes")],
        "check": [("say", "launch"), ("tap", "serious"), ("tap", "no"), ("tap", "no"),
                  ("tap", "unsure"), ("tap", "no"), ("tap", "no"), ("tap", "no")],
        "emergency": [("say", "launch"), ("tap", "serious"), ("tap", "yes")],
        "goodbye": [("say", "launch"), ("say", "AMAZON.StopIntent")],
        "help": [("say", "launch"), ("say", "AMAZON.HelpIntent")],
        "muscle": [("say", "ReliefStepsIntent")],
    }
    for name, walk in walks.items():
        device = Device(client)
        for number, (how, what) in enumerate(walk):
            if how == "tap":
                body = device.tap(what)
            elif what == "launch":
                body = device.launch()
            else:
                body = device.say(what)
            for directive in directives(body, RENDER):
                found[f"{name}[{number}] {how} {what}"] = directive["document"]
    return found


def test_every_document_passes_apl_suggester(client, apl_suggester: Path) -> None:
    documents = crawl_documents(client)
    kinds = {json.dumps(doc, sort_keys=True) for doc in documents.values()}
    assert len(kinds) >= 10  # steps, countdown, check questions, emergency, goodbye...
    names = list(documents)
    done = subprocess.run(["node", "-e", VALIDATE_JS, str(apl_suggester)],
                          input=json.dumps([documents[n] for n in names]),
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    findings = dict(zip(names, json.loads(done.stdout)))
    assert not any(findings.values()), {n: f for n, f in findings.items() if f}


def test_the_validator_is_not_blind(apl_suggester: Path) -> None:
    broken = {"type": "APL", "version": "2023.3", "mainTemplate": {
        "parameters": ["payload"], "items": [{"type": "Text", "text": "x", "fontSzie": "9dp"}]}}
    done = subprocess.run(["node", "-e", VALIDATE_JS, str(apl_suggester)],
                          input=json.dumps([broken]), capture_output=True, text=True,
                          timeout=120)
    assert json.loads(done.stdout)[0], "a misspelt property must be a finding"


# -- touches that say what they answer ------------------------------------------------------

def touch_arguments(body: dict[str, Any], event: str) -> list[Any]:
    """The SendEvent arguments of the control `event` on the screen `body` rendered."""
    def walk(node: Any) -> list[Any] | None:
        if isinstance(node, list):
            for item in node:
                found = walk(item)
                if found is not None:
                    return found
            return None
        if not isinstance(node, dict):
            return None
        if node.get("type") == "TouchWrapper" and node.get("id") == f"touch_{event}":
            return node["onPress"][0]["arguments"]
        return walk(node.get("item")) or walk(node.get("items"))

    rendered = directives(body, RENDER)
    assert rendered, "no screen"
    found = walk(rendered[-1]["document"]["mainTemplate"]["items"])
    assert found is not None, f"no {event} control on {screen_shows(body['response'])}"
    return found


def tap_in_a_new_session(client, arguments: list[Any]) -> dict[str, Any]:
    """The touch as an Echo Show sends it after closing the session: no attributes."""
    return ask(client, envelopes.user_event(arguments, new_session=True))


def spoken(body: dict[str, Any]) -> str:
    return ssml.spoken_text(body["response"]["outputSpeech"]["ssml"])


def test_a_check_control_carries_its_question_by_id_not_by_position(client) -> None:
    device = Device(client)
    device.launch()
    body = device.tap("serious")
    arguments = touch_arguments(body, "yes")
    first = CONTENT.serious.question[0]
    assert arguments[0] == "yes"
    assert arguments[1] == {"ask": "check", "id": first.id}


@pytest.mark.parametrize("index", range(len(CONTENT.serious.question)))
@pytest.mark.parametrize("event", ["yes", "no", "unsure"])
def test_a_touch_on_the_check_after_the_session_closed_is_answered_in_place(
        client, index: int, event: str) -> None:
    """alexa-skills-kit-sdk-for-python#212: the screen stays, the session is gone."""
    device = Device(client)
    device.launch()
    body = device.tap("serious")
    for _ in range(index):
        body = device.tap("no")
    assert screen_shows(body["response"])[0][1] == CONTENT.serious.question[index].text
    arguments = touch_arguments(body, event)
    in_session = device.tap(event)  # what the same touch gets while the session is open
    later = tap_in_a_new_session(client, arguments)
    assert spoken(later) == spoken(in_session)
    assert later["response"].get("shouldEndSession") == in_session["response"].get("shouldEndSession")


def test_yes_on_the_first_question_in_a_new_session_gets_the_emergency_line(client) -> None:
    device = Device(client)
    device.launch()
    arguments = touch_arguments(device.tap("serious"), "yes")
    later = tap_in_a_new_session(client, arguments)
    assert spoken(later).lower().startswith(EMERGENCY_START)
    assert later["response"]["shouldEndSession"] is True


def test_a_forged_or_stale_place_is_ignored(client) -> None:
    for place in ({"ask": "check", "id": "no_such_question"}, {"ask": "self-destruct"},
                  {"ask": "check"}, {"ask": "count", "step": 999}, {"ask": "count", "step": True},
                  {"ask": "next", "step": 0, "muscle": "elbow-of-doom"}, "check", 7):
        body = tap_in_a_new_session(client, ["yes", place])
        assert spoken(body) == spoken(tap_in_a_new_session(client, ["yes"])), place


def test_the_question_after_the_check_has_controls_that_answer_it(client) -> None:
    """After "No", then "Not sure" by touch, the check says when to call and asks the next
    question, with Yes / No / Not sure; after every "no", it asks "Want the relief steps
    now?" with Yes / No, and Yes by touch, even in a new session, starts the relief steps."""
    words = CONTENT.prompts.screen
    questions = CONTENT.serious.question
    device = Device(client)
    device.launch()
    device.tap("serious")
    device.tap("no")
    body = device.tap("unsure")
    texts, controls = screen_shows(body["response"])
    assert any(t.lower().startswith(EMERGENCY_START) for t in texts)
    assert texts[-1] == questions[2].text
    assert controls == [words.yes, words.no, words.unsure]
    for _ in questions[2:]:
        body = device.tap("no")
    texts, controls = screen_shows(body["response"])
    assert texts[-1].endswith(CONTENT.prompts.check.offer_relief)
    assert controls == [words.yes, words.no]
    later = tap_in_a_new_session(client, touch_arguments(body, "yes"))
    assert screen_shows(later["response"])[0][0] == words.step.format(
        number=1, total=len(CONTENT.relief_plan(None)))


#: Touch walks through the screens: every turn that asks a question must show controls.
TOUCH_WALKS = [
    ["serious", "no", "unsure", "no"],
    ["serious", "no", "unsure", "yes", "next", "time_it"],
    ["serious", "no", "no", "no", "no", "no", "yes"],
    ["serious", "no", "no", "yes"],
    ["serious", "no", "no", "unsure"],
    ["serious", "no", "no", "no", "yes"],
    ["serious", "no", "no", "no", "no", "unsure"],
    ["time_it", "yes", "next", "next", "serious", "unsure"],
    ["next"] * 10 + ["yes"],
]


@pytest.mark.parametrize("walk", TOUCH_WALKS, ids=["-".join(w) for w in TOUCH_WALKS])
def test_every_question_asked_after_a_touch_has_controls_to_answer_it(client, walk) -> None:
    from skill.domain import dialog
    from skill.domain.state import DialogState

    words = CONTENT.prompts.screen
    device = Device(client)
    device.launch()
    for event in walk:
        body = device.tap(event)
        if body["response"].get("shouldEndSession"):
            break
        state = DialogState.from_attributes(device.attributes)
        waiting = dialog.question(state.pending)
        texts, controls = screen_shows(body["response"])
        assert controls, (event, texts)
        if waiting is not None and {"yes", "no"} <= waiting.accepts and \
                directives(body, RENDER)[-1]["document"] and state.flow != "relief":
            assert {words.yes, words.no} <= set(controls) or words.again in controls, (event, texts, controls)
