"""The utterance annotation set, in the CSV format of Amazon's NLU Evaluation tool:

    utterance,referenceTimestamp,intent,slot[muscle],slot[duration],slot[medicine],...

and its evaluation through the simulator's resolver, so a model change that hurts
understanding shows up as a lower accuracy.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

from skill.simulator.resolver import Resolution, Resolver, normalize

_SLOT_COLUMN = re.compile(r"^slot\[(\w+)\]$")


@dataclass(frozen=True)
class Annotation:
    utterance: str
    intent: str
    slots: dict[str, str] = field(default_factory=dict)  # slot name -> expected value


@dataclass(frozen=True)
class Scored:
    annotation: Annotation
    resolution: Resolution
    correct: bool


@dataclass(frozen=True)
class Evaluation:
    outcomes: tuple[Scored, ...]

    @property
    def accuracy(self) -> float:
        return sum(o.correct for o in self.outcomes) / len(self.outcomes) if self.outcomes else 0.0

    @property
    def misses(self) -> list[Scored]:
        return [o for o in self.outcomes if not o.correct]

    def report(self) -> str:
        lines = [f"annotation set: {sum(o.correct for o in self.outcomes)}/{len(self.outcomes)} "
                 f"correct ({self.accuracy:.1%})"]
        for miss in self.misses:
            expected = " ".join(f"{k}={v}" for k, v in miss.annotation.slots.items())
            lines.append(f"  MISS {miss.annotation.utterance!r}: expected "
                         f"{miss.annotation.intent} {expected}".rstrip()
                         + f", heard {miss.resolution.describe()}")
        return "\n".join(lines)


def load_annotations(path: Path) -> list[Annotation]:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        slot_columns = {c: m.group(1) for c in reader.fieldnames or []
                        if (m := _SLOT_COLUMN.match(c))}
        rows = []
        for row in reader:
            slots = {name: row[column].strip() for column, name in slot_columns.items()
                     if row.get(column, "").strip()}
            rows.append(Annotation(row["utterance"].strip(), row["intent"].strip(), slots))
        return rows


def evaluate(resolver: Resolver, annotations: list[Annotation]) -> Evaluation:
    """Each utterance through the resolver as said inside an open session."""
    outcomes = []
    for annotation in annotations:
        resolution = resolver.match_intent(normalize(annotation.utterance))
        outcomes.append(Scored(annotation, resolution, _agrees(resolver, annotation, resolution)))
    return Evaluation(tuple(outcomes))


def _agrees(resolver: Resolver, annotation: Annotation, resolution: Resolution) -> bool:
    """Right intent, and exactly the expected slots with the expected values (custom values
    agree when they resolve to the same entity, as the skill only sees the id)."""
    if resolution.intent != annotation.intent:
        return False
    if set(resolution.slots) != set(annotation.slots):
        return False
    types = resolver.intent_slots.get(annotation.intent, {})
    for name, expected in annotation.slots.items():
        heard = resolution.slots[name]
        wanted = resolver.resolve_slot(name, types.get(name, ""), expected)
        if wanted is None:
            return False
        same_entity = wanted.resolved_id is not None and wanted.resolved_id == heard.resolved_id
        if not (same_entity or normalize(heard.value) == normalize(wanted.value)):
            return False
    return True
