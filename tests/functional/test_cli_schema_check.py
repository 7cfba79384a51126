"""An instance whose database is a migration behind the code: every `qadesk` command and `serve`
stop with one line naming both revisions and `qadesk --instance DIR init`, which upgrades it; init,
backup, restore and config still run. Real `python -m qa_app` processes on a real SQLite file."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from qa_app import create_app
from qa_app.extensions import db, migration_config
from qa_app.schema_head import HEAD
from tests.conftest import PASSWORD, PG_BASE, ROOT
from tests.functional.test_browser_loop import _free_port


def qadesk(instance: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "qa_app", "--instance", str(instance), *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def _revision(instance: Path, revision: str | None = None) -> str:
    """The database's revision, after downgrading it to `revision` when given."""
    app = create_app({"TESTING": True}, instance_path=str(instance))
    with app.app_context():
        if revision:
            from flask_migrate import downgrade
            downgrade(directory=migration_config(app).directory, revision=revision)
        found = db.session.scalar(sa.text("SELECT version_num FROM alembic_version"))
        db.session.remove()
        db.engine.dispose()
    return found


@pytest.fixture
def behind(instance_dir) -> tuple[Path, str]:
    """The test instance downgraded by one migration, and the revision it is at now."""
    return instance_dir, _revision(instance_dir, "-1")


def _one_line_naming(done: subprocess.CompletedProcess, instance: Path, older: str) -> None:
    assert done.returncode == 1 and done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr  # no traceback, no SQL error
    assert older in lines[0] and HEAD in lines[0] and f"qadesk --instance {instance} init" in lines[0]


def test_a_command_and_serve_on_a_database_one_migration_behind_stop_with_one_line_naming_the_fix(behind):
    instance, older = behind
    assert older != HEAD
    _one_line_naming(qadesk(instance, "user", "unlock", "admin"), instance, older)
    _one_line_naming(qadesk(instance, "serve", "--port", str(_free_port()), "--no-scheduler"), instance, older)


@pytest.mark.skipif(bool(PG_BASE), reason="qadesk backup copies SQLite files")
def test_config_and_backup_still_run_behind_and_init_upgrades_so_commands_run_again(behind, tmp_path):
    instance, older = behind
    assert qadesk(instance, "config", "show").returncode == 0
    assert qadesk(instance, "backup", str(tmp_path / "before-upgrade.db")).returncode == 0
    assert qadesk(instance, "init").returncode == 0
    assert _revision(instance) == HEAD
    done = qadesk(instance, "user", "unlock", "admin")
    assert done.returncode == 0 and "Unlocked admin" in done.stdout, done.stderr


def test_a_database_never_initialised_is_told_to_run_init(tmp_path):
    done = qadesk(tmp_path / "new", "user", "unlock", "admin")
    assert done.returncode == 1 and len(done.stderr.strip().splitlines()) == 1
    assert HEAD in done.stderr and f"qadesk --instance {tmp_path / 'new'} init" in done.stderr


def test_the_check_is_one_query_when_the_app_starts_and_none_per_request(instance_dir):
    from qa_app.commands.common import Context
    statements: list[str] = []

    def note(_conn, _cursor, statement, *_args):
        statements.append(statement)
    sa.event.listen(sa.engine.Engine, "before_cursor_execute", note)
    try:
        app = Context(str(instance_dir)).app
        asked = [s for s in statements if "alembic_version" in s]
        assert asked == ["SELECT version_num FROM alembic_version"]
        client = app.test_client()
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get("/login").text).group(1)
        signed_in = client.post("/login", data={"login": "admin", "password": PASSWORD, "csrf_token": token})
        assert signed_in.status_code == 302 and client.get("/").status_code == 200
        assert len(statements) > len(asked)  # the requests did query the database
        assert [s for s in statements if "alembic_version" in s] == asked
    finally:
        sa.event.remove(sa.engine.Engine, "before_cursor_execute", note)


def test_a_database_upgraded_by_a_newer_qa_desk_is_named_as_such_and_init_is_not_offered(instance_dir, cli):
    app = create_app({"TESTING": True}, instance_path=str(instance_dir))
    with app.app_context():
        db.session.execute(sa.text("UPDATE alembic_version SET version_num = 'f0f0f0f0f0f0'"))
        db.session.commit()
        db.engine.dispose()
    result = cli("user", "unlock", "admin")
    assert result.exit_code == 1 and len(result.output.strip().splitlines()) == 1
    assert "f0f0f0f0f0f0" in result.output and "does not know" in result.output and HEAD in result.output
    assert " init" not in result.output
