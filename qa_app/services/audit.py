"""Writes audit entries inside the caller's transaction (never commits itself), and keeps the
log tamper-evident: `seal` links entries into a SHA-256 hash chain, `verify` walks it.

Entries are append-only through the app (models.audit refuses ORM changes and deletes, and on
SQLite a trigger refuses them in the database). Sealing runs on every scheduler beat and before
`qadesk audit verify`; entries get their place in the chain (`seq`) when sealed, in id order,
so an entry whose transaction committed late is chained after the ones sealed before it.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from typing import Optional

from sqlalchemy import and_, or_
from sqlalchemy.exc import IntegrityError

from qa_app.extensions import db
from qa_app.models import AuditEntry, Conversation, Dispute, Evaluation, User
from qa_app.models.base import as_utc
from qa_app.permissions import can
from qa_app.services import conversations, pagination

GENESIS = "0" * 64  # the chain value before the first entry
SEAL_BATCH = 2000


def record(actor: Optional[User], action: str, entity: str, entity_id: Optional[int],
           before: Optional[dict] = None, after: Optional[dict] = None) -> AuditEntry:
    """Add an audit entry to the session; it is stored with the change it describes."""
    entry = AuditEntry(user_id=actor.id if actor else None, action=action, entity=entity,
                       entity_id=entity_id, before=before, after=after)
    db.session.add(entry)
    return entry


def record_many(entries: list[dict]) -> None:
    """Many entries with one statement (batch jobs): dicts of record()'s arguments plus `at`."""
    if entries:
        db.session.execute(AuditEntry.__table__.insert(), [
            {"at": e["at"], "user_id": e["actor"].id if e["actor"] else None, "action": e["action"],
             "entity": e["entity"], "entity_id": e["entity_id"], "before": e.get("before"),
             "after": e.get("after")} for e in entries])


AUDIT_ORDER = (pagination.Key(AuditEntry.at), pagination.Key(AuditEntry.id))


def page(req: pagination.PageRequest, entity: Optional[str] = None, action: Optional[str] = None,
         login: Optional[str] = None, viewer: Optional[User] = None) -> pagination.Page:
    """A page (keyset) of the log, newest first, with the true number of entries matching the filters
    (`login`: entries by that user; "system" for those made by no user) that `viewer` may read
    (visible_to; None: the whole log, for the shell)."""
    query = db.select(AuditEntry)
    if viewer is not None:
        query = query.where(visible_to(viewer))
    query = pagination.where_given(query, (AuditEntry.entity, entity), (AuditEntry.action, action))
    if login == "system":
        query = query.where(AuditEntry.user_id.is_(None))
    elif login:
        query = query.where(AuditEntry.user_id == db.select(User.id).where(User.login == login).scalar_subquery())
    return pagination.paginate_keyset(query, AUDIT_ORDER, req)


def filter_values(viewer: Optional[User] = None) -> dict[str, list[str]]:
    """The entities and actions of the entries `viewer` may read (None: all), sorted, for the
    audit page's filter lists."""
    where = visible_to(viewer) if viewer is not None else db.true()
    return {name: list(db.session.scalars(db.select(column).where(where).distinct().order_by(column)))
            for name, column in (("entity", AuditEntry.entity), ("action", AuditEntry.action))}


def visible_to(user: User):
    """A WHERE clause on entries `user` may read (docs/access.md): admins the whole log; anyone else
    their own actions and the score trail of the conversations they may see (reviews, rescores,
    acknowledgements, disputes). Users, scorecards, rules, tokens, lockouts, erasures and other
    teams' work are the admins' alone."""
    if can(user, "sees_everything"):
        return db.true()
    seen = db.select(Conversation.id).where(conversations.visibility_filter(user))
    return or_(AuditEntry.user_id == user.id,
               and_(AuditEntry.entity == "conversation", AuditEntry.entity_id.in_(seen)),
               and_(AuditEntry.entity == "evaluation", AuditEntry.entity_id.in_(
                   db.select(Evaluation.id).where(Evaluation.conversation_id.in_(seen)))),
               and_(AuditEntry.entity == "dispute", AuditEntry.entity_id.in_(
                   db.select(Dispute.id).where(Dispute.conversation_id.in_(seen)))))


