"""Worlds built once per run and copied: the access tests' (tests/functional/access_world.py) and the
demo instance that the browser tests and the crawl serve."""
from __future__ import annotations

import fcntl
import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import IsolatedClient, _copy_instance, _pg_execute
from tests.fakes import FakeSentiment


@pytest.fixture(scope="session")
def access_instance(template_instance, tmp_path_factory):
    """(app, the URL parameters of agent A's objects): the demo-like instance, built once per run."""
    from qa_app import create_app
    from qa_app.extensions import db
    from qa_app.services import scoring
    from tests.functional import access_world
    folder = tmp_path_factory.mktemp("access-world") / "instance"
    database = _copy_instance(template_instance, folder)
    fake = FakeSentiment()
    patch = pytest.MonkeyPatch()
    patch.setattr(scoring, "_default_sentiment", fake)
    patch.setattr(scoring, "_stamp", ())
    app = create_app({"TESTING": True, "WTF_CSRF_ENABLED": False}, instance_path=str(folder))
    app.test_client_class = IsolatedClient
    try:
        with app.app_context():  # the fake engine only while the demo is loaded: other tests use the real one
            params = access_world.build(fake)
            db.session.commit()
            db.session.remove()
    finally:
        patch.undo()
    try:
        yield app, params
    finally:
        with app.app_context():
            db.engine.dispose()
        if database:
            _pg_execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")


@pytest.fixture
def world(access_instance):
    """The access world, inside its app's context for the test (requests still run in their own)."""
    from qa_app.extensions import db
    app, params = access_instance
    with app.app_context():
        yield app, params
        db.session.remove()


@pytest.fixture(scope="session")
def built_demo(tmp_path_factory) -> Path:
    """The demo instance (`qadesk init` + `qadesk demo`, SQLite), built once for the whole run: the
    first xdist worker to need it builds it under a file lock, the others wait and reuse it (each
    build takes a minute or more; about ten tests serve it). Never serve it: use `copy_demo`."""
    from tests.functional.test_browser_loop import _qadesk
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # shared by the run's workers
    folder = root / "demo-built"
    with open(root / "demo-built.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (root / "demo-built.done").exists():
            shutil.rmtree(folder, ignore_errors=True)  # a build that failed half-way
            _qadesk(folder, "init")
            _qadesk(folder, "demo")
            (root / "demo-built.done").write_text("built\n")
    return folder


@pytest.fixture(scope="session")
def copy_demo(built_demo):
    """`copy_demo(folder)`: a private copy of the built demo instance at `folder` (which must not
    exist), for a test or module to serve and change."""
    def copy(folder: Path) -> Path:
        shutil.copytree(built_demo, folder)
        return folder
    return copy
