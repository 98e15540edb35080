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
    custom: dict[str, Any] = {}
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
