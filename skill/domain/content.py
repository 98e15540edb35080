"""Everything the skill says about health, loaded once from content/*.toml and checked.

Each file is decoded into frozen msgspec Structs (so a typo'd key, a missing field or a
wrong type is caught by the schema), then cross-checked (every source id known, every
muscle has a stretch, cautions exist, emergency questions come first). Any problem stops
start-up with a `ContentError` naming the file and the item, e.g.
``content/relief.toml: step[3].sources[0]: unknown article id '009'``.

Pure module: no SDK imports. The interaction-model tooling imports `load_content` for the
MUSCLE slot values (`Content.muscles`).
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

import msgspec
from msgspec import Meta, Struct

NonEmpty = Annotated[str, Meta(min_length=1)]
SourceIds = Annotated[tuple[NonEmpty, ...], Meta(min_length=1)]
#: The stretch used when no muscle is given (most night cramps are in the calf, so it
#: is the calf-style stretch).
GENERAL = "GENERAL"
#: The stretch used when the user named a muscle the skill doesn't know ("shin"): one
#: that suits any muscle, never the calf's.
OTHER = "OTHER"
#: Stretch keys that are not MUSCLE ids.
STRETCH_KEYS = (GENERAL, OTHER)
#: The triage may ask at most this many questions.
MAX_QUESTIONS = 5
#: A duration threshold on a question is at most a day.
MAX_OVER_MINUTES = 24 * 60


class ContentError(ValueError):
    """A content file is missing, unreadable or inconsistent; the message names where."""


class _Strict(Struct, frozen=True, forbid_unknown_fields=True):
    """Base for content records: immutable, and unknown keys are errors (typos)."""


class Source(_Strict):
    id: NonEmpty
    file: NonEmpty
    title: NonEmpty
    publisher: NonEmpty


class Line(_Strict):
    """One sourced sentence (or two) the skill says as written."""

    text: NonEmpty
    sources: SourceIds


class Item(_Strict):
    """A sourced line with an id (a prevention tip, a cause, a caution...)."""

    id: NonEmpty
    text: NonEmpty
    sources: SourceIds


class Stretch(_Strict):
    muscle: NonEmpty
    text: NonEmpty
    cue: NonEmpty
    sources: SourceIds
    caution: str | None = None


class Step(_Strict):
    """One relief step. `cue` (when set) is what the countdown says to hold it."""

    id: NonEmpty
    text: NonEmpty
    sources: SourceIds
    cue: str | None = None
    caution: str | None = None


class Muscle(_Strict):
    id: NonEmpty
    name: NonEmpty
    synonyms: tuple[NonEmpty, ...] = ()


class Question(_Strict):
    id: NonEmpty
    kind: Literal["emergency", "doctor"]
    text: NonEmpty
    explain: NonEmpty
    sources: SourceIds
    hint: str | None = None
    #: Set on a question about how long the cramp has lasted: a length of time said in
    #: answer that is longer than this many minutes is a yes, up to it a no.
    over_minutes: Annotated[int, Meta(ge=1, le=MAX_OVER_MINUTES)] | None = None


class Named(_Strict):
    """A medicine or condition the articles link to cramps."""

    id: NonEmpty
    name: NonEmpty
    sources: SourceIds
    synonyms: tuple[NonEmpty, ...] = ()


# -- one Struct per file -------------------------------------------------------------------

class SourcesFile(_Strict):
    source: Annotated[tuple[Source, ...], Meta(min_length=1)]


class MusclesFile(_Strict):
    muscle: Annotated[tuple[Muscle, ...], Meta(min_length=1)]


class ReliefFile(_Strict):
    stretch: Annotated[tuple[Stretch, ...], Meta(min_length=1)]
    step: Annotated[tuple[Step, ...], Meta(min_length=1)]
    caution: tuple[Item, ...]
    closing: Line


class CountdownFile(_Strict):
    default_seconds: Annotated[int, Meta(ge=1)]
    min_seconds: Annotated[int, Meta(ge=1)]
    max_seconds: Annotated[int, Meta(ge=1, le=240)]
    sources: SourceIds
    #: Said first when someone asks to count longer than the serious check's time limit
    #: (they may be telling us how long the cramp has lasted).
    long_cramp: Line


OutcomeId = Literal["emergency", "watch", "doctor", "reassure"]


class Outcome(_Strict):
    id: OutcomeId
    text: NonEmpty
    sources: SourceIds


class SeriousFile(_Strict):
    question: Annotated[tuple[Question, ...], Meta(min_length=1, max_length=MAX_QUESTIONS)]
    outcome: tuple[Outcome, ...]
    disclaimer: Line


class PreventionFile(_Strict):
    tip: Annotated[tuple[Item, ...], Meta(min_length=1)]


class CausesFile(_Strict):
    cause: Annotated[tuple[Item, ...], Meta(min_length=1)]


class MedicalFile(_Strict):
    #: Said with every medicine answer: never stop a medicine alone.
    advice: Line
    #: Said instead when a condition is named: see the doctor about the cramps, and the
    #: advice above, in one sentence.
    condition_advice: Line
    medicine: Annotated[tuple[Named, ...], Meta(min_length=1)]
    condition: Annotated[tuple[Named, ...], Meta(min_length=1)]


# -- the loaded content ----------------------------------------------------------------------

class ContentIndex(Struct, frozen=True):
    """Lookup tables over the content, built once in `load_content` so that a request
    only does dictionary look-ups (no scans, no objects built per request)."""

    muscles: dict[str, Muscle]
    muscle_phrases: dict[str, Muscle]
    stretches: dict[str, Stretch]
    plans: dict[str, tuple[Step, ...]]
    cautions: dict[str, Item]
    outcomes: dict[str, Outcome]
    medical: dict[str, dict[str, Named]]
    medical_phrases: dict[str, dict[str, Named]]
    #: The shortest "lasted more than N minutes" limit of the serious check, if any.
    emergency_minutes: int | None


def _phrase_table(records: Iterable[Any]) -> dict[str, Any]:
    """Normalised id, name and synonyms of each record -> the record (first one wins)."""
    table: dict[str, Any] = {}
    for record in records:
        for name in (record.id, record.name, *record.synonyms):
            table.setdefault(_normalise(name), record)
    table.pop("", None)
    return table


def _relief_plan(stretch: Stretch, steps: tuple[Step, ...]) -> tuple[Step, ...]:
    """A muscle's steps, in order: its stretch first, then the general steps."""
    first = Step(id=f"stretch_{stretch.muscle.lower()}", text=stretch.text,
                 sources=stretch.sources, cue=stretch.cue, caution=stretch.caution)
    return (first, *steps)


