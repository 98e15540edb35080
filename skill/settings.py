"""Run-time settings, read once from the environment.

One frozen object is built at start-up and handed to the web host and the skill
assembly, so nothing reads `os.environ` while a request is being served.
"""
from __future__ import annotations

import os
from pathlib import Path

from msgspec import Struct, field, structs

PROJECT_ROOT = Path(__file__).resolve().parent.parent

_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})


class SettingsError(ValueError):
    """A setting with a value that cannot be read safely; the message names the variable."""


def _env_flag(name: str, default: bool) -> bool:
    """A yes/no variable. Unset or empty means `default`; only the explicit spellings
    1/0, true/false, yes/no, on/off (any case) count. Anything else raises
    `SettingsError`: a typo must stop start-up, never switch a security check off."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise SettingsError(f"{name} must be one of 1/0, true/false, yes/no, on/off "
                        f"(or unset); refusing to start")


def packaged_dir(name: str) -> Path:
    """The folder of a data package shipped in the wheel (`content`, `interaction_models`).

    Installed (a wheel, the Lambda zip), it is `skill/<name>/` beside this module; in a
    checkout the packages are mapped onto the top-level folders (pyproject.toml), so it is
    `<repo>/<name>/`, which is also where a source tree run without installing finds it.
    """
    # A stat, not importlib.resources.files or find_spec: the same answer for these plain
    # folders at a fraction of a millisecond of every cold start.
    installed = Path(__file__).parent / name
    return installed if installed.is_dir() else PROJECT_ROOT / name


def on_lambda() -> bool:
    """True inside AWS Lambda, which sets AWS_LAMBDA_FUNCTION_NAME for every function."""
    return bool(os.environ.get("AWS_LAMBDA_FUNCTION_NAME"))


def _default_db_path() -> Path:
    # platformdirs is imported lazily: only the SQLite store needs it.
    from platformdirs import user_data_path

    return user_data_path("leg-cramp-helper") / "preferences.sqlite3"


class Settings(Struct, frozen=True):
    """Everything the host and the skill need to know about their environment.

    A msgspec Struct rather than a dataclass: the same frozen record with keyword
    arguments, defined in a tenth of a millisecond instead of three (every cold start
    pays it)."""

    # Security: both ON unless a local run turns them off explicitly.
    verify_signature: bool = True
    verify_timestamp: bool = True
    skill_id: str | None = None
    # Where the single sources of truth live (inside the installed package).
    content_dir: Path = packaged_dir("content")
    models_dir: Path = packaged_dir("interaction_models")
    # Preferences store: "sqlite" (default; "dynamodb" on Lambda) or "memory".
    persistence: str = "sqlite"
    db_path: Path | None = None
    dynamodb_table: str = "leg-cramp-helper-preferences"
    dynamodb_endpoint: str | None = None
    # Web host limits.
    max_body_bytes: int = 64 * 1024
    cert_download_timeout_s: float = 3.0
    log_level: str = "INFO"
    # Key of the log's user tags; None: a random key per server process. A secret: __repr__
    # below leaves it out.
    log_key: str | None = None
    # Who publishes the skill and how to reach them: shown on /privacy and /terms, and
    # required by a submission package (skill/model/package.py). A name; an email address
    # or an https:// URL.
    publisher: str | None = None
    contact: str | None = None
    # Running inside AWS Lambda: the skill id is then always required.
    lambda_runtime: bool = False
    extra: dict = field(default_factory=dict)

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__struct_fields__
                          if name != "log_key")
        return f"Settings({shown})"

    @property
    def local(self) -> bool:
        """True when request verification is (partly) switched off."""
        return not (self.verify_signature and self.verify_timestamp)

    def resolved_db_path(self) -> Path:
        return self.db_path if self.db_path is not None else _default_db_path()

    def startup_problem(self) -> str | None:
        """Why these settings must not serve real traffic, or None. Verification on
        without SKILL_ID would accept genuinely signed requests meant for any skill."""
        if self.lambda_runtime and not self.skill_id:
            return ("set SKILL_ID in the function's environment (the deployment template "
                    "does): on Lambda the skill id is the only check that a request is for "
                    "this skill.")
        if self.verify_signature and not self.skill_id:
            return ("set SKILL_ID (your skill's id from the developer console), or run "
                    "locally without request verification (--local / CRAMP_HELPER_LOCAL=1).")
        return None

    def as_local(self) -> "Settings":
        """The same settings with verification off, for a developer's own machine."""
        return self.replace(verify_signature=False, verify_timestamp=False)

    def replace(self, **changes: object) -> "Settings":
        """A copy with `changes` (field names as keywords)."""
        return structs.replace(self, **changes)

    @classmethod
    def from_env(cls) -> "Settings":
        """The settings from the environment; `SettingsError` names a variable that has
        a value it cannot read."""
        env = os.environ
        defaults = cls()  # a Struct's class attribute is the field's slot, not its default
        local = _env_flag("CRAMP_HELPER_LOCAL", False)
        db = env.get("CRAMP_HELPER_DB")
        lambda_runtime = on_lambda()
        # Lambda has no lasting disk: preferences go to DynamoDB unless told otherwise.
        store = "dynamodb" if lambda_runtime else defaults.persistence
        return cls(
            verify_signature=_env_flag("CRAMP_HELPER_VERIFY_SIGNATURE", not local),
            verify_timestamp=_env_flag("CRAMP_HELPER_VERIFY_TIMESTAMP", not local),
            skill_id=env.get("SKILL_ID") or None,
            content_dir=Path(env.get("CRAMP_HELPER_CONTENT_DIR", defaults.content_dir)),
            models_dir=Path(env.get("CRAMP_HELPER_MODELS_DIR", defaults.models_dir)),
            persistence=env.get("CRAMP_HELPER_PERSISTENCE", store).lower(),
            db_path=Path(db) if db else None,
            dynamodb_table=env.get("CRAMP_HELPER_DYNAMODB_TABLE", defaults.dynamodb_table),
            dynamodb_endpoint=env.get("CRAMP_HELPER_DYNAMODB_ENDPOINT") or None,
            log_level=env.get("CRAMP_HELPER_LOG_LEVEL", defaults.log_level).upper(),
            log_key=env.get("CRAMP_HELPER_LOG_KEY") or None,
            publisher=env.get("CRAMP_HELPER_PUBLISHER", "").strip() or None,
            contact=env.get("CRAMP_HELPER_CONTACT", "").strip() or None,
            lambda_runtime=lambda_runtime,
        )
