"""A reviewer pins a reviewed conversation to a course module as an example (CSRF on); an agent
reads it inside the course, without the other agent's name; only reviewed conversations, only
people who may pin, and every pin audited."""
from __future__ import annotations

import pytest

from qa_app.extensions import db
from qa_app.models import AuditEntry, Conversation, Evaluation, Exemplar, Turn
from qa_app.services import scorecards, training
from tests.conftest import PASSWORD
from tests.pages import text_of, token


def login(client, who: str) -> None:
    client.post("/login", data={"login": who, "password": PASSWORD, "csrf_token": token(text_of(client.get("/login")))})


def conversation(agent, external_id: str, kind: str) -> int:
    conv = Conversation(external_id=external_id, agent_id=agent.id, language="en", meta={})
    db.session.add(conv)
    db.session.flush()
    db.session.add_all([Turn(conversation_id=conv.id, idx=0, speaker="customer", text="My parcel never came."),
                        Turn(conversation_id=conv.id, idx=1, speaker="agent",
                             text="I'm so sorry, that is frustrating. I'll send a new one today.")])
    db.session.add(Evaluation(conversation_id=conv.id, scorecard_version_id=scorecards.find_version("general-en").id,
                              kind=kind, score=95.0, is_final=True, section_scores={}))
    db.session.commit()
    return conv.id


@pytest.fixture
def setup(app, make_user):
    zoe = make_user("zoe.model", "agent")
    make_user("ann", "agent")
    make_user("rita", "reviewer")
    reviewed, unreviewed = conversation(zoe, "chat-good", "human"), conversation(zoe, "chat-auto", "auto")
    assignment = training.assign_course(None, "ann", "empathy-en").id
    app.config["WTF_CSRF_ENABLED"] = True
    return reviewed, unreviewed, assignment


def pin(client, conv_id: int, **fields):
    page = text_of(client.get(f"/conversations/{conv_id}"))
    data = {"target": "empathy-en:1", "kind": "good", "note": "Names the feeling, then acts today.",
            "csrf_token": token(page), **fields}
    return client.post(f"/conversations/{conv_id}/exemplars", data=data, follow_redirects=True)


def test_a_reviewer_pins_a_reviewed_conversation_and_an_agent_reads_it_in_the_course(client, setup):
    reviewed, _unreviewed, assignment = setup
    login(client, "rita")
    assert "Pinned as an example" in text_of(pin(client, reviewed))
    entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.entity == "exemplar"))
    assert entry.action == "pin" and entry.after["module"] == "empathy-en:1"
    client.post("/logout", data={"csrf_token": token(text_of(client.get("/")))})
    login(client, "ann")
    page = text_of(client.get(f"/training/{assignment}?module=1"))
    assert "Good example" in page and "Names the feeling, then acts today." in page
    assert "I'm so sorry, that is frustrating." in page and "zoe.model" not in page


@pytest.mark.parametrize(
    "fields, message",
    [({"kind": "great"}, "kind: must be good or bad"), ({"note": "  "}, "note: say what the agent should learn"),
     ({"target": "empathy-en:99"}, None)],
)
def test_a_bad_pin_is_refused_and_nothing_is_stored(client, setup, fields, message):
    reviewed, _u, _a = setup
    login(client, "rita")
    response = pin(client, reviewed, **fields)
    if message:
        assert message in text_of(response)
    else:
        assert response.status_code == 404
    assert db.session.scalar(db.select(db.func.count()).select_from(Exemplar)) == 0


def test_an_unreviewed_conversation_cannot_be_an_example(client, setup):
    _r, unreviewed, _a = setup
    login(client, "rita")
    assert "Only a reviewed conversation can be an example" in text_of(pin(client, unreviewed))
    assert db.session.scalar(db.select(db.func.count()).select_from(Exemplar)) == 0


def test_the_same_conversation_is_pinned_to_a_module_once_and_can_be_removed(client, setup):
    reviewed, _u, _a = setup
    login(client, "rita")
    pin(client, reviewed)
    assert "already an example in that module" in text_of(pin(client, reviewed))
    page = text_of(client.get(f"/conversations/{reviewed}"))
    [row] = db.session.scalars(db.select(Exemplar)).all()
    removed = client.post(f"/conversations/exemplars/{row.id}/delete",
                          data={"csrf_token": token(page), "conversation_id": reviewed}, follow_redirects=True)
    assert "The example is removed from the course." in text_of(removed)
    assert db.session.scalar(db.select(db.func.count()).select_from(Exemplar)) == 0


def test_agents_cannot_pin(client, setup):
    reviewed, _u, _a = setup
    login(client, "ann")
    page = text_of(client.get("/training/"))
    assert client.post(f"/conversations/{reviewed}/exemplars", data={"target": "empathy-en:1", "kind": "good",
                                                                    "note": "x", "csrf_token": token(page)}).status_code == 403
