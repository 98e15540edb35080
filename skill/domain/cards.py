"""Cards for the Alexa app: what the user can read in the morning.

Built only from content (the same records the skill speaks), so a card can never say
something the voice answer does not have a source for. Each card ends with the articles
behind it (title and publisher). Pure module: no SDK imports.
"""
from __future__ import annotations

from collections.abc import Iterable

from msgspec import Struct

from skill.domain.content import EMERGENCY_SIGNS, Content
from skill.domain.triage import Kind

#: Alexa's limit for a card's title and text together.
MAX_CARD_CHARS = 8_000
RELIEF_TITLE = "Leg cramp relief"
SERIOUS_TITLE = "Is my leg cramp serious?"
SOURCES_TITLE = "Where that came from"


class Card(Struct, frozen=True):
    """A simple card: a title and plain text (new lines allowed)."""

    title: str
    text: str


def source_lines(content: Content, ids: Iterable[str]) -> list[str]:
    """One line per article, as the skill names it: its title and who put it out."""
    return [f"- {s.citation}" for s in content.sources_of(ids)]


def _with_sources(content: Content, title: str, body: list[str], ids: Iterable[str]) -> Card:
    text = "\n".join([*body, "", content.serious.disclaimer.text, "",
                      "Sources:", *source_lines(content, ids)])
    return Card(title=title, text=text[: MAX_CARD_CHARS - len(title)])


def relief_card(content: Content, muscle_id: str | None) -> Card:
    """The emergency signs first, then every relief step for a muscle, numbered, each
    with its cautions (a caution that limits a step comes before it), and the sources.
    The emergency signs are on the card once: at the top, not again in the steps."""
    muscle = content.muscle(muscle_id)
    title = f"{RELIEF_TITLE}: {muscle.name}" if muscle else RELIEF_TITLE
    signs = content.caution(EMERGENCY_SIGNS)
    lines: list[str] = [signs.text, ""] if signs else []
    cited: set[str] = {*content.serious.disclaimer.sources, *(signs.sources if signs else ())}
    for number, step in enumerate(content.relief_plan(muscle_id), start=1):
        caution = content.caution(step.caution)
        text = step.text
        if signs and step.first == EMERGENCY_SIGNS:
            text = text.removeprefix(signs.text).lstrip()
        lines.append(f"{number}. {text}" + (f" {caution.text}" if caution else ""))
        cited.update(step.sources, caution.sources if caution else ())
    lines.append(content.relief.closing.text)
    cited.update(content.relief.closing.sources)
    return _with_sources(content, title, lines, cited)


def serious_card(content: Content, outcome_id: str) -> Card:
    """The outcome of the check, then every warning sign it asks about in three groups by
    what a yes means: the emergency number, a doctor first (no massage, heat or stretch
    until then), a doctor. The headings are content/serious.toml's [card]."""
    outcome = content.outcome(outcome_id)
    headings = content.serious.card
    lines = [outcome.text]
    cited: set[str] = {*outcome.sources, *content.serious.disclaimer.sources}
    groups = ((Kind.EMERGENCY, headings.emergency), (Kind.DOCTOR_FIRST, headings.doctor_first),
              (Kind.DOCTOR, headings.doctor))
    for kind, heading in groups:
        questions = [q for q in content.serious.question if q.kind is kind]
        if questions:
            lines += ["", heading, *(f"- {q.text}" for q in questions)]
            cited.update(headings.sources, *(q.sources for q in questions))
    return _with_sources(content, SERIOUS_TITLE, lines, cited)


def sources_card(content: Content, ids: Iterable[str]) -> Card:
    """Just the articles, for "where is that from?"."""
    return Card(title=SOURCES_TITLE, text="\n".join(source_lines(content, ids)))
