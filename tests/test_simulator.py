"""The simulator: resolver, durations, SSML rendering, sessions, transports, the CLI, and the
annotation set's accuracy."""
from __future__ import annotations

import io
import re
import threading

import pytest

from skill.cli import main
from skill.model.generate import generate_model
from skill.settings import PROJECT_ROOT
from skill.simulator.annotations import evaluate, load_annotations
from skill.simulator.builtins import BUILTIN_PHRASES
from skill.simulator.duration import parse_duration
from skill.simulator.resolver import FALLBACK_INTENT, Resolver, normalize
from skill.simulator.session import Conversation, Turn
from skill.simulator.speaker import NOT_INSTALLED, Speaker
from skill.simulator.ssml import render, segments
from skill.simulator.transport import (
    HttpTransport,
    InProcessTransport,
    Reply,
    TransportError,
    in_process_settings,
)

NIGHT_SCRIPT = PROJECT_ROOT / "interaction_models" / "scripts" / "night.txt"
ANNOTATIONS_DIR = PROJECT_ROOT / "interaction_models" / "annotations"
#: The core set, then the sections written later (each frozen once written).
SECTIONS = ("en-US.csv", "en-US-red-flags.csv", "en-US-side-questions.csv", "en-US-goodbyes.csv",
            "en-US-doubt.csv", "en-US-remedies.csv", "en-US-journeys.csv", "en-US-trial.csv")
MIN_ACCURACY = 0.97
#: Rows added with the red flags, side questions and goodbyes.
MIN_NEW_ROWS = 80


@pytest.fixture(scope="module")
def model() -> dict:
    return generate_model()


@pytest.fixture(scope="module")
def resolver(model) -> Resolver:
    return Resolver(model)


# --- durations ------------------------------------------------------------------------------

@pytest.mark.parametrize("spoken, iso", [
    ("twenty seconds", "PT20S"), ("45 seconds", "PT45S"), ("a minute", "PT1M"),
    ("one minute", "PT1M"), ("1 minute 30 seconds", "PT1M30S"),
    ("a minute and a half", "PT1M30S"), ("half a minute", "PT30S"),
    ("forty-five seconds", "PT45S"), ("two minutes", "PT2M"), ("ninety seconds", "PT90S"),
    ("ten second", "PT10S"), ("thirty", None), ("soon", None), ("minute", None),
])
def test_spoken_durations_become_iso_8601(spoken, iso):
    assert parse_duration(spoken) == iso


# --- resolver -------------------------------------------------------------------------------

@pytest.mark.parametrize("utterance, intent, slots, method", [
    ("my calf is cramping", "ReliefStepsIntent", {"muscle": "CALF"}, "exact"),
    ("My CALVES are cramping!", "ReliefStepsIntent", {"muscle": "CALF"}, "exact"),
    ("My CALVES keep cramping!", "ReliefStepsIntent", {"muscle": "CALF"}, "close"),
    ("charley horse", "ReliefStepsIntent", {}, "exact"),
    ("hamstring", "ReliefStepsIntent", {"muscle": "THIGH_BACK"}, "exact"),
    ("time it", "StretchTimerIntent", {}, "exact"),
    ("time it for twenty seconds", "StretchTimerIntent", {"duration": "PT20S"}, "exact"),
    ("time it for 1 minute 30 seconds", "StretchTimerIntent", {"duration": "PT1M30S"}, "exact"),
    ("time it again", "StretchTimerIntent", {}, "exact"),
    ("stretch my quads for a minute", "StretchTimerIntent",
     {"muscle": "THIGH_FRONT", "duration": "PT1M"}, "exact"),
    ("do I need a doctor?", "IsItSeriousIntent", {}, "exact"),
    ("next", "AMAZON.NextIntent", {}, "exact"),
    ("go back", "AMAZON.PreviousIntent", {}, "exact"),
    ("stop", "AMAZON.StopIntent", {}, "exact"),
    ("I don't know", "NotSureIntent", {}, "exact"),
    ("maybe", "MaybeIntent", {}, "exact"),
    ("the pain is unbearable", "SymptomIntent", {"sign": "unbearable"}, "exact"),
    ("it's not swollen", "SignAbsentIntent", {"sign": "swelling"}, "exact"),
    ("it's been cramping for twenty five minutes", "CrampDurationIntent", {"duration": "PT25M"}, "exact"),
    ("fifteen minutes", "StretchTimerIntent", {"duration": "PT15M"}, "exact"),
    ("zebra xylophone quantum", FALLBACK_INTENT, {}, "fallback"),
])
def test_resolver_maps_utterances_to_intents_and_slots(resolver, utterance, intent, slots, method):
    resolution = resolver.resolve(utterance)
    assert resolution.request_type == "IntentRequest"
    assert (resolution.intent, resolution.method) == (intent, method)
    got = {name: (s.resolved_id or s.value) for name, s in resolution.slots.items()}
    assert got == slots


