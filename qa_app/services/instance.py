"""Creating or upgrading an instance: schema to the newest migration, shipped content, the admin user."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from flask import current_app

from qa_app.extensions import db, migration_config
from qa_app.services import appraisal_templates, rollups, scorecards, training, training_rules, users
from qa_app.settings import settings as instance_settings


@dataclass(frozen=True)
class InitResult:
    admin_created: bool
    admin_password: Optional[str]  # only when generated here, to be shown once
    scorecards_added: int
    courses_added: int
    rules_added: int


def upgrade_schema() -> None:
    """Apply every Alembic migration up to head (creates the schema on an empty database)."""
    from flask_migrate import upgrade
    upgrade(directory=migration_config(current_app).directory)


def init_instance(admin_password: Optional[str] = None) -> InitResult:
    """Idempotent: safe to run on a new or an existing instance.

    The admin's password is `admin_password`, else $QADESK_ADMIN_PASSWORD, else generated
    and returned so the caller can print it once; a generated one must be changed at the admin's
    first sign-in.
    """
    upgrade_schema()
    rollups.fill_if_missing()
    added_cards = scorecards.ensure_shipped()
    added_courses = training.ensure_courses()
    added_rules = training_rules.ensure_rules()
    appraisal_templates.ensure_templates()
    created, shown = False, None
    if users.find_user("admin") is None:
        chosen = admin_password or instance_settings().admin_password or None
        # A generated password is printed to a terminal (and often a deployment log): it is temporary,
        # the admin chooses their own at first sign-in. One the operator chose (QADESK_ADMIN_PASSWORD)
        # is theirs already and already met the password rule at start-up.
        _, password = users.add_user("admin", "admin", password=chosen, name="Administrator", commit=False,
                                     temporary=not chosen)
        created, shown = True, (None if chosen else password)
    db.session.commit()
    return InitResult(created, shown, added_cards, added_courses, added_rules)
