"""qadesk report qa (the QA overview's figures), qadesk team timezone (local weekdays and shifts) and
qadesk rollups rebuild (the dashboards' daily rollup from the raw rows)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import click

from qa_app.commands.common import check_table_output, emit, fail, write_or_echo, write_tables
from qa_app.commands.reports import report
from qa_app.services import ServiceError


def register(main: click.Group) -> None:
    report.add_command(qa)
    main.add_command(team)
    main.add_command(rollups)


@click.group()
def rollups() -> None:
    """The dashboards' daily rollup (docs/reports.md)."""


@rollups.command("rebuild")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def rollups_rebuild(obj, as_json: bool) -> None:
    """Sum every day of the dashboards' rollup again from the final evaluations, in one transaction.
    Idempotent; needed after rows were loaded around the services (bench/gen.py does it) or to repair."""
    from qa_app.services import rollups as service
    with obj.app.app_context():
        counts = service.rebuild()
    emit(counts, as_json, f"rollup rebuilt: {counts['rollup_rows']:,} rows, {counts['failure_rows']:,} failure rows, "
                          f"{counts['evaluations']:,} final evaluations")


@click.command("qa")
@click.option("--period", required=True, help="2026-11, 2026-Q4 or 2026.")
@click.option("--team", "team_name", default=None, help="Only this team's agents.")
@click.option("--channel", default=None)
@click.option("--queue", default=None)
@click.option("--language", default=None)
@click.option("--step", default="week", type=click.Choice(["week", "day"]), show_default=True,
              help="Points of the trends.")
@click.option("--format", "fmt", default="json", type=click.Choice(["json", "csv", "xlsx"]), show_default=True)
@click.option("--table", "table_name", default=None,
              help="Only this table (csv needs one: e.g. by_team, pareto; json and xlsx: all by default).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to FILE (xlsx needs it; csv and json print otherwise).")
@click.pass_obj
def qa(obj, period: str, team_name: Optional[str], channel, queue, language, step: str, fmt: str,
       table_name: Optional[str], output: Optional[Path]) -> None:
    """The QA overview dashboard's figures for every team (as an admin sees them): named tables,
    each with a header, rows and the conversation filters behind every row (docs/reports.md).
    As csv (one table) or xlsx (a sheet per table) through the export module."""
    from qa_app.models import User
    from qa_app.services import qa_overview, users
    check_table_output(fmt, output)
    with obj.app.app_context():
        viewer = users.find_user("admin") or User(login="system", role="admin")
        try:
            filters = qa_overview.parse(period, team=team_name, channel=channel, queue=queue, language=language,
                                        step=step)
            view = qa_overview.overview(viewer, filters)
            tables = qa_overview.export_tables(view, table_name) if fmt != "json" or table_name else None
        except ServiceError as exc:
            fail(str(exc))
    if fmt != "json":
        write_tables(tables, fmt, output)
        return
    document = view.as_dict()
    if table_name:
        document["tables"] = [t for t in document["tables"] if t["name"] == table_name]
    write_or_echo(json.dumps(document, ensure_ascii=False, indent=2, default=str) + "\n", output, f"wrote {output}")


@click.group()
def team() -> None:
    """Teams."""


@team.command("timezone")
@click.argument("name")
@click.argument("zone", required=False)
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def team_timezone(obj, name: str, zone: Optional[str], as_json: bool) -> None:
    """Show or set the IANA time zone a team works in (e.g. Europe/London); weekdays and shifts
    in the dashboards are the team's local time. Without ZONE: print it."""
    from qa_app.services import NotFound, users
    with obj.app.app_context():
        try:
            found = users.set_team_timezone(name, zone) if zone else users.get_team(name)
        except (NotFound, ServiceError) as exc:
            fail(str(exc))
        doc = {"team": found.name, "timezone": found.timezone or "UTC"}
    emit(doc, as_json, f"{doc['team']}: {doc['timezone']}")
