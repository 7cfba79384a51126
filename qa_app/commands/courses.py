"""qadesk course list / show / validate / import / export (docs/courses.md)."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import click

from qa_app.commands.common import emit, fail, read_text_file, write_or_echo
from qa_app.services import ServiceError

_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


def register(main: click.Group) -> None:
    main.add_command(course)


@click.group()
def course() -> None:
    """Courses: list, show, validate, import (new courses or new versions) and export as YAML."""


@course.command("list")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def list_courses(obj, as_json: bool) -> None:
    """Code, language, version, where it comes from, modules, questions (drawn / pool), pass mark, open assignments."""
    from qa_app.services import course_authoring
    with obj.app.app_context():
        rows = course_authoring.summaries()
    lines = [f"{'code':<18} {'lang':<5} {'version':>7} {'source':<8} {'modules':>7} {'questions':>9} "
             f"{'pass':>4} {'open':>5}  title"]
    for r in rows:
        questions = f"{r['draw']}/{r['questions']}" if r["draw"] else str(r["questions"])
        lines.append(f"{r['code']:<18} {r['language'] or '-':<5} {r['version']:>7} {r['source']:<8} "
                     f"{r['modules']:>7} {questions:>9} {r['pass_mark']:>3}% {r['open_assignments']:>5}  {r['title']}")
    emit(rows, as_json, "\n".join(lines))


@course.command("show")
@click.argument("code")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def show_course(obj, code: str, as_json: bool) -> None:
    """Print the stored course as its YAML course file, or whole as JSON with --json."""
    from qa_app.services import course_authoring
    with obj.app.app_context():
        try:
            doc = course_authoring.document(code) if as_json else None
            text = course_authoring.export_yaml(code)
        except ServiceError as exc:
            fail(str(exc))
    emit(doc, as_json, text.rstrip("\n"))


@course.command("export")
@click.argument("code")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the YAML to this file (default: standard output).")
@click.pass_obj
def export_course(obj, code: str, output: Optional[Path]) -> None:
    """Write the stored course as one YAML file that `qadesk course import` reads back."""
    from qa_app.services import course_authoring
    with obj.app.app_context():
        try:
            text = course_authoring.export_yaml(code)
        except ServiceError as exc:
            fail(str(exc))
    write_or_echo(text, output, f"exported {code} to {output}")


@course.command("validate")
@click.argument("file", type=_FILE)
@click.option("--json", "as_json", is_flag=True)
def validate_course(file: Path, as_json: bool) -> None:
    """Check a YAML course file; exit 1 with the problem and its field path. Nothing is stored."""
    from qa_app.services import course_authoring
    errors = course_authoring.validation_errors(read_text_file(file), file.name)
    emit({"file": str(file), "valid": not errors, "errors": errors}, as_json,
         f"{file}: valid" if not errors else "\n".join(errors))
    sys.exit(1 if errors else 0)


@course.command("import")
@click.argument("file", type=_FILE)
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def import_course(obj, file: Path, as_json: bool) -> None:
    """Store FILE as a new course, or as the next version of the course with its code."""
    from qa_app.services import course_authoring
    text = read_text_file(file)
    with obj.app.app_context():
        try:
            done = course_authoring.import_course(text, file.name)
        except course_authoring.InvalidCourse as exc:
            emit({"file": str(file), "valid": False, "errors": exc.errors}, as_json, "\n".join(exc.errors))
            sys.exit(1)
    verb = "created" if done.created else "updated"
    emit(done.as_dict(), as_json, f"{verb} {done.code} v{done.version} ({done.modules} modules, "
                                  f"{done.questions} questions)")