def test_unknown_muscle_is_an_er_no_match_not_an_error(resolver):
    resolution = resolver.resolve("my elbow hurts")
    slot = resolution.slots["muscle"]
    assert (resolution.intent, slot.value, slot.status) == (
        "ReliefStepsIntent", "elbow", "ER_SUCCESS_NO_MATCH")
    assert slot.resolved_id is None


def test_close_match_reports_its_confidence(resolver):
    resolution = resolver.resolve("i think my calf is cramping again")
    assert resolution.method == "close"
    assert 0.5 <= resolution.confidence < 1.0
    assert re.search(r'\(close match 0\.\d\d to "[^"]+"\)', resolution.describe())


@pytest.mark.parametrize("utterance", [
    "open leg cramp helper", "Alexa, open leg cramp helper", "start leg cramp helper",
    "launch leg cramp helper", "ask leg cramp helper"])
def test_launch_phrases_are_launch_requests(resolver, utterance):
    assert resolver.resolve(utterance).request_type == "LaunchRequest"


def test_one_shot_resolves_the_rest_in_a_new_session(resolver):
    resolution = resolver.resolve("Alexa, ask leg cramp helper what to do for my calf")
    assert (resolution.intent, resolution.one_shot) == ("ReliefStepsIntent", True)
    assert resolution.slots["muscle"].resolved_id == "CALF"
    assert resolver.resolve("tell leg cramp helper to time it").intent == "StretchTimerIntent"


def fill(sample: str, model: dict, intent: dict) -> str:
    """A sample with each slot replaced by a real value of its type."""
    first_values = {t["name"]: t["values"][0]["name"]["value"]
                    for t in model["interactionModel"]["languageModel"]["types"]}
    first_values.update({"AMAZON.DURATION": "thirty seconds", "AMAZON.DATE": "tomorrow",
                         "AMAZON.TIME": "afternoon", "AMAZON.NUMBER": "twenty"})
    for slot in intent.get("slots", []):
        value = first_values[slot["type"]]
        sample = sample.replace("{" + slot["name"] + "}", value)
    return sample


def test_every_sample_resolves_exactly_to_its_own_intent(model, resolver):
    wrong = []
    for intent in model["interactionModel"]["languageModel"]["intents"]:
        for sample in intent["samples"]:
            resolution = resolver.resolve(fill(sample, model, intent))
            if (resolution.intent, resolution.method) != (intent["name"], "exact"):
                wrong.append(f"{sample!r} -> {resolution.describe()}")
    assert wrong == []


def test_every_builtin_phrase_resolves_to_its_builtin(resolver):
    wrong = [f"{phrase!r} -> {resolver.resolve(phrase).intent}"
             for intent, phrases in BUILTIN_PHRASES.items() for phrase in phrases
             if resolver.resolve(phrase).intent != intent]
    assert wrong == []


# --- SSML -----------------------------------------------------------------------------------

def test_ssml_renders_text_with_pauses_merged():
    ssml = ('<speak>Stretch now. <break time="10s"/><break time="5s"/>Halfway &amp; '
            'holding.<break time="500ms"/> <amazon:effect name="whispered">release</amazon:effect>'
            '</speak>')
    assert render(ssml) == "Stretch now. [pause 15s] Halfway & holding. [pause 0.5s] release"
    assert [s.pause for s in segments(ssml) if s.is_pause] == [15.0, 0.5]


def test_invalid_ssml_is_shown_as_such():
    assert render("<speak>Tom & Jerry</speak>").startswith("[invalid SSML")


# --- sessions -------------------------------------------------------------------------------

class RecordingTransport:
    """Answers each envelope with the next canned response and remembers the envelopes."""

    def __init__(self, *responses: dict) -> None:
        self.responses = list(responses)
        self.sent: list[dict] = []

    def post(self, envelope: dict) -> Reply:
        self.sent.append(envelope)
        body = self.responses.pop(0)
        return Reply(200, body, "")