def content(entry) -> bytes:
    """The bytes of an entry that its chain value covers: every stored field but seq and chain."""
    doc = {"id": entry.id, "at": as_utc(entry.at).isoformat() if entry.at else None, "user_id": entry.user_id,
           "action": entry.action, "entity": entry.entity, "entity_id": entry.entity_id,
           "before": entry.before, "after": entry.after}
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode("utf-8")


def link(previous: str, entry) -> str:
    """The chain value of `entry` after the entry whose chain value is `previous`."""
    return hashlib.sha256(previous.encode("ascii") + b"\n" + content(entry)).hexdigest()


def _head() -> tuple[int, str]:
    last = db.session.execute(db.select(AuditEntry.seq, AuditEntry.chain).where(AuditEntry.seq.is_not(None))
                              .order_by(AuditEntry.seq.desc()).limit(1)).first()
    return (last.seq, last.chain) if last else (0, GENESIS)


def seal() -> int:
    """Chain every unsealed entry, oldest id first, committing each batch; returns how many.

    Two sealers at once cannot both take a place in the chain (seq is unique): the loser's batch
    is rolled back and left for the next beat.
    """
    sealed = 0
    db.session.expire_all()  # chain what is stored, as verify will read it
    while True:
        seq, chain = _head()
        batch = list(db.session.scalars(db.select(AuditEntry).where(AuditEntry.seq.is_(None))
                                        .order_by(AuditEntry.id).limit(SEAL_BATCH)))
        if not batch:
            return sealed
        values = []
        for entry in batch:
            seq, chain = seq + 1, link(chain, entry)
            values.append({"entry_id": entry.id, "seq": seq, "chain": chain})
        try:
            db.session.execute(AuditEntry.__table__.update().where(
                AuditEntry.__table__.c.id == db.bindparam("entry_id"), AuditEntry.__table__.c.seq.is_(None))
                .values(seq=db.bindparam("seq"), chain=db.bindparam("chain")), values)
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            return sealed
        db.session.expire_all()
        sealed += len(values)


@dataclass(frozen=True)
class ChainReport:
    """What `verify` found: entries checked, entries not sealed yet, the head (publish it to catch
    a deleted tail), and the first problem with the id of the entry it is on (None when intact)."""

    checked: int
    unsealed: int
    head: str
    problem: Optional[str] = None
    entry_id: Optional[int] = None

    @property
    def ok(self) -> bool:
        return self.problem is None

    def as_dict(self) -> dict:
        return {**asdict(self), "ok": self.ok}


def verify(expect_head: Optional[str] = None) -> ChainReport:
    """Walk the chain in seq order and recompute every value; stops at the first broken entry.

    A changed entry breaks its own value; a deleted one leaves a gap in seq; a deleted tail is
    only seen against a head recorded earlier (`expect_head`), which must still be in the chain.
    """
    rows = db.session.execute(db.select(AuditEntry).where(AuditEntry.seq.is_not(None))
                              .order_by(AuditEntry.seq).execution_options(yield_per=1000)).scalars()
    expected_seq, chain, checked, seen_head = 1, GENESIS, 0, expect_head is None
    for entry in rows:
        if entry.seq != expected_seq:
            return _broken(checked, chain, f"entries {expected_seq} to {entry.seq - 1} of the chain are missing "
                                           f"(deleted) before entry {entry.id}", entry.id)
        chain = link(chain, entry)
        if chain != entry.chain:
            return _broken(checked, chain, f"entry {entry.id} (chain place {entry.seq}) does not match its "
                                           "chain value: it or its place was changed", entry.id)
        seen_head = seen_head or chain == expect_head
        checked, expected_seq = checked + 1, expected_seq + 1
    if not seen_head:
        return _broken(checked, chain, f"the recorded head {expect_head} is not in the chain: entries "
                                       "after it were deleted or the chain was rebuilt", None)
    return ChainReport(checked, _unsealed(), chain)


def _unsealed() -> int:
    return db.session.scalar(db.select(db.func.count(AuditEntry.id)).where(AuditEntry.seq.is_(None))) or 0


def _broken(checked: int, chain: str, problem: str, entry_id: Optional[int]) -> ChainReport:
    return ChainReport(checked, _unsealed(), chain, problem, entry_id)
