"""Automatic explanations on the pages: stored in English, shown in the reader's language (a Chinese
reader gets them in Chinese with the customer's words as they were said), unchanged in English."""
from __future__ import annotations

import pytest

from qa_app.extensions import db
from qa_app.models import CriterionScore, Evaluation
# reviewer: rev1 signed in, agent1 in team-a (the fixture of the page tests)
from tests.functional.test_web_pages import RUDE, chat, reviewer, store  # noqa: F401
from tests.pages import text_of

pytestmark = pytest.mark.usefixtures("frozen_clock")
STORED = "no greeting in the first agent turn"
SHOWN = "客服的第一轮发言中没有问候"


def _stored_greeting_explanation(conv_id: int) -> str:
    evaluation = db.session.scalar(db.select(Evaluation).where(Evaluation.conversation_id == conv_id,
                                                               Evaluation.is_final.is_(True)))
    row = db.session.scalar(db.select(CriterionScore).where(CriterionScore.evaluation_id == evaluation.id,
                                                                CriterionScore.criterion_id == "greeting"))
    return row.explanation


def test_a_chinese_reader_sees_the_stored_english_explanation_in_chinese_on_the_conversation_and_review_pages(reviewer):
    [conv_id] = store(chat("rude-1", "agent1", RUDE))
    assert _stored_greeting_explanation(conv_id) == STORED  # the row stays English
    reviewer.post("/language", data={"locale": "zh"})
    for url in (f"/conversations/{conv_id}", f"/review/{conv_id}"):
        page = text_of(reviewer.get(url))
        assert SHOWN in page, url
        assert STORED not in page, url
    page = text_of(reviewer.get(f"/conversations/{conv_id}"))
    assert "第 2 轮有“敷衍”意图（0.90）：“that is not my problem”" in page  # the agent's words as read


def test_an_english_reader_sees_the_explanation_as_stored(reviewer):
    [conv_id] = store(chat("rude-1", "agent1", RUDE))
    page = text_of(reviewer.get(f"/conversations/{conv_id}"))
    assert STORED in page and SHOWN not in page


def test_the_review_pages_failure_banner_gives_the_reasons_in_chinese_too(reviewer):
    [conv_id] = store(chat("rude-1", "agent1", RUDE))
    reviewer.post("/language", data={"locale": "zh"})
    page = text_of(reviewer.get(f"/review/{conv_id}"))
    assert "未通过：" in page and "“calm down”" in page  # the failure banner's reasons, in Chinese too


def test_a_chinese_agent_reads_why_a_course_was_assigned_in_chinese_on_the_training_page_and_the_bell(
        client, auth, make_user):
    from qa_app.models import Assignment
    from qa_app.services import training
    make_user("wang.agent", "agent", team="售后")
    lead = make_user("lee.lead", "lead", team="售后")
    assignment = training.assign_course(lead, "wang.agent", "aftersales-zh", due_days=10)
    assert db.session.get(Assignment, assignment.id).reason == "assigned by lee.lead"  # stored in English
    auth.login("wang.agent")
    client.post("/language", data={"locale": "zh"})
    for url in ("/training/", f"/training/{assignment.id}", "/notifications/"):
        page = text_of(client.get(url))
        assert "由 lee.lead 安排" in page, url
        assert "assigned by lee.lead" not in page, url
