"""`cramp-helper simulate`: the interactive and scripted front end of the simulator."""
from __future__ import annotations

import argparse
import json
import re
import sys
from datetime import datetime
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from skill import envelopes
from skill.handlers.alerts import REMINDER_SCOPE, TIMER_SCOPE
from skill.model.generate import LOCALES, generate_locale_models
from skill.settings import Settings
from skill.simulator.resolver import Resolver
from skill.simulator.screen import screen_says, screen_shows
from skill.simulator.session import SILENCE_COMMAND, Conversation, Turn
from skill.simulator.speaker import NOT_INSTALLED, Speaker
from skill.simulator.ssml import SsmlError, render, segments, speech_ssml
from skill.simulator.standin import AlexaStandIn
from skill.simulator.transport import (
    DEFAULT_URL,
    HttpTransport,
    InProcessTransport,
    TransportError,
    in_process_settings,
)

HELP_TEXT = f"""Say what you'd say to Alexa, e.g. "open leg cramp helper", "my calf is cramping",
"next", "time it for twenty seconds", "is this serious", "stop".
  intent <Name> [slot=value ...]   send an intent directly (e.g. intent StretchTimerIntent duration=PT20S)
  {SILENCE_COMMAND}                         stay silent until Alexa gives up (SessionEndedRequest)
  tap <control>                    touch a control on the screen (with --screen), e.g. tap next, tap yes
  :quit                            leave (or Ctrl-D)"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    target = parser.add_mutually_exclusive_group()
    target.add_argument("--url", default=DEFAULT_URL,
                        help=f"the running webhook (default {DEFAULT_URL})")
    target.add_argument("--in-process", action="store_true",
                        help="run the skill inside this process (no server needed)")
    parser.add_argument("--script", type=Path,
                        help="one utterance per line (# comments); exit 1 if a turn is unanswered")
    parser.add_argument("--json", action="store_true", help="print each raw request and response")
    parser.add_argument("--speak", action="store_true", help="speak answers through espeak-ng")
    parser.add_argument("--locale", default="en-US", choices=LOCALES)
    parser.add_argument("--screen", action="store_true", help="a device with a screen")
    parser.add_argument("--skill-id", metavar="ID",
                        help="the skill id in every request (default: SKILL_ID, else a "
                             "placeholder id)")
    parser.add_argument("--time", metavar="HH:MM",
                        help="the device's local time to pretend (e.g. 03:00), today, in --time-zone")
    parser.add_argument("--time-zone", default="Europe/London", metavar="ZONE",
                        help="the device's time zone, as Alexa's Settings API gives it "
                             "(default Europe/London)")
    parser.add_argument("--granted", nargs="*", choices=("timers", "reminders"), default=[],
                        help="permissions the user has already granted")
    parser.add_argument("--refuse-permissions", action="store_true",
                        help="answer no when Alexa asks for a permission by voice")


def run(args: argparse.Namespace, stdin: TextIO | None = None, out: TextIO | None = None) -> int:
    stdin, out = stdin or sys.stdin, out or sys.stdout
    settings = Settings.from_env()
    try:
        timestamp, device_time = pretended_time(getattr(args, "time", None),
                                                getattr(args, "time_zone", "Europe/London"))
    except ValueError as exc:
        print(f"cramp-helper simulate: {exc}", file=sys.stderr)
        return 2
    standin = AlexaStandIn(time_zone=getattr(args, "time_zone", "Europe/London")).start()
    try:
        return _run(args, settings, standin, timestamp, device_time, stdin, out)
    finally:
        standin.stop()


def pretended_time(at: str | None, zone_name: str) -> tuple[str | None, str]:
    """(the request timestamp in UTC or None for the real time, a line for the transcript)."""
    try:
        zone = ZoneInfo(zone_name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {zone_name!r} (try Europe/London)") from None
    if at is None:
        return None, f"device time: now, in {zone_name}"
    found = re.fullmatch(r"([01]?\d|2[0-3]):([0-5]\d)", at.strip())
    if not found:
        raise ValueError(f"--time wants HH:MM (e.g. 03:00), not {at!r}")
    local = datetime.now(zone).replace(hour=int(found[1]), minute=int(found[2]), second=0,
                                       microsecond=0)
    stamp = envelopes.now_timestamp(local)
    return stamp, f"device time: {local:%H:%M} {zone_name} (requests stamped {stamp})"


def _run(args: argparse.Namespace, settings: Settings, standin: AlexaStandIn,
         timestamp: str | None, device_time: str, stdin: TextIO, out: TextIO) -> int:
    try:
        model = generate_locale_models(settings)[args.locale]
        transport = (InProcessTransport(in_process_settings().replace(alexa_api_ca=standin.ca_file))
                     if args.in_process else HttpTransport(args.url))
    except Exception as exc:  # noqa: BLE001 - start-up problems end with one clear line
        print(f"cramp-helper simulate: cannot start: {exc}", file=sys.stderr)
        return 1
    skill_id = (getattr(args, "skill_id", None) or settings.skill_id
                or envelopes.DEFAULT_APPLICATION_ID)
    scopes = {"timers": TIMER_SCOPE, "reminders": REMINDER_SCOPE}
    conversation = Conversation(Resolver(model), transport, args.locale, args.screen,
                                application_id=skill_id, api_endpoint=standin.url,
                                permissions={scopes[name] for name in getattr(args, "granted", [])},
                                timestamp=timestamp,
                                grant_by_voice=not getattr(args, "refuse_permissions", False),
                                standin=standin)
    print(device_time, file=out)
    if not args.in_process:
        print(f"note: Alexa's API is a stand-in at {standin.url}; a server trusts it only when "
              f"started with CRAMP_HELPER_ALEXA_API_CA={standin.ca_file}", file=out)
    speaker = Speaker() if args.speak else None
    if speaker and not speaker.available:
        print(NOT_INSTALLED, file=out)
        speaker = None
    if args.script:
        try:
            lines = script_lines(args.script.read_text(encoding="utf-8"))
        except OSError as exc:
            print(f"cramp-helper simulate: cannot read {args.script}: {exc}", file=sys.stderr)
            return 1
        return run_script(conversation, lines, args.json, speaker, out)
    return run_interactive(conversation, args.json, speaker, stdin, out)


def script_lines(text: str) -> list[str]:
    """Utterances from a script: blank lines and # comments are skipped."""
    lines = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return [line for line in lines if line]


