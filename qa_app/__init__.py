"""QA Desk web application: create_app() builds a Flask app bound to one instance folder.

Importing the package imports nothing else: Flask and the extensions are imported when an app is
built, so the scoring workers (qa_app.services.scoring_worker), which import a few shell modules
and never build an app, do not load Flask, its extensions and the settings (about 0.8 CPU-s each
start)."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask

ROOT = Path(__file__).resolve().parent
TEMPLATES = ROOT.parent / "templates"


def create_app(test_config: dict | None = None, instance_path: str | None = None, pages: bool = True) -> Flask:
    """App for the instance at `instance_path` (default: $QADESK_INSTANCE or ./instance).

    Settings come from qadesk.toml in the instance and the environment (qa_app.settings); a bad
    value raises SettingsError naming it. `test_config` overrides any setting (QADESK_* keys are
    validated like the other sources) and any Flask key. With `pages` False the views are not
    registered: for commands that neither serve nor render a page (`qadesk score`), since
    registering them imports every view and the services behind them (0.35-0.45 CPU-s at each start).
    """
    from flask import Flask

    from qa_app import settings as instance_settings
    from qa_app.config import flask_config, instance_dir
    folder = instance_dir(instance_path)
    folder.mkdir(parents=True, exist_ok=True)
    built = instance_settings.load(folder, overrides=test_config)
    app = Flask(__name__, instance_path=str(folder), template_folder=str(TEMPLATES),
                static_folder=str(ROOT / "static"))
    app.config.update(flask_config(built.secret_key, built.database_url))
    app.config["MAX_CONTENT_LENGTH"] = built.max_request_bytes
    if test_config:
        app.config.update(test_config)
    instance_settings.install(app, built)
    _init_extensions(app)
    if pages:
        _register_blueprints(app)
    return app


def _init_extensions(app: Flask) -> None:
    from qa_app.extensions import babel, csrf, db, login_manager
    db.init_app(app)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        with app.app_context():
            _tune_sqlite(db.engine)
    elif app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        with app.app_context():
            _tune_postgres(db.engine)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    babel.init_app(app, locale_selector=_select_locale,
                   default_translation_directories=str(ROOT / "translations"))
    from qa_app import models  # noqa: F401  (registers the tables)

    from qa_app import explanations, headers, sessions
    login_manager.user_loader(sessions.load_user)
    sessions.install(app)
    headers.install(app)
    explanations.install(app)


def _tune_sqlite(engine) -> None:
    """WAL lets the web workers read while the scheduler writes; NORMAL sync is safe under WAL and
    much faster for bulk ingest; SQLite enforces foreign keys only when asked."""
    from sqlalchemy import event

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON", "busy_timeout=10000"):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()


def _tune_postgres(engine) -> None:
    """A write that waits for another's lock gives up after 10 s, as under SQLite's busy timeout, so a
    reviewer's save behind a long scoring run answers "busy, try again" instead of hanging."""
    from sqlalchemy import event

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("SET lock_timeout = '10s'")
        cursor.close()
        dbapi_connection.commit()


def _select_locale() -> str | None:
    """The user's chosen language, else the browser's best match; None (English) outside a web
    request (the CLI, jobs and workers) and for the JSON API, whose callers are scripts that
    match the English messages (docs/translations.md)."""
    from flask import has_request_context, request
    from flask_login import current_user
    if not has_request_context() or request.blueprint == "api":
        return None
    if current_user and getattr(current_user, "is_authenticated", False) and current_user.locale:
        return current_user.locale
    from flask import current_app
    return request.accept_languages.best_match(current_app.config["LANGUAGES"])


def _register_blueprints(app: Flask) -> None:
    from qa_app.views import register
    register(app)
