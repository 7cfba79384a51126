"""qadesk scorer eval: how far the automatic scorer agrees with your reviewers' labels."""
from __future__ import annotations

from typing import Optional

import click

from qa_app.commands.common import emit, fail, progress_bar

FORMAT_CHOICES = ["auto", "json", "ndjson", "jsonl", "csv", "txt", "vtt", "srt", "audio"]
DISAGREEMENTS_SHOWN = 200  # in the text output; --json always has all of them


def register(main: click.Group) -> None:
    main.add_command(scorer)


@click.group()
def scorer() -> None:
    """Measure the automatic scorer against reviewers' labels."""


@scorer.command("eval")
@click.argument("conversations", nargs=-1, required=True, type=click.Path(exists=True))
@click.argument("labels", type=click.Path(exists=True, dir_okay=False))
@click.option("--in-place", is_flag=True,
              help="Use the current instance (conversations already there are matched by id, not duplicated) "
                   "instead of a scratch instance with the shipped scorecards.")
@click.option("--scorecards", "which", type=click.Choice(["shipped", "instance"]), default="shipped",
              show_default=True,
              help="Scratch instance only: score with the shipped scorecards or with copies of this instance's "
                   "active ones (nothing is stored in this instance either way).")
@click.option("--mapping", "mapping_file", type=click.Path(exists=True, dir_okay=False), default=None,
              help="YAML or JSON file mapping label criteria to scorecard criterion ids (replaces the default).")
@click.option("--format", "fmt", default="auto", show_default=True, type=click.Choice(FORMAT_CHOICES))
@click.option("--create-agents", is_flag=True,
              help="With --in-place: create agents for unknown logins (a scratch instance always does).")
@click.option("--bad-below", type=click.FloatRange(0, 100), default=50.0, show_default=True,
              help="Verdict 'bad' below this score (or on auto-fail).")
@click.option("--good-from", type=click.FloatRange(0, 100), default=80.0, show_default=True,
              help="Verdict 'good' from this score when no criterion failed.")
@click.option("--json", "as_json", is_flag=True, help="One JSON document (see docs/scorecards.md).")
@click.pass_obj
def evaluate(obj, conversations, labels: str, in_place: bool, which: str, mapping_file: Optional[str], fmt: str,
             create_agents: bool, bad_below: float, good_from: float, as_json: bool) -> None:
    """Ingest CONVERSATIONS (files or folders, any format `qadesk ingest` reads), score them with the
    active scorecards and compare with LABELS (JSON {conversation id: label}, as in the qa_dev set).

    Prints per language and overall: verdict agreement, auto-fail precision and recall, per
    criterion accuracy, Cohen's kappa and confusion matrix, score gap, and every disagreement.
    """
    from qa_app.services import ServiceError, scorer_eval
    from scoring.validity import Thresholds
    if good_from < bad_below:
        fail("--good-from must not be below --bad-below")
    try:
        mapping = scorer_eval.read_mapping(mapping_file) if mapping_file else dict(scorer_eval.DEFAULT_MAPPING)
        labelled = scorer_eval.read_labels(labels, mapping)
        options = scorer_eval.EvalOptions(in_place=in_place, mapping=mapping, fmt=fmt, create_agents=create_agents,
                                          thresholds=Thresholds(bad_below, good_from),
                                          scorecards=_instance_scorecards(obj) if which == "instance" and not in_place else None)
        bars = lambda desc, total: progress_bar(total, desc, as_json)  # noqa: E731
        if in_place:
            with obj.app.app_context():
                result = scorer_eval.evaluate(conversations, labelled, options, bars)
        else:
            result = scorer_eval.evaluate(conversations, labelled, options, bars)
    except ServiceError as exc:
        fail(str(exc))
    emit(result.as_dict(), as_json, as_text(result.as_dict()))


def _instance_scorecards(obj) -> tuple[str, ...]:
    from qa_app.services import scorer_eval
    with obj.app.app_context():
        return scorer_eval.active_definitions()


def _share(value: Optional[float]) -> str:
    return "-" if value is None else f"{value:.0%}"


def _number(value: Optional[float]) -> str:
    return "-" if value is None else f"{value:.2f}"


