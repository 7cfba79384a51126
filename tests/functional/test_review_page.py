"""The review page: criterion titles (in Chinese too) and weights, the live score's inputs, the
overall comment, "save and next" through the queue, the overridden marker on every page that
shows a changed result, and no inline script on it."""
from __future__ import annotations

import re

import pytest

from qa_app.extensions import db
from qa_app.models import Evaluation
from qa_app.services import conversations
from tests.conftest import PASSWORD
from tests.functional.test_web_pages import POLITE, RUDE, chat, store
from tests.pages import text_of

pytestmark = pytest.mark.usefixtures("frozen_clock")


@pytest.fixture
def reviewer(client, auth, make_user, fake_sentiment):
    make_user("rev1", "reviewer")
    make_user("agent1", "agent", team="team-a")
    auth.login("rev1", PASSWORD)
    return client


def _final(conv_id: int) -> Evaluation:
    return db.session.scalar(db.select(Evaluation).where(Evaluation.conversation_id == conv_id,
                                                         Evaluation.is_final.is_(True)))


def _save(client, conv_id: int, **form):
    return client.post(f"/review/{conv_id}", data={"based_on": str(_final(conv_id).id), **form})


def test_the_review_page_names_each_criterion_by_its_scorecard_title_with_its_weight(reviewer):
    [conv_id] = store(chat("rude-1", "agent1", RUDE))
    page = text_of(reviewer.get(f"/review/{conv_id}"))
    assert "Greets or welcomes the customer in the first agent turn" in page
    assert re.search(r'<div class="criterion-title">[^<]*forbidden', page) is None  # a title, not the id
    assert "weight 8" in page
    rows = re.findall(r'data-criterion="(\w+)" data-result="(\w+)" data-weight="([\d.]+)"', page)
    assert ("greeting", "fail", "8.0") in rows
