"""Measuring the automatic scorer on labelled conversations (`qadesk scorer eval`): one use case.

The conversations are ingested and scored with the active scorecards, then compared with the
reviewer's labels by the pure core (scoring.validity). By default this happens in a scratch
instance: a temporary folder initialised like `qadesk init` (shipped scorecards, agents created
for unknown logins) and deleted afterwards, so the current instance is never touched. In place,
the current instance is used: conversations already stored are matched by external id (ingest
counts them as duplicates) and their automatic evaluation under the active scorecard is reused.
"""
from __future__ import annotations

import logging
import secrets
import tempfile
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, ContextManager, Iterable, Mapping, Optional, Sequence

from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import selectinload

from qa_app.extensions import db
from qa_app.models import Conversation, Evaluation, ScorecardVersion
from qa_app.services import ServiceError, ingest, instance, scorecards, scoring, transcription
from scoring.result import CriterionResult, Evidence
from scoring.validity import Case, Product, Thresholds, ValidityReport, compare
from scoring.validity_labels import DEFAULT_MAPPING, Label, LabelsError, parse_labels, parse_mapping
from transcripts import formats
from transcripts.errors import ParseError, RecordError

#: progress(description, total) -> a context manager giving a tick(n) callback or None (qadesk's tqdm bars)
Progress = Callable[[str, Optional[int]], ContextManager[Optional[Callable[[int], None]]]]


class BadLabels(ServiceError):
    """The labels or mapping file cannot be used; the message names the file, line and field."""


@dataclass(frozen=True)
class EvalOptions:
    """How to measure: in the current instance or a scratch one, the label -> scorecard criteria
    mapping, the verdict thresholds, the conversations' format and (in place) whether unknown agent
    logins become agents (a scratch instance always creates them). `scorecards`: YAML definitions
    that a scratch instance scores with instead of the shipped scorecards (see active_definitions)."""

    in_place: bool = False
    scorecards: Optional[tuple[str, ...]] = None
    mapping: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: dict(DEFAULT_MAPPING))
    thresholds: Thresholds = Thresholds()
    fmt: str = "auto"
    create_agents: bool = False


@dataclass(frozen=True)
class EvalResult:
    """The report and what could not be compared: ids in the labels but not among the conversations,
    conversations without a label, labelled conversations left without an automatic evaluation
    (no active scorecard matches them), and the ingest summary (failed records, conflicts)."""

    report: ValidityReport
    options: EvalOptions
    conversations: int
    labels: int
    compared: int
    labels_without_conversation: tuple[str, ...] = ()
    conversations_without_label: tuple[str, ...] = ()
    not_scored: tuple[str, ...] = ()
    ingest: Mapping[str, object] = field(default_factory=dict)

    def as_dict(self) -> dict:
        source = "in_place" if self.options.in_place else "instance_copy" if self.options.scorecards else "shipped"
        return {"in_place": self.options.in_place, "scorecards": source, "conversations": self.conversations, "labels": self.labels,
                "compared": self.compared,
                "labels_without_conversation": list(self.labels_without_conversation),
                "conversations_without_label": list(self.conversations_without_label),
                "not_scored": list(self.not_scored), "ingest": dict(self.ingest),
                "mapping": {k: list(v) for k, v in self.options.mapping.items()},
                "thresholds": {"bad_below": self.options.thresholds.bad_below,
                               "good_from": self.options.thresholds.good_from},
                **self.report.as_dict()}


def _no_progress(_desc: str, _total: Optional[int]):
    return nullcontext(None)


def read_mapping(path: str | Path) -> dict[str, tuple[str, ...]]:
    """The mapping file (YAML or JSON) at `path`; BadLabels naming the file when it cannot be used."""
    try:
        return parse_mapping(_read(path), str(path))
    except LabelsError as exc:
        raise BadLabels(str(exc)) from None


def read_labels(path: str | Path, mapping: Mapping[str, tuple[str, ...]] = DEFAULT_MAPPING) -> dict[str, Label]:
    """The labels file at `path` by conversation id; BadLabels naming the file, line and field."""
    try:
        return parse_labels(_read(path), str(path), mapping)
    except LabelsError as exc:
        raise BadLabels(str(exc)) from None


