"""The `qadesk` command: instance set-up, ingestion, scoring, training and reports from the shell."""
from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from typing import Optional

import click

from qa_app.services import ServiceError


class Context:
    """Holds the instance folder and builds the app once, when a command first needs it."""

    def __init__(self, instance: Optional[str]):
        self.instance = instance
        self._app = None

    @property
    def app(self):
        if self._app is None:
            from qa_app import create_app
            self._app = create_app(instance_path=self.instance)
        return self._app


def emit(data, as_json: bool, text: str | None = None) -> None:
    """One JSON document on stdout with --json, else the human text."""
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    elif text is not None:
        click.echo(text)


@contextmanager
def progress_bar(total: Optional[int], desc: str, quiet: bool):
    """A tqdm bar on a terminal; nothing when quiet or when stderr is not a terminal."""
    if quiet or not sys.stderr.isatty():
        yield None
        return
    from tqdm import tqdm
    with tqdm(total=total, desc=desc, unit="conv", file=sys.stderr) as bar:
        yield bar.update


def fail(message: str) -> None:
    raise click.ClickException(message)


@click.group()
@click.option("--instance", envvar="QADESK_INSTANCE", default=None, metavar="DIR",
              help="Instance folder (default ./instance; env QADESK_INSTANCE).")
@click.pass_context
def main(ctx: click.Context, instance: Optional[str]) -> None:
    """QA Desk: quality assurance and training for contact centres."""
    ctx.obj = Context(instance)


def register_commands() -> None:
    from qa_app.commands import admin, agreement, config, data, reports, sampling, scorecards, sentiment
    for module in (admin, agreement, config, data, reports, sampling, scorecards, sentiment):
        module.register(main)


register_commands()

__all__ = ["main", "emit", "fail", "progress_bar", "ServiceError"]
