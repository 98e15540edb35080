"""Checks for interaction models and the manifest: pure functions returning lists of problems.

Used by the tests and by `cramp-helper check`. Amazon's `ask-smapi-model` classes check the
shape (they reject wrong nesting and unknown enum values, but accept unknown keys and coerce
types), and the rules below add what the console would refuse or certification would flag.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from skill.model.icon import read_png_size
from skill.model.manifest import ICONS, POLICY_PAGES, is_https_url, is_lambda_arn

INTERACTION_MODEL_CLASS = ("ask_smapi_model.v1.skill.interaction_model."
                           "interaction_model_data.InteractionModelData")
MANIFEST_CLASS = "ask_smapi_model.v1.skill.manifest.skill_manifest_envelope.SkillManifestEnvelope"

#: Built-ins Alexa requires of every custom skill.
REQUIRED_BUILTINS = frozenset({"AMAZON.HelpIntent", "AMAZON.StopIntent", "AMAZON.CancelIntent",
                               "AMAZON.FallbackIntent", "AMAZON.NavigateHomeIntent"})
#: Launch phrases and wake words that an invocation name must not contain.
FORBIDDEN_INVOCATION_WORDS = frozenset({
    "alexa", "amazon", "echo", "computer", "ziggy", "skill", "app", "open", "ask", "launch",
    "start", "tell", "begin", "load", "play", "resume", "run", "use", "enable", "stop", "cancel"})
DISCLAIMER_PHRASES = ("not a substitute for professional medical advice",
                      "call your local emergency number")
MAX_SAMPLE_CHARS = 200
MAX_SLOT_VALUE_CHARS = 140
MAX_NAME_CHARS = 50
MAX_SUMMARY_CHARS = 160
MAX_DESCRIPTION_CHARS = 4000
MAX_EXAMPLE_PHRASES = 3
MAX_KEYWORDS = 30
SSL_CERTIFICATE_TYPES = frozenset({"Trusted", "Wildcard", "SelfSigned"})

_SLOT = re.compile(r"\{([^{}]*)\}")
_SAMPLE_CHARS = re.compile(r"^[a-z' .{}]+$")
_INVOCATION_CHARS = re.compile(r"^[a-z' .]+$")


@dataclass(frozen=True)
class Problem:
    """One thing wrong, and where: printed as `where: reason`. `submission`: something only a
    submission needs (a policy URL, the publisher), which a local package may still lack."""

    where: str
    reason: str
    submission: bool = False

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"


def normalize_sample(text: str) -> str:
    """Samples compare case- and spacing-insensitively, as Alexa compares them."""
    return " ".join(text.lower().split())


def sample_slots(sample: str) -> list[str]:
    return _SLOT.findall(sample)


def smapi_problems(document: Any, class_path: str, where: str) -> list[Problem]:
    """Deserialize with Amazon's own model classes; a failure is a shape problem."""
    from ask_sdk_model_runtime.serializer import DefaultSerializer

    try:
        DefaultSerializer().deserialize(json.dumps(document), class_path)
    except Exception as exc:  # noqa: BLE001 - any failure is reported, naming the class
        return [Problem(where, f"{class_path.rsplit('.', 1)[-1]} cannot read it: {exc}")]
    return []


# --- interaction model --------------------------------------------------------------------

def check_model(model: Any, handled_intents: Iterable[str] | None = None,
                where: str = "interaction model") -> list[Problem]:
    """Every problem in one interaction model. `handled_intents`: the intents the skill's
    handlers answer (skill.handlers.HANDLED_INTENTS); None skips that comparison."""
    problems = smapi_problems(model, INTERACTION_MODEL_CLASS, where)
    language = (model.get("interactionModel", {}).get("languageModel")
                if isinstance(model, dict) else None)
    if not isinstance(language, dict):
        return problems + [Problem(where, "no interactionModel.languageModel")]
    problems += invocation_name_problems(language.get("invocationName"), where)
    intents = [i for i in language.get("intents", []) if isinstance(i, dict)]
    types = [t for t in language.get("types", []) if isinstance(t, dict)]
    problems += slot_type_problems(types, where)
    custom_types = {t.get("name") for t in types}
    for intent in intents:
        problems += intent_problems(intent, custom_types, where)
    problems += duplicate_sample_problems(intents, where)
    names = [i.get("name") for i in intents]
    problems += [Problem(where, f"intent {n} is declared twice")
                 for n in sorted({n for n in names if names.count(n) > 1})]
    problems += [Problem(where, f"required built-in {n} is missing")
                 for n in sorted(REQUIRED_BUILTINS - set(names))]
    if handled_intents is not None:
        problems += handler_problems(set(names), set(handled_intents), where)
    return problems


