"""The night screen: APL documents and commands as plain dicts (no SDK imports).

What a screen shows is a `Screen`: a heading, the one thing to read (a step, a question, the
emergency line), a smaller detail, and touch controls. Every screen uses one dark document
(black, dim warm text, large type) whose sizes come from resources chosen by viewport
conditions, so the same layout fits the round Echo Spot and the larger Echo Show screens.

The countdown screen speaks the count itself: `count_commands` turns the spoken plan (the
same segments that become SSML on a speaker) into one `Sequential` of `SetValue`, `SpeakItem`
and `Idle`, so the number on screen, the words shown and the voice move together by
construction. A control is a `SendEvent` whose arguments are one of `EVENTS` (the answer)
and the screen's `place` (the question it answers, the check's by its content id, and the
relief step), so a touch that arrives after the device closed the session, with the screen
still up, is still answered as that question's answer; the skill answers it as it answers
the same words said aloud.
"""
from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from typing import Any, Literal

import msgspec
from msgspec import Struct

from skill.domain import dialog
from skill.domain.content import EMERGENCY_START, Content
from skill.domain.countdown import SpokenCount
from skill.domain.ssml import Pause, Text, escape, speak, speech_seconds
from skill.domain.state import DialogState

#: The token of every document the skill renders (a UserEvent carries it back).
TOKEN = "night"
#: The arguments a control sends, in the order controls are laid out.
EVENTS = ("back", "next", "time_it", "serious", "yes", "no", "unsure")
APL_VERSION = "2023.3"
#: How long a still screen stays up without a touch (ms): long enough to read in the dark.
IDLE_TIMEOUT_MS = 120_000

ScreenKind = Literal["step", "check", "countdown", "emergency", "goodbye", "answer"]


class Control(Struct, frozen=True):
    """A touch control: its label, and the event argument it sends (one of `EVENTS`)."""

    label: str
    event: str


class Screen(Struct, frozen=True):
    """What one response shows. `count` is set for the countdown only."""

    kind: ScreenKind
    heading: str
    body: str
    detail: str = ""
    controls: tuple[Control, ...] = ()
    count: SpokenCount | None = None
    caption: str = ""
    #: Where the conversation stood (`place`): the second argument of every control.
    place: dict[str, Any] = msgspec.field(default_factory=dict)

    def lines(self) -> list[str]:
        """The words on screen, top to bottom (the simulator prints them)."""
        found = [self.heading, self.body, self.detail, self.caption]
        return [line for line in found if line]


# -- the document ------------------------------------------------------------------------------

_COLORS = {"paper": "#000000", "ink": "#C9A27C", "dim": "#7D6450", "edge": "#5A4636"}
#: Large screens (Echo Show 8 and up), then small rectangles (Echo Show 5), then round.
_SIZES = (
    {"heading": "32dp", "body": "52dp", "detail": "28dp", "number": "200dp", "pad": "48dp",
     "control": "36dp", "controlHeight": "96dp", "gap": "16dp"},
    ("${viewport.shape != 'round' && viewport.height < 600}",
     {"heading": "24dp", "body": "40dp", "detail": "22dp", "number": "140dp", "pad": "24dp",
      "control": "28dp", "controlHeight": "72dp", "gap": "10dp"}),
    ("${viewport.shape == 'round'}",
     {"heading": "22dp", "body": "32dp", "detail": "20dp", "number": "120dp", "pad": "56dp",
      "control": "24dp", "controlHeight": "64dp", "gap": "8dp"}),
)


def _resources() -> list[dict[str, Any]]:
    base, *conditional = _SIZES
    found: list[dict[str, Any]] = [{"colors": dict(_COLORS), "dimensions": dict(base)}]
    for when, sizes in conditional:
        found.append({"when": when, "dimensions": dict(sizes)})
    return found


def _text(text: str, size: str, color: str = "@ink", **extra: Any) -> dict[str, Any]:
    return {"type": "Text", "text": escape(text), "fontSize": f"@{size}", "color": color,
            "textAlign": "center", "textAlignVertical": "center", **extra}


