"""Shared fixtures: a fresh instance per test (copied from one migrated template), clients, CLI, auth.

Requests made through `client` run as they do in production: each in its own application context
with its own database session, never the test's. After every request the test's own session is
rolled back, so what the test reads next comes from the database, as the next request would see it.
A service that forgets to commit therefore fails its functional tests.
"""
from __future__ import annotations

import contextvars
import itertools
import os
import shutil
from datetime import datetime, timezone
from pathlib import Path

import pytest
import time_machine
from click.testing import CliRunner
from flask.testing import FlaskClient
from hypothesis import HealthCheck, settings

# Timing belongs in bench/, not in tests: on a loaded 2-core CI machine a slow example is not a bug.
settings.register_profile("qadesk", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("qadesk")

from tests.fakes import FakeSentiment

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
PASSWORD = "secret-pass-1"


#: QADESK_TEST_POSTGRES (set by scripts/pg-test.sh): a PostgreSQL maintenance-database URL. When set,
#: every test instance gets its own database, created from one migrated template database, instead of
#: its SQLite file; instances a test makes for itself stay on SQLite.
PG_BASE = os.environ.get("QADESK_TEST_POSTGRES", "").strip()
# the pid too: a test may run pytest in a subprocess, which inherits the xdist worker name
_WORKER = f"{os.environ.get('PYTEST_XDIST_WORKER', 'gw')}_{os.getpid()}"
_numbers = itertools.count()


def _pg_execute(*statements: str) -> None:
    from sqlalchemy import create_engine, text
    engine = create_engine(PG_BASE, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            for statement in statements:
                connection.execute(text(statement))
    finally:
        engine.dispose()


def _pg_url(database: str) -> str:
    from sqlalchemy.engine import make_url
    return make_url(PG_BASE).set(database=database).render_as_string(hide_password=False)


def _use_database(folder: Path, url: str) -> None:
    (folder / "qadesk.toml").write_text(f"database_url = {url!r}\n", encoding="utf-8")


@pytest.fixture(scope="session")
def template_instance(tmp_path_factory) -> Path:
    """One instance migrated to head with the shipped content; tests get copies of it."""
    from qa_app import create_app
    from qa_app.services import instance
    folder = tmp_path_factory.mktemp("template-instance")
    if PG_BASE:
        name = f"qadesk_tpl_{_WORKER}"
        _pg_execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", f"CREATE DATABASE {name}")
        _use_database(folder, _pg_url(name))
    app = create_app({"TESTING": True}, instance_path=str(folder))
    with app.app_context():
        instance.init_instance(admin_password=PASSWORD)
        from qa_app.extensions import db
        db.engine.dispose()
    return folder


def _copy_instance(template: Path, folder: Path) -> str | None:
    """Copy the template instance to `folder`; on PostgreSQL also copy its database (returns the name)."""
    shutil.copytree(template, folder)
    if not PG_BASE:
        return None
    name = f"qadesk_t_{_WORKER}_{next(_numbers)}"
    _pg_execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)",
                f"CREATE DATABASE {name} TEMPLATE qadesk_tpl_{_WORKER}")
    _use_database(folder, _pg_url(name))
    return name


@pytest.fixture
def new_instance(template_instance):
    """Make more fresh instances in a test: `new_instance(folder)`. Never copy template_instance by
    hand: on PostgreSQL its folder points at the template database, which every test copies."""
    made = []

    def make(folder: Path) -> Path:
        made.append(_copy_instance(template_instance, folder))
        return folder
    yield make
    for name in filter(None, made):
        _pg_execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def empty_instance(tmp_path):
    """A new instance folder whose database is empty (no tables): a SQLite file yet to be made, or on
    PostgreSQL a new empty database. For tests that build the schema themselves (migrations)."""
    folder = tmp_path / "empty-instance"
    folder.mkdir()
    name = None
    if PG_BASE:
        name = f"qadesk_e_{_WORKER}_{next(_numbers)}"
        _pg_execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", f"CREATE DATABASE {name}")
        _use_database(folder, _pg_url(name))
    yield folder
    if name:
        _pg_execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def instance_dir(new_instance, tmp_path):
    return new_instance(tmp_path / "instance")


@pytest.fixture
def fake_sentiment(monkeypatch) -> FakeSentiment:
    """Replace the real sentiment engines with the keyword fake for this test (fast, predictable)."""
    from qa_app.services import scoring
    fake = FakeSentiment()
    monkeypatch.setattr(scoring, "_default_sentiment", fake)
    monkeypatch.setattr(scoring, "_stamp", ())  # a fresh instance has no stored calibration
    return fake


@pytest.fixture
def app(instance_dir):
    """The app on a fresh instance, with real engines (request `fake_sentiment` to swap them)."""
    from qa_app import create_app
    app = create_app({"TESTING": True, "WTF_CSRF_ENABLED": False}, instance_path=str(instance_dir))
    with app.app_context():
        yield app
        from qa_app.extensions import db
        db.session.remove()
        db.engine.dispose()


class IsolatedClient(FlaskClient):
    """A test client whose every request runs in a fresh context: its own app context and database
    session, as under a real server. The test's session is rolled back afterwards (its objects are
    expired, so reading them again reads the database)."""

    _inside = False  # a redirect followed from inside a request's context is already isolated

    def open(self, *args, **kwargs):
        if self._inside:
            return super().open(*args, **kwargs)
        self._inside = True
        try:
            response = contextvars.Context().run(super().open, *args, **kwargs)
        finally:
            self._inside = False
        from qa_app.extensions import db
        db.session.rollback()
        return response


@pytest.fixture
def client(app):
    app.test_client_class = IsolatedClient
    return app.test_client()


#: the instant date-dependent tests are frozen at (the fixtures' conversations are from November 2026)
FROZEN_AT = datetime(2026, 11, 27, 10, 0, tzinfo=timezone.utc)


@pytest.fixture
def frozen_clock():
    """The product's clock (qa_app.clock) set to FROZEN_AT and ticking from there, via time-machine;
    for tests whose expectations depend on today's date. Yields the traveller (`.shift(delta)`,
    `.move_to(when)`)."""
    with time_machine.travel(FROZEN_AT, tick=True) as traveller:
        yield traveller


@pytest.fixture
def cli(instance_dir):
    """Runs `qadesk --instance <test instance> ...` in-process; returns the click Result."""
    from qa_app.cli import main
    runner = CliRunner()

    def run(*args: str):
        return runner.invoke(main, ["--instance", str(instance_dir), *args], catch_exceptions=False)
    return run


@pytest.fixture
def make_user(app):
    """make_user(login, role, team=None, covers=()) -> User, with the password PASSWORD."""
    from qa_app.services import users

    def make(login: str, role: str, team: str | None = None, covers=()):
        user, _ = users.add_user(login, role, team=team, password=PASSWORD, covers=covers)
        return user
    return make


class AuthActions:
    """Logs the test client in and out through the real login form."""

    def __init__(self, client):
        self._client = client

    def login(self, login: str = "admin", password: str = PASSWORD):
        return self._client.post("/login", data={"login": login, "password": password})

    def logout(self):
        return self._client.post("/logout")


@pytest.fixture
def auth(client) -> AuthActions:
    return AuthActions(client)