def invocation_name_problems(name: Any, where: str) -> list[Problem]:
    if not isinstance(name, str) or not name:
        return [Problem(where, "no invocation name")]
    problems = []
    if not _INVOCATION_CHARS.match(name):
        problems.append(Problem(where, f"invocation name {name!r}: only lower-case letters, "
                                       "spaces, apostrophes and periods"))
    words = name.replace(".", " ").split()
    if len(words) < 2:
        problems.append(Problem(where, f"invocation name {name!r}: needs two or more words"))
    banned = sorted(set(words) & FORBIDDEN_INVOCATION_WORDS)
    if banned:
        problems.append(Problem(where, f"invocation name {name!r}: contains launch or wake "
                                       f"word(s) {', '.join(banned)}"))
    return problems


def intent_problems(intent: dict[str, Any], custom_types: set[str], where: str) -> list[Problem]:
    name = intent.get("name", "?")
    here = f"{where}: {name}"
    problems = []
    declared = {}
    for slot in intent.get("slots", []) or []:
        slot_name, slot_type = slot.get("name"), slot.get("type")
        declared[slot_name] = slot_type
        if not (isinstance(slot_type, str)
                and (slot_type.startswith("AMAZON.") or slot_type in custom_types)):
            problems.append(Problem(here, f"slot {slot_name} has unknown type {slot_type!r}"))
    for sample in intent.get("samples", []) or []:
        problems += sample_problems(sample, declared, here)
    if not name.startswith("AMAZON.") and not intent.get("samples"):
        problems.append(Problem(here, "a custom intent needs sample utterances"))
    return problems


def sample_problems(sample: Any, declared_slots: dict[str, Any], where: str) -> list[Problem]:
    if not isinstance(sample, str) or not sample.strip():
        return [Problem(where, f"empty sample {sample!r}")]
    problems = []
    if len(sample) > MAX_SAMPLE_CHARS:
        problems.append(Problem(where, f"sample longer than {MAX_SAMPLE_CHARS} characters: "
                                       f"{sample[:40]!r}..."))
    if not _SAMPLE_CHARS.match(sample):
        problems.append(Problem(where, f"sample {sample!r}: only lower-case letters, spaces, "
                                       "apostrophes, periods and {slots} (spell numbers out)"))
    for slot_name in sample_slots(sample):
        if slot_name not in declared_slots:
            problems.append(Problem(where, f"sample {sample!r} uses undeclared slot {slot_name!r}"))
    if re.search(r"\}\s*\{", sample):
        problems.append(Problem(where, f"sample {sample!r}: two slots with no words between"))
    return problems


def duplicate_sample_problems(intents: list[dict[str, Any]], where: str) -> list[Problem]:
    """No sample twice, within one intent or across intents."""
    owner: dict[str, str] = {}
    problems = []
    for intent in intents:
        for sample in intent.get("samples", []) or []:
            if not isinstance(sample, str):
                continue
            key = normalize_sample(sample)
            if key in owner:
                problems.append(Problem(where, f"sample {sample!r} appears in {owner[key]} "
                                               f"and {intent.get('name')}"))
            else:
                owner[key] = intent.get("name", "?")
    return problems