def run_script(conversation: Conversation, lines: list[str], show_json: bool,
               speaker: Speaker | None, out: TextIO) -> int:
    unanswered = []
    for number, line in enumerate(lines, start=1):
        print(f"\n[{number}] you> {line}", file=out)
        turn = take_turn(conversation, line, show_json, speaker, out)
        if turn is None:
            return 1
        if not turn.answered:
            unanswered.append(number)
    print(f"\n{len(lines)} turns, {len(lines) - len(unanswered)} answered"
          + (f"; NO ANSWER on turn(s) {', '.join(map(str, unanswered))}" if unanswered else ""),
          file=out)
    return 1 if unanswered else 0


def run_interactive(conversation: Conversation, show_json: bool, speaker: Speaker | None,
                    stdin: TextIO, out: TextIO) -> int:
    print(HELP_TEXT, file=out)
    while True:
        print("\nyou> ", end="", file=out, flush=True)
        line = stdin.readline()
        if not line or line.strip() in (":quit", ":q"):
            print(file=out)
            return 0
        if line.strip() in (":help", "?"):
            print(HELP_TEXT, file=out)
            continue
        if line.strip() and take_turn(conversation, line.strip(), show_json, speaker, out) is None:
            return 1


def take_turn(conversation: Conversation, line: str, show_json: bool,
              speaker: Speaker | None, out: TextIO) -> Turn | None:
    """One turn, printed. None when the skill cannot be reached at all."""
    try:
        turn = conversation.say(line)
    except TransportError as exc:
        print(f"error: {exc}", file=out)
        return None
    print_turn(turn, show_json, out)
    if speaker and turn.response.get("outputSpeech"):
        speaker.speak(_segments_or_empty(speech_ssml(turn.response["outputSpeech"])))
    if turn.after_permission is not None:
        print(f"alexa (her own question): may leg cramp helper use your "
              f"{_scope_name(turn.after_permission)}? you> "
              f"{turn.after_permission.utterance.rsplit(' ', 1)[-1]}", file=out)
        take_after = turn.after_permission
        print_turn(take_after, show_json, out)
    return turn


