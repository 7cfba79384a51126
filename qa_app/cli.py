"""The `qadesk` command: instance set-up, ingestion, scoring, training and reports from the shell.

Imports go one way: this module imports the command modules (qa_app.commands.*), which import
only qa_app.commands.common for what they share."""
from __future__ import annotations

from typing import Optional

import click

from qa_app.commands import (admin, agreement, appraisals, audit, coaching, common, config, courses, dashboards,
                             data, intents, maintenance, reports, rules, sampling, scorecards, scorer, sentiment, surveys,
                             worker)
from qa_app.commands.common import Context, emit, fail, progress_bar
from qa_app.services import ServiceError


@click.group()
@click.option("--instance", envvar="QADESK_INSTANCE", default=None, metavar="DIR",
              help="Instance folder (default ./instance; env QADESK_INSTANCE).")
@click.option("--debug", is_flag=True, envvar="QADESK_DEBUG",
              help="Also print log messages and tracebacks on stderr (they always go to <instance>/qadesk.log).")
@click.pass_context
def main(ctx: click.Context, instance: Optional[str], debug: bool) -> None:
    """QA Desk: quality assurance and training for contact centres."""
    ctx.obj = Context(instance, debug, check_schema=ctx.invoked_subcommand not in common.SKIPS_SCHEMA_CHECK)
    ctx.call_on_close(common.reset_logging)


def register_commands() -> None:
    for module in (admin, agreement, appraisals, audit, coaching, config, courses, dashboards, data, intents,
                   maintenance, reports, rules, sampling, scorecards, scorer, sentiment, surveys, worker):
        module.register(main)


register_commands()

__all__ = ["Context", "main", "emit", "fail", "progress_bar", "ServiceError"]