def slot_type_problems(types: list[dict[str, Any]], where: str) -> list[Problem]:
    problems = []
    for slot_type in types:
        type_name = slot_type.get("name", "?")
        here = f"{where}: slot type {type_name}"
        ids, spoken = set(), {}
        values = slot_type.get("values") or []
        if not values:
            problems.append(Problem(here, "has no values"))
        for value in values:
            value_id = value.get("id")
            name = value.get("name", {})
            if not value_id or value_id in ids:
                problems.append(Problem(here, f"value id {value_id!r} is missing or repeated"))
            ids.add(value_id)
            for word in [name.get("value")] + list(name.get("synonyms", [])):
                if not isinstance(word, str) or not word.strip():
                    problems.append(Problem(here, f"{value_id}: empty name or synonym"))
                    continue
                if len(word) > MAX_SLOT_VALUE_CHARS:
                    problems.append(Problem(here, f"{value_id}: {word[:30]!r} is too long"))
                key = normalize_sample(word)
                if key in spoken and spoken[key] != value_id:
                    problems.append(Problem(here, f"{word!r} resolves to both {spoken[key]} "
                                                  f"and {value_id}"))
                spoken[key] = value_id
    return problems


def handler_problems(model_intents: set[str], handled: set[str], where: str) -> list[Problem]:
    return ([Problem(where, f"intent {n} has no handler (skill.handlers.HANDLED_INTENTS)")
             for n in sorted(model_intents - handled)]
            + [Problem(where, f"a handler answers {n}, which the model does not declare")
               for n in sorted(handled - model_intents)])


# --- manifest -----------------------------------------------------------------------------

def check_manifest(manifest: Any, model_locales: Iterable[str],
                   model: dict[str, Any] | None = None, where: str = "skill.json",
                   package_dir: Path | None = None) -> list[Problem]:
    """Every problem in a manifest envelope. `model` (any locale's interaction model) lets the
    example phrases be checked against the invocation name and the samples. With
    `package_dir` (a written skill package) the manifest must also be ready for submission:
    both icons in every locale, `file://assets/...` icons present in the package at the
    right size, and a privacy policy and terms of use URL in every locale."""
    problems = smapi_problems(_without_unmodelled_interfaces(manifest), MANIFEST_CLASS, where)
    body = manifest.get("manifest") if isinstance(manifest, dict) else None
    if not isinstance(body, dict):
        return problems + [Problem(where, "no manifest object")]
    if body.get("manifestVersion") != "1.0":
        problems.append(Problem(where, "manifestVersion must be \"1.0\""))
    problems += publishing_problems(body.get("publishingInformation") or {},
                                    set(model_locales), model, where)
    problems += privacy_problems(body.get("privacyAndCompliance") or {}, where)
    problems += endpoint_problems(body, where)
    problems += interface_problems(body, where)
    if package_dir is not None:
        problems += submission_problems(body, package_dir, where)
    return problems


#: The interface types of Amazon's skill manifest schema (Skill Manifest Schema, "custom
#: interfaces": https://developer.amazon.com/docs/alexa/smapi/skill-manifest.html), plus the
#: ones Amazon's feature pages add to that array (APP_LINKS_V2: Alexa for Apps; CUSTOM_INTERFACE:
#: the Gadgets Toolkit). Character displays have no type of their own: ALEXA_PRESENTATION_APL
#: turns them on, and the request then lists Alexa.Presentation.APLT.
MANIFEST_INTERFACE_TYPES = frozenset({
    "ALEXA_PRESENTATION_APL", "ALEXA_PRESENTATION_HTML", "AUDIO_PLAYER",
    "CAN_FULFILL_INTENT_REQUEST", "GADGET_CONTROLLER", "GAME_ENGINE", "RENDER_TEMPLATE",
    "VIDEO_APP", "APP_LINKS", "APP_LINKS_V2", "CUSTOM_INTERFACE"})
#: Schema types that ask-smapi-model's classes cannot read (their discriminator map lacks
#: them): taken out before the classes read the rest, and checked here. They carry no
#: field but `type`.
UNMODELLED_INTERFACES = frozenset({"CAN_FULFILL_INTENT_REQUEST", "CUSTOM_INTERFACE"})
VIEWPORT_KEYS = ("mode", "shape", "minWidth", "maxWidth", "minHeight", "maxHeight")


