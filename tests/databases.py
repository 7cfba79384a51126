"""Engine-neutral tools for tests that attack or inspect the database itself (SQLite or PostgreSQL).

Tests that damage rows, add refusing triggers, hold locks or read every stored byte call these, so
the same test proves the same behaviour on both engines (make test and make test-postgres).
"""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from qa_app.extensions import db


def on_postgres() -> bool:
    return db.engine.dialect.name == "postgresql"


def refuse(name: str, table: str, event: str, condition: str, message: str, unique: bool = False) -> None:
    """Install trigger `name` that makes the database refuse `event` ("INSERT", "UPDATE OF col") on
    `table` for rows where `condition` (on NEW) holds, with `message`; `unique` makes the refusal a
    unique-constraint violation (an IntegrityError), else a plain database error."""
    if on_postgres():
        code = "unique_violation" if unique else "raise_exception"
        db.session.execute(db.text(
            f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"RAISE EXCEPTION USING ERRCODE = '{code}', MESSAGE = '{message}'; END $$"))
        db.session.execute(db.text(
            f"CREATE TRIGGER {name} BEFORE {event} ON {table} FOR EACH ROW WHEN ({condition}) "
            f"EXECUTE FUNCTION {name}()"))
    else:
        db.session.execute(db.text(
            f"CREATE TRIGGER {name} BEFORE {event} ON {table} WHEN {condition} "
            f"BEGIN SELECT RAISE(ABORT, '{message}'); END"))
    db.session.commit()


def short_lock_wait() -> None:
    """This session's connection gives up on a lock after 100 ms (SQLite's busy timeout, PostgreSQL's
    lock_timeout), so a test of "the database was busy" does not wait the production 10 s."""
    db.session.execute(db.text("SET lock_timeout = '100ms'" if on_postgres() else "PRAGMA busy_timeout = 100"))


def every_connection_waits_briefly() -> None:
    """From now on every new connection of the app gives up on a lock after 100 ms instead of 10 s
    (the pool is emptied, so requests served next use such connections)."""
    from sqlalchemy import event
    postgres = on_postgres()

    def on_connect(connection, _record):
        cursor = connection.cursor()
        cursor.execute("SET lock_timeout = '100ms'" if postgres else "PRAGMA busy_timeout = 100")
        cursor.close()
        if postgres:
            connection.commit()
    event.listen(db.engine, "connect", on_connect)
    db.engine.dispose()


@contextmanager
def writer_holding(table: str) -> Iterator[None]:
    """Another connection holds the write lock on `table` (as a long scoring run would) until exit."""
    if on_postgres():
        connection = db.engine.connect()
        transaction = connection.begin()
        connection.execute(db.text(f"LOCK TABLE {table} IN EXCLUSIVE MODE"))
        try:
            yield
        finally:
            transaction.rollback()
            connection.close()
        return
    import sqlite3
    blocker = sqlite3.connect(db.engine.url.database, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        blocker.rollback()
        blocker.close()


def stored_bytes() -> bytes:
    """Everything the database holds, as bytes a secret could be found in: on SQLite the file and its
    journals; on PostgreSQL the text of every row of every table (what a dump would contain)."""
    db.session.remove()
    if not on_postgres():
        main = Path(db.engine.url.database)
        return b"".join(p.read_bytes() for p in main.parent.glob(main.name + "*"))
    tables = db.session.scalars(db.text(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")).all()
    rows = [db.session.scalars(db.text(f'SELECT CAST(t AS TEXT) FROM "{name}" t')).all() for name in tables]
    db.session.remove()
    return "\n".join(row for table in rows for row in table).encode()


def outside(instance: Path, *statements: str, **params):
    """Run `statements` in one transaction on a connection of its own to `instance`'s database (its
    database_url from qadesk.toml, else its SQLite file), as another process would; returns the
    last statement's first value, or None."""
    from sqlalchemy import create_engine, text
    config = instance / "qadesk.toml"
    url = f"sqlite:///{instance / 'qadesk.db'}"
    if config.exists():
        try:
            import tomllib
        except ModuleNotFoundError:  # Python 3.10
            import tomli as tomllib
        url = tomllib.loads(config.read_text(encoding="utf-8")).get("database_url", url)
    engine = create_engine(url, connect_args={"timeout": 10} if url.startswith("sqlite") else {})
    try:
        with engine.begin() as connection:
            results = [connection.execute(text(statement), params) for statement in statements]
            return results[-1].scalar() if results and results[-1].returns_rows else None
    finally:
        engine.dispose()


def drop_trigger_sql(name: str, table: str, postgres: bool) -> str:
    """DROP TRIGGER as each engine spells it (PostgreSQL names the table)."""
    return f"DROP TRIGGER {name}" + (f" ON {table}" if postgres else "")
