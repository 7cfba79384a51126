"""The instance folder, the table of every setting (name, type, default, allowed values, secret,
what it does) and the fixed Flask configuration. Defaults are written here and nowhere else;
qa_app.settings reads the sources and builds the Settings object from this table."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

DEFAULT_INSTANCE = "instance"
from qa_app.password_policy import MIN_LENGTH as MIN_PASSWORD  # the rule of every password, checked at start-up too


def instance_dir(explicit: str | os.PathLike | None = None) -> Path:
    """The instance folder: the explicit argument, else $QADESK_INSTANCE, else ./instance."""
    chosen = explicit or os.environ.get("QADESK_INSTANCE") or DEFAULT_INSTANCE
    return Path(chosen).resolve()


def flask_config(secret: str, database_url: str) -> dict:
    """Framework settings that are not the operator's to change."""
    return {
        "SECRET_KEY": secret,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "BABEL_DEFAULT_LOCALE": "en",
        "LANGUAGES": ["en", "zh"],
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
    }


@dataclass(frozen=True)
class Spec:
    """One setting: `name` is its qadesk.toml key and Settings attribute, `env` its variable.

    `parse` turns a raw value (text from the environment, a TOML value, or a typed test value)
    into the typed value, raising ValueError (optionally with a detail) when it is not allowed.
    """

    name: str
    env: str
    kind: str
    default: Any  # a value, or a function of the instance folder
    allowed: str
    doc: str
    parse: Callable[[Any], Any]
    secret: bool = False
    show: Callable[[Any], Any] = lambda value: value

    def default_for(self, folder: Path) -> Any:
        return self.default(folder) if callable(self.default) else self.default


