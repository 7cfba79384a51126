"""A released instance's rows as a portable fixture, so an upgrade is tested from real data on any engine.

`dump(engine)` reads every table of a database (at whatever revision it is) into plain JSON values;
`load(engine, rows)` writes them into an empty database migrated to that same revision, on SQLite or
PostgreSQL, converting each value back by the reflected column type. A database dump file would tie the
fixture to one engine; rows do not. Regenerate with `python -m tests.release_data INSTANCE OUT.json.gz`.
"""
from __future__ import annotations

import base64
import gzip
import json
import sys
from datetime import date, datetime
from pathlib import Path

import sqlalchemy as sa

SKIP = {"alembic_version"}


def _plain(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (bytes, memoryview)):
        return {"base64": base64.b64encode(bytes(value)).decode("ascii")}
    return value


def dump(engine: sa.Engine) -> dict:
    """{"revision": …, "tables": {name: [row, …]}} with every row of every table, in key order."""
    meta = sa.MetaData()
    meta.reflect(engine)
    with engine.connect() as conn:
        revision = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar_one()
        tables = {}
        for table in meta.sorted_tables:
            if table.name in SKIP:
                continue
            order = list(table.primary_key.columns) or list(table.columns)
            rows = conn.execute(sa.select(table).order_by(*order)).mappings()
            tables[table.name] = [{k: _plain(v) for k, v in row.items()} for row in rows]
    return {"revision": revision, "tables": tables}


def _typed(column: sa.Column, value):
    if value is None:
        return None
    if isinstance(value, dict) and set(value) == {"base64"}:
        return base64.b64decode(value["base64"])
    kind = column.type
    if isinstance(kind, sa.DateTime) and isinstance(value, str):
        return datetime.fromisoformat(value)
    if isinstance(kind, sa.Date) and isinstance(value, str):
        return date.fromisoformat(value)
    if isinstance(kind, sa.Boolean):
        return bool(value)
    return value


def load(engine: sa.Engine, data: dict) -> dict[str, int]:
    """Insert the dumped rows (parents before children) in one transaction; returns rows per table.

    On PostgreSQL each id sequence is moved past the loaded ids, as a restore would, so the app's next
    insert does not collide with a loaded row."""
    meta = sa.MetaData()
    meta.reflect(engine)
    counts = {}
    with engine.begin() as conn:
        for table in meta.sorted_tables:
            if table.name in SKIP:
                continue
            rows = data["tables"].get(table.name, [])
            if rows:
                conn.execute(table.insert(), [{k: _typed(table.c[k], v) for k, v in r.items()} for r in rows])
            counts[table.name] = len(rows)
            if engine.dialect.name == "postgresql" and rows and "id" in table.c:
                conn.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
                                     f"(SELECT max(id) FROM \"{table.name}\"))"))
    return counts


def read(path: Path) -> dict:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return json.load(handle)


def main(instance: str, out: str) -> None:
    from qa_app import create_app
    from qa_app.extensions import db
    app = create_app({"TESTING": True}, instance_path=str(Path(instance).resolve()))
    with app.app_context():
        data = dump(db.engine)
    with gzip.open(out, "wt", encoding="utf-8") as handle:
        json.dump(data, handle, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    print(f"{out}: revision {data['revision']}, {sum(map(len, data['tables'].values()))} rows")


if __name__ == "__main__":
    main(*sys.argv[1:3])
