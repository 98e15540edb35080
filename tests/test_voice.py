"""The quiet-voice SSML transform: plain tables, no SDK."""
from __future__ import annotations

import pytest

from skill.domain import ssml as ssml_doc
from skill.domain.countdown import plan_countdown

from .words import COUNTDOWN_WORDS
from skill.domain.ssml import Pause, Text
from skill.domain.voice import MAX_SSML_CHARS, NORMAL, SOFT, WHISPER, quiet

W_OPEN = '<amazon:effect name="whispered">'
W_CLOSE = "</amazon:effect>"
S_OPEN = '<prosody volume="soft" rate="slow">'
S_CLOSE = "</prosody>"


def whispered(text: str) -> str:
    return f"{W_OPEN}{text}{W_CLOSE}"


def soft(text: str) -> str:
    return f"{S_OPEN}{text}{S_CLOSE}"


WHISPER_TABLE = [
    ("plain text", "<speak>Point your toes up.</speak>",
     f"<speak>{whispered('Point your toes up.')}</speak>"),
    ("break stays outside, whitespace outside too",
     '<speak>Point your toes. <break time="2s"/> Now relax.</speak>',
     f'<speak>{whispered("Point your toes.")} <break time="2s" /> {whispered("Now relax.")}</speak>'),
    ("say-as is whispered with its words",
     '<speak>Hold for <say-as interpret-as="cardinal">30</say-as> seconds.</speak>',
     "<speak>" + whispered('Hold for <say-as interpret-as="cardinal">30</say-as> seconds.') + "</speak>"),
    ("audio stays outside",
     '<speak>Ready.<audio src="https://example.com/chime.mp3"/></speak>',
     f'<speak>{whispered("Ready.")}<audio src="https://example.com/chime.mp3" /></speak>'),
    ("paragraphs and sentences keep their structure",
     "<speak><p>One.</p><p><s>Two.</s></p></speak>",
     f"<speak><p>{whispered('One.')}</p><p><s>{whispered('Two.')}</s></p></speak>"),
    ("another effect is never nested inside the whisper",
     '<speak>Well <amazon:emotion name="excited" intensity="low">done</amazon:emotion> you.</speak>',
     f'<speak>{whispered("Well")} <amazon:emotion name="excited" intensity="low">done</amazon:emotion> '
     f'{whispered("you.")}</speak>'),
    ("escaped text stays escaped",
     "<speak>Salt &amp; water &lt; 2 cups</speak>",
     f"<speak>{whispered('Salt &amp; water &lt; 2 cups')}</speak>"),
    ("existing prosody: whisper inside it",
     '<speak><prosody rate="slow">Ten. <break time="1s"/> Nine.</prosody></speak>',
     f'<speak><prosody rate="slow">{whispered("Ten.")} <break time="1s" /> {whispered("Nine.")}</prosody></speak>'),
    ("only breaks: nothing to whisper", '<speak><break time="1s"/></speak>',
     '<speak><break time="1s" /></speak>'),
    ("empty", "<speak></speak>", "<speak />"),
]


@pytest.mark.parametrize("case, ssml, expected", WHISPER_TABLE, ids=[row[0] for row in WHISPER_TABLE])
def test_whisper(case: str, ssml: str, expected: str) -> None:
    assert quiet(ssml, WHISPER) == expected


SOFT_TABLE = [
    ("plain text", "<speak>Breathe out.</speak>", f"<speak>{soft('Breathe out.')}</speak>"),
    ("break stays outside",
     '<speak>Stretch. <break time="3s"/> Relax.</speak>',
     f'<speak>{soft("Stretch.")} <break time="3s" /> {soft("Relax.")}</speak>'),
    ("whisper effect kept as it is",
     f"<speak>{whispered('hi')} there</speak>",
     f"<speak>{whispered('hi')} {soft('there')}</speak>"),
]


@pytest.mark.parametrize("case, ssml, expected", SOFT_TABLE, ids=[row[0] for row in SOFT_TABLE])
def test_soft(case: str, ssml: str, expected: str) -> None:
    assert quiet(ssml, SOFT) == expected


UNCHANGED_TABLE = [
    ("normal style", "<speak>Hello.</speak>", NORMAL),
    ("not XML", "<speak>Hello <break></speak>", WHISPER),
    ("undeclared entity", "<speak>a&nbsp;b</speak>", WHISPER),
    ("not a speak document", "<p>Hello.</p>", WHISPER),
    ("plain text", "Hello.", SOFT),
]


@pytest.mark.parametrize("case, ssml, style", UNCHANGED_TABLE, ids=[row[0] for row in UNCHANGED_TABLE])
def test_left_unchanged(case: str, ssml: str, style: str) -> None:
    assert quiet(ssml, style) == ssml


def test_unknown_style_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        quiet("<speak>Hi.</speak>", "shout")


