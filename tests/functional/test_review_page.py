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
# reviewer: rev1 signed in, agent1 in team-a (the fixture of the page tests)
from tests.functional.test_web_pages import POLITE, RUDE, chat, reviewer, store  # noqa: F401
from tests.pages import text_of

pytestmark = pytest.mark.usefixtures("frozen_clock")


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


def test_in_chinese_the_review_page_shows_the_catalogues_titles_of_the_shipped_scorecard(reviewer):
    [conv_id] = store(chat("rude-1", "agent1", RUDE))
    reviewer.post("/language", data={"locale": "zh"})
    page = text_of(reviewer.get(f"/review/{conv_id}"))
    assert "客服第一次回复时问候或欢迎客户" in page and "权重 8" in page
    assert "Greets or welcomes the customer" not in page
    assert "保存并复核下一条" in page and "键盘快捷键" in page


def test_the_overall_comment_is_stored_with_the_review_and_shown_on_the_conversation_page(reviewer):
    [conv_id] = store(chat("rude-1", "agent1", RUDE))
    saved = _save(reviewer, conv_id, then="stay", overall_comment="  Rude from the second line on.  ")
    assert saved.status_code == 302 and saved.location.endswith(f"/conversations/{conv_id}")
    ev = _final(conv_id)
    assert ev.kind == "human" and ev.comment == "Rude from the second line on."
    page = text_of(reviewer.get(f"/conversations/{conv_id}"))
    assert "Overall comment:</strong> Rude from the second line on." in page


def test_an_overall_comment_over_the_limit_is_refused_and_nothing_is_stored(reviewer):
    [conv_id] = store(chat("rude-1", "agent1", RUDE))
    refused = _save(reviewer, conv_id, overall_comment="x" * 5001)
    assert refused.status_code == 400 and "at most 5000 characters, not 5001" in text_of(refused)
    assert _final(conv_id).kind == "auto"


def test_save_and_next_goes_to_the_next_conversation_of_the_queue_then_back_to_the_queue(reviewer):
    rude, polite = store(chat("rude-1", "agent1", RUDE), chat("nice-1", "agent1", POLITE))
    first = _save(reviewer, rude, then="next")  # the queue puts critical failures first
    assert first.status_code == 302 and first.location.endswith(f"/review/{polite}")
    last = _save(reviewer, polite, then="next")
    assert last.location.endswith("/review/")
    assert "Nothing else is waiting for your review." in text_of(reviewer.get("/review/"))
    assert {_final(rude).kind, _final(polite).kind} == {"human"}


def test_save_and_next_opens_the_reviewers_pick_due_soonest_before_the_rest_of_the_queue(reviewer):
    from datetime import timedelta
    from qa_app.models import ReviewPick, User
    rude, polite, other = store(chat("rude-1", "agent1", RUDE), chat("nice-1", "agent1", POLITE),
                                chat("nice-2", "agent1", POLITE))
    rev = db.session.scalar(db.select(User).where(User.login == "rev1"))
    from qa_app import clock
    for conv_id, days in ((other, 1), (polite, 2)):
        db.session.add(ReviewPick(week="2026-W48", conversation_id=conv_id, reviewer_id=rev.id,
                                  reasons=["random"], due_at=clock.now() + timedelta(days=days)))
    db.session.commit()
    assert _save(reviewer, rude, then="next").location.endswith(f"/review/{other}")


def _override_greeting(client, conv_id):
    return _save(client, conv_id, then="stay", result__greeting="pass",
                 comment__greeting="greeted in the pre-chat form")


def test_an_overridden_result_is_marked_with_who_changed_it_and_why_on_the_conversation_and_review_pages(reviewer):
    [conv_id] = store(chat("rude-1", "agent1", RUDE))
    assert _override_greeting(reviewer, conv_id).status_code == 302
    for url in (f"/conversations/{conv_id}", f"/review/{conv_id}"):
        page = text_of(reviewer.get(url))
        row = re.search(r'<tr class="[^"]*overridden[^"]*"[^>]*>(.*?)</tr>', page, re.S)
        assert row, url
        assert "greeting" in row.group(1) and "overridden" in row.group(1)
        assert "automatic result: Fail" in row.group(1)
        assert "Overridden by rev1 because greeted in the pre-chat form" in row.group(1)
        assert page.count("Overridden by") == 1, url  # the criteria the reviewer agreed with are not marked


def test_a_second_reviewer_who_agrees_leaves_the_override_credited_to_the_first(reviewer, client, auth, make_user):
    [conv_id] = store(chat("rude-1", "agent1", RUDE))
    _override_greeting(reviewer, conv_id)
    make_user("rev2", "reviewer")
    auth.logout()
    auth.login("rev2", PASSWORD)
    assert _save(client, conv_id, then="stay").status_code == 302
    page = text_of(client.get(f"/conversations/{conv_id}"))
    assert "Overridden by rev1 because greeted in the pre-chat form" in page


def test_the_dispute_page_marks_the_overridden_result_too(reviewer, client, auth):
    [conv_id] = store(chat("rude-1", "agent1", RUDE))
    _override_greeting(reviewer, conv_id)
    auth.logout()
    auth.login("agent1", PASSWORD)
    opened = client.post(f"/disputes/open/{_final(conv_id).id}", data={"comment": "I was polite"})
    assert opened.status_code == 302
    page = text_of(client.get(opened.location))
    assert "Overridden by rev1 because greeted in the pre-chat form" in page
    assert "Greets or welcomes the customer in the first agent turn" in page


def test_the_review_page_loads_its_script_from_a_file_and_has_no_inline_script(reviewer):
    [conv_id] = store(chat("rude-1", "agent1", RUDE))
    page = reviewer.get(f"/review/{conv_id}").get_data(as_text=True)
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", page, re.S)
    assert scripts and all('src="/static/' in attrs and not body.strip() for attrs, body in scripts)
    assert '/static/review.js' in page
    assert re.search(r"\son[a-z]+\s*=", page) is None  # no onclick= and the like


def test_the_queue_offers_to_start_with_the_next_conversation_to_review(reviewer):
    rude, polite = store(chat("rude-1", "agent1", RUDE), chat("nice-1", "agent1", POLITE))
    page = text_of(reviewer.get("/review/"))
    assert re.search(rf'class="button primary start-reviewing" href="/review/{rude}"', page)
    _save(reviewer, rude)
    _save(reviewer, polite)
    assert "start-reviewing" not in text_of(reviewer.get("/review/"))


def test_the_failure_banner_names_the_failed_criterion_by_its_title(reviewer):
    [conv_id] = store(chat("rude-1", "agent1", RUDE))
    page = text_of(reviewer.get(f"/review/{conv_id}"))
    banner = re.search(r'<div class="banner banner-danger".*?</div>', page, re.S).group(0)
    assert "Never insults, blames or mocks the customer (fails the evaluation): " in banner