def _without_unmodelled_interfaces(manifest: Any) -> Any:
    try:
        custom = manifest["manifest"]["apis"]["custom"]
        declared = custom["interfaces"]
    except (KeyError, TypeError):
        return manifest
    if not isinstance(declared, list):
        return manifest
    kept = [i for i in declared
            if not (isinstance(i, dict) and i.get("type") in UNMODELLED_INTERFACES)]
    copy = json.loads(json.dumps(manifest))
    copy["manifest"]["apis"]["custom"]["interfaces"] = kept
    return copy


def interface_problems(body: dict[str, Any], where: str) -> list[Problem]:
    """Every interface's type is one of the schema's (MANIFEST_INTERFACE_TYPES), each at most
    once; the unmodelled ones carry nothing but their type; APL is there, with viewports
    that each give every range, minimum below maximum."""
    custom = (body.get("apis") or {}).get("custom") or {}
    declared = custom.get("interfaces") or []
    problems = []
    types = [i.get("type") if isinstance(i, dict) else None for i in declared]
    for n, (interface, kind) in enumerate(zip(declared, types)):
        here = f"{where}: apis.custom.interfaces[{n}]"
        if kind not in MANIFEST_INTERFACE_TYPES:
            problems.append(Problem(here, f"type {kind!r} is not an interface type of Amazon's "
                                          "skill manifest schema (character displays come with "
                                          "ALEXA_PRESENTATION_APL)"))
        elif kind in UNMODELLED_INTERFACES and set(interface) != {"type"}:
            problems.append(Problem(here, f"{kind} takes no field but type"))
    problems += [Problem(where, f"apis.custom.interfaces declares {kind} twice")
                 for kind in sorted({k for k in types if k and types.count(k) > 1})]
    by_type = {i.get("type"): i for i in declared if isinstance(i, dict)}
    apl = by_type.get("ALEXA_PRESENTATION_APL")
    if apl is None:
        problems.append(Problem(where, "apis.custom.interfaces lacks ALEXA_PRESENTATION_APL"))
    else:
        viewports = apl.get("supportedViewports") or []
        if not viewports:
            problems.append(Problem(where, "ALEXA_PRESENTATION_APL needs supportedViewports"))
        for n, viewport in enumerate(viewports):
            here = f"{where}: ALEXA_PRESENTATION_APL.supportedViewports[{n}]"
            if any(not isinstance(viewport.get(key), (int, str)) for key in VIEWPORT_KEYS[:2]) \
                    or any(not isinstance(viewport.get(key), int) for key in VIEWPORT_KEYS[2:]):
                problems.append(Problem(here, f"needs {', '.join(VIEWPORT_KEYS)}"))
            elif viewport["minWidth"] > viewport["maxWidth"] or \
                    viewport["minHeight"] > viewport["maxHeight"]:
                problems.append(Problem(here, "a minimum is above its maximum"))
    return problems


def publishing_problems(publishing: dict[str, Any], model_locales: set[str],
                        model: dict[str, Any] | None, where: str) -> list[Problem]:
    problems = []
    if publishing.get("category") != "HEALTH_AND_FITNESS":
        problems.append(Problem(where, "category must be HEALTH_AND_FITNESS"))
    locales = publishing.get("locales") or {}
    if set(locales) != model_locales:
        problems.append(Problem(where, f"publishing locales {sorted(locales)} differ from the "
                                       f"interaction models' {sorted(model_locales)}"))
    for locale, info in sorted(locales.items()):
        problems += localized_problems(info or {}, model, f"{where}: {locale}")
    return problems


