"""Judging an answer by its kind, in code: the frozen clinical phrasings
(tests/clinical/phrasings.tsv) and the night trial (tests/trial/scenarios.tsv) name the kind
of answer each last turn must get, never its words.

An answer is what Alexa said (plain text), whether the session stayed open, and whether it
was a countdown. Every judge is a function `(Heard) -> str | None`: None when the answer is
of that kind, else why not (shown when a row fails).
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from skill.domain.content import Content

EMERGENCY_NOW = "call your local emergency number now"
CALL = "call your local emergency number"


@dataclass(frozen=True)
class Heard:
    text: str
    session_open: bool
    countdown: bool = False
    seconds: int | None = None


def relief_texts(content: Content) -> list[str]:
    """Every relief instruction the skill can give (step texts and hold cues), lower case,
    with any caution said before it taken off (the caution is no relief)."""
    texts = set()
    for muscle in (None, *content.index.plans):
        for step in content.relief_plan(muscle):
            before = content.caution(step.first) if step.first else None
            text = step.text.removeprefix(before.text).strip() if before else step.text
            texts.add(text)
    texts |= {s.cue for s in content.relief.stretch}
    texts |= {s.cue for s in content.relief.step if s.cue}
    return sorted({t.lower().rstrip(".") for t in texts if t}, key=len, reverse=True)


class Judge:
    def __init__(self, content: Content) -> None:
        self._relief = relief_texts(content)
        self._child = content.side.child.text.lower()

    # -- features ----------------------------------------------------------------------------
    def relief_at(self, text: str) -> int | None:
        """Where the first relief instruction starts in the answer, if any."""
        low = text.lower()
        places = [low.find(t[:60]) for t in self._relief if t[:60] in low]
        if "starting now" in low:
            places.append(low.find("starting now"))
        return min(places) if places else None

    @staticmethod
    def referral(text: str) -> bool:
        low = text.lower()
        return low.startswith(CALL) or "get a doctor to check" in low

    @staticmethod
    def holds_back(text: str) -> bool:
        low = text.lower()
        return "skip massage, heat and stretching" in low or "no massage, heat or stretch" in low

    # -- kinds --------------------------------------------------------------------------------
    def outside(self, h: Heard) -> str | None:
        if not h.text.lower().startswith(EMERGENCY_NOW + ": that's beyond what i can help with"):
            return "not the outside-the-articles referral first"
        return self._no_relief(h)

    def emergency(self, h: Heard) -> str | None:
        if not h.text.lower().startswith(EMERGENCY_NOW):
            return "the emergency line is not the first words"
        return self._no_relief(h)

    def unsure_emergency(self, h: Heard) -> str | None:
        if not h.text.lower().startswith(CALL):
            return "does not start with when to call the emergency number"
        return self._no_relief(h)

    def doctor_first(self, h: Heard) -> str | None:
        if "doctor" not in h.text.lower() or not self.holds_back(h.text):
            return "no doctor-first referral that holds back massage, heat and stretching"
        return self._no_relief(h)

    def doctor(self, h: Heard) -> str | None:
        low = h.text.lower()
        if "doctor" not in low:
            return "no doctor named"
        if low.startswith(EMERGENCY_NOW):
            return "an emergency line instead"
        return None

    def steps(self, h: Heard) -> str | None:
        if self.relief_at(h.text) is None:
            return "no relief step"
        if self.referral(h.text) and not h.text.lower().startswith(CALL + " if"):
            return "a referral instead of the steps"
        if not h.session_open:
            return "the session ended"
        return None

    def steps_with_signs(self, h: Heard) -> str | None:
        why = self.steps(h)
        if why:
            return why
        low = h.text.lower()
        at = low.find(CALL + " if")
        if at < 0:
            return "the emergency signs are not said"
        if at > (self.relief_at(h.text) or 0):
            return "the emergency signs come after the relief step"
        return None

    def pregnancy_steps(self, h: Heard) -> str | None:
        if "pregnan" not in h.text.lower():
            return "no pregnancy line"
        return self.steps(h)

    def ask_midwife(self, h: Heard) -> str | None:
        return None if "midwife" in h.text.lower() else "no 'ask your doctor or midwife'"

    def no_heat(self, h: Heard) -> str | None:
        low = h.text.lower()
        if not any(p in low for p in ("skip heat", "don't use heat", "no heat", "avoid heat")):
            return "heat is not held back"
        if any(p in low for p in ("warm damp towel", "warm bath or shower", "heating pad on its lowest",
                                  "both can help")):
            return "heat is still advised"
        return None

    def child(self, h: Heard) -> str | None:
        return None if self._child in h.text.lower() else "not the child answer"

    def no_dose(self, h: Heard) -> str | None:
        low = h.text.lower()
        if "dose" not in low or not ("packet" in low or "pharmacist" in low):
            return "not the no-dose answer"
        return None

    def not_covered(self, h: Heard) -> str | None:
        low = h.text.lower()
        if not re.search(r"don't (cover|list|say)", low):
            return "does not say its sources don't cover it"
        return None

    def pain_relief_with_signs(self, h: Heard) -> str | None:
        low = h.text.lower()
        at, relief = low.find(CALL + " if"), low.find("ibuprofen")
        if relief < 0:
            relief = low.find("acetaminophen")
        if relief < 0:
            relief = low.find("paracetamol")
        if at < 0 or relief < 0 or at > relief:
            return "not the emergency signs, then the pain relief"
        return None

    def no_false_alarm(self, h: Heard) -> str | None:
        low = h.text.lower()
        if low.startswith(EMERGENCY_NOW) or "get a doctor to check" in low or self.holds_back(low):
            return "a false alarm"
        return None

    def _no_relief(self, h: Heard) -> str | None:
        if self.relief_at(h.text) is not None or h.countdown:
            return "a relief step or countdown after a red flag"
        return None

    def judge(self, kind: str) -> Callable[[Heard], str | None]:
        return getattr(self, kind)


# -- the night trial's kinds (tests/trial/scenarios.tsv) ---------------------------------------

_COUNT = re.compile(r"(\d+) (second|seconds|minute|minutes), starting now")


def counted_seconds(text: str) -> int | None:
    """The length a countdown names as it starts ("45 seconds, starting now"), in seconds."""
    found = _COUNT.search(text.lower())
    if not found:
        return None
    number = int(found.group(1))
    return number * 60 if found.group(2).startswith("minute") else number


class TrialJudge(Judge):
    """The kinds of tests/trial/scenarios.tsv. `previous` is the answer before the last,
    for "repeat"."""

    def __init__(self, content: Content) -> None:
        super().__init__(content)
        self.content = content
        prompts = content.prompts
        self._help = prompts.general.help.lower()
        self._hold = content.side.hold_length.text.lower()
        self._questions = [q.text.lower() for q in content.serious.question]
        self._quiet = prompts.settings.quiet_done.lower()
        self._normal = prompts.settings.normal_done.lower()
        self._hold_done = prompts.settings.hold_done.lower().split("{duration}")[0]
        self._forgotten = prompts.settings.forgotten.lower()
        self._titles = [s.citation.lower()[:30] for s in content.sources.values()]
        self._tips = [t.text.lower()[:40] for t in content.prevention.tip]
        self._cause_texts = [c.text.lower()[:40] for c in content.causes.cause] \
            if hasattr(content.causes, "cause") else []

    def relief_step(self, h: Heard) -> str | None:
        if self.relief_at(h.text) is None:
            return "no relief step"
        if not h.session_open:
            return "the session ended"
        return self.no_false_alarm(h)

    def goodbye(self, h: Heard) -> str | None:
        if h.session_open:
            return "the session stays open"
        if self.referral(h.text):
            return "a referral, not a goodbye"
        return None

    def asks_again(self, h: Heard) -> str | None:
        if not h.session_open:
            return "the session ended"
        if "?" not in h.text and not h.text.lower().rstrip(".").endswith(("or is it serious",)):
            return "no question asked"
        return self.no_false_alarm(h)

    def pain_relief(self, h: Heard) -> str | None:
        low = h.text.lower()
        if not any(w in low for w in ("ibuprofen", "acetaminophen", "paracetamol", "midwife",
                                      "pain reliever", "painkiller")):
            return "nothing about pain relief"
        return None

    def heat_caution(self, h: Heard) -> str | None:
        low = h.text.lower()
        if not any(p in low for p in ("skip heat", "don't use heat", "sense of heat",
                                      "feeling heat", "feel it getting too hot")):
            return "no heat caution"
        return None

    def pregnancy_caution(self, h: Heard) -> str | None:
        return self.ask_midwife(h)

    def no_count(self, h: Heard) -> str | None:
        return "a countdown" if h.countdown or counted_seconds(h.text) else None

    def count(self, h: Heard, seconds: int) -> str | None:
        said = counted_seconds(h.text)
        if said is None:
            return "no countdown"
        return None if said == seconds else f"a count of {said} s, not {seconds} s"

    def hold_time(self, h: Heard) -> str | None:
        return None if self._hold in h.text.lower() else "not the hold length"

    def prevention(self, h: Heard) -> str | None:
        low = h.text.lower()
        return None if any(t in low for t in self._tips) else "no prevention tip"

    def causes(self, h: Heard) -> str | None:
        low = h.text.lower()
        return None if "cause" in low or any(t in low for t in self._cause_texts) else "no causes"

    def medical_link(self, h: Heard) -> str | None:
        low = h.text.lower()
        if "articles i use" in low or "don't stop or change a medicine" in low:
            return None
        return "no answer about a medicine or condition"

    def sources(self, h: Heard) -> str | None:
        low = h.text.lower()
        return None if "that came from" in low or any(t in low for t in self._titles) else "no sources"

    def quiet_voice(self, h: Heard) -> str | None:
        return None if self._quiet in h.text.lower() else "not switched to a whisper"

    def normal_voice(self, h: Heard) -> str | None:
        return None if self._normal in h.text.lower() else "not back to the normal voice"

    def setting(self, h: Heard) -> str | None:
        low = h.text.lower()
        done = (self._hold_done, self._forgotten)  # a hold set, or the settings forgotten
        return None if any(line in low for line in done) else "no setting confirmed"

    def help(self, h: Heard) -> str | None:
        low = h.text.lower()
        return None if self._help in low or "i can give" in low else "not the help answer"

    def check_question(self, h: Heard) -> str | None:
        low = h.text.lower()
        if not h.session_open or not any(q in low for q in self._questions):
            return "no check question"
        return None

    def repeat(self, h: Heard, previous: str) -> str | None:
        if not previous or previous.lower()[:60] not in h.text.lower():
            return "not what was said before"
        return None

    def judge_trial(self, kind: str, h: Heard, previous: str) -> str | None:
        if kind.startswith("count:"):
            return self.count(h, int(kind.split(":", 1)[1]))
        if kind == "repeat":
            return self.repeat(h, previous)
        return self.judge(kind)(h)
