"""skill.json, the skill manifest: publishing words per locale, privacy flags, endpoint, events.

The words come from interaction_models/publishing.toml; every locale gets the same English text.
"""
from __future__ import annotations

from typing import Any

from skill.model.generate import LOCALES
from skill.model.source import load_publishing
from skill.settings import Settings

#: Certificate types the developer console offers for an HTTPS endpoint.
SSL_CERTIFICATE_TYPES = ("Trusted", "Wildcard", "SelfSigned")
DEFAULT_SSL_CERTIFICATE_TYPE = "Trusted"


#: Screens the night documents are laid out for (Amazon's viewport ranges): the round Echo
#: Spot, the small Echo Show 5, and the medium and large Echo Show screens.
APL_VIEWPORTS: tuple[dict[str, Any], ...] = (
    {"mode": "HUB", "shape": "ROUND", "minWidth": 100, "maxWidth": 599,
     "minHeight": 100, "maxHeight": 599},
    {"mode": "HUB", "shape": "RECTANGLE", "minWidth": 960, "maxWidth": 1279,
     "minHeight": 100, "maxHeight": 599},
    {"mode": "HUB", "shape": "RECTANGLE", "minWidth": 960, "maxWidth": 1279,
     "minHeight": 600, "maxHeight": 959},
    {"mode": "HUB", "shape": "RECTANGLE", "minWidth": 1280, "maxWidth": 1920,
     "minHeight": 600, "maxHeight": 1279},
)
#: The LED display of the Echo Dot with clock (the countdown's seconds).
APLT_VIEWPORTS: tuple[dict[str, Any], ...] = (
    {"id": "main", "supportedProfiles": ["FOUR_CHARACTER_CLOCK"]},
)


def interfaces() -> list[dict[str, Any]]:
    """The display interfaces the skill uses when a device has them (cards stay too)."""
    return [
        {"type": "ALEXA_PRESENTATION_APL", "supportedViewports": [dict(v) for v in APL_VIEWPORTS]},
        {"type": "ALEXA_PRESENTATION_APLT", "supportedViewports": [dict(v) for v in APLT_VIEWPORTS]},
    ]


def build_manifest(
    endpoint: str | None = None,
    ssl_certificate_type: str = DEFAULT_SSL_CERTIFICATE_TYPE,
    locales: tuple[str, ...] = LOCALES,
    publishing: dict[str, Any] | None = None,
    settings: Settings | None = None,
) -> dict[str, Any]:
    """The manifest envelope. Without an endpoint the custom API has none yet (set it before
    `ask deploy`, or in the developer console)."""
    words = publishing if publishing is not None else load_publishing((settings or Settings()).models_dir)
    localized = {locale: _localized_publishing(words) for locale in locales}
    custom: dict[str, Any] = {"interfaces": interfaces()}
    events: dict[str, Any] = {"subscriptions": [{"eventName": "SKILL_DISABLED"}]}
    if endpoint:
        target = {"uri": endpoint, "sslCertificateType": ssl_certificate_type}
        custom["endpoint"] = dict(target)
        events["endpoint"] = dict(target)
    return {"manifest": {
        "manifestVersion": "1.0",
        "publishingInformation": {
            "locales": localized,
            "isAvailableWorldwide": True,
            "distributionMode": "PUBLIC",
            "category": words["category"],
            "testingInstructions": words["testing_instructions"].strip(),
        },
        "privacyAndCompliance": {
            # Stores voice preferences only: no personal or health information, no purchases.
            "allowsPurchases": False,
            "usesPersonalInfo": False,
            "usesHealthInfo": False,
            "isChildDirected": False,
            "isExportCompliant": True,
            "containsAds": False,
        },
        "apis": {"custom": custom},
        "events": events,
    }}


def _localized_publishing(words: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": words["name"],
        "summary": words["summary"].strip(),
        "description": words["description"].strip(),
        "examplePhrases": list(words["example_phrases"]),
        "keywords": list(words["keywords"]),
    }
