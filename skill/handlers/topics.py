"""More answers from the articles: prevention, causes, medicines and conditions, sources.

Same rules as the core answers: every sentence about health comes from content (and so
from the articles), every answer records the article ids behind it in the state, and
"where is that from?" reads them back. Lists are said two items per turn ("want more?")
to keep each answer short.
"""
from __future__ import annotations

from ask_sdk_core.handler_input import HandlerInput

from skill.domain.cards import sources_card
from skill.domain.content import Content, Item, Named
from skill.domain.state import Conversation, Topic
from skill.handlers import serious
from skill.handlers.common import Answer, IntentHandler, ask
from skill.handlers.relief import resolved_ids, slot_of
from skill.handlers.resume import MORE_PROMPT, MORE_REPROMPT, carry_on

ITEMS_PER_TURN = 2
LISTED = "The articles I use name {names} among the {kind} linked to leg cramps."
KIND_WORDS = {"medicine": "medicines", "condition": "conditions"}
BOTH_KINDS = "medicines and conditions"
WHICH_ONE = "Which medicine or condition? Ask, for example, can statins cause cramps."
WHICH_ONE_REPROMPT = "Name a medicine or condition, for example, is it my diabetes?"
NO_SOURCES = "I haven't told you anything from my articles yet."
FROM_ONE = "That came from {first}."
FROM_MANY = "That came from {count} articles: {rest}; and {last}."
SEARCHED_ALL = "I looked in all {count} of my articles and none of them lists it: {rest}; and {last}."
#: Kept in the state's sources beside the article ids after a "not listed" answer, so that
#: "where is that from?" says every article was searched. Says nothing about what was asked.
SEARCHED = "searched"
COUNT_WORDS = {2: "two", 3: "three", 4: "four", 5: "five"}


# -- prevention and causes: a list, a couple of items per turn ------------------------------

def topic_items(content: Content, topic: Topic) -> tuple[Item, ...]:
    if topic == "prevention":
        return content.prevention.tip
    if topic == "causes":
        return content.causes.cause
    return ()


def topic_answer(content: Content, state: Conversation, topic: Topic, start: int = 0) -> Answer:
    """Items `start`.. of a topic, then "want more?" or, after the last, the relief offer.
    Leaves any serious check (a new question means a new subject)."""
    items = topic_items(content, topic)
    start = min(max(start, 0), len(items) - 1)
    said = items[start:start + ITEMS_PER_TURN]
    cited = tuple(sorted({source for item in said for source in item.sources}))
    following = start + len(said)
    moved = state.but(flow="none", replies=(), topic=topic, item=following, sources=cited)
    sentences = [item.text for item in said]
    if following < len(items):
        return ask(moved.but(pending="more"), *sentences, MORE_PROMPT, reprompt=MORE_REPROMPT)
    return ask(moved.but(pending="relief", topic="none", item=0), *sentences,
               serious.OFFER_RELIEF, reprompt=serious.OFFER_REPROMPT)


def more_items(content: Content, state: Conversation) -> Answer:
    """The next items of the topic the user is hearing."""
    return topic_answer(content, state, state.topic, state.item)


class PreventionIntentHandler(IntentHandler):
    intents = frozenset({"PreventionIntent"})

    def answer(self, handler_input: HandlerInput, state: Conversation) -> Answer:
        return topic_answer(self.content, state, "prevention")


class CausesIntentHandler(IntentHandler):
    intents = frozenset({"CausesIntent"})

    def answer(self, handler_input: HandlerInput, state: Conversation) -> Answer:
        return topic_answer(self.content, state, "causes")


# -- medicines and conditions ---------------------------------------------------------------

def medical_from_slot(handler_input: HandlerInput, content: Content, kind: str
                      ) -> tuple[tuple[str, Named] | None, bool]:
    """((kind, listed item), whether the user named something the articles don't list).
    Entity resolution first (ER_SUCCESS_MATCH), then the raw words; both look in the
    medicine and the condition list, whichever slot heard the name ("I'm on dialysis"
    fills the medicine slot with a listed condition). Anything else is unlisted, never a
    near guess."""
    slot = slot_of(handler_input, kind)
    if slot is None:
        return None, False
    for item_id in resolved_ids(slot):
        found = content.find_medical_id(item_id, kind)
        if found:
            return found, False
    heard = getattr(slot, "value", None)
    heard = heard if isinstance(heard, str) and heard.strip() else None
    found = content.find_medical(heard, kind)
    return found, found is None and heard is not None


def listed_sentence(found: dict[str, Named]) -> str:
    names = [item.name for item in found.values()]
    kinds = {KIND_WORDS[kind] for kind in found}
    return LISTED.format(names=" and ".join(names),
                         kind=kinds.pop() if len(kinds) == 1 else BOTH_KINDS)


def medical_answer(content: Content, state: Conversation, found: dict[str, Named],
                   unlisted: bool) -> Answer:
    """What the articles' lists say about the named medicine or condition, with the
    advice never to stop a medicine alone (for a condition, also to talk to the doctor
    about the cramps); then back to where the user was."""
    medical = content.medical
    if "condition" in found:
        advice, advice_sources = medical.condition_advice.text, medical.condition_advice.sources
    else:
        advice, advice_sources = medical.advice.text, ()  # editorial: cites no article
    if found:
        sentence = listed_sentence(found)
        cited = {s for item in found.values() for s in item.sources} | set(advice_sources)
    elif unlisted:
        # Every article was searched: "where is that from?" names all of them.
        sentence, cited = medical.unlisted.text, {*content.sources, SEARCHED}
    else:
        return ask(state, WHICH_ONE, reprompt=WHICH_ONE_REPROMPT)
    return carry_on(content, state.but(sources=tuple(sorted(cited))), sentence, advice)


class MedicationIntentHandler(IntentHandler):
    intents = frozenset({"MedicationIntent"})

    def answer(self, handler_input: HandlerInput, state: Conversation) -> Answer:
        found: dict[str, Named] = {}
        unlisted = False
        for slot_kind in ("medicine", "condition"):
            match, unknown = medical_from_slot(handler_input, self.content, slot_kind)
            if match:
                kind, item = match
                found.setdefault(kind, item)
            unlisted = unlisted or unknown
        return medical_answer(self.content, state, found, unlisted)


# -- where is that from? --------------------------------------------------------------------

def sources_sentence(content: Content, ids: tuple[str, ...]) -> str | None:
    """The articles behind an answer, by title and publisher (or author); after a "not
    listed" answer, that all of them were searched. None when there are none."""
    named = [s.citation for s in content.sources_of(ids)]
    if not named:
        return None
    count = COUNT_WORDS.get(len(named), str(len(named)))
    if SEARCHED in ids and len(named) > 1:
        return SEARCHED_ALL.format(count=count, rest="; ".join(named[:-1]), last=named[-1])
    if len(named) == 1:
        return FROM_ONE.format(first=named[0])
    return FROM_MANY.format(count=count, rest="; ".join(named[:-1]), last=named[-1])


def sources_answer(content: Content, state: Conversation) -> Answer:
    """Names the articles behind the last answer (and sends them as a card), then carries
    on. The state's sources stay, so asking twice gives the same answer."""
    sentence = sources_sentence(content, state.sources)
    if sentence is None:
        return carry_on(content, state, NO_SOURCES)
    return carry_on(content, state, sentence).with_card(sources_card(content, state.sources))


class SourcesIntentHandler(IntentHandler):
    intents = frozenset({"SourcesIntent"})

    def answer(self, handler_input: HandlerInput, state: Conversation) -> Answer:
        return sources_answer(self.content, state)
