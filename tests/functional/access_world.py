"""One demo-like instance for the access tests: the demo data set, plus people who cover one team each,
and one object of every kind owned by agent A (david.smith, team London).

Who is who (WHO): `agent` is A; `other_agent` is B, an agent of the same team; `reviewer` and `lead`
cover London; `other_lead` covers Shanghai only; `hr` and `admin` are the demo's. Built once per
test session (loading the demo takes a while); requests never change it unless a check is broken.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from qa_app import clock
from qa_app.demo import DEMO_PASSWORD
from qa_app.extensions import db
from qa_app.models import (Appraisal, Assignment, CalibrationSession, Certificate, CoachingAction, CoachingSession,
                           Conversation, Evaluation, Exemplar, QuizAttempt, ScorecardVersion, User)
from tests.conftest import PASSWORD

# world role -> (login, password)
WHO = {
    "agent": ("david.smith", DEMO_PASSWORD),
    "other_agent": ("emma.jones", DEMO_PASSWORD),
    "reviewer": ("rev.london", PASSWORD),
    "lead": ("lead.london", PASSWORD),
    "other_lead": ("lead.shanghai", PASSWORD),
    "hr": ("hr.zhao", DEMO_PASSWORD),
    "admin": ("admin", PASSWORD),
}
WORLD_ROLES = ("anonymous", *WHO)
SHANGHAI_AGENT = "li.na"  # has a dispute too, so team-scoped figures differ between the two leads
COURSE_FILE = "access-test.pdf"


def build(sentiment) -> dict:
    """Load the demo, add the one-team people and A's dispute, calibration session and course file;
    returns the URL parameters of A's objects (the route table's placeholders)."""
    from qa_app.services import course_files, demo, users
    demo.load_demo(sentiment=sentiment)
    users.add_user("rev.london", "reviewer", password=PASSWORD, covers=["London"])
    users.add_user("lead.london", "lead", password=PASSWORD, covers=["London"])
    users.add_user("lead.shanghai", "lead", password=PASSWORD, covers=["Shanghai"])
    agent = users.get_user(WHO["agent"][0])
    conv = _reviewed_conversation(agent)
    final = _final(conv.id)
    dispute = _dispute(agent, "the customer was happy")
    course_files.store(None, COURSE_FILE, b"%PDF-1.4 access test\n")
    return {"conv": conv.id, "evaluation": final.id, "dispute": dispute.id, "audio_conv": _call(agent).id,
            "shanghai_dispute": _dispute(users.get_user(SHANGHAI_AGENT), "订单已经签收").id,
            "calibration": _calibration(agent, conv).id, **_training(agent), **_people_work(agent),
            **_configuration(), "file": COURSE_FILE}


def _dispute(agent: User, comment: str):
    """The agent's open dispute on their first reviewed conversation's evaluation: the demo's when it
    opened one there (one open dispute per evaluation), else one opened an hour after the evaluation."""
    from qa_app.models import Dispute
    from qa_app.services import disputes
    final = _final(_reviewed_conversation(agent).id)
    existing = db.session.scalar(db.select(Dispute).where(Dispute.evaluation_id == final.id,
                                                          Dispute.status == "open"))
    return existing or disputes.open_dispute(agent, final.id, comment, now=final.created_at + timedelta(hours=1))


def _final(conversation_id: int) -> Evaluation:
    return db.session.scalar(db.select(Evaluation).where(Evaluation.conversation_id == conversation_id,
                                                         Evaluation.is_final.is_(True)))


def _reviewed_conversation(agent: User) -> Conversation:
    return db.session.scalar(db.select(Conversation).join(Evaluation).where(
        Conversation.agent_id == agent.id, Evaluation.is_final.is_(True), Evaluation.kind == "human")
        .order_by(Conversation.id).limit(1))


def _call(agent: User) -> Conversation:
    """A's conversation with a stored recording (the demo keeps none: a few bytes stand in for one)."""
    import hashlib
    from qa_app.services import transcription
    conv = db.session.scalar(db.select(Conversation).where(Conversation.agent_id == agent.id)
                             .order_by(Conversation.id.desc()).limit(1))
    sound = b"RIFF access-test recording"
    conv.audio_sha256 = hashlib.sha256(sound).hexdigest()
    (transcription.audio_dir() / f"{conv.audio_sha256}.wav").write_bytes(sound)
    db.session.commit()
    return conv


def _calibration(agent: User, conv: Conversation) -> CalibrationSession:
    """An open session on A's conversation, rated by the London reviewer and lead; the reviewer has
    answered (the answer must stay hidden from the other raters until close)."""
    from qa_app.services import calibration_sessions as cs, users
    lead = users.get_user("lead.london")
    session = cs.create_session(lead, "access", [conv.id], ["rev.london", "lead.london"],
                                deadline=clock.now() + timedelta(days=7))
    criteria = cs.criteria_of(conv.id)
    cs.submit_answers(users.get_user("rev.london"), session.id, conv.id, {c.id: "pass" for c in criteria})
    return session


def _training(agent: User) -> dict:
    attempt = db.session.scalar(db.select(QuizAttempt).join(Assignment).where(
        Assignment.agent_id == agent.id, QuizAttempt.submitted_at.is_not(None)).order_by(QuizAttempt.id).limit(1))
    assignment = db.session.get(Assignment, attempt.assignment_id)
    certificate = db.session.scalar(db.select(Certificate).where(Certificate.agent_id == agent.id).limit(1))
    return {"assignment": assignment.id, "attempt": attempt.id, "module": 1,
            "course": assignment.course.code, "certificate": certificate.id, "code": certificate.code}


def _people_work(agent: User) -> dict:
    session = db.session.scalar(db.select(CoachingSession).where(CoachingSession.agent_id == agent.id).limit(1))
    action = db.session.scalar(db.select(CoachingAction).where(CoachingAction.session_id == session.id).limit(1))
    appraisal = db.session.scalar(db.select(Appraisal).where(Appraisal.agent_id == agent.id).limit(1))
    exemplar = db.session.scalar(db.select(Exemplar).order_by(Exemplar.id).limit(1))
    return {"coaching": session.id, "action": action.id, "appraisal": appraisal.id, "exemplar": exemplar.id}


def _configuration() -> dict:
    version = db.session.scalar(db.select(ScorecardVersion).order_by(ScorecardVersion.id).limit(1))
    return {"scorecard": version.id, "card": version.name, "rules_version": 1, "login": WHO["agent"][0]}


def snapshot() -> dict:
    """Every stored row of every table but the sign-in bookkeeping, read fresh: what a refused
    request must leave as it was."""
    db.session.expire_all()
    rows = {}
    for table in db.metadata.sorted_tables:
        if table.name in IGNORED_TABLES:
            continue
        rows[table.name] = sorted(map(repr, db.session.execute(table.select()).all()))
    return rows


# written by logging in (attempt records, session versions, last login), not by the pages under test
IGNORED_TABLES = {"login_throttle"}


def client_of(app, who: str):
    """A test client logged in as world role `who` (none for "anonymous")."""
    client = app.test_client()
    if who != "anonymous":
        login, password = WHO[who]
        assert client.post("/login", data={"login": login, "password": password}).status_code == 302, who
    return client
