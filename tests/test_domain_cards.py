"""Cards for the Alexa app, built from content alone (pure module, plain tables)."""
from __future__ import annotations

import pytest

from skill.domain import cards
from skill.domain.content import EMERGENCY_SIGNS, load_content
from skill.settings import PROJECT_ROOT

CONTENT = load_content(PROJECT_ROOT / "content")


@pytest.mark.parametrize("muscle", [None, "CALF", "FOOT", "THIGH_FRONT", "THIGH_BACK", "ELBOW"])
def test_relief_card_numbers_every_step_with_its_caution_and_cites_every_article(muscle) -> None:
    card = cards.relief_card(CONTENT, muscle)
    known = CONTENT.muscle(muscle)
    assert card.title == (f"{cards.RELIEF_TITLE}: {known.name}" if known else cards.RELIEF_TITLE)
    lines = card.text.splitlines()
    signs = CONTENT.caution(EMERGENCY_SIGNS)
    assert lines[0] == signs.text  # the emergency signs first, and only there
    assert card.text.count(signs.text) == 1
    for number, step in enumerate(CONTENT.relief_plan(muscle), start=1):
        line = next(text for text in lines if text.startswith(f"{number}. "))
        own = step.text.removeprefix(signs.text).lstrip() if step.first == EMERGENCY_SIGNS else step.text
        assert line.startswith(f"{number}. {own}")
        caution = CONTENT.caution(step.caution)
        if caution:
            assert line.endswith(caution.text)
    cited = {s for step in CONTENT.relief_plan(muscle) for s in step.sources}
    for article in CONTENT.sources_of(cited):
        assert f"- {article.citation}" in lines
    assert CONTENT.serious.disclaimer.text in lines
    assert len(card.title) + len(card.text) <= cards.MAX_CARD_CHARS


@pytest.mark.parametrize("outcome", ["emergency", "watch", "doctor_first", "doctor", "reassure"])
def test_serious_card_puts_the_outcome_first_then_the_signs_in_three_groups(outcome) -> None:
    """Emergency, a doctor first (no massage, heat or stretch until then), a doctor: each
    question under the heading of what a yes to it means, in that order."""
    text = cards.serious_card(CONTENT, outcome).text
    assert text.startswith(CONTENT.outcome(outcome).text)
    headings = CONTENT.serious.card
    starts = {kind: text.index(heading) for kind, heading in (
        ("emergency", headings.emergency), ("doctor_first", headings.doctor_first),
        ("doctor", headings.doctor))}
    assert starts["emergency"] < starts["doctor_first"] < starts["doctor"]
    ends = {"emergency": starts["doctor_first"], "doctor_first": starts["doctor"],
            "doctor": text.index("Sources:")}
    for question in CONTENT.serious.question:
        assert starts[question.kind] < text.index(question.text) < ends[question.kind], question.id
    assert "skip massage, heat and stretching" in headings.doctor_first
    assert headings.emergency.startswith("Call your local emergency number")
    assert "Sources:" in text


def test_sources_card_lists_titles_and_publishers_once_each() -> None:
    card = cards.sources_card(CONTENT, ["003", "001", "003"])
    assert card.text.splitlines() == [
        '- "How to Get Rid of Muscle Cramps in Your Legs?", from an unnamed health site',
        "- a Healthline article on leg cramp remedies"]