def _read(path: str | Path) -> str:
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadLabels(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise BadLabels(f"{path}: cannot read the file ({exc.strerror or exc})") from None


def evaluate(paths: Sequence[str | Path], labels: Mapping[str, Label], options: EvalOptions = EvalOptions(),
             progress: Progress = _no_progress) -> EvalResult:
    """Ingest, score and compare. In place this needs the current app context; otherwise it builds
    its own app on a scratch instance and removes it afterwards."""
    if options.in_place:
        return _evaluate_here(paths, labels, options, progress)
    with scratch_app(options.scorecards) as app, app.app_context():
        try:
            return _evaluate_here(paths, labels, options, progress)
        finally:
            db.session.remove()
            db.engine.dispose()  # release the SQLite file before its folder is deleted


def active_definitions() -> tuple[str, ...]:
    """The YAML of every active scorecard of the current instance, so that a scratch run measures
    this instance's scorecards without storing anything in it."""
    try:
        found = tuple(scorecards.definition_yaml(row) for row, _card in scorecards.active_versions())
    except OperationalError:
        raise ServiceError("this instance has no scorecards yet (run `qadesk init`)") from None
    if not found:
        raise ServiceError("this instance has no active scorecard")
    return found


@contextmanager
def scratch_app(definitions: Optional[Sequence[str]] = None):
    """An app on a new instance in a temporary folder, initialised like `qadesk init`; the folder
    is deleted on exit. Its database is always that folder's SQLite file, whatever the environment
    says (QADESK_DATABASE_URL must never point a scratch run at a real database). With
    `definitions`, exactly those scorecards are active (the shipped ones are deactivated)."""
    from qa_app import create_app
    with tempfile.TemporaryDirectory(prefix="qadesk-scorer-eval-") as folder:
        database = f"sqlite:///{Path(folder) / 'qadesk.db'}"
        app = create_app({"QADESK_DATABASE_URL": database}, instance_path=folder)
        with app.app_context(), _quiet_migrations():
            instance.init_instance(admin_password=secrets.token_urlsafe(16))
            if definitions:
                _use_only(definitions)
            db.session.remove()
        yield app


@contextmanager
def _quiet_migrations():
    """Alembic prints every migration step of a new database on stderr (its own logging config);
    for a throw-away instance that is noise around the report, so INFO records are held back."""
    logging.disable(logging.INFO)
    try:
        yield
    finally:
        logging.disable(logging.NOTSET)


def _use_only(definitions: Sequence[str]) -> None:
    names = {scorecards.create_version(text, activate=True, commit=False).name for text in definitions}
    for row, _card in scorecards.active_versions():
        if row.name not in names:
            row.active = False
    db.session.commit()


def _evaluate_here(paths, labels: Mapping[str, Label], options: EvalOptions, progress: Progress) -> EvalResult:
    file_ids = _external_ids(paths, options.fmt)
    summary = _ingest(paths, options, progress)
    rows = _conversations(set(file_ids) | _new_external_ids(summary.conversation_ids))
    with progress("score", len(rows)) as tick:
        scoring.score_pending(conversation_ids=list(rows.values()), progress=tick, commit_batches=True)
    products = _products(rows)
    stored = set(rows)
    cases = [Case(labels[cid], products[cid]) for cid in sorted(labels) if cid in products]
    report = compare(cases, options.mapping, options.thresholds)
    return EvalResult(report, options, len(stored), len(labels), len(cases),
                      labels_without_conversation=tuple(sorted(set(labels) - stored)),
                      conversations_without_label=tuple(sorted(stored - set(labels))),
                      not_scored=tuple(sorted((stored & set(labels)) - set(products))),
                      ingest=summary.as_dict())


def _ingest(paths, options: EvalOptions, progress: Progress):
    ingest_options = ingest.IngestOptions(fmt=options.fmt, stereo_map=transcription.default_stereo_map(),
                                          redaction=transcription.redaction_config(),
                                          create_agents=options.create_agents or not options.in_place)
    with progress("ingest", None) as tick:
        summary = ingest.ingest_paths(paths, ingest_options, progress=tick)
    if summary.job_ids:
        with progress("transcribe", len(summary.job_ids)) as tick:
            transcription.run_jobs(summary.job_ids, summary, progress=tick)
    return summary


def _external_ids(paths: Iterable[str | Path], fmt: str) -> list[str]:
    """The ids of the transcript records in these files (bad records and audio are left to ingest,
    which reports them)."""
    found = []
    for path in ingest.expand_paths(paths):
        if ingest.is_audio(path, fmt):
            continue
        try:
            found.extend(item.external_id for _where, item in formats.parse_file_located(path, fmt)
                         if not isinstance(item, RecordError))
        except (ParseError, OSError):
            continue  # ingest reports the unreadable file
    return found


def _new_external_ids(conversation_ids: list[int]) -> set[str]:
    if not conversation_ids:
        return set()
    return set(db.session.scalars(db.select(Conversation.external_id).where(Conversation.id.in_(conversation_ids))))


def _conversations(external_ids: set[str]) -> dict[str, int]:
    """Stored conversation ids by external id, for the ids that are stored."""
    found: dict[str, int] = {}
    wanted = sorted(external_ids)
    for start in range(0, len(wanted), 500):  # stay under SQLite's bound-parameter limit
        chunk = wanted[start:start + 500]
        found.update(db.session.execute(db.select(Conversation.external_id, Conversation.id)
                                        .where(Conversation.external_id.in_(chunk))).all())
    return found


def _products(rows: Mapping[str, int]) -> dict[str, Product]:
    """The newest automatic evaluation under an active scorecard of each conversation, as a Product."""
    by_id = {cid: ext for ext, cid in rows.items()}
    active = db.select(ScorecardVersion.id).where(ScorecardVersion.active.is_(True))
    products: dict[str, Product] = {}
    ids = sorted(by_id)
    for start in range(0, len(ids), 500):
        evaluations = db.session.scalars(
            db.select(Evaluation).where(Evaluation.conversation_id.in_(ids[start:start + 500]),
                                        Evaluation.kind == "auto", Evaluation.scorecard_version_id.in_(active))
            .options(selectinload(Evaluation.criteria), selectinload(Evaluation.conversation))
            .order_by(Evaluation.id))
        for ev in evaluations:  # ordered by id: the newest one wins
            products[by_id[ev.conversation_id]] = _product(ev)
    return products


def _product(ev: Evaluation) -> Product:
    conv = ev.conversation
    mood = (conv.meta or {}).get("sentiment") or {}
    criteria = tuple(CriterionResult(c.criterion_id, c.section_id, c.result, c.score, c.weight, c.critical,
                                     tuple(Evidence(e.get("turn"), e.get("text", "")) for e in c.evidence or ()),
                                     c.explanation or "", c.comment or "")
                     for c in ev.criteria)
    return Product(conv.external_id, conv.language or "unknown", ev.score, ev.auto_fail, criteria,
                   mood.get("label"), tuple(ev.fail_reasons or ()))
