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
from skill.domain.state import DialogState, Topic
from skill.handlers import slots
from skill.handlers.common import Answer, IntentHandler, ask
from skill.handlers.dialog import back_from_side, carry_on, side_prompt

ITEMS_PER_TURN = 2
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


def topic_answer(content: Content, state: DialogState, topic: Topic, start: int = 0) -> Answer:
    """Items `start`.. of a topic, then "want more?" or, after the last, the relief offer.
    Leaves any serious check (a new question means a new subject)."""
    items = topic_items(content, topic)
    start = min(max(start, 0), len(items) - 1)
    said = items[start:start + ITEMS_PER_TURN]
    cited = tuple(sorted({source for item in said for source in item.sources}))
    following = start + len(said)
    moved = state.but(flow="none", question=None, misses=0, topic=topic, item=following,
                      sources=cited)
    sentences = [item.text for item in said]
    if following < len(items):
        prompts = content.prompts.dialog
        return ask(moved.but(pending="more"), *sentences, prompts.more_prompt,
                   reprompt=prompts.more_reprompt)
    prompts = content.prompts.check
    return ask(moved.but(pending="relief", topic="none", item=0), *sentences,
               prompts.offer_relief, reprompt=prompts.offer_reprompt)


def more_items(content: Content, state: DialogState) -> Answer:
    """The next items of the topic the user is hearing."""
    return topic_answer(content, state, state.topic, state.item)


class PreventionIntentHandler(IntentHandler):
    intents = frozenset({"PreventionIntent"})

    def answer(self, handler_input: HandlerInput, state: DialogState) -> Answer:
        return topic_answer(self.content, state, "prevention")


class CausesIntentHandler(IntentHandler):
    intents = frozenset({"CausesIntent"})

    def answer(self, handler_input: HandlerInput, state: DialogState) -> Answer:
        return topic_answer(self.content, state, "causes")


# -- medicines and conditions ---------------------------------------------------------------

def listed_sentence(content: Content, found: dict[str, Named]) -> str:
    prompts = content.prompts.topics
    names = [item.name for item in found.values()]
    words = {"medicine": prompts.medicines, "condition": prompts.conditions}
    kinds = {words[kind] for kind in found}
    return prompts.listed.format(names=" and ".join(names),
                                 kind=kinds.pop() if len(kinds) == 1 else prompts.both_kinds)


def medical_answer(content: Content, state: DialogState, found: dict[str, Named],
                   unlisted: bool) -> Answer:
    """What the articles' lists say about the named medicine or condition, with the
    advice never to stop a medicine alone (for a condition, also to talk to the doctor
    about the cramps); then back to where the user was. Nothing named: which one?"""
    medical = content.medical
    if "condition" in found:
        advice, advice_sources = medical.condition_advice.text, medical.condition_advice.sources
    else:
        advice, advice_sources = medical.advice.text, ()  # editorial: cites no article
    if found:
        sentence = listed_sentence(content, found)
        cited = {s for item in found.values() for s in item.sources} | set(advice_sources)
    elif unlisted:
        # Every article was searched: "where is that from?" names all of them.
        sentence, cited = medical.unlisted.text, {*content.sources, SEARCHED}
    else:
        return side_prompt(content, state, "which_medical")
    answered = state.but(sources=tuple(sorted(cited)))
    if state.pending == "which_medical":
        return back_from_side(content, answered, sentence, advice)
    return carry_on(content, answered, sentence, advice)


def flags_for(content: Content, found: dict[str, Named]) -> dict[str, bool]:
    """The session flags a named condition sets (side.toml no_heat_conditions,
    midwife_conditions); the condition itself is never kept."""
    condition = found.get("condition")
    if condition is None:
        return {}
    side = content.side
    flags = {}
    if condition.id in side.no_heat_conditions:
        flags["no_heat"] = True
    if condition.id in side.midwife_conditions:
        flags["ask_midwife"] = True
    return flags



class MedicationIntentHandler(IntentHandler):
    """"Can statins cause cramps?", "is it my diabetes?". A condition asked about sets the
    session's flags too (holding heat or medicines back is the cautious reading)."""

    intents = frozenset({"MedicationIntent"})

    def answer(self, handler_input: HandlerInput, state: DialogState) -> Answer:
        found, unlisted = slots.medical(handler_input, self.content)
        state = state.but(**flags_for(self.content, found))
        return medical_answer(self.content, state, found, unlisted)


# -- where is that from? --------------------------------------------------------------------

def sources_sentence(content: Content, ids: tuple[str, ...]) -> str | None:
    """The articles behind an answer, by title and publisher (or author); after a "not
    listed" answer, that all of them were searched. None when there are none."""
    prompts = content.prompts.topics
    named = [s.citation for s in content.sources_of(ids)]
    if not named:
        return None
    count = COUNT_WORDS.get(len(named), str(len(named)))
    if SEARCHED in ids and len(named) > 1:
        return prompts.searched_all.format(count=count, rest="; ".join(named[:-1]), last=named[-1])
    if len(named) == 1:
        return prompts.from_one.format(first=named[0])
    return prompts.from_many.format(count=count, rest="; ".join(named[:-1]), last=named[-1])


def sources_answer(content: Content, state: DialogState) -> Answer:
    """Names the articles behind the last answer (and sends them as a card), then carries
    on. The state's sources stay, so asking twice gives the same answer."""
    sentence = sources_sentence(content, state.sources)
    if sentence is None:
        return carry_on(content, state, content.prompts.topics.no_sources)
    return carry_on(content, state, sentence).with_card(sources_card(content, state.sources))


class SourcesIntentHandler(IntentHandler):
    intents = frozenset({"SourcesIntent"})

    def answer(self, handler_input: HandlerInput, state: DialogState) -> Answer:
        return sources_answer(self.content, state)