def _control(control: Control, place: dict[str, Any]) -> dict[str, Any]:
    arguments: list[Any] = [control.event, place] if place else [control.event]
    return {
        "type": "TouchWrapper", "id": f"touch_{control.event}",
        "accessibilityLabel": control.label, "spacing": "@gap",
        "onPress": [{"type": "SendEvent", "arguments": arguments}],
        "item": {"type": "Frame", "borderColor": "@edge", "borderWidth": "2dp",
                 "borderRadius": "16dp", "backgroundColor": "@paper",
                 "height": "@controlHeight", "paddingLeft": "@gap", "paddingRight": "@gap",
                 "item": _text(control.label, "control", height="100%")},
    }


def _controls(controls: tuple[Control, ...], place: dict[str, Any]) -> list[dict[str, Any]]:
    if not controls:
        return []
    return [{"type": "Container", "direction": "row", "wrap": "wrap",
             "justifyContent": "center", "alignItems": "center", "paddingTop": "@gap",
             "items": [_control(control, place) for control in controls]}]


def _speakers(count: int) -> list[dict[str, Any]]:
    """Invisible components that hold the countdown's speech, one per spoken piece."""
    return [{"type": "Text", "id": f"say{i}", "text": "", "opacity": 0,
             "position": "absolute", "width": "1dp", "height": "1dp",
             "speech": f"${{payload.count.properties.v{i}}}"} for i in range(count)]


def _middle(screen: Screen) -> list[dict[str, Any]]:
    if screen.count is not None:
        return [_text(str(screen.count.plan.seconds), "number", id="left"),
                _text(screen.detail, "detail", "@dim"),
                _text(screen.caption, "body", id="said", paddingTop="@gap")]
    items = [{"type": "ScrollView", "grow": 1, "shrink": 1,
              "item": _text(screen.body, "body", id="body")}]
    if screen.detail:
        items.append(_text(screen.detail, "detail", "@dim", paddingTop="@gap"))
    return items


def document(screen: Screen) -> dict[str, Any]:
    """The APL document for `screen` (its words are inline; only the countdown's speech
    comes from the data source, through the ssmlToSpeech transformer)."""
    heading = [_text(screen.heading, "heading", "@dim")] if screen.heading else []
    if screen.kind == "emergency":  # the emergency line first, as large as it fits
        items = [_text(screen.body, "body", id="body", grow=1)]
        if screen.controls:  # a question asked after it, with the controls that answer it
            items += [_text(screen.detail, "detail", "@dim", paddingTop="@gap"),
                      *_controls(screen.controls, screen.place)]
    else:
        items = [*heading, *_middle(screen), *_controls(screen.controls, screen.place)]
    spoken = len(list(count_pieces(screen.count))) if screen.count else 0
    timeout = IDLE_TIMEOUT_MS
    if screen.count is not None:  # the screen stays up through the count and the question
        timeout += int(screen.count.plan.seconds * 1000)
    return {
        "type": "APL", "version": APL_VERSION, "theme": "dark",
        "settings": {"idleTimeout": timeout},
        "resources": _resources(),
        "mainTemplate": {"parameters": ["payload"], "items": [{
            "type": "Frame", "width": "100vw", "height": "100vh", "backgroundColor": "@paper",
            "item": {"type": "Container", "width": "100%", "height": "100%",
                     "justifyContent": "center", "alignItems": "center",
                     "padding": "@pad",
                     "items": [*items, *_speakers(spoken)]}}]},
    }


def datasources(screen: Screen) -> dict[str, Any]:
    """The countdown's speech as SSML (`s<i>`), turned into speech (`v<i>`) on the device."""
    if screen.count is None:
        return {}
    pieces = list(count_pieces(screen.count))
    return {"count": {
        "type": "object",
        "properties": {f"s{i}": speak(escape(words)) for i, words in enumerate(pieces)},
        "transformers": [{"inputPath": f"s{i}", "outputName": f"v{i}",
                          "transformer": "ssmlToSpeech"} for i in range(len(pieces))],
    }}


def map_speech(sources: dict[str, Any], change: Callable[[str], str]) -> None:
    """Apply `change` to every SSML document in `sources` (from `datasources`), in place:
    the quiet voice reaches the countdown spoken on screen too."""
    properties = (sources.get("count") or {}).get("properties") if isinstance(sources, dict) else None
    if not isinstance(properties, dict):
        return
    for key, value in properties.items():
        if re.fullmatch(r"s\d+", key) and isinstance(value, str):
            properties[key] = change(value)


# -- the countdown, spoken by the screen ------------------------------------------------------

