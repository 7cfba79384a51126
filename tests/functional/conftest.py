"""The access tests' shared world (tests/functional/access_world.py): built once, on first use."""
from __future__ import annotations

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
