"""HR's appraisal report: a table for a month, quarter or year, and the same as a CSV or XLSX download."""
from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user

from qa_app.services import ServiceError, homes, reports
from qa_app.views.downloads import table_download
from qa_app.views.navigation import REPORT_READERS
from qa_app.views.security import roles_required

bp = Blueprint("reports", __name__, url_prefix="/reports")


def _period() -> str:
    """The period asked for, else the last complete month (UTC): the current one is still filling."""
    asked = (request.args.get("period") or "").strip()
    return asked or homes.last_complete_month()


def _page(period: str, report, error, status: int = 200):
    """The report page with the period picker's choices; its column titles are the downloads' header."""
    return render_template("reports/appraisal.html", period=period, report=report, error=error,
                           columns=reports.APPRAISAL_COLUMNS, choices=homes.period_choices()), status


@bp.route("/appraisal")
@roles_required(*REPORT_READERS)
def appraisal():
    period = _period()
    try:
        report = reports.appraisal_report(period, viewer=current_user)
    except ServiceError as exc:
        return _page(period, None, str(exc), 400)
    return _page(report.period.label, report, None)


@bp.route("/appraisal.csv")
@roles_required(*REPORT_READERS)
def appraisal_csv():
    return _appraisal_download("csv")


@bp.route("/appraisal.xlsx")
@roles_required(*REPORT_READERS)
def appraisal_xlsx():
    return _appraisal_download("xlsx")


def _appraisal_download(fmt: str):
    period = _period()
    try:
        report = reports.appraisal_report(period, viewer=current_user)
    except ServiceError as exc:
        return _page(period, None, str(exc), 400)
    return table_download([reports.appraisal_table(report, titled=True)], fmt, f"appraisal-{report.period.label}")
