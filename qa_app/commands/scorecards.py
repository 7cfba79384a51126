"""qadesk scorecard list / show / validate / import / activate / preview."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import click

from qa_app.commands.common import emit, fail, read_text_file
from qa_app.services import ServiceError

_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


def register(main: click.Group) -> None:
    main.add_command(scorecard)


@click.group()
def scorecard() -> None:
    """Scorecards: list, show, validate, import (new versions), activate and preview drafts."""


@scorecard.command("list")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def list_cards(obj, as_json: bool) -> None:
    """Name, active version, language, channels, queues, number of versions and evaluations."""
    from qa_app.services import scorecards
    with obj.app.app_context():
        rows = scorecards.summaries()
    lines = [f"{'name':<26} {'active':>6} {'lang':<5} {'channels':<10} {'queues':<36} {'versions':>8} {'evals':>6}"]
    for r in rows:
        active = f"v{r['active_version']}" if r["active_version"] else "-"
        lines.append(f"{r['name']:<26} {active:>6} {r['language'] or 'any':<5} "
                     f"{','.join(r['channels']) or 'any':<10} {','.join(r['queues']) or 'any':<36} "
                     f"{r['versions']:>8} {r['evaluations']:>6}")
    emit(rows, as_json, "\n".join(lines))


@scorecard.command("show")
@click.argument("name")
@click.option("--version", "version", type=int, default=None, help="This version (default: the active one).")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def show_card(obj, name: str, version: Optional[int], as_json: bool) -> None:
    """Print the definition of the active (or --version) version as YAML, or as JSON with --json."""
    from qa_app.services import scorecards
    with obj.app.app_context():
        try:
            row = scorecards.find_version(name, version)
        except ServiceError as exc:
            fail(str(exc))
        doc, text = scorecards.version_document(row), scorecards.definition_yaml(row)
    emit(doc, as_json, text.rstrip("\n"))


@scorecard.command("validate")
@click.argument("file", type=_FILE)
@click.option("--json", "as_json", is_flag=True)
def validate_card(file: Path, as_json: bool) -> None:
    """Check a YAML/JSON scorecard file; exit 1 listing every problem with its field path."""
    from qa_app.services import scorecards
    errors = scorecards.validation_errors(read_text_file(file))
    text = f"{file}: valid" if not errors else "\n".join(f"{file}: {e}" for e in errors)
    emit({"file": str(file), "valid": not errors, "errors": errors}, as_json, text)
    sys.exit(1 if errors else 0)


@scorecard.command("import")
@click.argument("file", type=_FILE)
@click.option("--draft", is_flag=True, help="Store the new version without activating it.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def import_card(obj, file: Path, draft: bool, as_json: bool) -> None:
    """Store FILE as the next version of the scorecard it names and activate it (unless --draft)."""
    from qa_app.services import scorecards
    text = read_text_file(file)
    with obj.app.app_context():
        try:
            row = scorecards.create_version(text, activate=not draft)
        except scorecards.InvalidScorecard as exc:
            _invalid(file, exc.errors, as_json)
        doc = scorecards.version_document(row)
    state = "active" if doc["active"] else "draft, not active"
    emit(doc, as_json, f"imported {doc['name']} v{doc['version']} ({state})")


def _invalid(file: Path, errors: list[str], as_json: bool) -> None:
    emit({"file": str(file), "valid": False, "errors": errors}, as_json,
         "\n".join(f"{file}: {e}" for e in errors))
    sys.exit(1)


@scorecard.command("activate")
@click.argument("name")
@click.option("--version", "version", type=int, required=True, help="The version to activate.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def activate_card(obj, name: str, version: int, as_json: bool) -> None:
    """Make a stored version the active one of its scorecard (the previous one is deactivated)."""
    from qa_app.services import scorecards
    with obj.app.app_context():
        try:
            row = scorecards.activate(name, version)
        except ServiceError as exc:
            fail(str(exc))
        doc = scorecards.version_document(row)
    emit(doc, as_json, f"activated {doc['name']} v{doc['version']}")


@scorecard.command("preview")
@click.argument("file", type=_FILE)
@click.option("--last", "last", type=click.IntRange(1, 1000), default=50, show_default=True,
              help="How many of the newest conversations to score.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def preview_card(obj, file: Path, last: int, as_json: bool) -> None:
    """Score the newest conversations with FILE and with the active version; nothing is stored."""
    from qa_app.services import preview, scorecards
    text = read_text_file(file)
    try:
        draft = scorecards.parse_text(text)
    except scorecards.InvalidScorecard as exc:
        _invalid(file, exc.errors, as_json)
    with obj.app.app_context():
        try:
            doc = preview.preview(draft, last)
        except ServiceError as exc:
            fail(str(exc))
    emit(doc, as_json, preview_text(doc))


def _stat(totals: Optional[dict], key: str) -> str:
    if not totals or totals.get(key) is None:
        return "-"
    value = totals[key]
    return f"{value:.0%}" if key == "auto_failed_share" else f"{value:.1f}"


def _counts(counts: Optional[dict]) -> str:
    return "-" if counts is None else f"{counts['pass']}/{counts['fail']}/{counts['na']}"


def preview_text(doc: dict) -> str:
    """The preview as a table for people: totals, then pass/fail/na per criterion."""
    active = doc["active"]
    lines = [f"{doc['draft']['name']} draft vs "
             + (f"active v{active['version']}" if active else "no active version")
             + f" on {doc['n']} conversations" + (f" ({doc['note']})" if doc["note"] else "")]
    lines.append(f"{'':<20} {'draft':>8} {'active':>8}")
    for key in ("mean", "median", "min", "max", "auto_failed_share"):
        lines.append(f"{key:<20} {_stat(doc['totals']['draft'], key):>8} {_stat(doc['totals']['active'], key):>8}")
    lines.append(f"{'criterion (pass/fail/na)':<32} {'draft':>12} {'active':>12}")
    for c in doc["criteria"]:
        lines.append(f"{c['id']:<32} {_counts(c['draft']):>12} {_counts(c['active']):>12}")
    lines.append(f"conversations whose score changes by more than 5 points: {doc['changed']}")
    return "\n".join(lines)