def build_index(muscles: tuple[Muscle, ...], relief: ReliefFile, serious: SeriousFile,
                medical: MedicalFile) -> ContentIndex:
    stretches = {s.muscle: s for s in relief.stretch}
    lists = {"medicine": medical.medicine, "condition": medical.condition}
    return ContentIndex(
        muscles={m.id: m for m in muscles},
        muscle_phrases=_phrase_table(muscles),
        stretches=stretches,
        plans={key: _relief_plan(stretch, relief.step) for key, stretch in stretches.items()},
        cautions={c.id: c for c in relief.caution},
        outcomes={o.id: o for o in serious.outcome},
        emergency_minutes=min((q.over_minutes for q in serious.question
                               if q.kind == "emergency" and q.over_minutes), default=None),
        medical={kind: {n.id: n for n in items} for kind, items in lists.items()},
        medical_phrases={kind: _phrase_table(items) for kind, items in lists.items()},
    )


class Content(Struct, frozen=True):
    """All content, validated. Built once at start-up and shared by every request."""

    sources: dict[str, Source]
    muscles: tuple[Muscle, ...]
    relief: ReliefFile
    countdown: CountdownFile
    serious: SeriousFile
    prevention: PreventionFile
    causes: CausesFile
    medical: MedicalFile
    index: ContentIndex

    # relief -----------------------------------------------------------------------------
    def muscle(self, muscle_id: str | None) -> Muscle | None:
        """The muscle with this id, or None for an unknown or missing id."""
        return self.index.muscles.get(muscle_id) if muscle_id else None

    def muscle_from_phrase(self, phrase: str | None) -> Muscle | None:
        """Match what the user said ("my calves", "Hamstring") against ids, names and
        synonyms; None when nothing matches."""
        return self.index.muscle_phrases.get(_normalise(phrase))

    def plan_key(self, muscle_id: str | None) -> str | None:
        """The muscle id (or OTHER) when there is a stretch for it; None otherwise, which
        means the general steps. Turns stale or tampered ids into the general steps."""
        if muscle_id and muscle_id != GENERAL and muscle_id in self.index.stretches:
            return muscle_id
        return None

    def stretch_for(self, muscle_id: str | None) -> Stretch:
        """The stretch for a muscle (or OTHER), or the general one."""
        stretches = self.index.stretches
        return stretches.get(muscle_id or GENERAL) or stretches[GENERAL]

    def relief_plan(self, muscle_id: str | None) -> tuple[Step, ...]:
        """The steps, in order, for a muscle (or OTHER): its stretch first, then the
        general steps."""
        plans = self.index.plans
        return plans.get(muscle_id or GENERAL) or plans[GENERAL]

    def caution(self, caution_id: str | None) -> Item | None:
        return self.index.cautions.get(caution_id) if caution_id else None

    # serious check ------------------------------------------------------------------------
    def outcome(self, outcome_id: str) -> Outcome:
        return self.index.outcomes[outcome_id]

    # medicines and conditions -------------------------------------------------------------
    def medical_lists(self) -> dict[str, tuple[Named, ...]]:
        """The articles' lists by kind: "medicine" and "condition"."""
        return {"medicine": self.medical.medicine, "condition": self.medical.condition}

    def medical_item(self, kind: str, item_id: str | None) -> Named | None:
        """The medicine or condition with this id, or None."""
        return self.index.medical.get(kind, {}).get(item_id) if item_id else None

    def medical_from_phrase(self, kind: str, phrase: str | None) -> Named | None:
        """Match what the user said against a list's ids, names and synonyms; None when
        the articles do not list it (never a guess)."""
        return self.index.medical_phrases.get(kind, {}).get(_normalise(phrase))

    def sources_of(self, ids: Iterable[str]) -> list[Source]:
        """The articles behind some source ids, in id order, without repeats."""
        return [self.sources[i] for i in sorted(set(ids)) if i in self.sources]


