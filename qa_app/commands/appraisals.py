"""qadesk appraisal template list|import|export|validate, draft, list, show, finalise (docs/appraisals.md)."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import click

from qa_app.commands.common import emit, fail, read_text_file, write_or_echo

_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


def register(main: click.Group) -> None:
    main.add_command(appraisal)


@click.group()
def appraisal() -> None:
    """Appraisals: templates, drafting a period, listing, showing and finalising."""


@appraisal.group()
def template() -> None:
    """Appraisal templates: list, export, validate and import them as YAML."""


@template.command("list")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def template_list(obj, as_json: bool) -> None:
    """The templates in force: code, version, who they apply to, KPIs and weights."""
    from qa_app.services import appraisal_templates
    with obj.app.app_context():
        docs = [appraisal_templates.version_document(row) for row, _ in appraisal_templates.in_force()]
    lines = []
    for d in docs:
        t = d["definition"]
        applies = ", ".join(t.get("teams", []) + t.get("languages", [])) + (" (default)" if t.get("default") else "")
        lines.append(f"{d['code']} v{d['version']}  {d['title']}  [{applies}]")
        lines += [f"  {k['kind']:<22} weight {k['weight']:>3}  target {k['target']}" for k in t["kpis"]]
    emit(docs, as_json, "\n".join(lines) or "no templates")


@template.command("export")
@click.option("--code", default=None, help="Only this template.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None)
@click.pass_obj
def template_export(obj, code: Optional[str], output: Optional[Path]) -> None:
    """Write the templates in force as one YAML file that `template import` reads back."""
    from qa_app.services import ServiceError, appraisal_templates
    with obj.app.app_context():
        try:
            text = appraisal_templates.export_yaml(code)
        except ServiceError as exc:
            fail(str(exc))
    write_or_echo(text, output, f"exported the templates to {output}")


@template.command("validate")
@click.argument("file", type=_FILE)
@click.option("--json", "as_json", is_flag=True)
def template_validate(file: Path, as_json: bool) -> None:
    """Check a template file; exit 1 with the problem and its field path."""
    from qa_app.services import ServiceError, appraisal_templates
    try:
        found = appraisal_templates.validate_yaml(read_text_file(file), file.name)
    except ServiceError as exc:
        fail(str(exc))
    emit({"valid": True, "templates": [t.code for t in found]}, as_json,
         f"{file.name}: valid ({', '.join(t.code for t in found)})")


@template.command("import")
@click.argument("file", type=_FILE)
@click.option("--note", default="", help="Why (kept with each new version).")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def template_import(obj, file: Path, note: str, as_json: bool) -> None:
    """Store a new version of each template in the file that changed; nothing when the file is invalid."""
    from qa_app.services import ServiceError, appraisal_templates, users
    text = read_text_file(file)
    with obj.app.app_context():
        try:
            stored = appraisal_templates.import_yaml(users.find_user("admin"), text, file.name, note)
        except ServiceError as exc:
            fail(str(exc))
        docs = [{"code": r.code, "version": r.version} for r in stored]
    emit(docs, as_json, "\n".join(f"stored {d['code']} v{d['version']}" for d in docs) or "no template changed")


@appraisal.command("draft")
@click.option("--period", required=True, help="2026-11, 2026-Q4 or 2026.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def draft(obj, period: str, as_json: bool) -> None:
    """Draft every active agent's appraisal for a period (what the monthly job does); finalised ones are kept."""
    from qa_app.services import ServiceError, appraisals, users
    with obj.app.app_context():
        try:
            summary = appraisals.draft_period(period, users.find_user("admin")).as_dict()
        except ServiceError as exc:
            fail(str(exc))
    text = (f"{summary['period']}: {summary['created']} created, {summary['updated']} updated, "
            f"{summary['unchanged']} unchanged, {summary['kept_final']} finalised kept")
    if summary["no_template"]:
        text += f"\nno template for: {', '.join(summary['no_template'])}"
    emit(summary, as_json, text)


