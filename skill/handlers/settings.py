"""The user's settings: quiet voice, preferred hold time, and forgetting them.

These are the only things the skill remembers between sessions (skill.preferences keeps
the allow-list). Each answer acknowledges the change in a few words and then carries on
where the conversation stood (`dialog.carry_on`), so "whisper" in the middle of the
serious check does not lose the check. The quiet voice itself is applied by
`QuietVoiceInterceptor`, to this very answer too. When the store did not keep a change,
the answer says so instead (`settings.not_saved`); the change still holds this session.
"""
from __future__ import annotations

from ask_sdk_core.handler_input import HandlerInput

from skill.domain.content import Content
from skill.domain.countdown import hold_time, readable_seconds, spoken_duration
from skill.domain.state import DialogState
from skill.handlers import slots
from skill.handlers.common import Answer, IntentHandler
from skill.handlers.dialog import back_from_side, carry_on, side_prompt
from skill.preferences import change_preferences, forget_preferences


def save_hold(handler_input: HandlerInput, content: Content, state: DialogState,
              duration: str) -> Answer:
    """Remember `duration` as the hold for every countdown from now on (clamped to what
    the skill counts, and said so); this session's next count uses it too."""
    limits = content.countdown  # within the stored range: the loader checks it
    wanted = hold_time(duration, limits.default_seconds, limits.min_seconds, limits.max_seconds,
                       content.prompts.countdown)
    kept = change_preferences(handler_input, hold_seconds=wanted.seconds)
    done = (content.prompts.settings.hold_done.format(duration=spoken_duration(wanted.seconds))
            if kept else content.prompts.settings.not_saved)
    sentences = [s for s in (wanted.note, done) if s]
    saved = state.but(hold=wanted.seconds)
    if state.pending == "hold_time":  # the answer to "how long should I count?"
        return back_from_side(content, saved, *sentences)
    return carry_on(content, saved, *sentences)


def said_done(content: Content, kept: bool, done: str) -> str:
    """The `settings.<done>` line, or `settings.not_saved` when the store did not keep it."""
    prompts = content.prompts.settings
    return getattr(prompts, done) if kept else prompts.not_saved


def confirm_forget(handler_input: HandlerInput, content: Content, state: DialogState,
                   agreed: bool) -> Answer:
    """The reply to "shall I forget your settings?": delete the record, or keep it."""
    prompts = content.prompts.settings
    if not agreed:
        return back_from_side(content, state, prompts.kept)
    forget_preferences(handler_input)
    return back_from_side(content, state.but(hold=None), prompts.forgotten)


class QuietVoiceIntentHandler(IntentHandler):
    intents = frozenset({"QuietVoiceIntent"})

    def answer(self, handler_input: HandlerInput, state: DialogState) -> Answer:
        kept = change_preferences(handler_input, quiet_voice=True, voice_chosen=True)
        return carry_on(self.content, state, said_done(self.content, kept, "quiet_done"))


class NormalVoiceIntentHandler(IntentHandler):
    intents = frozenset({"NormalVoiceIntent"})

    def answer(self, handler_input: HandlerInput, state: DialogState) -> Answer:
        kept = change_preferences(handler_input, quiet_voice=False, voice_chosen=True)
        return carry_on(self.content, state, said_done(self.content, kept, "normal_done"))


class SetHoldTimeIntentHandler(IntentHandler):
    """"Always time thirty seconds": the hold every countdown uses from now on. Without a
    readable length it asks "how long?" (a side prompt: the next length answers it)."""

    intents = frozenset({"SetHoldTimeIntent"})

    def answer(self, handler_input: HandlerInput, state: DialogState) -> Answer:
        duration = slots.hold_length(handler_input)
        if readable_seconds(duration) is None:
            return side_prompt(self.content, state, "hold_time")
        return save_hold(handler_input, self.content, state, duration or "")


class ForgetSettingsIntentHandler(IntentHandler):
    """"Forget my settings": asks first (a side prompt answered by yes or no)."""

    intents = frozenset({"ForgetSettingsIntent"})

    def answer(self, handler_input: HandlerInput, state: DialogState) -> Answer:
        return side_prompt(self.content, state, "forget")
