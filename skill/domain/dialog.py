"""The conversation protocol: every question the skill can ask, what answers it, and how
it is asked again.

One table, `QUESTIONS`, is consulted by every handler:
- a reply ("yes", "no", "not sure", a length of time, a medicine's name) goes to the
  question waiting for it only if that question `accepts` that kind of reply;
- a side question (a medicine, the hold time, sources, help, whisper...) is answered and
  then the waiting question is asked again (`prompt`, `reprompt`), so an answer to a side
  prompt never answers the serious check;
- an unclear answer is asked again in a short form (`short`) the first time; only a second
  one takes the cautious reading (`second_miss`: "unsure" for the check) or drops the
  question ("drop");
- a side prompt (`side`: "which medicine?", "how long should I count?", "forget your
  settings?") sits on top of the check: when it is answered, or set aside, the check's
  question comes back.
Prompt keys name fields of content/prompts.toml ("section.name"); "check.question" stands
for the check's own question text. Pure module: no SDK imports.
"""
from __future__ import annotations

from typing import Literal

from msgspec import Struct

#: The question the last response asked, if any.
Pending = Literal["none", "check", "count", "next", "another_set", "start_over", "relief",
                  "more", "forget", "hold_time", "which_medical", "anything_else",
                  "timer_offer", "reminder_offer"]
#: What a request says in answer to a question.
ReplyKind = Literal["yes", "no", "unsure", "duration", "name", "miss"]

#: The check's own question text (from content/serious.toml) in place of a prompt key.
CHECK_QUESTION = "check.question"
CHECK_SHORT = "check.short"


class PendingQuestion(Struct, frozen=True):
    accepts: frozenset[ReplyKind]
    prompt: str
    reprompt: str
    short: str
    second_miss: Literal["unsure", "drop", "steps"] = "drop"
    side: bool = False
    #: What an unclear answer is: "ask" (asked again, then `second_miss`), or "unlisted"
    #: (a name the model's lists lack, answered as such: "which medicine?" "lisinopril").
    unclear: Literal["ask", "unlisted"] = "ask"


_YES_NO = frozenset({"yes", "no"})

QUESTIONS: dict[Pending, PendingQuestion] = {
    # "Has this cramp lasted more than ten minutes?" ... (a length answers the timed one)
    "check": PendingQuestion(frozenset({"yes", "no", "unsure", "duration"}), CHECK_QUESTION,
                             CHECK_QUESTION, CHECK_SHORT, second_miss="unsure"),
    # "Say time it and I'll count, or say next."  yes: count (or the next step)
    "count": PendingQuestion(_YES_NO, "relief.count_prompt", "relief.count_reprompt",
                             "relief.count_reprompt"),
    # "Say next, or say time it."  yes: the next step; no: goodbye
    "next": PendingQuestion(_YES_NO, "relief.next_prompt", "relief.next_reprompt",
                            "relief.next_reprompt"),
    # "Want another set?"  yes: the same count again
    "another_set": PendingQuestion(_YES_NO, "countdown.again_prompt",
                                   "countdown.again_reprompt", "countdown.again_reprompt"),
    # "That's all the steps; want to hear them again?"
    "start_over": PendingQuestion(_YES_NO, "relief.last_prompt", "relief.last_reprompt",
                                  "relief.last_reprompt"),
    # "Want the relief steps now?"
    "relief": PendingQuestion(_YES_NO, "check.offer_relief", "check.offer_reprompt",
                              "check.offer_reprompt"),
    # "Want more?" in a list of tips or causes
    "more": PendingQuestion(_YES_NO, "dialog.more_prompt", "dialog.more_reprompt",
                            "dialog.more_reprompt"),
    # "Shall I forget your settings?"  ("not sure" asks again)
    "forget": PendingQuestion(frozenset({"yes", "no", "unsure"}), "settings.forget_prompt",
                              "settings.forget_reprompt", "settings.forget_reprompt",
                              side=True),
    # "How long should I count?"  a length of time: the new hold time
    "hold_time": PendingQuestion(frozenset({"duration"}), "settings.hold_ask",
                                 "settings.hold_ask_reprompt", "settings.hold_short_reask",
                                 side=True),
    # "Is anything else wrong besides the cramp?" after words heard as a symptom that are
    # no sign: yes, a doctor first; no, the steps; unclear twice, the steps with the
    # emergency signs ("steps")
    "anything_else": PendingQuestion(frozenset({"yes", "no", "unsure"}), "symptom.anything_else",
                                     "symptom.anything_else_reprompt",
                                     "symptom.anything_else_short", second_miss="steps"),
    # "Which medicine or condition?"  a name: the articles' answer
    "which_medical": PendingQuestion(frozenset({"name"}), "topics.which_one",
                                     "topics.which_one_reprompt", "topics.which_one_reprompt",
                                     side=True, unclear="unlisted"),
    # "Shall I set a ten-minute timer?" (a turn of its own after "no" or "not sure" to the
    # check's ten-minute question; the check's place is kept: its next question follows)
    # A length of time said to it ("forty seconds") is no to the offer, so it never leaves
    # the check that waits beneath.
    "timer_offer": PendingQuestion(frozenset({"yes", "no", "duration"}), "alerts.timer_offer", "alerts.timer_offer_reprompt",
                                   "alerts.timer_offer_reprompt", side=True),
    # "Would you like a reminder to stretch tomorrow afternoon?" (once, after prevention)
    "reminder_offer": PendingQuestion(_YES_NO, "alerts.reminder_offer",
                                      "alerts.reminder_offer_reprompt",
                                      "alerts.reminder_offer_reprompt", side=True),
}