def _text_of(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ValueError("")
    return str(value).strip()


def whole(low: int, high: int) -> Callable[[Any], int]:
    def parse(value: Any) -> int:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = _text_of(value)
        if not text.lstrip("+-").isdecimal() or not low <= int(text) <= high:
            raise ValueError("")
        return int(text)
    return parse


def number(low: float, high: float) -> Callable[[Any], float]:
    def parse(value: Any) -> float:
        try:
            result = float(_text_of(value))
        except ValueError:
            raise ValueError("") from None
        if not low <= result <= high:
            raise ValueError("")
        return result
    return parse


def switch(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = _text_of(value).lower()
    if text in ("on", "true", "yes", "1"):
        return True
    if text in ("off", "false", "no", "0"):
        return False
    raise ValueError("")


def stereo(value: Any) -> tuple[str, str]:
    parts = value if isinstance(value, (list, tuple)) else _text_of(value).split(",")
    pair = tuple(str(p).strip().lower() for p in parts)
    if len(pair) != 2 or set(pair) != {"agent", "customer"}:
        raise ValueError("")
    return pair


def weights(value: Any) -> tuple[tuple[str, float], ...]:
    """"login:weight,..." (or a TOML table of login = weight) as (login, weight) pairs."""
    items = value.items() if isinstance(value, dict) else \
        [e.strip().partition(":")[::2] if ":" in e else (e.strip(), None)
         for e in _text_of(value).split(",") if e.strip()]
    pairs = []
    for login, raw in items:
        login = str(login).strip()
        try:
            weight = float(raw) if raw is not None and not isinstance(raw, bool) else -1.0
        except ValueError:
            weight = -1.0
        if not login or not 0 <= weight < float("inf"):
            entry = f"{login}:{raw}" if raw is not None else login
            raise ValueError(f"{entry!r} is not login:weight")
        pairs.append((login, weight))
    return tuple(pairs)


def text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("")
    return value.strip()


def password(value: Any) -> str:
    from qa_app.password_policy import problem
    chosen = text(value)
    if chosen and problem(chosen, "admin"):
        raise ValueError(f"the password {problem(chosen, 'admin')}")
    return chosen


def database_url(value: Any) -> str:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError
    chosen = text(value)
    try:
        make_url(chosen)
    except ArgumentError:
        raise ValueError("not a database URL") from None
    return chosen


def mask_url(url: str) -> str:
    """The URL with any password replaced by ***."""
    from sqlalchemy.engine import make_url
    return make_url(url).render_as_string(hide_password=True)


def broker_url(value: Any) -> str:
    """Empty, or a Redis URL (redis://, rediss:// or unix://) as redis-py reads it."""
    from urllib.parse import urlsplit
    chosen = text(value)
    if chosen and (urlsplit(chosen).scheme not in ("redis", "rediss", "unix") or
                   not (urlsplit(chosen).netloc or urlsplit(chosen).path)):
        raise ValueError("not a redis:// URL")
    return chosen


def seconds_list(value: Any) -> tuple[int, ...]:
    """"10,60,300" (or a TOML list) as whole seconds from 0 to 86400, at most 10 of them; empty: none."""
    parts = value if isinstance(value, (list, tuple)) else [p for p in _text_of(value).split(",") if p.strip()]
    if len(parts) > 10:
        raise ValueError("more than 10 retries")
    return tuple(whole(0, 86_400)(p) for p in parts)


def choice(*options: str) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        chosen = text(value).lower()
        if chosen not in options:
            raise ValueError("")
        return chosen
    return parse


def host(value: Any) -> str:
    chosen = text(value)
    if any(c.isspace() or c in "/@:" for c in chosen):
        raise ValueError("not a host name or address")
    return chosen


def sender(value: Any) -> str:
    """An address such as qa@example.org or "QA Desk <qa@example.org>"."""
    from email.utils import parseaddr
    chosen = text(value)
    _, address = parseaddr(chosen)
    if not address or "@" not in address or address.startswith("@") or address.endswith("@"):
        raise ValueError("not an e-mail address")
    return chosen


def base_url(value: Any) -> str:
    from urllib.parse import urlsplit
    chosen = text(value).rstrip("/")
    if chosen and (urlsplit(chosen).scheme not in ("http", "https") or not urlsplit(chosen).netloc):
        raise ValueError("not an http(s) URL")
    return chosen


def compute_type(value: Any) -> str:
    from transcripts.audio.settings import COMPUTE_TYPES
    chosen = text(value).lower()
    if chosen not in COMPUTE_TYPES:
        raise ValueError("")
    return chosen


def threads(value: Any) -> int | None:
    if value is None or (isinstance(value, str) and value.strip().lower() in ("", "auto")):
        return None
    return whole(1, 1024)(value)


def language(value: Any) -> str | None:
    from transcripts.audio.settings import WhisperSettings
    try:
        return WhisperSettings.from_mapping({"WHISPER_LANGUAGE": text(value)}).language
    except ValueError:
        raise ValueError("") from None


def models_by_language(value: Any) -> tuple[tuple[str, str], ...]:
    """"en=tiny.en,*=base" (or a TOML table of language = model) as (language, model) pairs."""
    from transcripts.audio.settings import parse_models
    if not isinstance(value, (str, dict)):
        raise ValueError("")
    return parse_models(value)  # its ValueError says which entry is wrong


def _compute_types() -> str:
    from transcripts.audio.settings import COMPUTE_TYPES
    return ", ".join(COMPUTE_TYPES)


SPECS: tuple[Spec, ...] = (
    Spec("database_url", "QADESK_DATABASE_URL", "URL", lambda folder: f"sqlite:///{folder / 'qadesk.db'}",
         "an SQLAlchemy database URL such as postgresql+psycopg://user:password@host/qadesk",
         "Database; the default is the SQLite file qadesk.db in the instance folder.",
         database_url, secret=True),
    Spec("admin_password", "QADESK_ADMIN_PASSWORD", "text", "",
         f"empty or at least {MIN_PASSWORD} characters, not a common password",
         "Password `qadesk init` gives the admin user it creates; empty: generated and printed once.",
         password, secret=True),
    Spec("training_due_days", "QADESK_TRAINING_DUE_DAYS", "integer", 14, "a whole number from 1 to 365",
         "Days an agent has to complete a course: the shipped training rules stored by `qadesk init` "
         "(compliance courses in half that) and courses assigned by hand.",
         whole(1, 365)),
    Spec("dispute_days", "QADESK_DISPUTE_DAYS", "integer", 7, "a whole number from 1 to 365",
         "Days after an evaluation within which its agent may dispute it.", whole(1, 365)),
    Spec("trust_min_kappa", "QADESK_TRUST_MIN_KAPPA", "number", 0.6, "a number from 0 to 1",
         "Cohen's kappa (automatic vs human) at which a criterion is trusted.", number(0.0, 1.0)),
    Spec("trust_min_reviews", "QADESK_TRUST_MIN_REVIEWS", "integer", 30, "a whole number from 1 to 100000",
         "Human reviews a criterion needs before its kappa counts.", whole(1, 100_000)),
    Spec("reviewer_weights", "QADESK_REVIEWER_WEIGHTS", "login:weight list", "",
         "login:weight pairs separated by commas, each weight 0 or more (e.g. qa.chen:2,qa.taylor:1)",
         "Share of the weekly picks each reviewer gets; reviewers not listed weigh 1.",
         weights, show=dict),
    Spec("sample_quota", "QADESK_SAMPLE_QUOTA", "integer", 5, "a whole number from 0 to 1000",
         "Conversations picked for human review per agent per week.", whole(0, 1000)),
    Spec("sample_random_share", "QADESK_SAMPLE_RANDOM_SHARE", "number", 0.5, "a number from 0 to 1",
         "Share of each agent's weekly quota drawn at random rather than by risk.", number(0.0, 1.0)),
    Spec("stereo_map", "QADESK_STEREO_MAP", "channel pair", ("agent", "customer"),
         "agent,customer or customer,agent",
         "Speakers of the left and right channels of stereo call recordings.", stereo,
         show=lambda pair: ",".join(pair)),
    Spec("audio_retention_days", "QADESK_AUDIO_RETENTION_DAYS", "integer", 30, "a whole number from 0 to 3650",
         "Days a recording is kept after transcription; 0 deletes it once transcribed.", whole(0, 3650)),
    Spec("transcript_retention_days", "QADESK_TRANSCRIPT_RETENTION_DAYS", "integer", 0,
         "a whole number from 0 to 36500", "Days a conversation's transcript is kept after it started; then a "
         "daily job erases its text, customer and survey comments, keeping scores (0 keeps them).",
         whole(0, 36500)),
    Spec("redaction", "QADESK_REDACTION", "on/off", True, "on or off (also true/false, yes/no, 1/0)",
         "PII redaction (cards, phones, e-mails, ID numbers, passwords, PINs, CVVs, one-time codes) of "
         "everything ingested; off is not recommended.",
         switch),
    Spec("parallel_min_bytes", "QADESK_PARALLEL_MIN_BYTES", "integer", 32 * 1024 * 1024,
         "a whole number of bytes from 0 to 10^15",
         "NDJSON files at least this large are parsed by one worker process per core.", whole(0, 10**15)),
    Spec("scoring_workers", "QADESK_SCORING_WORKERS", "integer", lambda folder: os.cpu_count() or 1,
         "a whole number from 0 to 256", "Worker processes `qadesk score` scores with when it has at least "
         "1,000 conversations to look at; 0 scores in the command's own process.", whole(0, 256)),
    Spec("scheduler_tick_seconds", "QADESK_SCHEDULER_TICK_SECONDS", "integer", 60,
         "a whole number from 1 to 3600", "Seconds between scheduler beats (the lease lasts three).",
         whole(1, 3600)),
    Spec("scheduler", "QADESK_SCHEDULER", "choice", "embedded", "embedded or external",
         "Where scheduled jobs run: embedded, `qadesk serve` starts the scheduler in its own process; "
         "external, web processes never run jobs and `qadesk scheduler` is the one process that does.",
         choice("embedded", "external")),
    Spec("broker_url", "QADESK_BROKER_URL", "URL", "", "empty, or a Redis URL such as redis://host:6379/0",
         "Redis that distributed workers (`qadesk worker`) take jobs from; empty: each web process runs "
         "its jobs in its own worker thread.", broker_url, secret=True),
    Spec("broker_retry_seconds", "QADESK_BROKER_RETRY_SECONDS", "seconds list", (10, 60, 300),
         "up to 10 whole numbers of seconds from 0 to 86400 separated by commas, or empty (no retry)",
         "Seconds a failed job of the distributed workers waits before each retry; their number is the "
         "number of retries.", seconds_list, show=lambda seconds: ",".join(map(str, seconds))),
    Spec("base_url", "QADESK_BASE_URL", "URL", "", "empty, or the http(s) address users open the app at",
         "Address the links in e-mails start with (e.g. https://qa.example.org); empty: e-mails carry no link.",
         base_url),
    Spec("smtp_host", "QADESK_SMTP_HOST", "host", "", "empty, or a host name or IP address",
         "SMTP server notification e-mails are sent through; empty: notifications stay in the app.", host),
    Spec("smtp_port", "QADESK_SMTP_PORT", "integer", 25, "a whole number from 1 to 65535",
         "Port of the SMTP server (25, 587 with starttls, 465 with ssl).", whole(1, 65535)),
    Spec("smtp_tls", "QADESK_SMTP_TLS", "choice", "none", "none, starttls or ssl",
         "Encryption to the SMTP server: none, STARTTLS after connecting, or TLS from the start.",
         choice("none", "starttls", "ssl")),
    Spec("smtp_user", "QADESK_SMTP_USER", "text", "", "empty (no login) or the SMTP account name",
         "Account the SMTP server is logged in with.", text),
    Spec("smtp_password", "QADESK_SMTP_PASSWORD", "text", "", "any text", "Password of QADESK_SMTP_USER.",
         text, secret=True),
    Spec("smtp_sender", "QADESK_SMTP_SENDER", "e-mail address", "QA Desk <qadesk@localhost>",
         "an address such as qa@example.org or \"QA Desk <qa@example.org>\"", "From address of notification e-mails.",
         sender),
    Spec("certificate_renew_days", "QADESK_CERTIFICATE_RENEW_DAYS", "integer", 30, "a whole number from 1 to 365",
         "Days before a certificate expires that its course is assigned again.", whole(1, 365)),
    Spec("reminder_days_before", "QADESK_REMINDER_DAYS_BEFORE", "integer", 2, "a whole number from 0 to 60",
         "Days before a course is due that its agent is reminded (and again on the due date and when "
         "it is overdue).", whole(0, 60)),
    Spec("escalate_after_days", "QADESK_ESCALATE_AFTER_DAYS", "integer", 1, "a whole number from 0 to 60",
         "Days a course may stay overdue before the agent's team leads are told.", whole(0, 60)),
    Spec("effectiveness_evaluations", "QADESK_EFFECTIVENESS_EVALUATIONS", "integer", 3, "a whole number from 1 to 20",
         "Final evaluations compared before an assignment and after its completion (course effectiveness).",
         whole(1, 20)),
    Spec("effectiveness_min_agents", "QADESK_EFFECTIVENESS_MIN_AGENTS", "integer", 5, "a whole number from 2 to 1000",
         "Agents with both sides a course needs before it can be flagged as not moving its criteria.",
         whole(2, 1000)),
    Spec("login_max_failures", "QADESK_LOGIN_MAX_FAILURES", "integer", 5, "a whole number from 1 to 1000",
         "Wrong passwords for one login within QADESK_LOGIN_WINDOW_MINUTES before that login is locked.",
         whole(1, 1000)),
    Spec("login_address_max_failures", "QADESK_LOGIN_ADDRESS_MAX_FAILURES", "integer", 20,
         "a whole number from 1 to 100000", "Failed logins from one client address (any logins) within "
         "QADESK_LOGIN_WINDOW_MINUTES before that address is locked.", whole(1, 100_000)),
    Spec("login_window_minutes", "QADESK_LOGIN_WINDOW_MINUTES", "integer", 15, "a whole number from 1 to 10080",
         "Minutes over which failed logins are counted.", whole(1, 10_080)),
    Spec("login_lockout_minutes", "QADESK_LOGIN_LOCKOUT_MINUTES", "integer", 15, "a whole number from 1 to 10080",
         "Minutes a locked login or address stays locked, unless an admin unlocks it first.", whole(1, 10_080)),
    Spec("proxy_hops", "QADESK_PROXY_HOPS", "integer", 0, "a whole number from 0 to 5",
         "Reverse proxies in front of the app whose X-Forwarded-For and X-Forwarded-Proto are trusted "
         "(the client address and HTTPS are read from them); 0: the app is reached directly.", whole(0, 5)),
    Spec("session_cookie_secure", "QADESK_SESSION_COOKIE_SECURE", "choice", "auto", "auto, true or false",
         "Secure flag of the session cookie; auto: set when the request came over HTTPS (directly or as "
         "a trusted proxy says).", choice("auto", "true", "false")),
    Spec("session_idle_minutes", "QADESK_SESSION_IDLE_MINUTES", "integer", 60, "a whole number from 1 to 10080",
         "Minutes without a request after which a session ends.", whole(1, 10_080)),
    Spec("session_max_hours", "QADESK_SESSION_MAX_HOURS", "integer", 12, "a whole number from 1 to 720",
         "Hours after logging in that a session ends, however active.", whole(1, 720)),
    Spec("max_request_bytes", "QADESK_MAX_REQUEST_BYTES", "integer", 16 * 1024 * 1024,
         "a whole number of bytes from 1024 to 10^12",
         "Largest web request (an upload page's files together, an API body); a larger one is refused "
         "with 413 before it is read. `qadesk ingest` reads files of any size.", whole(1024, 10**12)),
    Spec("max_turns", "QADESK_MAX_TURNS", "integer", 5000, "a whole number from 1 to 10^6",
         "Most turns one conversation may have; a longer record is refused with an error naming it.",
         whole(1, 10**6)),
    Spec("max_turn_chars", "QADESK_MAX_TURN_CHARS", "integer", 20_000, "a whole number from 1 to 10^8",
         "Most characters one turn's text may have.", whole(1, 10**8)),
    Spec("max_id_chars", "QADESK_MAX_ID_CHARS", "integer", 200, "a whole number from 1 to 10000",
         "Most characters of a conversation's id, agent login, queue and customer.", whole(1, 10_000)),
    Spec("max_json_depth", "QADESK_MAX_JSON_DEPTH", "integer", 20, "a whole number from 1 to 100",
         "Deepest nesting of arrays and objects in a record's extra fields (and, plus 3, in an API body).",
         whole(1, 100)),
    Spec("earliest_year", "QADESK_EARLIEST_YEAR", "integer", 1990, "a whole number from 1 to 9998",
         "First calendar year a conversation's or turn's timestamp may fall in.", whole(1, 9998)),
    Spec("latest_year", "QADESK_LATEST_YEAR", "integer", 2100, "a whole number from 2 to 9998",
         "Last calendar year a timestamp may fall in (9999 cannot be stored once moved to UTC).",
         whole(2, 9998)),
    Spec("whisper_model", "WHISPER_MODEL", "text", "",
         "empty (the model per language), tiny.en or base (bundled), a local model directory or a model "
         "name in the local cache",
         "One Whisper model for every call recording; nothing is ever downloaded.", text),
    Spec("whisper_model_by_language", "WHISPER_MODEL_BY_LANGUAGE", "language=model list", "en=tiny.en,*=base",
         "language=model pairs separated by commas, the language a code such as en or zh or * (every other "
         "language and calls of unknown language, required); a model as in WHISPER_MODEL, an English-only "
         "one (name ending in .en) for en only",
         "Whisper model per spoken language of a call when WHISPER_MODEL is empty; the model for * also "
         "detects the language of calls whose language is not set.",
         models_by_language, show=lambda pairs: ",".join(f"{k}={v}" for k, v in pairs)),
    Spec("whisper_compute_type", "WHISPER_COMPUTE_TYPE", "choice", "float32", "one of " + _compute_types(),
         "Numeric precision Whisper runs at.", compute_type),
    Spec("whisper_threads", "WHISPER_THREADS", "integer or empty", "auto",
         "empty or auto (every core), or a whole number from 1 to 1024", "CPU threads per transcription.",
         threads),
    Spec("whisper_language", "WHISPER_LANGUAGE", "language code", "auto",
         "auto, or a language code such as en or zh", "Spoken language of recordings; auto detects it per channel.",
         language),
)

BY_NAME: dict[str, Spec] = {spec.name: spec for spec in SPECS}
BY_ENV: dict[str, Spec] = {spec.env: spec for spec in SPECS}
