"""qadesk surveys import: CSAT and NPS answers from a survey tool's CSV export (docs/surveys.md)."""
from __future__ import annotations

import sys

import click

from qa_app.commands.common import emit, fail
from qa_app.services import ServiceError


def register(main: click.Group) -> None:
    main.add_command(surveys)


@click.group()
def surveys() -> None:
    """Customer surveys (CSAT 1-5, NPS 0-10) matched to conversations."""


@surveys.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def import_(obj, path: str, as_json: bool) -> None:
    """Import a survey CSV: good rows are stored in one transaction, bad rows listed with their line and
    reason; importing the same file again stores nothing twice. Exit status 0 when no row was bad, 1 otherwise.
    """
    from qa_app.services import surveys as service
    with obj.app.app_context():
        try:
            report = service.import_path(path)
        except ServiceError as exc:
            fail(str(exc))
    emit(report.as_dict(), as_json, _text(report))
    sys.exit(0 if report.ok else 1)


def _text(report) -> str:
    lines = [f"{report.source}: imported {len(report.imported)}, already imported {len(report.already)}, "
             f"bad {len(report.bad)}; CSAT updated on {report.csat_updated} conversations"]
    lines += [f"  line {b.line}: {b.reason}" for b in report.bad]
    return "\n".join(lines)