def answer(text: str, end: bool | None, attributes: dict | None = None) -> dict:
    response: dict = {"outputSpeech": {"type": "SSML", "ssml": f"<speak>{text}</speak>"}}
    if end is not None:
        response["shouldEndSession"] = end
    if end is False:
        response["reprompt"] = {"outputSpeech": {"type": "SSML", "ssml": "<speak>Ready?</speak>"}}
    return {"version": "1.0", "sessionAttributes": attributes or {}, "response": response}


def test_session_and_attributes_are_carried_until_the_skill_ends_it(resolver):
    transport = RecordingTransport(answer("First step.", False, {"step": 1}),
                                   answer("Second step.", False, {"step": 2}),
                                   answer("Bye.", True),
                                   answer("Steps.", False))
    talk = Conversation(resolver, transport, locale="en-GB", with_screen=True)
    turns = [talk.say(u) for u in ("open leg cramp helper", "next", "stop", "my foot")]
    launch, nxt, stop, foot = transport.sent
    assert launch["request"]["type"] == "LaunchRequest" and launch["session"]["new"] is True
    assert nxt["session"]["sessionId"] == launch["session"]["sessionId"]
    assert (nxt["session"]["new"], nxt["session"]["attributes"]) == (False, {"step": 1})
    assert stop["session"]["attributes"] == {"step": 2}
    assert foot["session"]["new"] is True
    assert foot["session"]["sessionId"] != launch["session"]["sessionId"]
    assert foot["session"]["attributes"] == {}
    assert "no open session" in turns[3].notes[0]
    assert [t.session_open for t in turns] == [True, True, False, True]
    for envelope in transport.sent:
        assert envelope["request"]["locale"] == "en-GB"
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", envelope["request"]["timestamp"])
        assert "Display" in envelope["context"]["System"]["device"]["supportedInterfaces"]


def test_intent_envelopes_carry_every_declared_slot_with_entity_resolution(resolver):
    transport = RecordingTransport(answer("Counting.", False))
    Conversation(resolver, transport).say("stretch my hamstring for forty five seconds")
    slots = transport.sent[0]["request"]["intent"]["slots"]
    assert slots["duration"] == {"name": "duration", "value": "PT45S", "confirmationStatus": "NONE"}
    resolution = slots["muscle"]["resolutions"]["resolutionsPerAuthority"][0]
    assert slots["muscle"]["value"] == "hamstring"
    assert resolution["status"]["code"] == "ER_SUCCESS_MATCH"
    assert resolution["values"][0]["value"] == {"name": "back of the thigh", "id": "THIGH_BACK"}
    assert resolution["authority"].endswith(".MUSCLE")

    Conversation(resolver, transport := RecordingTransport(answer("Steps.", False))).say("time it")
    assert transport.sent[0]["request"]["intent"]["slots"]["muscle"] == {
        "name": "muscle", "confirmationStatus": "NONE"}


def test_without_a_screen_an_unset_should_end_session_ends_it(resolver):
    transport = RecordingTransport(answer("Done.", None), answer("Done.", None))
    assert Conversation(resolver, transport).say("open leg cramp helper").session_open is False
    screen = Conversation(resolver, RecordingTransport(answer("Done.", None)), with_screen=True)
    assert screen.say("open leg cramp helper").session_open is True


def test_direct_intents_skip_the_resolver(resolver):
    transport = RecordingTransport(answer("Counting.", False))
    turn = Conversation(resolver, transport).say("intent StretchTimerIntent duration=PT20S muscle=calf")
    slots = transport.sent[0]["request"]["intent"]["slots"]
    assert turn.resolution.method == "direct"
    assert slots["duration"]["value"] == "PT20S"
    assert slots["muscle"]["resolutions"]["resolutionsPerAuthority"][0]["values"][0]["value"]["id"] == "CALF"
    bad = Conversation(resolver, RecordingTransport()).say("intent StretchTimerIntent colour=red")
    assert "has no slot 'colour'" in bad.error and not bad.answered


def test_silence_sends_session_ended_request(resolver):
    transport = RecordingTransport(answer("Hi.", False), {"version": "1.0", "response": {}})
    talk = Conversation(resolver, transport)
    talk.say("open leg cramp helper")
    turn = talk.say(":silence")
    assert transport.sent[1]["request"]["reason"] == "EXCEEDED_MAX_REPROMPTS"
    assert turn.answered and not turn.session_open


