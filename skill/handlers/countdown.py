"""The timed stretch countdown: StretchTimerIntent, and "again" (same set once more).

Which stretch: the muscle the user names, else the step they are on (if it can be held),
else the stretch for their muscle. How long: the duration they say (clamped, and said
so), else the length of their last count this session, else the content default.
"""
from __future__ import annotations

from ask_sdk_core.handler_input import HandlerInput
from msgspec.structs import replace

from skill.domain import ssml
from skill.domain.content import Content, Step, Stretch
from skill.domain.countdown import SpokenCount, hold_time, plan_countdown, readable_seconds
from skill.domain.state import DialogState
from skill.handlers import slots
from skill.handlers.common import Answer, IntentHandler
from skill.handlers.common import ask
from skill.handlers.dialog import carry_on
from skill.handlers.relief import not_for_steps


def held(content: Content, state: DialogState) -> Step | Stretch:
    """What to hold: the current step when it has a cue, else the muscle's stretch."""
    if state.flow == "relief":
        plan = content.relief_plan(state.muscle)
        if 0 <= state.step < len(plan) and plan[state.step].cue:
            return plan[state.step]
    return content.stretch_for(state.muscle)


def usual_seconds(content: Content, state: DialogState) -> int:
    """The hold when none is asked for: this session's last count, else the default."""
    limits = content.countdown
    if state.hold is not None and limits.min_seconds <= state.hold <= limits.max_seconds:
        return state.hold
    return limits.default_seconds


def countdown_answer(content: Content, state: DialogState, seconds: int,
                     note: str | None = None) -> Answer:
    """One response carrying the whole countdown, then the "another set?" question. It
    cites the articles behind what is held and behind the hold itself. After a referral
    this session (or for a child's cramp), no stretch is counted: the answer instead."""
    instead = not_for_steps(content, state)
    if instead is not None:
        return instead
    if state.flow != "relief":
        state = state.but(flow="relief", step=0)
    words = content.prompts.countdown
    holding = held(content, state)
    count = SpokenCount(plan_countdown(seconds, holding.cue or "", words, note),
                        after=(words.again_prompt,))
    cited = tuple(sorted({*holding.sources, *content.countdown.sources}))
    moved = state.but(pending="another_set", question=None, misses=0, hold=seconds, sources=cited)
    return Answer(speech=ssml.render(count.segments), state=moved,
                  reprompt=ssml.text(words.again_reprompt), count=count)


def count_again(content: Content, state: DialogState) -> Answer:
    """The same set once more (same stretch, same length)."""
    return countdown_answer(content, state, usual_seconds(content, state))


def timed_countdown(content: Content, state: DialogState, duration: str | None) -> Answer:
    """A countdown of the asked length (clamped and said so), or the usual one."""
    if duration is None:
        return countdown_answer(content, state, usual_seconds(content, state))
    limits = content.countdown
    wanted = hold_time(duration, limits.default_seconds, limits.min_seconds, limits.max_seconds,
                       content.prompts.countdown)
    answer = countdown_answer(content, state, wanted.seconds, wanted.note)
    return emergency_first(content, answer, readable_seconds(duration))


def emergency_first(content: Content, answer: Answer, asked_seconds: float | None) -> Answer:
    """A count asked for longer than the emergency limit ("time it for fifteen minutes")
    may hide how long the cramp has lasted: the emergency advice comes first, in the
    normal voice, then the (clamped) count."""
    limit = content.index.emergency_minutes
    if limit is None or asked_seconds is None or asked_seconds <= limit * 60:
        return answer
    caution = content.countdown.long_cramp
    cited = tuple(sorted({*answer.state.sources, *caution.sources}))
    count = answer.count and replace(answer.count, before=(caution.text, *answer.count.before))
    return replace(answer, speech=f"{ssml.text(caution.text)} {answer.speech}", urgent=True,
                   state=answer.state.but(sources=cited), count=count)


class StretchTimerIntentHandler(IntentHandler):
    intents = frozenset({"StretchTimerIntent"})

    def answer(self, handler_input: HandlerInput, state: DialogState) -> Answer:
        muscle, _unknown = slots.muscle(handler_input, self.content)
        if muscle is not None:  # naming a muscle asks for its stretch
            state = state.but(flow="relief", muscle=muscle, step=0)
        return timed_countdown(self.content, state, slots.hold_length(handler_input))


class StopCountingIntentHandler(IntentHandler):
    """"Stop counting", "that's enough": the count stops and nothing new starts; in the
    steps, the offer of the next one; else the usual steer."""

    intents = frozenset({"StopCountingIntent"})

    def answer(self, handler_input: HandlerInput, state: DialogState) -> Answer:
        stopped = self.content.prompts.countdown.stopped
        if state.flow == "relief" and not state.in_check:
            prompts = self.content.prompts.relief
            return ask(state.but(pending="next", misses=0), stopped, prompts.next_prompt,
                       reprompt=prompts.next_reprompt)
        return carry_on(self.content, state, stopped)
