"""Reading the interaction model's source: model.toml plus the content it draws slot values from.

Slot values built from content (muscles, medicines, conditions) are read through
`skill.domain.content.load_content`, the same loader and checks the skill uses.
"""
from __future__ import annotations

import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from skill.domain.content import Content, ContentError, Muscle, Named, Person, Remedy, load_content
from skill.settings import Settings

MODEL_SOURCE_NAME = "model.toml"
PUBLISHING_SOURCE_NAME = "publishing.toml"


@dataclass(frozen=True)
class SlotTypeValue:
    """One value of a custom slot type as Alexa stores it: an id, a name, its synonyms."""

    id: str
    name: str
    synonyms: tuple[str, ...] = ()


@dataclass(frozen=True)
class IntentSource:
    name: str
    slots: dict[str, str] = field(default_factory=dict)  # slot name -> slot type
    samples: tuple[str, ...] = ()


@dataclass(frozen=True)
class ModelSource:
    """Everything needed to write one locale's interaction model."""

    invocation_name: str
    intents: tuple[IntentSource, ...]
    builtin_intents: tuple[str, ...]
    content_slot_types: dict[str, str]  # slot type -> content provider name
    #: Samples that extend a built-in intent (Amazon allows it): built-in name -> samples.
    builtin_samples: dict[str, tuple[str, ...]] = field(default_factory=dict)


class ModelSourceError(ValueError):
    """The model source or the content it needs is missing or malformed."""


def _content(content_dir: Path) -> Content:
    """The content, loaded and checked by the skill's own loader (one loader for content)."""
    try:
        return load_content(content_dir)
    except ContentError as exc:
        raise ModelSourceError(f"{content_dir}: {exc}") from exc


def _values(items: Iterable[Muscle | Named | Person | Remedy]) -> list[SlotTypeValue]:
    return [SlotTypeValue(id=item.id, name=item.name, synonyms=tuple(item.synonyms))
            for item in items]


def load_muscles(content_dir: Path) -> list[SlotTypeValue]:
    """The MUSCLE slot values (ids, names, synonyms) from content/muscles.toml."""
    return _values(_content(content_dir).muscles)


def load_medicines(content_dir: Path) -> list[SlotTypeValue]:
    """The MEDICINE slot values: the medicines the articles link to cramps (medical.toml)."""
    return _values(_content(content_dir).medical.medicine)


def load_conditions(content_dir: Path) -> list[SlotTypeValue]:
    """The CONDITION slot values: the conditions the articles link to cramps (medical.toml)."""
    return _values(_content(content_dir).medical.condition)


def load_signs(content_dir: Path) -> list[SlotTypeValue]:
    """The SIGN slot values: every sign of content/red_flags.toml, its phrases as synonyms."""
    return [SlotTypeValue(id=sign.id, name=sign.phrases[0],
                          synonyms=tuple((*sign.phrases[1:], *sign.loose)))
            for sign in _content(content_dir).red_flags.sign]


def load_people(content_dir: Path) -> list[SlotTypeValue]:
    """The PERSON slot values: whose cramp it is (content/side.toml)."""
    return _values(_content(content_dir).side.person)


def load_remedies(content_dir: Path) -> list[SlotTypeValue]:
    """The REMEDY slot values: what a person may ask about in pregnancy (content/side.toml)."""
    return _values(_content(content_dir).side.remedy)


#: Content provider name (as used in model.toml's [content_slot_types]) -> loader.
#: Add a provider here when a new slot type is built from content.
CONTENT_PROVIDERS: dict[str, Callable[[Path], list[SlotTypeValue]]] = {
    "muscles": load_muscles,
    "medicines": load_medicines,
    "conditions": load_conditions,
    "signs": load_signs,
    "people": load_people,
    "remedies": load_remedies,
}


def load_model_source(models_dir: Path | None = None) -> ModelSource:
    """Parse interaction_models/model.toml into a ModelSource."""
    path = (models_dir or Settings().models_dir) / MODEL_SOURCE_NAME
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        intents = tuple(IntentSource(name=item["name"], slots=dict(item.get("slots", {})),
                                     samples=tuple(item.get("samples", ())))
                        for item in data.get("intent", []))
        return ModelSource(invocation_name=data["invocation_name"], intents=intents,
                           builtin_intents=tuple(data.get("builtin_intents", ())),
                           content_slot_types=dict(data.get("content_slot_types", {})),
                           builtin_samples={name: tuple(samples) for name, samples
                                            in data.get("builtin_samples", {}).items()})
    except (OSError, tomllib.TOMLDecodeError, KeyError, TypeError) as exc:
        raise ModelSourceError(f"{path}: {exc!r}") from exc


def load_slot_types(source: ModelSource, content_dir: Path | None = None
                    ) -> dict[str, list[SlotTypeValue]]:
    """Build every content-backed slot type declared by the source."""
    content_dir = content_dir or Settings().content_dir
    types: dict[str, list[SlotTypeValue]] = {}
    for type_name, provider_name in source.content_slot_types.items():
        provider = CONTENT_PROVIDERS.get(provider_name)
        if provider is None:
            raise ModelSourceError(f"{MODEL_SOURCE_NAME}: slot type {type_name} names an "
                                   f"unknown content provider {provider_name!r}")
        types[type_name] = provider(content_dir)
    return types


def load_publishing(models_dir: Path | None = None) -> dict:
    """The manifest's words (names, descriptions, phrases) from publishing.toml."""
    path = (models_dir or Settings().models_dir) / PUBLISHING_SOURCE_NAME
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ModelSourceError(f"{path}: {exc!r}") from exc
