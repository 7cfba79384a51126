"""qadesk training list / report appraisal."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import click

from qa_app.commands.common import check_table_output, emit, fail, write_tables
from qa_app.services import ServiceError


def register(main: click.Group) -> None:
    main.add_command(training)
    main.add_command(report)


@click.group()
def training() -> None:
    """Training assignments."""


@training.command("list")
@click.option("--agent", default=None, help="Only this agent's assignments.")
@click.option("--status", default=None, type=click.Choice(["assigned", "overdue", "completed", "cancelled"]))
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def training_list(obj, agent: Optional[str], status: Optional[str], as_json: bool) -> None:
    """List assignments: agent, course, reason, due date, status."""
    from qa_app.services import training as service, users
    with obj.app.app_context():
        admin = users.find_user("admin") or _system_user()
        docs = [service.assignment_document(a) for a in service.visible_assignments(admin, agent, status)]
    text = "\n".join(f"{d['agent']:<16} {d['course']:<16} {d['status']:<10} due {d['due'][:10]}  {d['reason']}"
                     for d in docs) or "no assignments"
    emit(docs, as_json, text)


@training.command("assign")
@click.option("--agent", default=None, help="The agent's login.")
@click.option("--team", default=None, help="Every active agent of this team (instead of --agent).")
@click.option("--course", required=True, help="Course code, e.g. compliance-en.")
@click.option("--due", "due_on", default=None, type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Due date (YYYY-MM-DD); default QADESK_TRAINING_DUE_DAYS days from now.")
@click.option("--reason", default="", help="Shown to the agent.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def training_assign(obj, agent: Optional[str], team: Optional[str], course: str, due_on, reason: str,
                    as_json: bool) -> None:
    """Assign a course to an agent or a whole team (as the admin); agents who have it open are skipped."""
    from qa_app import clock
    from qa_app.services import NotFound, training as service, users
    if (agent is None) == (team is None):
        raise click.UsageError("give either --agent or --team")
    with obj.app.app_context():
        days = None
        if due_on is not None:
            days = (due_on.date() - clock.today()).days
            if days < 1:
                fail(f"--due: {due_on.date()} is not after today ({clock.today()})")
        try:
            done = service.assign_by_hand(users.get_user("admin"), course, agent_login=agent, team=team,
                                          due_days=days, reason=reason)
        except (NotFound, ServiceError) as exc:
            fail(str(exc))
        doc = {"assigned": [service.assignment_document(a) for a in done.assigned],
               "skipped": [{"agent": login, "why": why} for login, why in done.skipped]}
    text = "\n".join([f"assigned {d['course']} to {d['agent']}, due {d['due'][:10]}" for d in doc["assigned"]]
                     + [f"skipped {s['agent']}: {s['why']}" for s in doc["skipped"]]) or "nobody to assign"
    emit(doc, as_json, text)


@training.command("effectiveness")
@click.option("--course", default=None, help="Only this course (code).")
@click.option("--json", "as_json", is_flag=True)
@click.option("--format", "fmt", default="text", type=click.Choice(["text", "json", "csv", "xlsx"]), show_default=True,
              help="csv: the courses table; xlsx: sheets Courses and Before and after (docs/reports.md).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write csv or xlsx to this file (needed for xlsx).")
@click.pass_obj
def training_effectiveness(obj, course: Optional[str], as_json: bool, fmt: str, output: Optional[Path]) -> None:
    """Per course: completed, on time, score and triggering criteria before vs after (mean change with
    its 95 % interval), flagged when the criteria did not move; quiz scores (docs/courses.md)."""
    from qa_app.services import effectiveness
    fmt = "json" if as_json else fmt
    check_table_output(fmt, output)
    with obj.app.app_context():
        figures = effectiveness.course_effects(course)
    if course and not figures:
        fail(f"no course with code {course!r}")
    if fmt in ("csv", "xlsx"):
        tables = effectiveness.export_tables(figures)
        write_tables(tables[:1] if fmt == "csv" else tables, fmt, output)
        return
    docs = [effectiveness.document(f) for f in figures]
    emit(docs, fmt == "json", "\n".join(_effect_line(d) for d in docs) or "no completed courses yet")


def _effect_line(d: dict) -> str:
    def fmt(c: dict) -> str:
        if c["mean"] is None:
            return "n=0"
        interval = f" [{c['low']:+.1f}, {c['high']:+.1f}]" if c["low"] is not None else ""
        return f"n={c['n']} {c['mean']:+.1f}{interval}"
    flag = "  FLAGGED: criteria did not move" if d["flagged"] else ""
    return (f"{d['course']:<16} completed {d['completed']} (on time {d['on_time']})  score {fmt(d['score_change'])}"
            f"  criteria {fmt(d['criteria_change'])} pts{flag}")


def _system_user():
    from qa_app.models import User
    return User(login="system", role="admin")


@click.group()
def report() -> None:
    """Reports."""


@report.command("appraisal")
@click.option("--period", required=True, help="2026-11, 2026-Q4 or 2026.")
@click.option("--format", "fmt", default="json", type=click.Choice(["json", "csv", "xlsx"]), show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file (needed for xlsx); CSV files get a UTF-8 byte-order mark for Excel.")
@click.option("--json", "as_json", is_flag=True, help="Same as --format json.")
@click.pass_obj
def appraisal(obj, period: str, fmt: str, output: Optional[Path], as_json: bool) -> None:
    """Per-agent appraisal figures for a period, as JSON, CSV or XLSX (docs/reports.md, "Exports")."""
    import json
    from qa_app.services import reports
    fmt = "json" if as_json else fmt
    check_table_output(fmt, output)
    with obj.app.app_context():
        try:
            rep = reports.appraisal_report(period)
        except ServiceError as exc:
            fail(str(exc))
    if fmt != "json":
        write_tables([reports.appraisal_table(rep)], fmt, output)
        return
    body = json.dumps(rep.as_dict(), ensure_ascii=False, indent=2, default=str)
    if output:
        output.write_text(body, encoding="utf-8")
        click.echo(f"wrote {output}", err=True)
    else:
        click.echo(body)


@training.command("paths")
@click.option("--json", "as_json", is_flag=True)
def training_paths(as_json: bool) -> None:
    """The onboarding paths: code, title and their courses in the order they unlock."""
    from dataclasses import asdict
    from qa_app.services import onboarding
    found = onboarding.available_paths()
    emit([asdict(p) for p in found], as_json,
         "\n".join(f"{p.code:<16} {p.title}\n  {' -> '.join(p.courses)}" for p in found))


@training.command("onboard")
@click.option("--agent", required=True, help="The new agent's login.")
@click.option("--path", "path_code", required=True, help="Onboarding path code (qadesk training paths).")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def training_onboard(obj, agent: str, path_code: str, as_json: bool) -> None:
    """Enrol an agent on an onboarding path (as the admin): the first course is assigned now."""
    from qa_app.services import onboarding, users
    with obj.app.app_context():
        admin = users.find_user("admin") or _system_user()
        try:
            enrolment = onboarding.start(admin, agent, path_code)
        except ServiceError as exc:
            fail(str(exc))
        doc = {"agent": agent, "path": enrolment.path_code, "courses": enrolment.courses}
    emit(doc, as_json, f"{agent} is on {doc['path']}: {doc['courses'][0]} assigned, then "
                       f"{', '.join(doc['courses'][1:]) or 'nothing more'}")
