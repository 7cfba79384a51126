"""Is the instance's database at the schema this code needs? One alembic_version query at start-up,
so a command or server on an instance not yet upgraded stops with one line saying what to run,
instead of failing later on a missing column. `init` (which upgrades), `backup`, `restore` and
`config` do not ask (qa_app.commands.common.Context)."""
from __future__ import annotations

import re
from typing import Optional

import sqlalchemy as sa

from flask_babel import gettext as _

from qa_app.extensions import MIGRATIONS, db
from qa_app.schema_head import HEAD
from qa_app.services import ServiceError

REVISION_LINE = re.compile(r"""^revision\s*=\s*['"]([0-9a-zA-Z_]+)['"]""", re.MULTILINE)


class SchemaMismatch(ServiceError):
    """The database is not at HEAD: not created yet, behind (upgrade it) or from a newer QA Desk."""


def stored_revisions() -> Optional[frozenset[str]]:
    """The revisions in the database's alembic_version table (one query), None when it has no such
    table (never initialised). A database that cannot be reached raises as it would anyway."""
    with db.engine.connect() as connection:
        try:
            return frozenset(connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalars())
        except sa.exc.DBAPIError:
            connection.rollback()
            if sa.inspect(connection).has_table("alembic_version"):
                raise
            return None


def known_revisions() -> frozenset[str]:
    """Every revision this code's migration files define (read as text: no Alembic import)."""
    return frozenset(match for path in (MIGRATIONS / "versions").glob("*.py")
                     for match in REVISION_LINE.findall(path.read_text(encoding="utf-8")))


def problem(instance: str) -> Optional[str]:
    """None when the database is at HEAD, else one line naming the database's revision, this code's
    (HEAD) and what to run; `instance` is the folder the fix names (`qadesk --instance DIR init`)."""
    stored = stored_revisions()
    if stored == {HEAD}:
        return None
    fix = f"qadesk --instance {instance} init"
    if not stored:
        return _("the database has no QA Desk schema yet (this version needs schema revision %(head)s): "
                 "run `%(fix)s` to create it", head=HEAD, fix=fix)
    found = ", ".join(sorted(stored))
    if stored - known_revisions():
        return _("the database is at schema revision %(found)s, which this version of QA Desk does not know "
                 "(its newest is %(head)s): a newer QA Desk upgraded it; run that version", found=found, head=HEAD)
    return _("the database is at schema revision %(found)s, older than this version's %(head)s: "
             "run `%(fix)s` to upgrade it (a backup first: `%(backup)s`)", found=found, head=HEAD, fix=fix,
             backup=f"qadesk --instance {instance} backup FILE")


def check(instance: str) -> None:
    """SchemaMismatch with problem()'s line unless the database is at HEAD."""
    reason = problem(instance)
    if reason:
        raise SchemaMismatch(reason)
