"""The timed stretch countdown: StretchTimerIntent, and "again" (same set once more).

Which stretch: the muscle the user names, else the step they are on (if it can be held),
else the stretch for their muscle. How long: the duration they say (clamped, and said
so), else the length of their last count this session, else the content default.
"""
from __future__ import annotations

from dataclasses import replace

from ask_sdk_core.handler_input import HandlerInput

from skill.domain import ssml
from skill.domain.content import Content, Step, Stretch
from skill.domain.countdown import hold_time, plan_countdown, readable_seconds
from skill.domain.ssml import Text
from skill.domain.state import Conversation
from skill.handlers.common import Answer, IntentHandler
from skill.handlers.relief import muscle_from_slot, slot_of

AGAIN_PROMPT = "Want another set? Or say next."
AGAIN_REPROMPT = "Say yes for another set, next for the next step, or stop."


def held(content: Content, state: Conversation) -> Step | Stretch:
    """What to hold: the current step when it has a cue, else the muscle's stretch."""
    if state.flow == "relief":
        plan = content.relief_plan(state.muscle)
        if 0 <= state.step < len(plan) and plan[state.step].cue:
            return plan[state.step]
    return content.stretch_for(state.muscle)


def usual_seconds(content: Content, state: Conversation) -> int:
    """The hold when none is asked for: this session's last count, else the default."""
    limits = content.countdown
    if state.hold is not None and limits.min_seconds <= state.hold <= limits.max_seconds:
        return state.hold
    return limits.default_seconds


def countdown_answer(content: Content, state: Conversation, seconds: int,
                     note: str | None = None) -> Answer:
    """One response carrying the whole countdown, then the "another set?" question. It
    cites the articles behind what is held and behind the hold itself."""
    if state.flow != "relief":
        state = state.but(flow="relief", step=0, replies=())
    holding = held(content, state)
    plan = plan_countdown(seconds, holding.cue or "", note)
    speech = ssml.render([*plan.segments, Text(AGAIN_PROMPT)])
    cited = tuple(sorted({*holding.sources, *content.countdown.sources}))
    return Answer(speech=speech, state=state.but(pending="another_set", hold=seconds, sources=cited),
                  reprompt=ssml.text(AGAIN_REPROMPT))


def count_again(content: Content, state: Conversation) -> Answer:
    """The same set once more (same stretch, same length)."""
    return countdown_answer(content, state, usual_seconds(content, state))


class StretchTimerIntentHandler(IntentHandler):
    intents = frozenset({"StretchTimerIntent"})

    def answer(self, handler_input: HandlerInput, state: Conversation) -> Answer:
        muscle, _unknown = muscle_from_slot(handler_input, self.content)
        if muscle is not None:  # naming a muscle asks for its stretch
            state = state.but(flow="relief", muscle=muscle, step=0, replies=())
        duration_slot = slot_of(handler_input, "duration")
        duration = getattr(duration_slot, "value", None)
        limits = self.content.countdown
        if isinstance(duration, str) and duration.strip():
            wanted = hold_time(duration, limits.default_seconds, limits.min_seconds, limits.max_seconds)
            answer = countdown_answer(self.content, state, wanted.seconds, wanted.note)
            return self._emergency_first(answer, readable_seconds(duration))
        return countdown_answer(self.content, state, usual_seconds(self.content, state))

    def _emergency_first(self, answer: Answer, asked_seconds: float | None) -> Answer:
        """A count asked for longer than the check's time limit ("it's been cramping for
        fifteen minutes") may be how long the cramp has lasted: the emergency advice
        comes first, in the normal voice, then the (clamped) count."""
        limit = self.content.index.emergency_minutes
        if limit is None or asked_seconds is None or asked_seconds <= limit * 60:
            return answer
        caution = self.content.countdown.long_cramp
        return replace(answer, speech=f"{ssml.text(caution.text)} {answer.speech}", urgent=True,
                       state=answer.state.but(sources=tuple(sorted({*answer.state.sources,
                                                                    *caution.sources}))))
