"""Every row of the clinical review's table (issue 21), in the review's own words, through
the simulator's understanding and the webhook: the kind of answer each must get (the judges
of tests/judges.py). The frozen, independently written phrasings are
tests/test_clinical_phrasings.py; these are the review's own examples of each fault."""
from __future__ import annotations

import json

import pytest

from skill.domain import ssml
from skill.domain.content import load_content
from skill.settings import PROJECT_ROOT, Settings
from skill.simulator.resolver import Resolver
from skill.simulator.session import Conversation
from skill.simulator.transport import InProcessTransport

from .judges import Heard, Judge

CONTENT = load_content(PROJECT_ROOT / "content")
JUDGE = Judge(CONTENT)

ROWS = [
    # critical: a sign beside another request
    ("should I put heat on it, my calf is puffy", "doctor_first"),
    ("my calf is red, time it for thirty seconds", "doctor_first"),
    ("how long should I stretch, my ankle is swollen", "doctor_first"),
    # critical: signs the table lacked
    ("my toes have gone a bluish colour", "outside"),
    ("my leg is white and cold to the touch", "outside"),
    ("I've got a temperature and my leg is cramping", "doctor_first"),
    ("there's a cut on my calf", "doctor_first"),
    # critical: doubt is not denial
    ("I don't know if an insect got me", "unsure_emergency"),
    # major: the clot-risk rule
    ("I had an operation on my hip last month", "doctor_first"),
    ("I've been stuck in bed for four days", "doctor_first"),
    ("I got off a seven hour flight yesterday", "doctor_first"),
    # major: falls
    ("I tripped on the stairs and now my leg's cramping", "doctor_first"),
    ("I banged my head when I fell", "outside"),
    # major: the emergency signs first
    ("the pain is insane", "steps_with_signs"),
    ("it's been going for about eight minutes", "steps_with_signs"),
    # major: a bruise, tenderness with heat
    ("there's a bruise on my calf and I didn't knock it", "doctor_first"),
    ("it's tender and hot", "doctor_first"),
    ("it's still a bit tender", "no_false_alarm"),
    # major: heat with a condition that dulls it
    ("I have peripheral neuropathy, can I use a hot water bottle", "no_heat"),
    # major: pain relief and doses
    ("can I take something", "pain_relief_with_signs"),
    ("how many ibuprofen can I take", "no_dose"),
    # major: no false alarm
    ("I'm a bit mixed up about which step that was", "no_false_alarm"),
    ("is a hot shower ok", "no_false_alarm"),
    # major: the red flag beats the condition's synonym
    ("could it be a burst Baker's cyst", "doctor_first"),
    # minor: what was said earlier counts
    ("I'm seven months pregnant | what can I take for the pain", "ask_midwife"),
    ("I'm diabetic | heat or ice?", "no_heat"),
    # a night's red flags in everyday words, and what was said a turn earlier
    ("how long do i hold the stretch my ankle is puffy", "doctor_first"),
    ("i drove for ten hours yesterday and now my calf is throbbing", "doctor_first"),
    ("my toes look bluish and my foot is cramping", "outside"),
    ("i can't tell if a spider got me", "unsure_emergency"),
    ("i'm five months pregnant and my foot keeps cramping | is paracetamol ok for that",
     "ask_midwife"),
    # must keep getting the steps
    ("I fell asleep and woke up with a cramp", "steps"),
    ("I'm in bed", "no_false_alarm"),
    ("should I use something cold", "no_false_alarm"),
    ("I sat at my desk all day", "no_false_alarm"),
    ("my back is cramping too", "steps"),
    ("I'm pregnant and my calf is cramping", "pregnancy_steps"),
]


@pytest.fixture(scope="module")
def talk(tmp_path_factory):
    model = json.loads((PROJECT_ROOT / "interaction_models" / "en-US.json").read_text("utf-8"))
    resolver = Resolver(model)
    transport = InProcessTransport(Settings(
        persistence="memory", db_path=tmp_path_factory.mktemp("review") / "p.sqlite3").as_local())

    def play(turns: str, user: str) -> tuple[Heard, list[str]]:
        conversation = Conversation(resolver, transport, user_id=f"amzn1.ask.account.review-{user}")
        conversation.say("open leg cramp helper")
        heard_as = []
        for said in turns.split(" | "):
            turn = conversation.say(said)
            heard_as.append(turn.resolution.describe() if turn.resolution else "?")
        speech = (turn.response.get("outputSpeech") or {}).get("ssml", "")
        return Heard(ssml.spoken_text(speech) if speech else "", turn.session_open,
                     "<break" in speech), heard_as
    return play


@pytest.mark.parametrize("index", range(len(ROWS)), ids=[r[0][:40] for r in ROWS])
def test_each_row_of_the_review_gets_its_answer(talk, index) -> None:
    turns, kind = ROWS[index]
    heard, heard_as = talk(turns, str(index))
    why = JUDGE.judge(kind)(heard)
    assert why is None, f"{turns!r}: {why}\n  heard: {heard_as}\n  said: {heard.text!r}"