COUNTDOWN = ("<speak>Hold the stretch. " + " ".join(
    f'<say-as interpret-as="cardinal">{n}</say-as> <break time="1s"/>' for n in range(30, 0, -1))
    + " Now relax.</speak>")


@pytest.mark.parametrize("style", [WHISPER, SOFT])
@pytest.mark.parametrize("ssml", [row[1] for row in WHISPER_TABLE] + [COUNTDOWN])
def test_result_is_valid_quiet_ssml_and_idempotent(ssml: str, style: str) -> None:
    result = quiet(ssml, style)
    root = ssml_doc.parse(result)
    assert root.tag == "speak"
    assert len(result) <= MAX_SSML_CHARS
    assert quiet(result, style) == result
    if style == WHISPER:
        for effect in root.iter("amazon__effect"):
            if effect.get("name") == "whispered":
                assert all(child.tag in {"say-as", "sub", "phoneme", "w"} for child in effect)


def test_every_countdown_number_is_whispered_and_breaks_are_not() -> None:
    result = quiet(COUNTDOWN, WHISPER)
    # Runs: "Hold the stretch. 30", then 29 numbers alone, then "Now relax.".
    assert result.count(W_OPEN) == 31
    for n in range(30, 0, -1):
        assert f'cardinal">{n}</say-as>{W_CLOSE} <break time="1s" />' in result
    assert result.count("<break") == 30


def test_too_long_after_wrapping_falls_back_to_the_original() -> None:
    words = " ".join(f"w{n} <break time=\"1s\"/>" for n in range(300))
    ssml = f"<speak>{words}</speak>"
    assert len(ssml) < MAX_SSML_CHARS
    assert len(ssml) + 300 * len(W_OPEN + W_CLOSE) > MAX_SSML_CHARS
    assert quiet(ssml, WHISPER) == ssml


def test_chained_breaks_stay_outside_and_timing_is_unchanged() -> None:
    doc = ssml_doc.speak(ssml_doc.render([Text("Hold it."), Pause(12), Text("Release & rest.")]))
    result = quiet(doc, WHISPER)
    assert result == (f'<speak>{whispered("Hold it.")}<break time="10000ms" /><break time="2000ms" />'
                      f'{whispered("Release &amp; rest.")}</speak>')
    assert ssml_doc.problems(result) == []
    assert ssml_doc.ssml_play_seconds(result) == pytest.approx(ssml_doc.ssml_play_seconds(doc))


@pytest.mark.parametrize("seconds", [10, 30, 119, 120])
def test_the_skills_own_countdowns_whisper_under_the_limit(seconds: int) -> None:
    """The real countdown (every checkpoint its own text run, ~48 characters of effect
    tags each) whispered: valid, under 8,000 characters, every word whispered."""
    plan = plan_countdown(seconds, "Keep your leg straight & pull your toes up.", COUNTDOWN_WORDS, "A note.")
    doc = ssml_doc.speak(ssml_doc.render([*plan.segments, Text("Want another set? Or say next.")]))
    result = quiet(doc, WHISPER)
    assert result != doc and ssml_doc.problems(result) == []
    assert len(result) < MAX_SSML_CHARS
    root = ssml_doc.parse(result)
    outside = (root.text or "") + "".join(child.tail or "" for child in root)
    assert outside.strip() == "", "every word is inside a whisper"
    assert ssml_doc.breaks_in(result) == ssml_doc.breaks_in(doc)


KEPT = "If it feels like an emergency, call your local emergency number."


@pytest.mark.parametrize("doc, style, expected", [
    (f"<speak>{KEPT} Otherwise say next.</speak>", WHISPER,
     f"<speak>{KEPT} {whispered('Otherwise say next.')}</speak>"),
    (f"<speak>Stretch it. {KEPT} Say next.</speak>", WHISPER,
     f"<speak>{whispered('Stretch it.')} {KEPT} {whispered('Say next.')}</speak>"),
    (f"<speak>Stretch it.<break time=\"1s\"/>{KEPT}</speak>", SOFT,
     f"<speak>{soft('Stretch it.')}<break time=\"1s\" />{KEPT}</speak>"),
    (f"<speak>{KEPT} Hold. {KEPT}</speak>", WHISPER,
     f"<speak>{KEPT} {whispered('Hold.')} {KEPT}</speak>"),
    ("<speak>Nothing kept here.</speak>", WHISPER,
     f"<speak>{whispered('Nothing kept here.')}</speak>"),
])
def test_kept_sentences_stay_in_the_normal_voice(doc, style, expected) -> None:
    """An emergency referral inside a whispered answer keeps the normal voice (issue 21)."""
    assert quiet(doc, style, (KEPT,)) == expected
    assert not ssml_doc.problems(quiet(doc, style, (KEPT,)))
