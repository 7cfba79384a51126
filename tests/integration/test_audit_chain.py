"""The audit log is append-only and tamper-evident: sealing chains entries with SHA-256, verify
recomputes the chain and names the first entry an edit or a deletion broke."""
from __future__ import annotations

import pytest
from sqlalchemy.exc import DatabaseError

from qa_app import jobs
from qa_app.extensions import db
from qa_app.models import AuditEntry
from qa_app.models.audit import AuditTampering
from qa_app.services import audit, users


def write_entries(n: int) -> list[int]:
    """n entries written the way use cases write them (record and record_many), committed."""
    admin = users.find_user("admin")
    first = [audit.record(admin, "save", "scorecard", i, before={"score": i}, after={"score": i + 0.5, "note": "复核"})
             for i in range(n // 2)]
    from qa_app import clock
    audit.record_many([{"at": clock.now(), "actor": None, "action": "assign", "entity": "assignment",
                        "entity_id": i, "after": {"course": "qa-basics-en"}} for i in range(n - n // 2)])
    db.session.commit()
    return [e.id for e in first]


def attack(statement: str, **params) -> None:
    """One statement on a connection of its own, straight to the database, as someone with access
    to the server can run it (no application guard in the way). The test's own session ends its
    transaction first, as a finished request's would, so its locks do not hold the attacker up."""
    db.session.rollback()
    with db.engine.begin() as conn:
        conn.execute(db.text(statement), params)


def drop_trigger(name: str) -> None:
    """What an attacker who owns the database can also do (PostgreSQL names the table)."""
    attack(f"DROP TRIGGER {name}" + (" ON audit_entry" if db.engine.dialect.name == "postgresql" else ""))


def test_sealing_chains_every_entry_once_and_verify_finds_the_chain_intact(app):
    write_entries(6)
    before = db.session.scalar(db.select(db.func.count(AuditEntry.id)))
    assert audit.seal() == before and audit.seal() == 0
    report = audit.verify()
    assert report.ok and report.checked == before and report.unsealed == 0 and len(report.head) == 64
    write_entries(2)
    assert audit.verify().unsealed == 2 and jobs.seal_audit() == 2
    assert audit.verify(expect_head=report.head).checked == before + 2


def test_an_entry_edited_in_the_database_is_named_by_verify(app):
    ids = write_entries(6)
    audit.seal()
    with pytest.raises(DatabaseError, match="append-only"):
        attack("UPDATE audit_entry SET after = '{}' WHERE id = :id", id=ids[1])
    drop_trigger("audit_entry_no_update")  # an attacker who owns the database can do this too
    attack("UPDATE audit_entry SET after = '{\"score\": 100}' WHERE id = :id", id=ids[1])
    db.session.expire_all()
    report = audit.verify()
    good = db.session.scalar(db.select(db.func.count(AuditEntry.id)).where(AuditEntry.id < ids[1]))
    assert not report.ok and report.entry_id == ids[1] and report.checked == good
    assert f"entry {ids[1]}" in report.problem


def test_a_deleted_entry_leaves_a_gap_that_verify_reports(app):
    ids = write_entries(6)
    audit.seal()
    with pytest.raises(DatabaseError, match="append-only"):
        attack("DELETE FROM audit_entry WHERE id = :id", id=ids[1])
    drop_trigger("audit_entry_no_delete")
    attack("DELETE FROM audit_entry WHERE id = :id", id=ids[1])
    report = audit.verify()
    assert not report.ok and report.entry_id == ids[2] and "missing" in report.problem


def test_a_deleted_tail_is_caught_against_a_head_recorded_earlier(app):
    write_entries(4)
    audit.seal()
    head = audit.verify().head
    last = db.session.scalar(db.select(db.func.max(AuditEntry.id)))
    drop_trigger("audit_entry_no_delete")
    attack("DELETE FROM audit_entry WHERE id = :id", id=last)
    assert audit.verify().ok  # without a recorded head a shorter chain looks whole
    report = audit.verify(expect_head=head)
    assert not report.ok and head in report.problem


@pytest.mark.parametrize("change", ["edit", "delete"])
def test_the_application_refuses_to_change_or_delete_an_audit_entry(app, change):
    ids = write_entries(2)
    entry = db.session.get(AuditEntry, ids[0])
    if change == "edit":
        entry.after = {"score": 0}
    else:
        db.session.delete(entry)
    with pytest.raises(AuditTampering, match="append-only"):
        db.session.flush()
    db.session.rollback()
    assert db.session.get(AuditEntry, ids[0]).after == {"score": 0.5, "note": "复核"}


def test_an_entry_sealed_by_a_racing_sealer_is_not_sealed_twice(app):
    write_entries(4)
    audit.seal()
    chains = dict(db.session.execute(db.select(AuditEntry.id, AuditEntry.chain)).all())
    assert audit.seal() == 0
    assert dict(db.session.execute(db.select(AuditEntry.id, AuditEntry.chain)).all()) == chains