@pytest.mark.parametrize("reply, open_, answered", [
    (Reply(200, answer("Hi.", False), ""), True, True),
    (Reply(200, {"version": "1.0", "response": {"shouldEndSession": True}}, ""), False, True),
    (Reply(200, {"version": "1.0", "response": {"shouldEndSession": False}}, ""), True, False),
    (Reply(400, {"error": "bad"}, ""), False, False),
    (Reply(200, None, "<html>"), False, False),
])
def test_a_turn_is_answered_unless_silent_with_an_open_mic_or_failed(reply, open_, answered):
    turn = Turn("x", reply=reply, session_open=open_,
                request={"request": {"type": "IntentRequest"}})
    assert turn.answered is answered


# --- transports -----------------------------------------------------------------------------

def test_in_process_transport_reaches_the_skill():
    transport = InProcessTransport(in_process_settings())
    turn = Conversation(Resolver(generate_model()), transport).say("open leg cramp helper")
    assert turn.reply.status == 200 and turn.answered and turn.session_open


@pytest.fixture
def live_server(local_app):
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, local_app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/alexa"
    server.shutdown()
    thread.join(timeout=5)


def test_http_transport_posts_to_a_running_webhook(live_server, resolver):
    turn = Conversation(resolver, HttpTransport(live_server)).say("open leg cramp helper")
    assert turn.reply.status == 200 and turn.answered


def test_http_transport_reports_4xx_bodies(live_server):
    reply = HttpTransport(live_server).post({"not": "an envelope"})
    assert reply.status == 400 and reply.body == {"error": "not an Alexa request envelope"}


def test_unreachable_webhook_is_a_clear_error():
    with pytest.raises(TransportError, match="cramp-helper serve --local"):
        HttpTransport("http://127.0.0.1:9/alexa", timeout_s=2).post({})


# --- speaking -------------------------------------------------------------------------------

def test_speaker_speaks_text_and_sleeps_through_pauses():
    calls: list = []
    speaker = Speaker("/usr/bin/espeak-ng", run=lambda cmd, **kw: calls.append(cmd),
                      sleep=lambda s: calls.append(s))
    speaker.speak(segments('<speak>Hold. <break time="10s"/><break time="10s"/>Release.</speak>'))
    assert calls == [["/usr/bin/espeak-ng", "-s", "150", "--", "Hold."], 20.0,
                     ["/usr/bin/espeak-ng", "-s", "150", "--", "Release."]]


def test_speak_without_espeak_says_so(monkeypatch, capsys):
    monkeypatch.setattr("shutil.which", lambda name: None)
    script = io.StringIO()
    monkeypatch.setattr("sys.stdin", script)
    assert main(["simulate", "--in-process", "--speak"]) == 0
    assert NOT_INSTALLED in capsys.readouterr().out


# --- the CLI --------------------------------------------------------------------------------

#: The night script's turns, counted from the script itself.
NIGHT_TURNS = sum(1 for line in NIGHT_SCRIPT.read_text(encoding="utf-8").splitlines()
                  if line.strip() and not line.lstrip().startswith("#"))


def test_night_script_covers_every_custom_intent(resolver, model):
    from skill.simulator.console import script_lines

    lines = script_lines(NIGHT_SCRIPT.read_text())
    assert len(lines) == NIGHT_TURNS
    intents = [resolver.resolve(line) for line in lines]
    names = [r.intent or r.request_type for r in intents]
    assert names[0] == "LaunchRequest" and names[-1] == "AMAZON.StopIntent"
    custom = {i["name"] for i in model["interactionModel"]["languageModel"]["intents"]
              if not i["name"].startswith("AMAZON.")}
    for needed in custom | {"AMAZON.NextIntent", "AMAZON.PreviousIntent", "AMAZON.YesIntent"}:
        assert needed in names
    assert all(r.method in ("exact", "launch") for r in intents)


