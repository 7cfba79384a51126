"""qadesk worker: distributed worker processes taking jobs from Redis (QADESK_BROKER_URL)."""
from __future__ import annotations

import click

from qa_app.broker import QUEUES
from qa_app.commands.common import fail
from qa_app.services import ServiceError


def register(main: click.Group) -> None:
    main.add_command(worker)


@click.command()
@click.option("--queues", default=",".join(QUEUES), show_default=True, metavar="Q1,Q2",
              help="Queues to take jobs from, in order of priority: jobs (scheduled), scoring (bulk "
                   "scoring runs), transcription.")
@click.option("--concurrency", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Worker processes; each runs one job at a time.")
@click.pass_obj
def worker(obj, queues: str, concurrency: int) -> None:
    """Run jobs queued on QADESK_BROKER_URL until stopped (Ctrl-C or SIGTERM let each worker
    finish its job in hand). See docs/deployment.md, Distributed workers."""
    from qa_app import broker, jobs  # noqa: F401  importing jobs registers every job kind's handler
    names = [q.strip() for q in queues.split(",") if q.strip()]
    try:
        broker.serve(obj.app, names, concurrency)
    except ServiceError as exc:
        fail(str(exc))