@appraisal.command("list")
@click.option("--period", required=True, help="2026-11, 2026-Q4 or 2026.")
@click.option("--state", default=None, type=click.Choice(["draft", "review", "final"]))
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def list_appraisals(obj, period: str, state: Optional[str], as_json: bool) -> None:
    """The period's appraisals: id, agent, team, state, overall rating, band, final rating."""
    from qa_app.services import ServiceError, appraisals
    with obj.app.app_context():
        try:
            docs = [appraisals.document(a) for a in appraisals.visible(_reader(), period, state)]
        except ServiceError as exc:
            fail(str(exc))
    for d in docs:
        d.pop("kpis")
    lines = [f"{d['id']:>5} {d['agent']:<16} {d['team'] or '-':<10} {d['state']:<7} "
             f"{_num(d['overall']):>5} {d['band'] or 'too little data':<16} {d['final_rating'] or ''}"
             f"{'  CONTESTED' if d['contested'] else ''}" for d in docs]
    emit(docs, as_json, "\n".join(lines) or "no appraisals")


def _num(value) -> str:
    return "-" if value is None else f"{value:g}"


def _reader():
    from qa_app.models import User
    return User(login="cli", role="admin")  # the shell's user sees every appraisal


@appraisal.command("show")
@click.argument("appraisal_id", type=int)
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def show(obj, appraisal_id: int, as_json: bool) -> None:
    """Every KPI with its value, n, target, rating and the ids of the evidence behind it."""
    from dataclasses import asdict
    from qa_app.services import ServiceError, appraisals
    with obj.app.app_context():
        try:
            row = appraisals.get_for(_reader(), appraisal_id)
            doc = appraisals.document(row)
            doc["changed_since_final"] = [asdict(c) for c in appraisals.changed_since_final(row)]
        except ServiceError as exc:
            fail(str(exc))
    emit(doc, as_json, _show_text(doc))


def _show_text(d: dict) -> str:
    lines = [f"appraisal {d['id']}: {d['agent']} ({d['team'] or 'no team'}), {d['period']}, {d['state']}, "
             f"template {d['template']} v{d['template_version']}",
             f"overall {_num(d['overall'])} ({d['band'] or 'too little data'}); proposed {d['proposed_rating'] or '-'}; "
             f"final {d['final_rating'] or '-'}"]
    for k in d["kpis"]:
        rating = "too little data" if k["rating"] is None else f"rating {k['rating']:g}"
        evidence = ", ".join(f"{kind} {i}" for kind, i in k["evidence"]) or "none"
        lines.append(f"  {k['kind']:<22} {_num(k['value']):>6} {k['unit']:<6} n={k['n']:<4} target {k['target']:g}  "
                     f"{rating}\n    evidence: {evidence}")
    for c in d["changed_since_final"]:
        lines.append(f"  changed since finalised: {c['kind']} {c['field']} {c['before']} -> {c['after']}")
    return "\n".join(lines)


@appraisal.command("finalise")
@click.argument("appraisal_id", type=int)
@click.option("--rating", default=None, help="A band of the template (default: the lead's proposal, else the figures' band).")
@click.option("--by", "by_login", default=None, help="The HR user who signs (default: the first active HR user).")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def finalise(obj, appraisal_id: int, rating: Optional[str], by_login: Optional[str], as_json: bool) -> None:
    """Freeze the appraisal's figures and sign it with the final rating."""
    from qa_app.services import ServiceError, appraisal_workflow, appraisals
    with obj.app.app_context():
        try:
            row = appraisal_workflow.finalise(_signer(by_login), appraisal_id, rating)
        except ServiceError as exc:
            fail(str(exc))
        doc = appraisals.document(row)
    emit(doc, as_json, f"appraisal {doc['id']} ({doc['agent']}, {doc['period']}) is final: {doc['final_rating']}")


def _signer(login: Optional[str]):
    from qa_app.extensions import db
    from qa_app.models import User
    query = db.select(User).where(User.role == "hr", User.active.is_(True)).order_by(User.login)
    if login:
        query = query.where(User.login == login)
    user = db.session.scalars(query).first()
    if user is None:
        fail(f"no active HR user {login!r}" if login else "no active HR user to sign; add one or give --by")
    return user