def test_simulate_runs_the_night_script_in_process(capsys):
    # the device's clock pretended in the afternoon: no soft night voice in this transcript
    assert main(["simulate", "--in-process", "--time", "15:00", "--script", str(NIGHT_SCRIPT)]) == 0
    out = capsys.readouterr().out
    assert f"{NIGHT_TURNS} turns, {NIGHT_TURNS} answered" in out
    assert 'heard: ReliefStepsIntent muscle=CALF (carrier "my {muscle} is cramping")' in out
    assert 'heard: StretchTimerIntent duration=PT20S (carrier "time it for {duration}")' in out
    turns = {int(t.split("]", 1)[0]): t for t in out.split("\n[")[1:]}
    # whispered from "whisper" on, in the next session too, except every answer that
    # says when to call the emergency number; normal again after "speak up"
    whispered = sorted(n for n, t in turns.items() if "alexa (whispered):" in t)
    assert whispered == [n for n in range(2, 27) if n not in (15, 27, 28)]
    assert "alexa: Call your local emergency number now" in turns[15]
    # "not sure" on the first question: when to call, at once, then the next question
    assert "heard: NotSureIntent (word for word)" in turns[27]
    # ... and then, as a turn of its own, the offer of a real ten-minute timer
    assert ("alexa: Call your local emergency number if it lasts ten minutes or more. "
            "Shall I set a ten-minute timer") in turns[27]
    assert "Want the relief steps" not in turns[27]
    assert "session: open" in turns[27]
    # an emergency sign said outright: the emergency answer, and the session ends
    assert 'heard: SymptomIntent sign=unbearable (carrier "the pain is {sign}")' in turns[28]
    assert "alexa: Call your local emergency number now" in turns[28]
    assert "session: ended" in turns[28]
    # the remembered hold time is used in the new session
    assert "40 seconds, starting now" in turns[18]
    assert "don't list that" in turns[20] and "talking to your doctor" in turns[20]
    assert 'heard: ReliefStepsIntent muscle=THIGH (carrier "my {muscle} is cramping")' in turns[32]
    assert "Front of the thigh: bend your knee" in turns[32] and "back of the thigh: keep the leg straight" in turns[32]
    assert "no match" in turns[33] and "No special stretch for that one" in turns[33]
    assert "toward your shin" not in turns[33]
    # Alexa's services: the voice permission request, the timer set, the reminder's card
    timer = next(t for t in turns.values() if "you> start a ten minute timer" in t)
    reminder = next(t for t in turns.values() if "you> remind me to stretch" in t)
    assert "permission request: by voice (AskFor): alexa::alerts:timers:skill:readwrite" in timer
    assert 'alexa\'s services: timer: PT10M "Ten minutes"' in timer
    assert "Done, a ten-minute timer is running" in timer
    assert ("permission request: card in the Alexa app: alexa::alerts:reminders:skill:readwrite"
            in reminder)


def test_simulate_pretends_the_device_time_and_shows_the_night_voice(tmp_path, capsys):
    script = tmp_path / "s.txt"
    script.write_text("is it serious\nremind me to stretch tomorrow afternoon\n")
    assert main(["simulate", "--in-process", "--time", "03:00", "--time-zone", "Europe/London",
                 "--granted", "reminders", "--script", str(script)]) == 0
    out = capsys.readouterr().out
    assert "device time: 03:00 Europe/London (requests stamped" in out
    assert "alexa (softer): A quick check" in out and "say whisper for quieter" in out
    assert "alexa's services: reminder: " in out and "T15:00:00 (Europe/London)" in out
    assert "Done, I'll remind you tomorrow at 3 PM." in out
    assert main(["simulate", "--in-process", "--time", "3 am", "--script", str(script)]) == 2


def test_simulate_script_as_a_subprocess_with_json(tmp_path):
    import subprocess
    import sys

    script = tmp_path / "s.txt"
    script.write_text("# a comment\nopen leg cramp helper\n\nnext\n")
    done = subprocess.run([sys.executable, "-m", "skill.cli", "simulate", "--in-process",
                           "--json", "--script", str(script)],
                          capture_output=True, text=True, timeout=60, cwd=PROJECT_ROOT)
    assert done.returncode == 0, done.stderr
    assert '"type": "LaunchRequest"' in done.stdout and '"outputSpeech"' in done.stdout
    assert "2 turns, 2 answered" in done.stdout


def test_simulate_exits_non_zero_when_a_turn_gets_no_answer(tmp_path, capsys):
    script = tmp_path / "s.txt"
    script.write_text("open leg cramp helper\n")
    assert main(["simulate", "--url", "http://127.0.0.1:9/alexa", "--script", str(script)]) == 1
    assert "cannot reach" in capsys.readouterr().out


def test_interactive_session_reads_until_quit(monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("open leg cramp helper\n:quit\n"))
    assert main(["simulate", "--in-process"]) == 0
    out = capsys.readouterr().out
    assert "heard: LaunchRequest" in out and "session: open" in out


