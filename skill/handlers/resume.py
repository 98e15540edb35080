"""Side answers that pick up where the conversation stands.

"Whisper", "where is that from?" or "can statins cause cramps?" can come at any point: on a
step, in the middle of the serious check, right after a countdown. `carry_on` says the
side answer and then repeats the question the conversation was waiting on, so "yes",
"next" or the check's answers keep working as before.
"""
from __future__ import annotations

from skill.domain.content import Content
from skill.domain.state import Conversation
from skill.handlers import serious
from skill.handlers.common import STEER, Answer, ask
from skill.handlers.countdown import AGAIN_PROMPT, AGAIN_REPROMPT
from skill.handlers.relief import (
    COUNT_PROMPT, COUNT_REPROMPT, LAST_PROMPT, LAST_REPROMPT, NEXT_PROMPT, NEXT_REPROMPT)

MORE_PROMPT = "Want more?"
MORE_REPROMPT = "Say yes for more, or stop."
FORGET_PROMPT = "Shall I forget your settings, like the quiet voice and the hold time?"
FORGET_REPROMPT = "Say yes to forget your settings, or no to keep them."

#: pending question -> (prompt, reprompt)
PROMPTS: dict[str, tuple[str, str]] = {
    "count": (COUNT_PROMPT, COUNT_REPROMPT),
    "next": (NEXT_PROMPT, NEXT_REPROMPT),
    "another_set": (AGAIN_PROMPT, AGAIN_REPROMPT),
    "start_over": (LAST_PROMPT, LAST_REPROMPT),
    "relief": (serious.OFFER_RELIEF, serious.OFFER_REPROMPT),
    "more": (MORE_PROMPT, MORE_REPROMPT),
    "forget": (FORGET_PROMPT, FORGET_REPROMPT),
}


def carry_on(content: Content, state: Conversation, *sentences: str) -> Answer:
    """`sentences`, then the question the conversation is waiting on (the check's
    question, the step's offer, "another set?"), or the usual steer when nothing is."""
    question = serious.waiting_question(content, state)
    if question is not None:
        return ask(state, *sentences, question.text,
                   reprompt=f"{question.text} {serious.ANSWER_LEAD}.")
    prompt, reprompt = PROMPTS.get(state.pending, (STEER, STEER))
    return ask(state, *sentences, prompt, reprompt=reprompt)
