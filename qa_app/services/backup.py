"""Backing up and restoring a SQLite instance database with SQLite's online backup API.

The backup API copies pages under SQLite's own locking, so a backup taken while `qadesk serve`
is answering requests and writing is one consistent snapshot (writers that commit meanwhile
make it restart, never tear it). Restore copies a checked backup into the live database the
same way, so connections the server already holds see the restored data, not a stale file.
PostgreSQL instances are backed up with pg_dump / pg_restore (docs/deployment.md).
"""
from __future__ import annotations

import sqlite3
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Optional

from qa_app import clock
from qa_app.extensions import MIGRATIONS, db
from qa_app.models import SchedulerLease
from qa_app.models.base import as_utc
from qa_app.services import ServiceError

PAGES_PER_STEP = 256  # copy in steps so a long backup lets the server's writers in between
REQUIRED_TABLES = ("alembic_version", "conversation", "user", "audit_entry")
IN_USE_LEASE = "scheduler"  # held (renewed every beat) by every running `qadesk serve`


@dataclass(frozen=True)
class BackupReport:
    """What a backup or restore wrote: the file, its size, the schema revision it holds and, for
    restore, where the database it replaced was kept."""

    file: str
    bytes: int
    revision: str
    conversations: int
    previous: Optional[str] = None

    def as_dict(self) -> dict:
        return asdict(self)


def database_file() -> Path:
    """The instance's SQLite database file; a ServiceError for other databases (use pg_dump)."""
    url = db.engine.url
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        raise ServiceError(f"the database is {url.get_backend_name()}, not a SQLite file: back it up with "
                           "pg_dump and restore it with pg_restore (see docs/deployment.md, Backups)")
    return Path(url.database)


def _copy(source: Path, target: Path) -> None:
    """Copy database `source` into `target` through the online backup API (both stay valid)."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
    dst = sqlite3.connect(target, timeout=30)
    try:
        src.backup(dst, pages=PAGES_PER_STEP)
    finally:
        dst.close()
        src.close()


def _describe(path: Path) -> tuple[str, int]:
    """(alembic revision, conversations) of a QA Desk database; ServiceError naming the file otherwise."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            missing = [t for t in REQUIRED_TABLES if t not in tables]
            if missing:
                raise ServiceError(f"{path}: not a QA Desk backup (no {', '.join(missing)} table)")
            if conn.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise ServiceError(f"{path}: the SQLite file is damaged (quick_check failed)")
            revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            conversations = conn.execute("SELECT count(*) FROM conversation").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise ServiceError(f"{path}: not a QA Desk backup ({exc})") from exc
    if revision is None:
        raise ServiceError(f"{path}: not a QA Desk backup (no schema revision stored)")
    return revision[0], conversations


def _known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory
    return {script.revision for script in ScriptDirectory(str(MIGRATIONS)).walk_revisions()}


def backup(target: str, overwrite: bool = False) -> BackupReport:
    """Write a consistent copy of the live database to `target` (refused when it exists, unless
    `overwrite`); safe while the app is serving."""
    path = Path(target)
    if path.exists() and not overwrite:
        raise ServiceError(f"{path}: already exists (use --force to overwrite it)")
    if path.exists():
        path.unlink()
    db.session.remove()  # this process holds no transaction on the source while it is copied
    _copy(database_file(), path)
    with sqlite3.connect(path) as conn:  # one self-contained file to carry away, whatever the live mode
        conn.execute("PRAGMA journal_mode = DELETE")
    revision, conversations = _describe(path)
    return BackupReport(str(path), path.stat().st_size, revision, conversations)


def in_use(now=None) -> bool:
    """Whether a `qadesk serve` holds the scheduler lease (it renews it on every beat)."""
    lease = db.session.get(SchedulerLease, IN_USE_LEASE)
    return lease is not None and as_utc(lease.expires_at) > clock.or_now(now)


def restore(source: str, force: bool = False) -> BackupReport:
    """Replace the live database with backup `source`, after checking it is a QA Desk backup of a
    schema revision this version knows; the replaced database is kept next to it first.

    Refused while a server uses the instance unless `force` (its open requests then see the
    restored data). A backup of an older revision is upgraded to the newest schema."""
    path = Path(source)
    if not path.is_file():
        raise ServiceError(f"{path}: no such file")
    revision, _ = _describe(path)
    if revision not in _known_revisions():
        raise ServiceError(f"{path}: schema revision {revision} is not one this QA Desk version knows "
                           "(a backup from a newer version, or not a QA Desk backup)")
    if in_use() and not force:
        raise ServiceError("the instance is in use (a `qadesk serve` renewed its scheduler lease within the "
                           "last beats): stop it first, or use --force to restore under it")
    live = database_file()
    kept = live.with_name(f"{live.name}.before-restore-{clock.now():%Y%m%dT%H%M%S}")
    db.session.remove()
    _copy(live, kept)
    _copy(path, live)
    db.engine.dispose()
    from qa_app.services import instance
    instance.upgrade_schema()
    revision, conversations = _describe(live)
    return BackupReport(str(path), path.stat().st_size, revision, conversations, previous=str(kept))
