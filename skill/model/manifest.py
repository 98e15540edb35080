"""skill.json, the skill manifest: publishing words per locale, icons, privacy flags and
policy URLs, endpoint, events.

The words come from interaction_models/publishing.toml; every locale gets the same English text.
The endpoint is an HTTPS URL (the web host) or an AWS Lambda function ARN.
"""
from __future__ import annotations

import re
from typing import Any
from urllib.parse import urljoin, urlsplit

from skill.model.generate import LOCALES
from skill.model.source import load_publishing
from skill.settings import Settings

#: Certificate types the developer console offers for an HTTPS endpoint.
SSL_CERTIFICATE_TYPES = ("Trusted", "Wildcard", "SelfSigned")
DEFAULT_SSL_CERTIFICATE_TYPE = "Trusted"

#: A Lambda function ARN, optionally with a version or alias qualifier.
LAMBDA_ARN = re.compile(r"^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]{1,64}"
                        r"(?::[A-Za-z0-9_$-]{1,128})?$")
#: Manifest key -> (file name pattern under the package's assets/, size in pixels).
ICONS: dict[str, tuple[str, int]] = {
    "smallIconUri": ("images/{locale}_smallIcon.png", 108),
    "largeIconUri": ("images/{locale}_largeIcon.png", 512),
}
#: Where the web host serves the policy pages, beside the webhook (skill/pages.py).
POLICY_PAGES = {"privacyPolicyUrl": "privacy", "termsOfUseUrl": "terms"}


def is_lambda_arn(endpoint: str | None) -> bool:
    return bool(endpoint and LAMBDA_ARN.match(endpoint))


def is_https_url(value: str | None) -> bool:
    parts = urlsplit(value or "")
    return parts.scheme == "https" and bool(parts.hostname)


def icon_path(key: str, locale: str) -> str:
    """The icon's path inside the skill package's assets/ folder."""
    return ICONS[key][0].format(locale=locale)


def page_url_beside(endpoint: str, page: str) -> str:
    """The URL of a web host page next to its HTTPS webhook:
    https://host/alexa -> https://host/privacy."""
    return urljoin(endpoint.rstrip("/"), page)


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
def interfaces() -> list[dict[str, Any]]:
    """The display interfaces the skill uses when a device has them (cards stay too).

    One interface, ALEXA_PRESENTATION_APL, covers screens and character displays alike:
    Amazon turns the Echo Dot with clock's LED display on through it, and such a device then
    lists `Alexa.Presentation.APLT` in the request's supportedInterfaces (Amazon's "Add APL
    Support to Your Skill": the APL interface is required for devices with screens and
    devices with character displays). The manifest has no APLT interface type."""
    return [
        {"type": "ALEXA_PRESENTATION_APL", "supportedViewports": [dict(v) for v in APL_VIEWPORTS]},
    ]


def build_manifest(
    endpoint: str | None = None,
    ssl_certificate_type: str = DEFAULT_SSL_CERTIFICATE_TYPE,
    locales: tuple[str, ...] = LOCALES,
    publishing: dict[str, Any] | None = None,
    settings: Settings | None = None,
    *,
    privacy_url: str | None = None,
    terms_url: str | None = None,
    icons: bool = False,
) -> dict[str, Any]:
    """The manifest envelope. Without an endpoint the custom API has none yet (set it before
    `ask deploy`, or in the developer console). A Lambda ARN endpoint carries no certificate
    type. `icons` adds each locale's `file://assets/...` icon URIs (the package writes the
    files); the policy URLs are added to every locale when given."""
    words = publishing if publishing is not None else load_publishing((settings or Settings()).models_dir)
    localized = {locale: _localized_publishing(words) for locale in locales}
    if icons:
        for locale, info in localized.items():
            info.update({key: f"file://assets/{icon_path(key, locale)}" for key in ICONS})
    custom: dict[str, Any] = {"interfaces": interfaces()}
    events: dict[str, Any] = {"subscriptions": [{"eventName": "SKILL_DISABLED"}]}
    if endpoint:
        target = ({"uri": endpoint} if is_lambda_arn(endpoint)
                  else {"uri": endpoint, "sslCertificateType": ssl_certificate_type})
        custom["endpoint"] = dict(target)
        events["endpoint"] = dict(target)
    policies = {key: url for key, url in (("privacyPolicyUrl", privacy_url),
                                          ("termsOfUseUrl", terms_url)) if url}
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
            **({"locales": {locale: dict(policies) for locale in locales}} if policies else {}),
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
