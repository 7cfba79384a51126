"""qadesk config show: the effective settings of the instance and where each one came from."""
from __future__ import annotations

import json

import click


def register(main: click.Group) -> None:
    main.add_command(config)


@click.group()
def config() -> None:
    """Instance settings (qadesk.toml in the instance folder, then environment variables)."""


@config.command("show")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@click.pass_obj
def show(obj, as_json: bool) -> None:
    """Print every setting, its value (secrets masked) and its source: default, file or env.

    A bad value is reported like at start-up (exit status 2). The database is not opened.
    """
    from qa_app import settings
    from qa_app.config import instance_dir
    folder = instance_dir(obj.instance)
    built = settings.load(folder, create_secret=False)
    rows = settings.describe(built)
    path = folder / settings.FILE_NAME
    doc = {"instance": str(folder), "file": str(path) if path.exists() else None, "settings": rows}
    click.echo(json.dumps(doc, ensure_ascii=False, indent=2) if as_json else _table(rows, doc["file"]))


def _table(rows: list[dict], file: str | None) -> str:
    width = max(len(r["name"]) for r in rows)
    shown = [(r["name"], _text(r["value"]), r["source"]) for r in rows]
    value_width = min(max(len(v) for _, v, _ in shown), 60)
    lines = [f"{'setting':<{width}}  {'value':<{value_width}}  source",
             f"{'-' * width}  {'-' * value_width}  ------"]
    lines += [f"{name:<{width}}  {value:<{value_width}}  {source}" for name, value, source in shown]
    lines.append(f"file: {file or 'none (defaults and environment only)'}")
    return "\n".join(lines)


def _text(value) -> str:
    if value is None:
        return "(auto)"
    if value in ("", {}):
        return "(empty)"
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, dict):
        return ",".join(f"{login}:{weight:g}" for login, weight in value.items())
    return str(value)