def count_pieces(count: SpokenCount) -> Iterator[str]:
    """The words of the count in the order they are said (one per SpeakItem)."""
    for segment in count.segments:
        if isinstance(segment, Text) and " ".join(segment.text.split()):
            yield " ".join(segment.text.split())


@dataclass
class _Builder:
    seconds: int
    commands: list[dict[str, Any]] = field(default_factory=list)
    spoken: int = 0
    shown: int | None = None

    def show_left(self, left: int, delay_ms: int = 0) -> None:
        """Show `left`, after `delay_ms` of silence (a command's own `delay`, which keeps
        a tick to one command: a two-minute count stays well inside the response limit)."""
        if left == self.shown:
            self._idle(delay_ms)
            return
        command: dict[str, Any] = {"type": "SetValue", "componentId": "left",
                                   "property": "text", "value": str(left)}
        if delay_ms > 0:
            command["delay"] = delay_ms
        self.commands.append(command)
        self.shown = left

    def say(self, words: str, left: int | None = None) -> None:
        if left is not None:
            self.show_left(left)
        self.commands.append({"type": "SetValue", "componentId": "said",
                              "property": "text", "value": escape(words)})
        self.commands.append({"type": "SpeakItem", "componentId": f"say{self.spoken}"})
        self.spoken += 1

    def wait(self, start: float, seconds: float) -> None:
        """Silence from `start` (s into the hold) for `seconds`, the number ticking down
        on each whole second; the Idle delays add up to the pause exactly (in ms)."""
        end = start + seconds
        elapsed_ms = round(start * 1000)
        self.show_left(max(0, math.ceil(self.seconds - start - 1e-6)))
        tick = math.floor(start + 1e-9) + 1
        while tick < end - 1e-6:
            self.show_left(max(0, self.seconds - tick), round(tick * 1000) - elapsed_ms)
            elapsed_ms = round(tick * 1000)
            tick += 1
        self._idle(round(end * 1000) - elapsed_ms)

    def _idle(self, delay_ms: int) -> None:
        if delay_ms > 0:
            self.commands.append({"type": "Idle", "delay": delay_ms})


def count_commands(count: SpokenCount) -> list[dict[str, Any]]:
    """One screen-locked Sequential that says the count and shows it: each piece of words
    is shown, then spoken (SpeakItem waits for the voice to finish); each silence is Idle,
    with the seconds left updated every second. Words and silences are the plan's own, in
    its order."""
    plan = count.plan
    build = _Builder(plan.seconds)
    for words in count.before:
        build.say(words)
    for segment in plan.intro:
        if isinstance(segment, Text):
            build.say(segment.text, left=plan.seconds)
    clock = 0.0
    for segment in plan.hold:
        if isinstance(segment, Pause):
            build.wait(clock, segment.seconds)
            clock += segment.seconds
        else:
            build.say(segment.text, left=max(0, math.ceil(plan.seconds - clock - 1e-6)))
            clock += speech_seconds(segment.text)
    for segment in plan.release:
        if isinstance(segment, Text):
            build.say(segment.text, left=0)
    for words in count.after:
        build.say(words)
    return [{"type": "Sequential", "screenLock": True, "commands": build.commands}]


def clock_document(seconds: int) -> dict[str, Any]:
    """An APLT document for a small character display (Echo Dot with clock): the seconds."""
    return {"type": "APLT", "version": "1.0",
            "mainTemplate": {"parameters": ["payload"],
                             "items": [{"type": "Text", "id": "left", "text": str(seconds)}]}}


def clock_commands(count: SpokenCount) -> list[dict[str, Any]]:
    """The seconds left for a character display while the voice counts. The display cannot
    speak, so it waits the estimated time of the words before the hold, then ticks with the
    plan's silences and words."""
    plan = count.plan
    build = _Builder(plan.seconds)
    lead = sum(speech_seconds(words) for words in count.before)
    lead += sum(speech_seconds(s.text) for s in plan.intro if isinstance(s, Text))
    build._idle(round(lead * 1000))
    build.shown = plan.seconds
    clock = 0.0
    for segment in plan.hold:
        duration = segment.seconds if isinstance(segment, Pause) else speech_seconds(segment.text)
        build.wait(clock, duration)
        clock += duration
    build.show_left(0)
    return [{"type": "Sequential", "commands": build.commands}]


# -- which screen for an answer ------------------------------------------------------------

