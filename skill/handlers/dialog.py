"""The conversation protocol in the handlers: asking the waiting question again.

`skill.domain.dialog.QUESTIONS` says, for every question the skill can ask, what answers
it and how it is asked again; these helpers apply it:
- `carry_on`: after a side answer (a medicine, sources, whisper...), the waiting question
  is asked again, so "yes", "no" and the check's answers keep working;
- `side_prompt`: ask a side question ("which medicine?") on top of whatever waits;
- `back_from_side`: a side question was answered or set aside: back to the check's
  question if the check is open, else the usual steer;
- `reask`: the waiting question again, in full or in its short form.
"""
from __future__ import annotations

from skill.domain.content import Content
from skill.domain.dialog import CHECK_QUESTION, QUESTIONS, Pending
from skill.domain.state import DialogState
from skill.handlers import serious
from skill.handlers.common import Answer, ask, steer


def reask(content: Content, state: DialogState, *before: str, short: bool = False) -> Answer:
    """`before`, then the waiting question again (its short form with `short`); the usual
    steer when nothing waits."""
    waiting = QUESTIONS.get(state.pending)
    if waiting is None:
        if state.in_check:
            return serious.ask_question(content, state, *before, short=short)
        return steer(content, state, *before)
    if waiting.prompt == CHECK_QUESTION:
        return serious.ask_question(content, state, *before, short=short)
    prompt = content.prompt(waiting.short if short else waiting.prompt)
    return ask(state, *before, prompt, reprompt=content.prompt(waiting.reprompt))


def carry_on(content: Content, state: DialogState, *sentences: str) -> Answer:
    """`sentences` (a side answer), then the question that was waiting, asked again."""
    return reask(content, state.but(misses=0), *sentences)


def side_prompt(content: Content, state: DialogState, pending: Pending, *before: str) -> Answer:
    """Ask a side question on top of what waits (the check's place is kept)."""
    return reask(content, state.but(pending=pending, misses=0), *before)


def back_from_side(content: Content, state: DialogState, *sentences: str) -> Answer:
    """A side question is done (answered or set aside): `sentences`, then the check's
    question when the check is open, else the steer."""
    beneath: Pending = "check" if state.in_check else "none"
    return reask(content, state.but(pending=beneath, misses=0), *sentences)