#: Intents that are replies in themselves.
REPLY_INTENTS: dict[str, ReplyKind] = {
    "AMAZON.YesIntent": "yes",
    "AMAZON.NoIntent": "no",
    "NotSureIntent": "unsure",
    "AMAZON.FallbackIntent": "miss",
}
#: Intents whose filled slot is a reply: a bare "forty seconds" is heard as a countdown
#: request, "statins" as a medicine question.
SLOT_REPLIES: dict[str, tuple[tuple[str, ReplyKind], ...]] = {
    "StretchTimerIntent": (("duration", "duration"),),  # a bare number is a count, no length
    "SetHoldTimeIntent": (("duration", "duration"), ("seconds", "duration")),
    "MedicationIntent": (("medicine", "name"), ("condition", "name")),
}


#: Intents that are a reply when none of their slots is filled: "I'm not sure" heard as a
#: doubt about a sign, with no sign in it, is a plain "not sure".
EMPTY_REPLIES: dict[str, ReplyKind] = {"SignUnsureIntent": "unsure"}


#: "Maybe", "I think so": to the check's questions the cautious reading, a yes (a red flag
#: that may be there is answered as one); to any other question a "not sure".
LEANING_YES = "MaybeIntent"


def reply_kind_to(pending: Pending, intent: str | None,
                  filled_slots: frozenset[str]) -> ReplyKind | None:
    """`reply_kind`, with a "maybe" read for the question that waits (`LEANING_YES`)."""
    if intent == LEANING_YES:
        return "yes" if pending == "check" else "unsure"
    return reply_kind(intent, filled_slots)


def reply_kind(intent: str | None, filled_slots: frozenset[str]) -> ReplyKind | None:
    """What a request says as a reply, if anything: from the intent, or from a filled
    slot of an intent that can carry one."""
    if intent is None:
        return None
    if intent in REPLY_INTENTS:
        return REPLY_INTENTS[intent]
    if intent in EMPTY_REPLIES and not filled_slots:
        return EMPTY_REPLIES[intent]
    for slot, kind in SLOT_REPLIES.get(intent, ()):
        if slot in filled_slots:
            return kind
    return None


def question(pending: Pending) -> PendingQuestion | None:
    return QUESTIONS.get(pending)


def accepts(pending: Pending, kind: ReplyKind | None) -> bool:
    """Whether `kind` of reply answers the waiting question."""
    waiting = QUESTIONS.get(pending)
    return waiting is not None and kind is not None and kind in waiting.accepts


def after_miss(pending: Pending, misses: int) -> Literal["short", "unsure", "drop", "steps"]:
    """What an unclear answer leads to: the short question again the first time, then
    the question's `second_miss` rule."""
    waiting = QUESTIONS.get(pending)
    if waiting is None:
        return "drop"
    return "short" if misses < 1 else waiting.second_miss
