"""Side answers that pick up where the conversation stands.

"Whisper", "where is that from?" or "can statins cause cramps?" can come at any point: on a
step, in the middle of the serious check, right after a countdown. `carry_on` says the
side answer and then, where a question is still live, asks it again: the check's
question, "forget your settings?", "want more?" in a list, the offer of relief steps. So
"yes", "no" and the check's answers keep working as before.

A step's "say time it" or a countdown's "another set?" is stale by then: asked again after
a medicine answer it sounds like a non sequitur. Those get the usual neutral steer
instead, and the old question is closed (a "yes" no longer starts a countdown); "next" and
"time it" still carry on from the same step.
"""
from __future__ import annotations

from skill.domain.content import Content
from skill.domain.state import Conversation, Pending
from skill.handlers import serious
from skill.handlers.common import STEER, Answer, ask

MORE_PROMPT = "Want more?"
MORE_REPROMPT = "Say yes for more, or stop."
FORGET_PROMPT = "Shall I forget your settings, like the quiet voice and the hold time?"
FORGET_REPROMPT = "Say yes to forget your settings, or no to keep them."

#: pending questions still worth asking after a side answer -> (prompt, reprompt)
PROMPTS: dict[Pending, tuple[str, str]] = {
    "relief": (serious.OFFER_RELIEF, serious.OFFER_REPROMPT),
    "more": (MORE_PROMPT, MORE_REPROMPT),
    "forget": (FORGET_PROMPT, FORGET_REPROMPT),
}


def carry_on(content: Content, state: Conversation, *sentences: str) -> Answer:
    """`sentences`, then the question the conversation is waiting on (the check's
    question, "want more?", "forget your settings?"), or the usual steer when nothing
    is, or when what was asked belonged to the relief steps (it is closed)."""
    question = serious.waiting_question(content, state)
    if question is not None:
        return ask(state, *sentences, question.text,
                   reprompt=f"{question.text} {serious.ANSWER_LEAD}.")
    if state.pending in PROMPTS:
        prompt, reprompt = PROMPTS[state.pending]
        return ask(state, *sentences, prompt, reprompt=reprompt)
    return ask(state.but(pending="none"), *sentences, STEER, reprompt=STEER)
