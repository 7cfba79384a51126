"""Trusted automation: which criteria's automatic results count without a review, and why."""
from __future__ import annotations

from flask import Blueprint, render_template

from qa_app.services import trust
from qa_app.views.navigation import REVIEWERS
from qa_app.views.security import roles_required

bp = Blueprint("trust", __name__, url_prefix="/trust")


@bp.route("/")
@roles_required(*REVIEWERS)
def index():
    min_kappa, min_reviews = trust.settings()
    return render_template("trust/index.html", versions=trust.overview(), min_kappa=min_kappa,
                           min_reviews=min_reviews)
