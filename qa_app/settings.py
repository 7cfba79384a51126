"""Instance settings: one typed, validated, frozen object built once when the app starts.

Where a value comes from, later wins: the default in SPECS below (the only place defaults are
written), the instance file `qadesk.toml`, the environment, and (tests only) keys passed to
`create_app(test_config)`. A bad value anywhere stops start-up with one SettingsError naming
the setting, the value, where it came from and what is allowed. Services read `settings()`.
"""
from __future__ import annotations

import difflib
import os
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping, Optional

import click
from flask import Flask, current_app

from qa_app.services import ServiceError
from qa_app.config import BY_ENV, BY_NAME, SPECS, Spec, mask_url

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

FILE_NAME = "qadesk.toml"
EXTENSION = "qadesk_settings"
SECRET_KEY_FILE = "secret_key"


class SettingsError(ServiceError, click.ClickException):
    """One or more settings cannot be used; the message names each one. `qadesk` exits with 2."""

    exit_code = 2

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        text = problems[0] if len(problems) == 1 else \
            "\n  ".join([f"{len(problems)} settings are not valid:", *problems])
        super().__init__(text)


@dataclass(frozen=True)
class Settings:
    """Every setting of the instance, typed; `origins[name]` says where each value came from."""

    instance: Path
    secret_key: str
    database_url: str
    admin_password: str
    training_due_days: int
    dispute_days: int
    trust_min_kappa: float
    trust_min_reviews: int
    reviewer_weights: tuple[tuple[str, float], ...]
    sample_quota: int
    sample_random_share: float
    stereo_map: tuple[str, str]
    audio_retention_days: int
    transcript_retention_days: int
    redaction: bool
    parallel_min_bytes: int
    scoring_workers: int
    scheduler_tick_seconds: int
    scheduler: str
    broker_url: str
    broker_retry_seconds: tuple[int, ...]
    base_url: str
    smtp_host: str
    smtp_port: int
    smtp_tls: str
    smtp_user: str
    smtp_password: str
    smtp_sender: str
    certificate_renew_days: int
    reminder_days_before: int
    escalate_after_days: int
    effectiveness_evaluations: int
    effectiveness_min_agents: int
    login_max_failures: int
    login_address_max_failures: int
    login_window_minutes: int
    login_lockout_minutes: int
    proxy_hops: int
    session_cookie_secure: str
    session_idle_minutes: int
    session_max_hours: int
    max_request_bytes: int
    max_turns: int
    max_turn_chars: int
    max_id_chars: int
    max_json_depth: int
    earliest_year: int
    latest_year: int
    whisper_model: str
    whisper_model_by_language: tuple[tuple[str, str], ...]
    whisper_compute_type: str
    whisper_threads: Optional[int]
    whisper_language: Optional[str]
    origins: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)

    def limits(self):
        """The size and range limits every ingested conversation is checked against."""
        from transcripts.limits import Limits
        return Limits(max_turns=self.max_turns, max_turn_chars=self.max_turn_chars,
                      max_id_chars=self.max_id_chars, max_depth=self.max_json_depth,
                      min_year=self.earliest_year, max_year=self.latest_year)

    def whisper(self):
        """The Whisper engine settings (threads None: every core); the bundled multilingual model
        is assembled into the instance's `models` folder."""
        from transcripts.audio import WhisperSettings
        return WhisperSettings(model=self.whisper_model, compute_type=self.whisper_compute_type,
                               threads=self.whisper_threads or os.cpu_count() or 1,
                               language=self.whisper_language, models=self.whisper_model_by_language,
                               cache_dir=str(self.instance / "models"))


def load(folder: Path, environ: Optional[Mapping[str, str]] = None,
         overrides: Optional[Mapping[str, Any]] = None, create_secret: bool = True) -> Settings:
    """The settings of the instance in `folder`; SettingsError lists every bad value.

    `environ` defaults to os.environ; `overrides` are test values by variable name. The secret
    key is generated when the instance has none, unless `create_secret` is false (then "").
    """
    environ = os.environ if environ is None else environ
    path = folder / FILE_NAME
    from_file, problems = _read_file(path)
    values, origins = {}, {}
    for spec in SPECS:
        raw, origin = _pick(spec, folder, from_file, environ, overrides or {})
        origins[spec.name] = origin
        try:
            values[spec.name] = spec.parse(raw)
        except ValueError as exc:
            problems.append(_problem(spec, raw, origin, path, str(exc)))
    if problems:
        raise SettingsError(problems)
    origins["secret_key"] = "instance"
    return Settings(instance=folder, secret_key=secret_key(folder, create_secret),
                    origins=MappingProxyType(origins), **values)


