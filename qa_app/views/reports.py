"""HR's appraisal report: a table for a month, quarter or year, and the same as a CSV or XLSX download."""
from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user

from qa_app import clock
from qa_app.services import ServiceError, reports
from qa_app.views.downloads import table_download
from qa_app.views.navigation import REPORT_READERS
from qa_app.views.security import roles_required

bp = Blueprint("reports", __name__, url_prefix="/reports")


def _period() -> str:
    """The period asked for, else the current month (UTC)."""
    asked = request.args.get("period")
    return asked.strip() if asked is not None else clock.now().strftime("%Y-%m")


@bp.route("/appraisal")
@roles_required(*REPORT_READERS)
def appraisal():
    period = _period()
    try:
        report = reports.appraisal_report(period, viewer=current_user)
    except ServiceError as exc:
        return render_template("reports/appraisal.html", period=period, report=None, error=str(exc)), 400
    return render_template("reports/appraisal.html", period=report.period.label, report=report, error=None)


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
        return render_template("reports/appraisal.html", period=period, report=None, error=str(exc)), 400
    return table_download([reports.appraisal_table(report)], fmt, f"appraisal-{report.period.label}")