def _normalise(phrase: str | None) -> str:
    words = re.sub(r"[^a-z0-9' ]", " ", (phrase or "").lower().replace("_", " ")).split()
    while words and words[0] in {"my", "the", "a", "in", "of"}:
        words = words[1:]
    return " ".join(words)


# -- loading -----------------------------------------------------------------------------

FILES: dict[str, type[Struct]] = {
    "sources.toml": SourcesFile,
    "muscles.toml": MusclesFile,
    "relief.toml": ReliefFile,
    "countdown.toml": CountdownFile,
    "serious.toml": SeriousFile,
    "prevention.toml": PreventionFile,
    "causes.toml": CausesFile,
    "medical.toml": MedicalFile,
}

T = TypeVar("T", bound=Struct)


def _where(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


def _decode(path: Path, kind: type[T]) -> T:
    """Read one TOML file into its Struct; errors name the file and the item."""
    import tomllib  # here: a start-up that reads the validated cache never parses TOML

    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ContentError(f"{_where(path)}: content file is missing (looked in {path.parent})") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ContentError(f"{_where(path)}: cannot read: {error}") from None
    except tomllib.TOMLDecodeError as error:
        raise ContentError(f"{_where(path)}: invalid TOML: {error}") from None
    try:
        return msgspec.convert(raw, kind)
    except msgspec.ValidationError as error:
        message, _, at = str(error).partition(" - at `$")
        item = at.rstrip("`").lstrip(".")
        raise ContentError(f"{_where(path)}: {item + ': ' if item else ''}{message}") from None


def load_content(content_dir: Path | str) -> Content:
    """Load and check every content file. Raises ContentError on the first problem."""
    folder = Path(content_dir)
    decoded = {name: _decode(folder / name, kind) for name, kind in FILES.items()}
    sources = {s.id: s for s in decoded["sources.toml"].source}
    content = Content(
        sources=sources,
        muscles=decoded["muscles.toml"].muscle,
        relief=decoded["relief.toml"],
        countdown=decoded["countdown.toml"],
        serious=decoded["serious.toml"],
        prevention=decoded["prevention.toml"],
        causes=decoded["causes.toml"],
        medical=decoded["medical.toml"],
        index=build_index(decoded["muscles.toml"].muscle, decoded["relief.toml"],
                          decoded["serious.toml"], decoded["medical.toml"]),
    )
    problems = list(_check(folder, content))
    if problems:
        raise ContentError(problems[0] if len(problems) == 1 else
                           f"{len(problems)} content problems:\n" + "\n".join(problems))
    return content


def sourced_items(content: Content) -> Iterator[tuple[str, str, Any]]:
    """Every record that carries `sources`: (file name, item path, record)."""
    parts = {
        "relief.toml": content.relief,
        "countdown.toml": content.countdown,
        "serious.toml": content.serious,
        "prevention.toml": content.prevention,
        "causes.toml": content.causes,
        "medical.toml": content.medical,
    }
    for file_name, part in parts.items():
        yield from ((file_name, path, item) for path, item in _walk(part, ""))


def _walk(value: Any, path: str) -> Iterator[tuple[str, Any]]:
    if isinstance(value, Struct):
        if hasattr(value, "sources"):
            yield path or "(file)", value
        for field in value.__struct_fields__:
            child = getattr(value, field)
            yield from _walk(child, f"{path}.{field}" if path else field)
    elif isinstance(value, tuple):
        for index, child in enumerate(value):
            yield from _walk(child, f"{path}[{index}]")


def _check(folder: Path, content: Content) -> Iterator[str]:
    """Cross-file rules the schema alone cannot express."""
    where = {name: f"{folder.name}/{name}" for name in FILES}
    yield from _duplicates(where["sources.toml"], "source", [s.id for s in content.sources.values()])
    for file_name, path, item in sourced_items(content):
        for index, source_id in enumerate(item.sources):
            if source_id not in content.sources:
                yield f"{where[file_name]}: {path}.sources[{index}]: unknown article id '{source_id}'"
    # muscles and stretches
    muscle_ids = [m.id for m in content.muscles]
    yield from _duplicates(where["muscles.toml"], "muscle", muscle_ids)
    stretch_muscles = [s.muscle for s in content.relief.stretch]
    yield from _duplicates(where["relief.toml"], "stretch", stretch_muscles, "muscle")
    for index, muscle in enumerate(stretch_muscles):
        if muscle not in STRETCH_KEYS and muscle not in muscle_ids:
            yield f"{where['relief.toml']}: stretch[{index}].muscle: unknown muscle id '{muscle}'"
    for index, muscle in enumerate(muscle_ids):
        if muscle in STRETCH_KEYS:
            yield f"{where['muscles.toml']}: muscle[{index}].id: '{muscle}' is reserved for a stretch"
    for muscle in [*STRETCH_KEYS, *muscle_ids]:
        if muscle not in stretch_muscles:
            yield f"{where['relief.toml']}: stretch: no stretch for muscle '{muscle}'"
    yield from _duplicates(where["relief.toml"], "step", [s.id for s in content.relief.step])
    yield from _duplicates(where["relief.toml"], "caution", [c.id for c in content.relief.caution])
    caution_ids = {c.id for c in content.relief.caution}
    for group, records in (("stretch", content.relief.stretch), ("step", content.relief.step)):
        for index, record in enumerate(records):
            if record.caution is not None and record.caution not in caution_ids:
                yield f"{where['relief.toml']}: {group}[{index}].caution: unknown caution '{record.caution}'"
    # countdown
    count = content.countdown
    if not count.min_seconds <= count.default_seconds <= count.max_seconds:
        yield (f"{where['countdown.toml']}: default_seconds: {count.default_seconds} is outside "
               f"{count.min_seconds}..{count.max_seconds}")
    # serious check
    serious = content.serious
    yield from _duplicates(where["serious.toml"], "question", [q.id for q in serious.question])
    kinds = [q.kind for q in serious.question]
    if "doctor" in kinds and "emergency" in kinds[kinds.index("doctor"):]:
        yield f"{where['serious.toml']}: question: emergency questions must come before doctor questions"
    outcome_ids = [o.id for o in serious.outcome]
    yield from _duplicates(where["serious.toml"], "outcome", outcome_ids)
    for needed in ("emergency", "watch", "doctor", "reassure"):
        if needed not in outcome_ids:
            yield f"{where['serious.toml']}: outcome: no outcome with id '{needed}'"
    for index, outcome in enumerate(serious.outcome):
        if outcome.id == "emergency" and not outcome.text.lower().startswith("call your local emergency number"):
            yield f"{where['serious.toml']}: outcome[{index}].text: must start with 'Call your local emergency number'"
    # medicines and conditions: the condition answer still carries the medicine advice
    medical = content.medical
    if medical.advice.text.lower().rstrip(".") not in medical.condition_advice.text.lower():
        yield (f"{where['medical.toml']}: condition_advice.text: must include the advice "
               f"'{medical.advice.text}'")
    # the rest
    yield from _duplicates(where["prevention.toml"], "tip", [t.id for t in content.prevention.tip])
    yield from _duplicates(where["causes.toml"], "cause", [c.id for c in content.causes.cause])
    yield from _duplicates(where["medical.toml"], "medicine", [m.id for m in content.medical.medicine])
    yield from _duplicates(where["medical.toml"], "condition", [c.id for c in content.medical.condition])


def _duplicates(where: str, group: str, ids: list[str], field: str = "id") -> Iterator[str]:
    seen: set[str] = set()
    for index, item_id in enumerate(ids):
        if item_id in seen:
            yield f"{where}: {group}[{index}].{field}: duplicate {field} '{item_id}'"
        seen.add(item_id)