def _pick(spec: Spec, folder: Path, from_file: Mapping[str, Any], environ: Mapping[str, str],
          overrides: Mapping[str, Any]) -> tuple[Any, str]:
    """The raw value that wins and its origin; an empty environment variable counts as unset."""
    if spec.env in overrides:
        return overrides[spec.env], "test"
    if environ.get(spec.env, "").strip():
        return environ[spec.env], "env"
    if spec.name in from_file:
        return from_file[spec.name], "file"
    return spec.default_for(folder), "default"


def _problem(spec: Spec, raw: Any, origin: str, path: Path, detail: str) -> str:
    where = {"env": "environment variable", "file": f"{spec.name} in {path}",
             "test": "test configuration", "default": "default"}[origin]
    shown = "***" if spec.secret else repr(raw)
    reason = f"{detail}; " if detail else ""
    return f"{spec.env}={shown} ({where}): {reason}must be {spec.allowed}"


def _read_file(path: Path) -> tuple[dict, list[str]]:
    """The table in qadesk.toml ({} when there is none) and the problems with its keys."""
    if not path.exists():
        return {}, []
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        return {}, [f"{path}: not valid TOML: {exc}"]
    except (OSError, UnicodeDecodeError) as exc:
        return {}, [f"{path}: cannot be read: {exc}"]
    problems = [_unknown_key(path, key) for key in data if key not in BY_NAME]
    return {k: v for k, v in data.items() if k in BY_NAME}, problems


def _unknown_key(path: Path, key: str) -> str:
    spec = BY_ENV.get(key.upper())
    guess = [spec.name] if spec else difflib.get_close_matches(key.lower(), list(BY_NAME), n=1)
    hint = f"did you mean {guess[0]!r}?" if guess else f"known settings: {', '.join(BY_NAME)}"
    return f"{path}: unknown setting {key!r}; {hint}"


def secret_key(folder: Path, create: bool = True) -> str:
    """The instance's session-signing key, generated once and kept in `secret_key` (mode 600)."""
    import secrets
    path = folder / SECRET_KEY_FILE
    if path.exists():
        return path.read_text().strip()
    if not create:
        return ""
    folder.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    path.write_text(key)
    path.chmod(0o600)
    return key


def install(app: Flask, built: Settings) -> None:
    """Keep the settings on the app and mirror them into app.config under their variable names."""
    app.extensions[EXTENSION] = built
    app.config.update(config_values(built))


def config_values(built: Settings) -> dict[str, Any]:
    return {spec.env: getattr(built, spec.name) for spec in SPECS}


def settings(app: Optional[Flask] = None) -> Settings:
    """The settings of `app` (default: the current app).

    Under TESTING a test may still change `app.config["QADESK_..."]` after start-up; the changed
    keys are validated like any other source and reported with origin "test".
    """
    app = app or current_app
    built: Settings = app.extensions[EXTENSION]
    return _with_test_changes(app, built) if app.testing else built


def _with_test_changes(app: Flask, built: Settings) -> Settings:
    mirrored = config_values(built)
    changed = {k: app.config[k] for k in mirrored if k in app.config and app.config[k] != mirrored[k]}
    if not changed:
        return built
    cache = app.extensions.setdefault(EXTENSION + "_test", {})
    key = repr(sorted(changed.items()))
    if key not in cache:
        overrides = {spec.env: getattr(built, spec.name) for spec in SPECS if built.origins[spec.name] == "test"}
        cache[key] = load(built.instance, overrides={**overrides, **changed})
    return cache[key]


def describe(built: Settings) -> list[dict[str, Any]]:
    """Every setting as shown by `qadesk config show`: secrets masked, with its origin."""
    from_env = os.environ.get("QADESK_INSTANCE") and Path(os.environ["QADESK_INSTANCE"]).resolve() == built.instance
    rows = [{"name": "QADESK_INSTANCE", "key": None, "value": str(built.instance),
             "source": "env" if from_env else "option or default", "secret": False},
            {"name": "SECRET_KEY", "key": None, "value": "********" if built.secret_key else "",
             "source": f"instance ({SECRET_KEY_FILE} file{'' if built.secret_key else ', not created yet'})",
             "secret": True}]
    for spec in SPECS:
        value = getattr(built, spec.name)
        rows.append({"name": spec.env, "key": spec.name, "value": _shown(spec, value),
                     "source": built.origins[spec.name], "secret": spec.secret})
    return rows


def _shown(spec: Spec, value: Any) -> Any:
    if spec.name in ("database_url", "broker_url"):
        return mask_url(value) if value else value
    if spec.secret:
        return "********" if value else ""
    return spec.show(value)


__all__ = ["FILE_NAME", "Settings", "SettingsError", "describe", "install", "load", "secret_key", "settings"]