def _scope_name(turn: Turn) -> str:
    payload = ((turn.request or {}).get("request") or {}).get("payload") or {}
    return "timers" if "timers" in str(payload.get("permissionScope")) else "reminders"


def _segments_or_empty(ssml: str | None):  # noqa: ANN202
    try:
        return segments(ssml) if ssml else []
    except SsmlError:
        return []


def print_turn(turn: Turn, show_json: bool, out: TextIO) -> None:
    if turn.error:
        print(f"error: {turn.error}", file=out)
        return
    if turn.resolution:
        print(f"heard: {turn.resolution.describe()}", file=out)
    for note in turn.notes:
        print(f"note: {note}", file=out)
    if show_json and turn.request:
        print("request: " + json.dumps(turn.request, indent=2), file=out)
    reply = turn.reply
    if reply is None:
        return
    for line in turn.services:
        print(f"alexa's services: {line}", file=out)
    if show_json:
        print("response: " + (json.dumps(reply.body, indent=2) if reply.body else reply.text),
              file=out)
    if reply.status != 200 or reply.body is None:
        print(f"NO ANSWER: HTTP {reply.status} {reply.text.strip()[:200]}", file=out)
        return
    for label, line in describe_response(turn.response, turn.session_open):
        print(f"{label}: {line}", file=out)
    if not turn.answered:
        print("NO ANSWER: silence with the session left open", file=out)


def describe_response(response: dict, session_open: bool) -> list[tuple[str, str]]:
    """(label, text) lines: speech, reprompt, card, session state."""
    lines = []
    speech = speech_ssml(response.get("outputSpeech"))
    voice = "alexa (whispered)" if speech and 'name="whispered"' in speech else "alexa"
    if voice == "alexa" and speech and '<prosody volume="soft">' in speech:
        voice = "alexa (softer)"
    by_screen = screen_says(response)
    if by_screen and not speech:
        voice = "alexa (by the screen)"
        lines.append((voice, " ".join(by_screen)))
    else:
        lines.append((voice, render(speech) if speech else "(silence)"))
    reprompt = speech_ssml((response.get("reprompt") or {}).get("outputSpeech"))
    if reprompt:
        lines.append(("reprompt", render(reprompt)))
    for directive in response.get("directives") or []:
        if directive.get("type") == "Connections.SendRequest":
            scope = (directive.get("payload") or {}).get("permissionScope")
            lines.append(("permission request", f"by voice ({directive.get('name')}): {scope}"))
    card = response.get("card")
    if isinstance(card, dict) and card.get("type") == "AskForPermissionsConsent":
        lines.append(("permission request", "card in the Alexa app: "
                                            + ", ".join(card.get("permissions") or [])))
    elif isinstance(card, dict):
        body = card.get("content") or card.get("text") or ""
        lines.append(("card", f"[{card.get('type')}] {card.get('title', '')}: "
                              f"{' '.join(str(body).split())}".rstrip(": ")))
    texts, controls = screen_shows(response)
    for text in texts:
        lines.append(("screen", text))
    if controls:
        lines.append(("screen", " ".join(f"[{label}]" for label in controls)))
    if session_open and response.get("shouldEndSession") is None and any(
            d.get("type") == "Connections.SendRequest" for d in response.get("directives") or []):
        lines.append(("session", "open (Alexa asks for the permission)"))
    elif session_open and response.get("shouldEndSession") is None:
        lines.append(("session", "open (on screen, microphone closed)"))
    else:
        lines.append(("session", "open (listening)" if session_open else "ended"))
    return lines
