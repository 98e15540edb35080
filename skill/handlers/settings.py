"""The user's settings: quiet voice, preferred hold time, and forgetting them.

These are the only things the skill remembers between sessions (skill.preferences keeps
the allow-list). Each answer acknowledges the change in a few words and then carries on
where the conversation stood, so "whisper" in the middle of the serious check does not
lose the check. The quiet voice itself is applied by `QuietVoiceInterceptor`, to this
very answer too.
"""
from __future__ import annotations

from ask_sdk_core.handler_input import HandlerInput

from skill.domain.content import Content
from skill.domain.countdown import hold_time, readable_seconds, spoken_duration
from skill.domain.state import Conversation
from skill.handlers.common import Answer, IntentHandler, ask
from skill.handlers.relief import slot_of
from skill.handlers.resume import FORGET_PROMPT, FORGET_REPROMPT, carry_on
from skill.preferences import (
    HOLD_SECONDS_MAX, HOLD_SECONDS_MIN, forget_preferences, update_preferences)

QUIET_DONE = "Okay, I'll whisper from now on."
NORMAL_DONE = "Okay, back to my normal voice."
HOLD_DONE = "Okay, I'll count {duration} from now on."
HOLD_ASK = "How long should I count? Say, for example, always time thirty seconds."
HOLD_ASK_REPROMPT = "Say always time, then a number of seconds."
FORGOTTEN = "Done, I've forgotten your settings."
KEPT = "Okay, I'll keep them."


class QuietVoiceIntentHandler(IntentHandler):
    intents = frozenset({"QuietVoiceIntent"})

    def answer(self, handler_input: HandlerInput, state: Conversation) -> Answer:
        update_preferences(handler_input, quiet_voice=True)
        return carry_on(self.content, state, QUIET_DONE)


class NormalVoiceIntentHandler(IntentHandler):
    intents = frozenset({"NormalVoiceIntent"})

    def answer(self, handler_input: HandlerInput, state: Conversation) -> Answer:
        update_preferences(handler_input, quiet_voice=False)
        return carry_on(self.content, state, NORMAL_DONE)


class SetHoldTimeIntentHandler(IntentHandler):
    """"Always time thirty seconds": the hold every countdown uses from now on, clamped
    to what the skill counts (and said so). This session's next count uses it too."""

    intents = frozenset({"SetHoldTimeIntent"})

    def answer(self, handler_input: HandlerInput, state: Conversation) -> Answer:
        duration = getattr(slot_of(handler_input, "duration"), "value", None)
        if readable_seconds(duration) is None:
            return ask(state, HOLD_ASK, reprompt=HOLD_ASK_REPROMPT)
        limits = self.content.countdown
        low = max(limits.min_seconds, HOLD_SECONDS_MIN)
        high = min(limits.max_seconds, HOLD_SECONDS_MAX)
        wanted = hold_time(duration, min(max(limits.default_seconds, low), high), low, high)
        update_preferences(handler_input, hold_seconds=wanted.seconds)
        done = HOLD_DONE.format(duration=spoken_duration(wanted.seconds))
        sentences = [s for s in (wanted.note, done) if s]
        return carry_on(self.content, state.but(hold=wanted.seconds), *sentences)


class ForgetSettingsIntentHandler(IntentHandler):
    """"Forget my settings": asks first; Yes and No handlers call `confirm_forget`."""

    intents = frozenset({"ForgetSettingsIntent"})

    def answer(self, handler_input: HandlerInput, state: Conversation) -> Answer:
        return ask(state.but(pending="forget"), FORGET_PROMPT, reprompt=FORGET_REPROMPT)


def confirm_forget(handler_input: HandlerInput, content: Content, state: Conversation,
                   agreed: bool) -> Answer:
    """The reply to "shall I forget your settings?": delete the record, or keep it."""
    state = state.but(pending="none")
    if not agreed:
        return carry_on(content, state, KEPT)
    forget_preferences(handler_input)
    return carry_on(content, state.but(hold=None), FORGOTTEN)
