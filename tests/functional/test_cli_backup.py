"""`qadesk backup` / `qadesk restore` against a real `qadesk serve` that is storing conversations
posted to its API: the backup is one consistent snapshot, restore refuses files that are not QA
Desk backups and a served instance unless --force, and keeps the database it replaced."""
from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, PG_BASE, ROOT
from tests.functional.test_browser_loop import _serving


def qadesk(instance: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-m", "qa_app", "--instance", str(instance), *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert not check or done.returncode == 0, done.stderr
    return done


def _records() -> list[dict]:
    return [json.loads(line) for line in (FIXTURES / "new_agent.ndjson").read_text().splitlines()]


def post_conversations(url: str, token: str, stop: threading.Event, stored: list[str]) -> None:
    """Post conversations to the API one at a time until `stop`, noting the ids stored."""
    n = 0
    while not stop.is_set():
        record = {**_records()[n % 2], "id": f"live-{n}"}
        request = urllib.request.Request(url + "api/v1/conversations", data=json.dumps(record).encode(),
                                         headers={"Authorization": f"Bearer {token}",
                                                  "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as response:
            assert response.status == 200
        stored.append(record["id"])
        n += 1


def conversations(db_file: Path) -> set[str]:
    with sqlite3.connect(db_file) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return {row[0] for row in conn.execute("SELECT external_id FROM conversation")}


#: qadesk backup/restore copy a SQLite file; a PostgreSQL instance is told to use pg_dump (tested below)
SQLITE_ONLY = pytest.mark.skipif(bool(PG_BASE), reason="qadesk backup copies SQLite files; PostgreSQL uses pg_dump")


# Under libfaketime (make test-dates) every process starts its own fake clock, so the server's lease
# time and the restoring command's clock disagree and "in use" cannot be judged across them.
@pytest.mark.skipif("FAKETIME" in os.environ, reason="processes under libfaketime do not share one clock, "
                    "which the in-use check compares across the server and the restore command")
@SQLITE_ONLY
def test_a_backup_taken_while_the_server_stores_conversations_restores_to_a_consistent_instance(instance_dir,
                                                                                              tmp_path, monkeypatch):
    monkeypatch.setenv("QADESK_SCHEDULER_TICK_SECONDS", "1")  # the server writes its lease and jobs every second
    qadesk(instance_dir, "user", "add", "sam.new", "--role", "agent", "--password", "agent-pass-1")
    token = json.loads(qadesk(instance_dir, "token", "create", "admin", "--json").stdout)["token"]
    backup_file, stop, stored = tmp_path / "qadesk-backup.db", threading.Event(), []
    with _serving(instance_dir) as url:
        writer = threading.Thread(target=post_conversations, args=(url, token, stop, stored))
        writer.start()
        try:
            deadline = time.monotonic() + 120
            while len(stored) < 3 and time.monotonic() < deadline:
                time.sleep(0.1)
            done = json.loads(qadesk(instance_dir, "backup", str(backup_file), "--json").stdout)
            during = len(stored)
            refused = qadesk(instance_dir, "restore", str(backup_file), check=False)
        finally:
            stop.set()
            writer.join(timeout=120)
    assert during >= 3 and len(stored) > 0
    assert refused.returncode == 1 and "the instance is in use" in refused.stderr and "--force" in refused.stderr
    in_backup = conversations(backup_file)
    assert done["conversations"] == len(in_backup) and done["revision"] and done["bytes"] > 0
    live = {c for c in in_backup if c.startswith("live-")}
    assert live == {f"live-{n}" for n in range(len(live))} and len(live) >= 3  # a prefix of what was posted
    assert conversations(instance_dir / "qadesk.db") >= in_backup
    target = tmp_path / "restored"
    shutil.copytree(instance_dir, target)
    restored = json.loads(qadesk(target, "restore", str(backup_file), "--json").stdout)
    assert conversations(target / "qadesk.db") == in_backup
    assert conversations(Path(restored["previous"])) == conversations(instance_dir / "qadesk.db")
    assert json.loads(qadesk(target, "audit", "verify", "--json").stdout)["ok"] is True
    assert qadesk(target, "show", "live-0", check=False).returncode == 0


def test_restore_refuses_a_file_that_is_not_a_qa_desk_backup_naming_it(instance_dir, tmp_path):
    junk, other = tmp_path / "notes.db", tmp_path / "other.db"
    junk.write_text("not a database")
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    for path, reason in ((junk, "file is not a database"), (other, "no alembic_version, conversation")):
        result = qadesk(instance_dir, "restore", str(path), check=False)
        assert result.returncode == 1 and f"{path}: not a QA Desk backup ({reason}" in result.stderr
    with sqlite3.connect(tmp_path / "newer.db") as conn:
        conn.executescript("CREATE TABLE alembic_version (version_num); INSERT INTO alembic_version VALUES ('zzz');"
                           "CREATE TABLE conversation (x); CREATE TABLE user (x); CREATE TABLE audit_entry (x);")
    result = qadesk(instance_dir, "restore", str(tmp_path / "newer.db"), check=False)
    assert result.returncode == 1 and "schema revision zzz is not one this QA Desk version knows" in result.stderr


@SQLITE_ONLY
def test_backup_will_not_overwrite_a_file_unless_forced(instance_dir, tmp_path):
    target = tmp_path / "b.db"
    target.write_text("precious")
    result = qadesk(instance_dir, "backup", str(target), check=False)
    assert result.returncode == 1 and "already exists (use --force" in result.stderr
    assert target.read_text() == "precious"
    assert "backed up 0 conversations" in qadesk(instance_dir, "backup", str(target), "--force").stdout


@pytest.mark.skipif(not PG_BASE, reason="needs PostgreSQL (make test runs this file again on it)")
def test_on_postgresql_backup_writes_nothing_and_names_pg_dump(instance_dir, tmp_path):
    result = qadesk(instance_dir, "backup", str(tmp_path / "b.db"), check=False)
    assert result.returncode == 1 and "pg_dump" in result.stderr
    assert not (tmp_path / "b.db").exists()
