"""Writing interaction models from the one source, for every English locale.

The committed interaction_models/en-US.json is this module's output; a test fails when it
differs from what `generate_model()` produces now, so the two cannot drift.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from skill.model.source import ModelSource, SlotTypeValue, load_model_source, load_slot_types
from skill.settings import Settings

#: Every locale the skill is published in. All share one model: English is English here.
LOCALES: tuple[str, ...] = ("en-US", "en-GB", "en-CA", "en-AU", "en-IN")
COMMITTED_LOCALE = "en-US"


def build_interaction_model(source: ModelSource,
                            slot_types: dict[str, list[SlotTypeValue]]) -> dict[str, Any]:
    """The interaction model JSON (as a dict) in the shape the ASK CLI and SMAPI expect."""
    intents: list[dict[str, Any]] = []
    for intent in source.intents:
        entry: dict[str, Any] = {"name": intent.name}
        if intent.slots:
            entry["slots"] = [{"name": name, "type": type_name}
                              for name, type_name in intent.slots.items()]
        entry["samples"] = list(intent.samples)
        intents.append(entry)
    intents.extend({"name": name, "samples": list(source.builtin_samples.get(name, ()))}
                   for name in source.builtin_intents)
    types = [{"name": type_name, "values": [_type_value(value) for value in values]}
             for type_name, values in slot_types.items()]
    return {"interactionModel": {"languageModel": {
        "invocationName": source.invocation_name, "intents": intents, "types": types}}}


def _type_value(value: SlotTypeValue) -> dict[str, Any]:
    name: dict[str, Any] = {"value": value.name}
    if value.synonyms:
        name["synonyms"] = list(value.synonyms)
    return {"id": value.id, "name": name}


def generate_model(settings: Settings | None = None) -> dict[str, Any]:
    """Build the model from the source file and the content directories in `settings`."""
    settings = settings or Settings()
    source = load_model_source(settings.models_dir)
    return build_interaction_model(source, load_slot_types(source, settings.content_dir))


def generate_locale_models(settings: Settings | None = None) -> dict[str, dict[str, Any]]:
    """One model per locale, all built from the same source."""
    model = generate_model(settings)
    return {locale: json.loads(json.dumps(model)) for locale in LOCALES}


def model_json_text(model: dict[str, Any]) -> str:
    """The one serialisation used for every written model, so files compare byte for byte."""
    return json.dumps(model, indent=2, ensure_ascii=False) + "\n"


def committed_model_path(settings: Settings | None = None) -> Path:
    settings = settings or Settings()
    return settings.models_dir / f"{COMMITTED_LOCALE}.json"


def write_committed_model(settings: Settings | None = None) -> Path:
    """Regenerate interaction_models/en-US.json (run after editing model.toml or content)."""
    path = committed_model_path(settings)
    path.write_text(model_json_text(generate_model(settings)), encoding="utf-8")
    return path