def localized_problems(info: dict[str, Any], model: dict[str, Any] | None,
                       where: str) -> list[Problem]:
    problems = []
    for key, limit in (("name", MAX_NAME_CHARS), ("summary", MAX_SUMMARY_CHARS),
                       ("description", MAX_DESCRIPTION_CHARS)):
        text = info.get(key)
        if not isinstance(text, str) or not text.strip():
            problems.append(Problem(where, f"{key} is missing"))
        elif len(text) > limit:
            problems.append(Problem(where, f"{key} is longer than {limit} characters"))
    description = " ".join(str(info.get("description", "")).lower().split())
    problems += [Problem(where, f"description lacks the health disclaimer ({phrase!r})")
                 for phrase in DISCLAIMER_PHRASES if phrase not in description]
    keywords = info.get("keywords") or []
    if len(keywords) > MAX_KEYWORDS:
        problems.append(Problem(where, f"more than {MAX_KEYWORDS} keywords"))
    problems += example_phrase_problems(info.get("examplePhrases") or [], model, where)
    return problems


def example_phrase_problems(phrases: list[Any], model: dict[str, Any] | None,
                            where: str) -> list[Problem]:
    if not 1 <= len(phrases) <= MAX_EXAMPLE_PHRASES:
        return [Problem(where, f"needs 1 to {MAX_EXAMPLE_PHRASES} example phrases")]
    if model is None:
        return []
    language = model.get("interactionModel", {}).get("languageModel", {})
    invocation = language.get("invocationName", "")
    problems = []
    if phrases[0] != f"Alexa, open {invocation}":
        problems.append(Problem(where, f"the first example phrase must be "
                                       f"\"Alexa, open {invocation}\""))
    values = _slot_value_patterns(language)
    samples = [(s, {slot["name"]: values.get(slot["type"], ".+")
                    for slot in i.get("slots", []) or []})
               for i in language.get("intents", []) for s in i.get("samples", [])]
    prefix = f"alexa, ask {invocation} "
    for phrase in phrases[1:]:
        spoken = str(phrase).lower().rstrip("?.!")
        if not spoken.startswith(prefix):
            problems.append(Problem(where, f"example phrase {phrase!r} must start "
                                           f"\"Alexa, ask {invocation}\""))
            continue
        rest = re.sub(r"^(?:to|for|about|if|whether) ", "", spoken[len(prefix):])
        # Only samples whose own words all occur in the phrase can match it: compiling the
        # others (slot values are long alternations) would cost seconds for nothing.
        words = set(rest.split())
        candidates = (sample_and_slots for sample_and_slots in samples
                      if set(_SLOT.sub(" ", normalize_sample(sample_and_slots[0])).split()) <= words)
        if not any(_sample_pattern(*candidate).fullmatch(rest) for candidate in candidates):
            problems.append(Problem(where, f"example phrase {phrase!r} matches no sample"))
    return problems


def _slot_value_patterns(language: dict[str, Any]) -> dict[str, str]:
    """Slot type -> a regex of what can fill it: custom values and synonyms, or durations."""
    patterns = {"AMAZON.DURATION": r"(?:[a-z0-9 ]+ )?(?:seconds?|minutes?|hours?)"}
    for slot_type in language.get("types", []) or []:
        words = [w for v in slot_type.get("values", [])
                 for w in [v["name"]["value"], *v["name"].get("synonyms", [])]]
        patterns[slot_type["name"]] = "(?:" + "|".join(re.escape(w.lower()) for w in words) + ")"
    return patterns


def _sample_pattern(sample: str, slot_patterns: dict[str, str]) -> re.Pattern[str]:
    parts = _SLOT.split(normalize_sample(sample))
    # split() alternates literal text and slot names: every odd part is a slot.
    return re.compile("".join(slot_patterns.get(part, ".+") if i % 2 else re.escape(part)
                              for i, part in enumerate(parts)))


def privacy_problems(privacy: dict[str, Any], where: str) -> list[Problem]:
    expected = {"allowsPurchases": False, "usesPersonalInfo": False, "usesHealthInfo": False,
                "isChildDirected": False, "isExportCompliant": True, "containsAds": False}
    return [Problem(where, f"privacyAndCompliance.{key} must be {str(value).lower()}")
            for key, value in expected.items() if privacy.get(key) is not value]


