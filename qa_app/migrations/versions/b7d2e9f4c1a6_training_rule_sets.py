"""training rules as versioned rule sets; assignments record their triggering evaluations

Revision ID: b7d2e9f4c1a6
Revises: a9c4e2f7b1d3
Create Date: 2026-12-02 13:10:00

The rows of the old training_rule table become version 1 of the rule set, so an instance keeps
the rules (and due periods) it had; none of them has a window or a cooldown.
"""
from alembic import op
import sqlalchemy as sa
import qa_app.dbtypes


# revision identifiers, used by Alembic.
revision = 'b7d2e9f4c1a6'
down_revision = 'a9c4e2f7b1d3'
branch_labels = None
depends_on = None

_OLD_FIELDS = ("code", "name", "kind", "threshold", "criterion_id", "language", "course_code", "due_days", "active")


def _old_rules(bind) -> list[dict]:
    rows = bind.execute(sa.text(f"SELECT {', '.join(_OLD_FIELDS)} FROM training_rule ORDER BY id")).mappings()
    rules = []
    for row in rows:
        rule = {"id": row["code"], "name": row["name"], "kind": row["kind"], "course_code": row["course_code"],
                "due_days": row["due_days"]}
        for key in ("threshold", "criterion_id", "language"):
            if row[key] is not None:
                rule[key] = row[key]
        if not row["active"]:
            rule["active"] = False
        rules.append(rule)
    return rules


def upgrade():
    rule_set = op.create_table('training_rule_set',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('rules', sa.JSON(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', qa_app.dbtypes.UTCDateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_training_rule_set_created_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_rule_set')),
    sa.UniqueConstraint('version', name=op.f('uq_training_rule_set_version'))
    )
    bind = op.get_bind()
    old = _old_rules(bind)
    if old:
        from qa_app import clock  # the product's one clock, which tests freeze
        op.bulk_insert(rule_set, [{"id": 1, "version": 1, "rules": old, "note": "rules before versioning",
                                   "created_at": clock.now(), "created_by_id": None}])
    op.drop_table('training_rule')
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('trigger_evaluation_ids', sa.JSON(), nullable=True))


_OLD_KINDS = ("score_below", "critical_failure", "criterion_failed")


def _latest_rules(bind) -> list[dict]:
    """The rules in force that the old table can hold: the old kinds, without a window. The
    others (new kinds, windows) cannot be expressed there and are left out; cooldowns are lost."""
    import json
    raw = bind.execute(sa.text("SELECT rules FROM training_rule_set ORDER BY version DESC LIMIT 1")).scalar()
    rules = json.loads(raw) if isinstance(raw, str) else (raw or [])
    return [r for r in rules if r.get("kind") in _OLD_KINDS and r.get("window", 1) == 1]


def downgrade():
    bind = op.get_bind()
    kept = _latest_rules(bind)
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.drop_column('trigger_evaluation_ids')
    old = op.create_table('training_rule',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=80), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('threshold', sa.Double(), nullable=True),
    sa.Column('criterion_id', sa.String(length=120), nullable=True),
    sa.Column('language', sa.String(length=8), nullable=True),
    sa.Column('course_code', sa.String(length=80), nullable=False),
    sa.Column('due_days', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_rule')),
    sa.UniqueConstraint('code', name=op.f('uq_training_rule_code'))
    )
    op.bulk_insert(old, [{"code": r["id"], "name": r["name"], "kind": r["kind"], "threshold": r.get("threshold"),
                          "criterion_id": r.get("criterion_id"), "language": r.get("language"),
                          "course_code": r["course_code"], "due_days": r["due_days"],
                          "active": r.get("active", True)} for r in kept])
    op.drop_table('training_rule_set')
