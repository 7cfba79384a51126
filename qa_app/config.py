"""Instance location and configuration: a folder holding the SQLite file and the generated secret key."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

DEFAULT_INSTANCE = "instance"


def instance_dir(explicit: str | os.PathLike | None = None) -> Path:
    """The instance folder: the explicit argument, else $QADESK_INSTANCE, else ./instance."""
    chosen = explicit or os.environ.get("QADESK_INSTANCE") or DEFAULT_INSTANCE
    return Path(chosen).resolve()


def secret_key(folder: Path) -> str:
    """The instance's secret key, generated once and kept in `secret_key` (mode 600)."""
    path = folder / "secret_key"
    if path.exists():
        return path.read_text().strip()
    folder.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    path.write_text(key)
    path.chmod(0o600)
    return key


def database_url(folder: Path) -> str:
    """$QADESK_DATABASE_URL (any SQLAlchemy URL) or the embedded SQLite file in the instance."""
    return os.environ.get("QADESK_DATABASE_URL") or f"sqlite:///{folder / 'qadesk.db'}"


def build_config(folder: Path) -> dict:
    """Settings for an app on this instance; a test config passed to create_app overrides them."""
    return {
        "SECRET_KEY": secret_key(folder),
        "SQLALCHEMY_DATABASE_URI": database_url(folder),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "BABEL_DEFAULT_LOCALE": "en",
        "LANGUAGES": ["en", "zh"],
        "MAX_CONTENT_LENGTH": 64 * 1024 * 1024,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "QADESK_TRAINING_DUE_DAYS": 14,
        "QADESK_DISPUTE_DAYS": int(os.environ.get("QADESK_DISPUTE_DAYS", "7")),
        # a criterion is trusted at this Cohen's kappa over at least this many reviews
        "QADESK_TRUST_MIN_KAPPA": float(os.environ.get("QADESK_TRUST_MIN_KAPPA", "0.6")),
        "QADESK_TRUST_MIN_REVIEWS": int(os.environ.get("QADESK_TRUST_MIN_REVIEWS", "30")),
        "QADESK_SCHEDULER_TICK_SECONDS": 60,
        "QADESK_REVIEWER_WEIGHTS": os.environ.get("QADESK_REVIEWER_WEIGHTS", ""),  # login:weight,...
        # picks per agent per week, and the random share of them (checked when sampling)
        "QADESK_SAMPLE_QUOTA": os.environ.get("QADESK_SAMPLE_QUOTA", "5"),
        "QADESK_SAMPLE_RANDOM_SHARE": os.environ.get("QADESK_SAMPLE_RANDOM_SHARE", "0.5"),
        "QADESK_STEREO_MAP": os.environ.get("QADESK_STEREO_MAP", "agent,customer"),
        "QADESK_AUDIO_RETENTION_DAYS": int(os.environ.get("QADESK_AUDIO_RETENTION_DAYS", "30")),
        "WHISPER_MODEL": os.environ.get("WHISPER_MODEL", ""),
        "WHISPER_COMPUTE_TYPE": os.environ.get("WHISPER_COMPUTE_TYPE", "int8"),
        "WHISPER_THREADS": os.environ.get("WHISPER_THREADS", ""),
        "WHISPER_LANGUAGE": os.environ.get("WHISPER_LANGUAGE", ""),
    }
