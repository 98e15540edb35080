"""The ASK CLI skill-package layout, written from the one source and checked as a whole.

    <out>/skill.json
    <out>/interactionModels/custom/<locale>.json
    <out>/assets/images/<locale>_smallIcon.png, _largeIcon.png   (108 and 512 px, skill/model/icon.py)
    <out>/../ask-resources.json    (only when absent: lets `ask deploy` run from <out>/..)

The ASK CLI uploads the icons because skill.json names them as `file://assets/...`.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from skill.model.checks import Problem, check_manifest, check_model
from skill.model.generate import (
    COMMITTED_LOCALE,
    committed_model_path,
    generate_locale_models,
    generate_model,
    model_json_text,
)
from skill.model.icon import icon_png
from skill.model.manifest import (
    DEFAULT_SSL_CERTIFICATE_TYPE,
    ICONS,
    build_manifest,
    icon_path,
    is_https_url,
    is_lambda_arn,
    page_url_beside,
)
from skill.model.source import ModelSourceError
from skill.settings import Settings

MODELS_SUBDIR = Path("interactionModels") / "custom"
ASK_RESOURCES = {
    "askcliResourcesVersion": "2020-03-31",
    "profiles": {"default": {"skillMetadata": {"src": None}}},
}


class PackageError(ValueError):
    """The endpoint or a policy URL given to `write_package` cannot be used, or a submission
    package lacks the publisher or the contact."""


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def publisher_problems(settings: Settings, where: str = "settings") -> list[Problem]:
    """What the policy pages need to name who publishes the skill: CRAMP_HELPER_PUBLISHER (a
    name) and CRAMP_HELPER_CONTACT (an email address or an https:// URL). Submission
    problems: a local package may lack them."""
    problems = []
    if not settings.publisher:
        problems.append(Problem(where, "CRAMP_HELPER_PUBLISHER is not set: the privacy and "
                                       "terms pages must name who publishes the skill", True))
    if not settings.contact:
        problems.append(Problem(where, "CRAMP_HELPER_CONTACT is not set: the privacy and "
                                       "terms pages must say how to reach the publisher "
                                       "(an email address or an https:// URL)", True))
    elif not (_EMAIL.match(settings.contact) or is_https_url(settings.contact)):
        problems.append(Problem(where, f"CRAMP_HELPER_CONTACT {settings.contact!r} must be an "
                                       "email address or an https:// URL", True))
    return problems


def is_submission(endpoint: str | None, privacy_url: str | None, terms_url: str | None) -> bool:
    """A package given an endpoint or a policy URL is meant for Amazon; one without any is a
    local package (to try the model, the screens, the console's JSON editor)."""
    return bool(endpoint or privacy_url or terms_url)


@dataclass
class PackageResult:
    root: Path
    files: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def write_package(out: Path, endpoint: str | None = None,
                  ssl_certificate_type: str = DEFAULT_SSL_CERTIFICATE_TYPE,
                  settings: Settings | None = None, *, privacy_url: str | None = None,
                  terms_url: str | None = None) -> PackageResult:
    """Write skill.json, one model per locale and the icons under `out` (the skill-package
    directory). `endpoint`: an HTTPS URL or a Lambda function ARN. The policy URLs default
    to the web host's /privacy and /terms beside an HTTPS endpoint, and are required with a
    Lambda endpoint. Raises PackageError for an unusable endpoint or URL."""
    settings = settings or Settings()
    if is_submission(endpoint, privacy_url, terms_url):
        missing = publisher_problems(settings)
        if missing:
            raise PackageError("a package with an endpoint or policy URLs is meant for "
                               "submission, and its policy pages must name the publisher: "
                               + "; ".join(p.reason for p in missing))
    privacy_url, terms_url = policy_urls(endpoint, privacy_url, terms_url)
    models = generate_locale_models(settings)
    manifest = build_manifest(endpoint, ssl_certificate_type, tuple(models), settings=settings,
                              privacy_url=privacy_url, terms_url=terms_url, icons=True)
    result = PackageResult(out)
    (out / MODELS_SUBDIR).mkdir(parents=True, exist_ok=True)
    result.files.append(_write(out / "skill.json", model_json_text(manifest)))
    for locale, model in models.items():
        result.files.append(_write(out / MODELS_SUBDIR / f"{locale}.json", model_json_text(model)))
    for locale in models:
        for key, (_, size) in ICONS.items():
            path = out / "assets" / icon_path(key, locale)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(icon_png(size))
            result.files.append(path)
    resources = out.parent / "ask-resources.json"
    if resources.exists():
        result.notes.append(f"kept the existing {resources}")
    else:
        config = json.loads(json.dumps(ASK_RESOURCES))
        config["profiles"]["default"]["skillMetadata"]["src"] = f"./{out.name}"
        result.files.append(_write(resources, json.dumps(config, indent=2) + "\n"))
    return result


def submission_needs(settings: Settings, endpoint: str | None, privacy_url: str | None,
                     terms_url: str | None) -> list[str]:
    """What a package written with these inputs still needs before it can be submitted, one
    line each (empty when nothing is missing)."""
    privacy_url, terms_url = policy_urls(endpoint, privacy_url, terms_url)
    needs = []
    if not endpoint:
        needs.append("an endpoint: ENDPOINT=https://host/alexa or a Lambda function ARN "
                     "(--endpoint), or set it in the developer console")
    if not privacy_url:
        needs.append("a privacy policy URL in every locale: PRIVACY_URL=https://... "
                     "(--privacy-url; defaults to /privacy beside an HTTPS endpoint)")
    if not terms_url:
        needs.append("a terms of use URL in every locale: TERMS_URL=https://... "
                     "(--terms-url; defaults to /terms beside an HTTPS endpoint)")
    needs += [p.reason for p in publisher_problems(settings)]
    return needs


def policy_urls(endpoint: str | None, privacy_url: str | None,
                terms_url: str | None) -> tuple[str | None, str | None]:
    """The privacy policy and terms of use URLs to publish: as given, or the web host's pages
    beside an HTTPS endpoint. Raises PackageError for a bad endpoint or URL, or for a Lambda
    endpoint without both URLs (a function serves no web pages)."""
    if endpoint and not (is_https_url(endpoint) or is_lambda_arn(endpoint)):
        raise PackageError(f"endpoint {endpoint!r} must be an https:// URL or a Lambda function "
                           "ARN (arn:aws:lambda:<region>:<account>:function:<name>)")
    if endpoint and is_lambda_arn(endpoint) and not (privacy_url and terms_url):
        raise PackageError("a Lambda endpoint serves no web pages: pass --privacy-url and "
                           "--terms-url (where content/privacy.md and content/terms.md are "
                           "published)")
    if endpoint and is_https_url(endpoint):
        privacy_url = privacy_url or page_url_beside(endpoint, "privacy")
        terms_url = terms_url or page_url_beside(endpoint, "terms")
    for name, url in (("privacy policy", privacy_url), ("terms of use", terms_url)):
        if url is not None and not is_https_url(url):
            raise PackageError(f"{name} URL {url!r} must be an https:// address")
    return privacy_url, terms_url


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def check_package(package_dir: Path, handled_intents: frozenset[str] | None,
                  settings: Settings | None = None) -> list[Problem]:
    """Check a written skill package: every locale's model and the manifest, and (with
    `settings`) the publisher and contact its policy pages name. Problems a local package
    may still have are marked `submission`."""
    manifest_path = package_dir / "skill.json"
    models: dict[str, Any] = {}
    problems: list[Problem] = []
    model_files = sorted((package_dir / MODELS_SUBDIR).glob("*.json"))
    if not model_files:
        problems.append(Problem(str(package_dir / MODELS_SUBDIR), "no interaction models"))
    for path in model_files:
        document, problem = _read_json(path)
        if problem:
            problems.append(problem)
            continue
        models[path.stem] = document
        problems += check_model(document, handled_intents, where=str(path))
    manifest, problem = _read_json(manifest_path)
    if problem:
        return problems + [problem]
    any_model = next(iter(models.values()), None)
    problems += check_manifest(manifest, models.keys(), any_model, where=str(manifest_path),
                               package_dir=package_dir)
    if settings is not None:
        problems += publisher_problems(settings)
    return problems


def _read_json(path: Path) -> tuple[Any, Problem | None]:
    try:
        return json.loads(path.read_text(encoding="utf-8")), None
    except FileNotFoundError:
        return None, Problem(str(path), "missing")
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        return None, Problem(str(path), f"not readable JSON: {exc}")


def check_project(settings: Settings | None,
                  handled_intents: frozenset[str] | None) -> tuple[list[Problem], list[str]]:
    """Check the sources in the repository: content, the generated model against the committed
    one, the model rules and the manifest. Returns (problems, notes)."""
    settings = settings or Settings()
    problems, notes = content_problems(settings)
    committed = committed_model_path(settings)
    try:
        model = generate_model(settings)
    except ModelSourceError as exc:
        return problems + [Problem(str(settings.models_dir), str(exc))], notes
    if not committed.exists() or committed.read_text(encoding="utf-8") != model_json_text(model):
        problems.append(Problem(str(committed), "differs from what model.toml and the content "
                                                "generate: run `python -m skill.model`"))
    problems += check_model(model, handled_intents, where=f"{COMMITTED_LOCALE} (generated)")
    try:
        manifest = build_manifest(settings=settings)
    except (ModelSourceError, KeyError) as exc:
        return problems + [Problem(str(settings.models_dir / "publishing.toml"), repr(exc))], notes
    locales = generate_locale_models(settings).keys()
    problems += check_manifest(manifest, locales, model, where="skill.json (generated)")
    return problems, notes


def content_problems(settings: Settings) -> tuple[list[Problem], list[str]]:
    """Load the content through its own validating loader."""
    from skill.domain.content import load_content

    try:
        load_content(settings.content_dir)
    except Exception as exc:  # noqa: BLE001 - any content failure is reported with its message
        return [Problem(str(settings.content_dir), f"content does not load: {exc}")], []
    return [], [f"content: {settings.content_dir} loads and validates"]
