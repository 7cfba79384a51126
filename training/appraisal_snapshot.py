"""An appraisal's snapshot as plain JSON, and what changed between a frozen snapshot and the figures
computed now ("changed since finalised"). A snapshot is what HR signed: it is never recomputed."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from training.kpis import AppraisalResult, KpiResult

COMPARED = ("value", "n", "rating", "status")  # the KPI fields whose change is shown


def kpi_document(k: KpiResult) -> dict:
    """One KPI as stored in a snapshot; evidence as [kind, id] pairs."""
    return {"kind": k.kind, "label": k.label, "unit": k.unit, "value": k.value, "n": k.n, "min_n": k.min_n,
            "target": k.target, "weight": k.weight, "rating": k.rating, "status": k.status,
            "details": dict(k.details), "evidence": [list(e) for e in k.evidence]}


def snapshot(result: AppraisalResult, period: str, template_version: int) -> dict:
    """The whole appraisal's figures as JSON-safe data."""
    return {"period": period, "template": result.template, "template_version": template_version,
            "overall": result.overall, "band": result.band, "rated_weight": result.rated_weight,
            "total_weight": result.total_weight, "kpis": [kpi_document(k) for k in result.kpis]}


@dataclass(frozen=True)
class Change:
    """A figure that differs now from the snapshot: `kind` is the KPI (or "overall"), `field` what moved."""

    kind: str
    label: str
    field: str
    before: object
    after: object
    evidence_added: tuple[tuple[str, int], ...] = ()
    evidence_removed: tuple[tuple[str, int], ...] = ()


def _pairs(doc: dict) -> set[tuple[str, int]]:
    return {(str(kind), int(i)) for kind, i in doc.get("evidence", ())}


def changes(frozen: dict, live: dict) -> list[Change]:
    """Every compared KPI field, and the overall rating and band, that differ between two snapshots
    of the same template; a KPI's change carries the evidence added to and removed from it."""
    out: list[Change] = []
    now = {k["kind"]: k for k in live.get("kpis", ())}
    for before in frozen.get("kpis", ()):
        after: Optional[dict] = now.get(before["kind"])
        if after is None:
            continue
        added = tuple(sorted(_pairs(after) - _pairs(before)))
        removed = tuple(sorted(_pairs(before) - _pairs(after)))
        for name in COMPARED:
            if before.get(name) != after.get(name):
                out.append(Change(before["kind"], before["label"], name, before.get(name), after.get(name),
                                  added, removed))
    for name in ("overall", "band"):
        if frozen.get(name) != live.get(name):
            out.append(Change("overall", "overall", name, frozen.get(name), live.get(name)))
    return out
