"""Dashboards: the QA overview (charts with their data tables, the same figures as JSON) and the agent's own trend."""
from __future__ import annotations

import dataclasses
from datetime import timedelta

from flask import Blueprint, jsonify, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user

from qa_app import clock
from qa_app.permissions import can, roles_with
from qa_app.services import ServiceError, qa_overview
from qa_app.views import charts
from qa_app.views.conversations import channel_name
from qa_app.views.security import roles_required
from scoring import dashboard as figures

bp = Blueprint("dashboards", __name__, url_prefix="/dashboards")
READERS = roles_with("read_qa_dashboard")
OWN = roles_with("read_own_dashboard")
FIELDS = ("team", "channel", "queue", "language", "step")


#: The customer's mood at the end (scoring.dashboard.MOODS; "unknown": no mood was read).
MOOD_NAMES = {"positive": _l("positive"), "neutral": _l("neutral"), "negative": _l("negative"),
              "unknown": _l("not read")}
#: Short weekday names, Monday first (the QA overview's "by weekday" chart).
WEEKDAY_NAMES = dict(zip(figures.WEEKDAYS, (
    # TRANSLATORS: short weekday names, Monday to Sunday (the QA overview's "by weekday" chart)
    _l("Mon"), _l("Tue"), _l("Wed"), _l("Thu"), _l("Fri"), _l("Sat"), _l("Sun"))))
DAY_TYPE_NAMES = {"weekday": _l("weekdays"), "weekend": _l("weekends")}
#: scoring.dashboard.SHIFTS by name
SHIFT_NAMES = {"early": _l("early shift"), "late": _l("late shift"), "night": _l("night shift")}


@bp.app_template_filter("mood_name")
def mood_name(label: str | None) -> str:
    """A customer mood label ("positive") as the reader's language names it; an unknown one as stored."""
    return str(MOOD_NAMES.get(label, label)) if label else ""


def _named(values: dict):
    return lambda code: str(values.get(code, code)) if code is not None else None


def shown(overview: qa_overview.Overview) -> qa_overview.Overview:
    """The overview as the page shows it: channels, criteria, moods, weekdays, day types and shifts
    named in the reader's language in the cells of the tables (so in the charts' labels and the
    data tables); each row keeps its filters, so its links, and the JSON endpoint keeps the codes."""
    titles = qa_overview.criterion_titles(overview)
    names = {"channel": channel_name, "criterion": lambda c: titles.get(c, c), "mood": mood_name,
             "weekday": _named(WEEKDAY_NAMES), "day_type": _named(DAY_TYPE_NAMES), "shift": _named(SHIFT_NAMES)}
    tables = []
    for table in overview.tables:
        named = {i: names[h] for i, h in enumerate(table.header) if h in names}
        rows = tuple(dataclasses.replace(r, cells=tuple(named[i](v) if i in named else v for i, v in enumerate(r.cells)))
                     for r in table.rows) if named else table.rows
        tables.append(dataclasses.replace(table, rows=rows))
    return dataclasses.replace(overview, tables=tuple(tables))


def _filters() -> qa_overview.Filters:
    period = (request.args.get("period") or "").strip() or qa_overview.default_period(clock.now())
    return qa_overview.parse(period, **{f: request.args.get(f) for f in FIELDS if request.args.get(f)})


def _linker(overview: qa_overview.Overview):
    """URL of the conversations behind a row (period, page filters, then the row's own), or None
    for viewers who may not open conversations (HR sees figures, never transcripts)."""
    if not can(current_user, "read_transcripts"):
        return None
    f, p = overview.filters, overview.period
    base = {"from": p.start.date().isoformat(), "to": (p.end - timedelta(days=1)).date().isoformat(),
            "team": f.team, "channel": f.channel, "queue": f.queue, "language": f.language}

    def link(row: dict) -> str:
        args = {k: v for k, v in {**base, **row}.items() if v}
        return url_for("conversations.index", **args)
    return link


def chart_specs(overview: qa_overview.Overview) -> dict[str, dict]:
    """Chart id -> spec for charts.js, one per table the page draws."""
    link, specs, t = _linker(overview), {}, overview.table
    score, crit = _("Mean score"), _("Critical failures")
    specs["trend_by_team"] = charts.series(t("trend_by_team"), "team", overview.filters.step, "mean_score", link)
    specs["critical_by_team"] = charts.series(t("trend_by_team"), "team", overview.filters.step,
                                              "critical_failures", link)
    if t("trend_by_agent") is not None:
        specs["trend_by_agent"] = charts.series(t("trend_by_agent"), "agent", overview.filters.step, "mean_score",
                                                link)
    specs["score_distribution"] = charts.bars(t("score_distribution"), "score", [("evaluations", _("Evaluations"))],
                                              link)
    specs["criteria_failed"] = charts.bars(t("criteria_failed"), "criterion", [("failures", _("Failures"))], link,
                                           lines=[("cumulative_pct", _("Cumulative %"))])
    specs["end_sentiment"] = charts.bars(t("end_sentiment"), "mood", [("share_pct", _("Share %"))], link)
    specs["csat_beside_score"] = charts.bars(t("csat_beside_score"), "agent",
                                             [("mean_score", score), ("csat_pct", _("CSAT % (4-5)"))], link)
    for name in ("by_channel", "by_queue", "by_weekday", "by_day_type", "by_shift"):
        specs[name] = charts.bars(t(name), name[3:], [("mean_score", score), ("critical_pct", crit + " %")], link)
    for name in ("critical_by_team", "score_distribution"):
        specs[name]["integer"] = True  # counts: whole-number ticks
    return specs


@bp.route("/qa")
@roles_required(*READERS)
def qa():
    try:
        filters = _filters()
        overview = qa_overview.overview(current_user, filters)
    except ServiceError as exc:
        return render_template("dashboards/qa.html", overview=None, error=str(exc), args=request.args,
                               options=qa_overview.options(current_user)), 400
    link, overview = _linker(overview), shown(overview)
    return render_template("dashboards/qa.html", overview=overview, error=None, args=overview.filters.as_dict(),
                           specs=chart_specs(overview), options=qa_overview.options(current_user),
                           links={t.name: [link(dict(r.filters)) if link else None for r in t.rows]
                                  for t in overview.tables})


@bp.route("/qa.json")
@roles_required(*READERS)
def qa_json():
    """The overview's figures as named tables, each row with the filters (and the conversation-list
    URL, when the viewer may open conversations) behind it."""
    try:
        overview = qa_overview.overview(current_user, _filters())
    except ServiceError as exc:
        return jsonify({"error": str(exc)}), 400
    document, link = overview.as_dict(), _linker(overview)
    for table in document["tables"]:
        table["links"] = [link(f) if link else None for f in table["filters"]]
    return jsonify(document)


@bp.route("/me")
@roles_required(*OWN)
def me():
    """The agent's mean score per week against their team's median."""
    period = (request.args.get("period") or "").strip() or qa_overview.default_period(clock.now())
    try:
        table = qa_overview.my_trend(current_user, period)
    except ServiceError as exc:
        return render_template("dashboards/me.html", table=None, error=str(exc), period=period), 400
    spec = charts.bars(table, "week", [("mean_score", _("My mean score")), ("team_median", _("Team median"))],
                       kind="line")
    return render_template("dashboards/me.html", table=table, error=None, period=period, spec=spec)
