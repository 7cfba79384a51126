"""Public certificate verification: anyone with a certificate's code can check it, without logging in."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for

from qa_app.services import certificates
from training.certificates import normalise_code

bp = Blueprint("verify", __name__, url_prefix="/verify")


@bp.route("/")
def form():
    """A box to type a code into; a typed code goes to its own page."""
    typed = (request.args.get("code") or "").strip()
    if typed:
        code = normalise_code(typed)
        return redirect(url_for("verify.check", code=code)) if code else \
            (render_template("verify/check.html", found=None, typed=typed), 404)
    return render_template("verify/check.html", found=None, typed=None)


@bp.route("/<code>")
def check(code: str):
    found = certificates.verify(code)
    return render_template("verify/check.html", found=found, typed=code), (200 if found else 404)
