"""qadesk sample: build (once) and print a week's reviewer queues."""
from __future__ import annotations

from typing import Optional

import click

from qa_app.commands.common import emit, fail
from qa_app.services import ServiceError


def register(main: click.Group) -> None:
    main.add_command(sample)


@click.command()
@click.option("--week", default=None, metavar="YYYY-Www",
              help="ISO week to sample, e.g. 2026-W47 (default: the week before this one).")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def sample(obj, week: Optional[str], as_json: bool) -> None:
    """Pick the week's conversations for review: a quota per agent, half drawn at random (stratified by
    channel and queue), the rest the riskiest, spread across reviewers by weight. A week is sampled
    once; running it again prints the stored picks."""
    from qa_app.services import sampling
    with obj.app.app_context():
        chosen = week or sampling.previous_week()
        try:
            result = sampling.sample_week(chosen)
        except ServiceError as exc:
            fail(str(exc))
        docs = [sampling.pick_document(p) for p in result.picks]
    emit({"week": result.week, "created": result.created, "picks": docs}, as_json, _as_text(result.week,
                                                                                           result.created, docs))


def _as_text(week: str, created: bool, docs: list[dict]) -> str:
    head = f"{week}: {len(docs)} picks" + ("" if created else " (sampled before; nothing added)")
    lines = [f"  {d['conversation']:<24} {d['agent']:<16} -> {d['reviewer']:<16} {', '.join(d['reasons'])}"
             for d in docs]
    return "\n".join([head, *lines])