# --- annotation set -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def sections() -> dict[str, list]:
    return {name: load_annotations(ANNOTATIONS_DIR / name) for name in SECTIONS}


@pytest.fixture(scope="module")
def annotations(sections):
    return [row for rows in sections.values() for row in rows]


def test_annotation_set_is_in_the_nlu_evaluation_import_format(sections):
    for name in SECTIONS:
        header = (ANNOTATIONS_DIR / name).read_text(encoding="utf-8").splitlines()[0]
        columns = header.split(",")
        assert columns[:3] == ["utterance", "referenceTimestamp", "intent"], name
        assert all(c.startswith("slot[") and c.endswith("]") for c in columns[3:]), name
    assert sorted(p.name for p in ANNOTATIONS_DIR.glob("*.csv")) == sorted(SECTIONS)
    assert len(sections["en-US.csv"]) >= 150
    assert sum(len(sections[name]) for name in SECTIONS[1:]) >= MIN_NEW_ROWS


def test_every_slot_value_is_words_of_its_utterance(annotations):
    for row in annotations:
        for value in row.slots.values():
            if value.startswith("P"):  # an ISO 8601 duration, as the tool's column takes it
                continue
            assert f" {normalize(value)} " in f" {normalize(row.utterance)} ", row


def test_annotation_set_covers_every_intent(annotations, model):
    covered = {a.intent for a in annotations}
    declared = {i["name"] for i in model["interactionModel"]["languageModel"]["intents"]}
    assert declared <= covered


def _own_words(utterance: str) -> str:
    """An utterance's words as written: lower case, no punctuation, nothing left out (a
    stammer heard once, "night night" as "night", is not a copy of "night")."""
    return " ".join(re.sub(r"[^a-z0-9' ]+", " ", utterance.lower()).split())


def test_annotation_wording_is_independent_of_the_samples(annotations, resolver):
    """No annotation is one of the model's own custom samples, word for word (a slotted
    sample filled with a listed value is how the model generalises, not copying)."""
    copied = [a.utterance for a in annotations
              if (r := resolver.match_intent(normalize(a.utterance))).method == "exact"
              and _own_words(a.utterance) == r.matched
              and not r.intent.startswith("AMAZON.") and "{" not in (r.matched or "")]
    assert copied == []


def test_annotation_accuracy_overall_and_per_section(sections, resolver):
    evaluations = {name: evaluate(resolver, rows) for name, rows in sections.items()}
    for name, evaluation in evaluations.items():
        print(f"\n{name}: " + evaluation.report())
    outcomes = [o for e in evaluations.values() for o in e.outcomes]
    overall = sum(o.correct for o in outcomes) / len(outcomes)
    assert overall >= MIN_ACCURACY, f"{overall:.1%}"


# --- skill id ---------------------------------------------------------------------------------

CONSOLE_SKILL_ID = "amzn1.ask.skill.12345678-1234-1234-1234-123456789012"


def test_simulate_sends_the_configured_skill_id(tmp_path, monkeypatch, capsys):
    """With SKILL_ID set (as for the developer console), the skill checks it, and the
    simulator's envelopes carry it: every turn is answered."""
    script = tmp_path / "s.txt"
    script.write_text("open leg cramp helper\nnext\n")
    monkeypatch.setenv("SKILL_ID", CONSOLE_SKILL_ID)
    assert main(["simulate", "--in-process", "--json", "--script", str(script)]) == 0
    out = capsys.readouterr().out
    assert "2 turns, 2 answered" in out
    assert out.count(f'"applicationId": "{CONSOLE_SKILL_ID}"') == 4  # context and session, twice


def test_simulate_skill_id_option_wins_over_the_setting(tmp_path, monkeypatch, capsys):
    script = tmp_path / "s.txt"
    script.write_text("open leg cramp helper\n")
    monkeypatch.delenv("SKILL_ID", raising=False)
    assert main(["simulate", "--in-process", "--json", "--skill-id", CONSOLE_SKILL_ID,
                 "--script", str(script)]) == 0
    assert f'"applicationId": "{CONSOLE_SKILL_ID}"' in capsys.readouterr().out
    # the skill checks SKILL_ID: a different id in the envelopes is refused, as on Alexa
    monkeypatch.setenv("SKILL_ID", CONSOLE_SKILL_ID)
    other = "amzn1.ask.skill.00000000-0000-0000-0000-000000000001"
    assert main(["simulate", "--in-process", "--skill-id", other, "--script", str(script)]) == 1
