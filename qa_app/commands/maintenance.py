"""qadesk backup / restore / erase: the instance's data as a whole, and one customer's."""
from __future__ import annotations

import click

from qa_app.commands.common import emit, fail
from qa_app.services import ServiceError


def register(main: click.Group) -> None:
    main.add_command(backup)
    main.add_command(restore)
    main.add_command(erase)


@click.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--force", is_flag=True, help="Overwrite FILE if it exists.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def backup(obj, file: str, force: bool, as_json: bool) -> None:
    """Write a consistent copy of the SQLite database to FILE (safe while `qadesk serve` runs).

    PostgreSQL: use pg_dump (docs/deployment.md, Backups). Call recordings (instance/audio) are
    not in the database: copy that folder as well."""
    from qa_app.services import backup as service
    with obj.app.app_context():
        try:
            report = service.backup(file, overwrite=force)
        except ServiceError as exc:
            fail(str(exc))
    emit(report.as_dict(), as_json, f"backed up {report.conversations} conversations to {report.file} "
                                    f"({report.bytes:,} bytes, schema {report.revision})")


@click.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--force", is_flag=True, help="Restore even though a `qadesk serve` is using the instance.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def restore(obj, file: str, force: bool, as_json: bool) -> None:
    """Replace the database with the QA Desk backup FILE, keeping the replaced one as a copy."""
    from qa_app.services import backup as service
    with obj.app.app_context():
        try:
            report = service.restore(file, force=force)
        except ServiceError as exc:
            fail(str(exc))
    emit(report.as_dict(), as_json, f"restored {report.conversations} conversations from {report.file} "
                                    f"(schema {report.revision}); the previous database is kept as {report.previous}")


@click.command()
@click.option("--customer", required=True, metavar="ID", help="The customer id stored with the conversations.")
@click.option("--dry-run", is_flag=True, help="Only report what would be erased.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def erase(obj, customer: str, dry_run: bool, as_json: bool) -> None:
    """Erase one customer's data on request: transcripts, recordings, survey comments and
    exemplars of their conversations; scores are kept (docs/deployment.md, Erasure)."""
    from qa_app.services import erasure
    with obj.app.app_context():
        try:
            report = erasure.erase_customer(customer, dry_run=dry_run)
        except ServiceError as exc:
            fail(str(exc))
    emit(report.as_dict(), as_json, _erase_text(report))


def _erase_text(report) -> str:
    verb = "would erase" if report.dry_run else "erased"
    return (f"{verb} {len(report.conversations)} conversations ({', '.join(report.conversations)}): "
            f"{report.turns} turn texts, {report.audio_files} recordings, {report.survey_comments} survey comments, "
            f"{report.exemplars} exemplars; scores kept")