def endpoint_problems(body: dict[str, Any], where: str) -> list[Problem]:
    problems = []
    custom = (body.get("apis") or {}).get("custom")
    if not isinstance(custom, dict):
        return [Problem(where, "apis.custom is missing")]
    endpoint = custom.get("endpoint")
    if endpoint is not None:
        problems += _endpoint_shape(endpoint, f"{where}: apis.custom.endpoint")
    events = body.get("events") or {}
    names = [s.get("eventName") for s in events.get("subscriptions") or []]
    if "SKILL_DISABLED" not in names:
        problems.append(Problem(where, "events.subscriptions lacks SKILL_DISABLED"))
    if events.get("endpoint") is not None:
        problems += _endpoint_shape(events["endpoint"], f"{where}: events.endpoint")
        if endpoint is not None and events["endpoint"].get("uri") != endpoint.get("uri"):
            problems.append(Problem(where, "events.endpoint differs from apis.custom.endpoint"))
    return problems


def _endpoint_shape(endpoint: Any, where: str) -> list[Problem]:
    if not isinstance(endpoint, dict):
        return [Problem(where, "must be an object with uri and sslCertificateType")]
    problems = []
    uri = endpoint.get("uri")
    if isinstance(uri, str) and is_lambda_arn(uri):
        if "sslCertificateType" in endpoint:
            problems.append(Problem(where, "a Lambda ARN endpoint takes no sslCertificateType"))
        return problems
    if not (isinstance(uri, str) and uri.startswith("https://") and len(uri) > len("https://")):
        problems.append(Problem(where, f"uri {uri!r} must be an https:// address or a Lambda "
                                       "function ARN"))
    if endpoint.get("sslCertificateType") not in SSL_CERTIFICATE_TYPES:
        problems.append(Problem(where, f"sslCertificateType must be one of "
                                       f"{', '.join(sorted(SSL_CERTIFICATE_TYPES))}"))
    return problems


# --- submission: icons and policy URLs ----------------------------------------------------

def submission_problems(body: dict[str, Any], package_dir: Path, where: str) -> list[Problem]:
    """What certification asks of a package beyond a valid manifest: two icons and two
    policy URLs in every locale."""
    problems = []
    locales = (body.get("publishingInformation") or {}).get("locales") or {}
    policies = (body.get("privacyAndCompliance") or {}).get("locales") or {}
    for locale, info in sorted(locales.items()):
        here = f"{where}: {locale}"
        for key, (_, size) in ICONS.items():
            problems += icon_problems((info or {}).get(key), size, package_dir, f"{here}: {key}")
        urls = policies.get(locale) or {}
        for key, page in POLICY_PAGES.items():
            url = urls.get(key)
            if not url:
                problems.append(Problem(here, f"privacyAndCompliance.locales.{locale}.{key} is "
                                              f"missing (the {page} page's URL)", True))
            elif not _is_https(url):
                problems.append(Problem(here, f"{key} {url!r} must be an https:// address"))
    return problems


def icon_problems(uri: Any, size: int, package_dir: Path, where: str) -> list[Problem]:
    """An icon URI: an https:// address, or a `file://assets/...` PNG in the package that is
    `size` x `size` pixels."""
    if not isinstance(uri, str) or not uri:
        return [Problem(where, f"missing (a {size}x{size} PNG)")]
    if _is_https(uri):
        return []
    if not uri.startswith("file://assets/"):
        return [Problem(where, f"{uri!r} must be file://assets/... or an https:// address")]
    relative = uri[len("file://"):]
    path = package_dir / relative
    if ".." in Path(relative).parts or not path.is_file():
        return [Problem(where, f"{uri} is not a file in {package_dir}")]
    try:
        found = read_png_size(path.read_bytes())
    except (OSError, ValueError) as exc:
        return [Problem(where, f"{uri}: {exc}")]
    if found != (size, size):
        return [Problem(where, f"{uri} is {found[0]}x{found[1]}, must be {size}x{size} PNG")]
    return []


def _is_https(url: Any) -> bool:
    return isinstance(url, str) and is_https_url(url)