def first_sentence(text: str) -> str:
    parts = re.split(r"(?<=[.!?])\s+", text.strip(), maxsplit=1)
    return parts[0] if parts else ""


def last_sentence(text: str) -> str:
    parts = re.split(r"(?<=[.!?])\s+", text.strip())
    return parts[-1] if parts else ""


def place(content: Content, state: DialogState) -> dict[str, Any]:
    """Where `state` stands, for the controls' second argument: the waiting question
    (`ask`), the check's question by its content id (`id`, never its position: the
    check's order may change), and in the relief steps the step and muscle. Empty when no
    question waits. Holds no answers, like the state itself."""
    if state.pending == "none":
        return {}
    found: dict[str, Any] = {"ask": state.pending}
    questions = content.serious.question
    if state.question is not None and 0 <= state.question < len(questions):
        found["id"] = questions[state.question].id
    if state.flow == "relief":
        found["step"] = state.step
        if state.muscle:
            found["muscle"] = state.muscle
    return found


def choose(content: Content, state: DialogState, said: str, *, end: bool, urgent: bool,
           count: SpokenCount | None = None) -> Screen:
    """The screen for an answer: `said` is its plain spoken text, `state` the state after
    it. An ended answer that starts with the emergency line shows that line alone (an
    open one in the check, "not sure" to an emergency sign, shows it above the next
    question and its answers); any other ended answer shows what was said; a countdown
    counts; the check shows its question with Yes / No / Not sure; a relief step shows
    step n of N; anything else shows what was said with the controls that fit."""
    words = content.prompts.screen
    answers = (Control(words.yes, "yes"), Control(words.no, "no"),
               Control(words.unsure, "unsure"))
    in_check = state.pending == "check" and state.question is not None
    where = place(content, state)
    waiting = dialog.question(state.pending)
    if waiting is not None and {"yes", "no"} <= waiting.accepts:
        answering = answers if "unsure" in waiting.accepts else answers[:2]
    else:
        answering = ()
    if count is None and said.lower().startswith(EMERGENCY_START):
        if in_check and not end:  # "not sure" to an emergency sign: when to call, then on
            return Screen("check", words.check, first_sentence(said),
                          _check_question(content, state), controls=answers, place=where)
        if end or not answering:
            return Screen("emergency", "", first_sentence(said))
        # The emergency line first, then the question asked after it and its answers.
        return Screen("emergency", "", first_sentence(said), last_sentence(said),
                      controls=answering, place=where)
    if end:
        return Screen("goodbye", words.title, said)
    if count is not None:  # a caution before the count is its first caption
        first = count.before[0] if count.before else (
            count.plan.intro[0].text if count.plan.intro else "")
        cue = first_sentence(first)
        return Screen("countdown", words.countdown, "", words.seconds_left,
                      (Control(words.again, "yes"), Control(words.next, "next")), count,
                      caption=cue, place=where)
    if in_check:
        return Screen("check", words.check, _check_question(content, state), controls=answers,
                      place=where)
    if state.flow == "relief" and state.pending in ("count", "next", "start_over"):
        return _step_screen(content, state, where)
    controls = answering or (Control(words.next, "next"), Control(words.time_it, "time_it"),
                             Control(words.serious, "serious"))
    return Screen("answer", words.title, said, controls=controls, place=where)


def _check_question(content: Content, state: DialogState) -> str:
    """The text of the check's question being asked (the first for a stale index)."""
    questions = content.serious.question
    index = state.question if state.question is not None else 0
    return questions[index if 0 <= index < len(questions) else 0].text


def _step_screen(content: Content, state: DialogState, where: dict[str, Any]) -> Screen:
    words = content.prompts.screen
    plan = content.relief_plan(state.muscle)
    index = min(max(state.step, 0), len(plan) - 1)
    step = plan[index]
    muscle = content.muscle(state.muscle)
    detail = muscle.name if muscle is not None else ""
    controls = [Control(words.back, "back"), Control(words.next, "next")]
    if step.cue:
        controls.append(Control(words.time_it, "time_it"))
    controls.append(Control(words.serious, "serious"))
    shown, _sources = content.step_said(step, no_heat=state.no_heat,
                                        ask_midwife=state.ask_midwife)
    return Screen("step", words.step.format(number=index + 1, total=len(plan)), shown,
                  detail, tuple(controls), place=where)
