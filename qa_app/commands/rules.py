"""qadesk rules list / history / export / validate / import [--dry-run] (docs/courses.md, "Training rules")."""
from __future__ import annotations

import sys
from dataclasses import asdict
from pathlib import Path
from typing import Optional

import click

from qa_app.commands.common import emit, fail, read_text_file, write_or_echo

_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


def register(main: click.Group) -> None:
    main.add_command(rules)


@click.group()
def rules() -> None:
    """Training rules: list them, see their versions, export, validate and import them as YAML."""


@rules.command("list")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def list_rules(obj, as_json: bool) -> None:
    """The rules in force: id, condition, course, due days, cooldown, language, active."""
    from qa_app.services import training_rules
    from training.rules import describe
    with obj.app.app_context():
        row = training_rules.current()
        parsed = training_rules.rules_of(row)
    doc = {"version": row.version if row else None, "rules": [asdict(r) for r in parsed]}
    lines = [f"version {doc['version']}",
             f"{'id':<16} {'course':<18} {'due':>4} {'cool':>4} {'lang':<5} {'on':<3} condition"]
    for r in parsed:
        lines.append(f"{r.id:<16} {r.course_code:<18} {r.due_days:>4} {r.cooldown_days:>4} {r.language or '-':<5} "
                     f"{'yes' if r.active else 'no':<3} {describe(r)}")
    emit(doc, as_json, "\n".join(lines))


@rules.command("history")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def history(obj, as_json: bool) -> None:
    """Every stored version, newest first, with who saved it and the note."""
    from qa_app.services import training_rules
    with obj.app.app_context():
        docs = [training_rules.version_document(v) for v in training_rules.versions()]
    lines = [f"v{d['version']:<4} {d['created_at'][:16]}  {d['created_by'] or 'system':<12} "
             f"{len(d['rules']):>3} rules  {d['note']}" for d in docs]
    emit(docs, as_json, "\n".join(lines) or "no rules stored")


@rules.command("export")
@click.option("--version", "version", type=int, default=None, help="A stored version (default: the one in force).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the YAML to this file (default: standard output).")
@click.pass_obj
def export_rules(obj, version: Optional[int], output: Optional[Path]) -> None:
    """Write the rules as one YAML file that `qadesk rules import` reads back."""
    from qa_app.services import ServiceError, training_rules
    with obj.app.app_context():
        try:
            text = training_rules.export_yaml(version)
        except ServiceError as exc:
            fail(str(exc))
    write_or_echo(text, output, f"exported the rules to {output}")


@rules.command("validate")
@click.argument("file", type=_FILE)
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def validate_rules(obj, file: Path, as_json: bool) -> None:
    """Check a rule file against this instance; exit 1 with each problem and its field path."""
    from qa_app.services import training_rules
    text = read_text_file(file)
    with obj.app.app_context():
        try:
            parsed, errors = training_rules.check(text, file.name), []
        except training_rules.InvalidRules as exc:
            parsed, errors = (), exc.errors
    emit({"file": str(file), "valid": not errors, "errors": errors, "rules": len(parsed)}, as_json,
         f"{file}: valid, {len(parsed)} rules" if not errors else "\n".join(errors))
    sys.exit(1 if errors else 0)


@rules.command("import")
@click.argument("file", type=_FILE)
@click.option("--note", default="", help="Why the rules change (kept with the version and in the audit log).")
@click.option("--dry-run", is_flag=True, help="Show what the rules would assign tonight; store nothing.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def import_rules(obj, file: Path, note: str, dry_run: bool, as_json: bool) -> None:
    """Store FILE as the next version of the rules, in force at once (or only show a dry run)."""
    from qa_app.services import rule_runs, training_rules
    text = read_text_file(file)
    with obj.app.app_context():
        try:
            parsed = training_rules.check(text, file.name)
            if dry_run:
                result = rule_runs.dry_run(parsed)
                emit(result.as_dict(), as_json, _dry_run_text(result))
                return
            row = training_rules.save(text, actor=None, source=file.name, note=note or f"imported from {file.name}")
        except training_rules.InvalidRules as exc:
            emit({"file": str(file), "valid": False, "errors": exc.errors}, as_json, "\n".join(exc.errors))
            sys.exit(1)
        doc = {"version": row.version, "rules": len(row.rules)}
    emit(doc, as_json, f"rules version {doc['version']} in force ({doc['rules']} rules)")


def _dry_run_text(result) -> str:
    lines = [f"over the newest final evaluations of {result.agents} agents these rules would assign "
             f"{len(result.assign)} courses"]
    lines += [f"  {w.agent:<16} {w.course_code:<18} {w.rule_id:<16} {w.reason}" for w in result.assign]
    lines.append(f"not assigned by the rules in force: {len(result.gained)}; "
                 f"assigned by the rules in force only: {len(result.lost)}")
    if result.skipped:
        lines.append("held back: " + ", ".join(f"{k} {v}" for k, v in sorted(result.skipped.items())))
    return "\n".join(lines)