def as_text(doc: dict) -> str:
    """The human report of a `scorer eval` document (the --json one)."""
    where = {"in_place": "in this instance", "instance_copy": "in a scratch instance with this instance's scorecards",
             "shipped": "in a scratch instance with the shipped scorecards"}[doc["scorecards"]]
    lines = [f"compared {doc['compared']} of {doc['labels']} labelled conversations "
             f"({doc['conversations']} conversations, scored {where})"]
    lines += _missing_lines(doc)
    for name, group in doc["groups"].items():
        lines += ["", *_group_lines(name, group)]
    lines += ["", *_disagreement_lines(doc["disagreements"])]
    return "\n".join(lines)


def _missing_lines(doc: dict) -> list[str]:
    lines = []
    for key, what in (("labels_without_conversation", "labelled but not among the conversations"),
                      ("conversations_without_label", "conversations without a label"),
                      ("not_scored", "labelled but not scored (no active scorecard matches)")):
        if doc[key]:
            lines.append(f"  {what} ({len(doc[key])}): {', '.join(doc[key][:20])}"
                         + (" ..." if len(doc[key]) > 20 else ""))
    ingest = doc["ingest"]
    if ingest.get("failed") or ingest.get("conflicts"):
        lines.append(f"  ingest: {ingest['failed']} failed, {ingest['conflicts']} conflicts")
        lines += [f"    {e['source']}: {e['error']}" for e in ingest["errors"][:20]]
    return lines


def _mapped_verdict_line(mapped: Optional[dict]) -> list[str]:
    if not mapped:
        return []
    return [f"    (counting only failures of criteria mapped to the labels: {mapped['agreeing']} of {mapped['n']}, "
            f"{_share(mapped['accuracy'])})"]


def _group_lines(name: str, group: dict) -> list[str]:
    if not group["n"]:
        return [f"[{name}] no conversations"]
    verdict, auto, gap = group["verdict"], group["auto_fail"], group["score_gap"]
    lines = [f"[{name}] {group['n']} conversations",
             f"  verdict agreement   {verdict['agreeing']} of {verdict['n']} ({_share(verdict['accuracy'])}), "
             f"kappa {_number(verdict['kappa'])}",
             *_mapped_verdict_line(group.get("verdict_mapped_criteria")),
             f"  auto-fail           precision {_number(auto['precision'])} ({auto['tp']} of {auto['tp'] + auto['fp']}), "
             f"recall {_number(auto['recall'])} ({auto['tp']} of {auto['tp'] + auto['fn']})",
             f"  score gap           mean {_number(gap['mean'])}, inside the band {gap['in_band']} of {gap['n']} "
             f"({_share(gap['in_band_share'])})",
             f"  {'criterion':<24} {'n':>4} {'accuracy':>8} {'kappa':>6}   confusion (label -> product)"]
    for criterion, figures in group["criteria"].items():
        lines.append(f"  {criterion:<24} {figures['n']:>4} {_share(figures['accuracy']):>8} "
                     f"{_number(figures['kappa']):>6}   {_confusion_text(figures['confusion'])}")
    return lines


def _confusion_text(matrix: dict) -> str:
    """Non-zero cells as label>product=count, e.g. "pass>pass=30 fail>pass=4"."""
    classes = matrix["classes"]
    cells = [f"{classes[i]}>{classes[j]}={count}" for i, row in enumerate(matrix["counts"])
             for j, count in enumerate(row) if count]
    return " ".join(cells) or "-"


def _disagreement_lines(found: list[dict]) -> list[str]:
    lines = [f"disagreements ({len(found)})"]
    for d in found[:DISAGREEMENTS_SHOWN]:
        lines.append(f"  {d['conversation']} {d['figure']}: label {d['label']}, product {d['product']}")
        if d["explanation"]:
            lines.append(f"      product: {d['explanation']}")
        for e in d["evidence"][:3]:
            turn = "-" if e["turn"] is None else e["turn"]
            lines.append(f"      evidence (turn {turn}): {e['text'][:160]}")
        if d["why"]:
            lines.append(f"      label why: {d['why']}")
    if len(found) > DISAGREEMENTS_SHOWN:
        lines.append(f"  ... {len(found) - DISAGREEMENTS_SHOWN} more (all of them are in --json)")
    return lines
