"""Erasing one customer's data on request, from the browser: the same service as `qadesk erase`.

Two steps, so nothing is erased by a slip: "Preview" lists what would be erased (a dry run);
"Erase" needs the confirmation box ticked and erases exactly that customer, with the admin named in
the audit entry. Admins only (the `erase_customer_data` capability)."""
from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from qa_app.forms import ErasureForm
from qa_app.permissions import roles_with
from qa_app.services import NotFound, ServiceError, erasure
from qa_app.views.security import roles_required

bp = Blueprint("erasure", __name__, url_prefix="/admin/erasure")


@bp.route("/", methods=["GET", "POST"])
@roles_required(*roles_with("erase_customer_data"))
def index():
    form = ErasureForm()
    if not form.validate_on_submit():
        return _page(form), (400 if form.errors else 200)
    erase = request.form.get("action") == "erase"
    if erase and not form.confirm.data:
        form.confirm.errors = [_("Tick the box to confirm the erasure; nothing was erased.")]
        return _erasing(form, dry_run=True, status=400)
    return _erasing(form, dry_run=not erase)


def _erasing(form: ErasureForm, dry_run: bool, status: int = 200):
    """Run the erasure (or its dry run, the preview) for the form's customer and show the page:
    the report, or the service's refusal next to the customer field."""
    try:
        report = erasure.erase_customer(form.customer.data, actor=current_user, dry_run=dry_run)
    except ServiceError as exc:  # NotFound included: nothing is stored for that customer
        form.customer.errors = [str(exc)]
        return _page(form), (404 if isinstance(exc, NotFound) else 400)
    if dry_run:
        return _page(form, report=report), status
    return _page(ErasureForm(formdata=None), report=report, erased_customer=form.customer.data)


def _page(form: ErasureForm, **shown):
    return render_template("erasure/index.html", form=form, **shown)
