"""The Trusted automation page and the appraisal's agent score certainty, through the browser-facing pages."""
from __future__ import annotations

import html
import re

import pytest

from tests.conftest import PASSWORD
from tests.integration.test_trust_and_agent_scores import ANGRY, CARD, HAPPY, REVIEWED, record, review_all, seed


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def squeezed(markup: str) -> str:
    """The text of some HTML: tags dropped (before unescaping, so a "<" in the text stays), spaces squeezed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def row_of(page: str, row_id: str) -> str:
    """The text of one criterion's row (up to the next criterion or the table's end), tags dropped."""
    row = page.split(f'<tr id="{row_id}">', 1)[1]
    return squeezed(re.split(r'<tr id="|</table>\s*(?:<h3|<p class="hint"|</section>)', row, maxsplit=1)[0])


@pytest.fixture
def reviewed(app, make_user, fake_sentiment):
    """Four reviewed chats (the reviewer accepts a 90 s first response on r3) and two unreviewed ones."""
    from qa_app.services import scorecards
    scorecards.create_version(CARD, activate=True)
    make_user("ann", "agent")
    rev = make_user("rev1", "reviewer")
    make_user("lead1", "lead")
    make_user("hr1", "hr")
    ids = seed(*REVIEWED, record("u-fast", 10, HAPPY), record("u-slow", 90, ANGRY))
    review_all(rev, ids, {"r3": {"first_response": {"result": "pass", "comment": "90 s is fine on returns"}}})
    app.config.update(QADESK_TRUST_MIN_REVIEWS=4, QADESK_TRUST_MIN_KAPPA=0.6)
    return ids


@pytest.mark.parametrize("login", ["lead1", "rev1", "admin"])
def test_leads_reviewers_and_admins_read_the_numbers_of_each_criterion(client, auth, reviewed, login):
    auth.login(login, PASSWORD)
    page = client.get("/trust/").get_data(as_text=True)
    assert "Trusted automation" in page and "over at least 4 reviewed conversations" in page
    # (pass, pass) x2, (fail, pass), (fail, fail): accuracy 75 %, kappa 0.50
    first = row_of(page, "trust-lab-first_response")
    assert "4 75.0 % 0.50" in first
    assert "Pass 2 0 0 Fail 1 1 0 N/A 0 0 0" in first
    assert first.endswith("no kappa 0.50 is below 0.6")
    sentiment = row_of(page, "trust-lab-customer_sentiment_end")   # pass/fail/pass/fail on both sides
    assert "4 100.0 % 1.00" in sentiment and "Pass 2 0 0 Fail 0 2 0" in sentiment
    assert sentiment.endswith("yes kappa 1.00 over 4 reviews ≥ 0.6 over 4")
    assert row_of(page, "trust-lab-greeting").endswith(
        "no kappa cannot be computed: the automatic and human results never vary")


def test_the_page_suggests_the_first_response_limit_the_reviewers_apply(client, auth, reviewed):
    from qa_app.services import review, users
    auth.login("lead1", PASSWORD)
    page = squeezed(client.get("/trust/").get_data(as_text=True))
    # 30 s already agrees best with reviewers who passed r1-r3 and failed r4 (90 s would pass r4 too)
    assert "seconds: 30 accuracy 75.0 %, kappa 0.50 over 4 reviews Keep it" in page
    assert "min: -0.05 accuracy 100.0 %, kappa 1.00 over 4 reviews Keep it" in page
    review.submit_review(users.get_user("lead1"), reviewed["r4"],
                         {"first_response": {"result": "pass", "comment": "90 s is fine"}})
    page = squeezed(client.get("/trust/").get_data(as_text=True))
    # now the reviewers pass every first response: 30 s fails two of them, 90 s passes all (kappa undefined)
    assert "seconds: 30 accuracy 50.0 %, kappa 0.00 over 4 reviews seconds: 90 accuracy 100.0 %, kappa — over 4" in page


def test_with_no_reviews_every_criterion_needs_more(client, auth, app, make_user, fake_sentiment):
    make_user("lead1", "lead")
    auth.login("lead1", PASSWORD)
    page = text_of(client.get("/trust/"))
    assert "only 0 reviews, needs 30" in page
    assert "No reviewed conversation with a measured value yet." in page


@pytest.mark.parametrize("login, shown", [("lead1", True), ("rev1", True), ("hr1", False), ("ann", False)])
def test_the_navigation_offers_the_page_to_reviewers_leads_and_admins_only(client, auth, reviewed, login, shown):
    auth.login(login, PASSWORD)
    nav = text_of(client.get("/")).split('<nav class="mainnav"')[1].split("</nav>")[0]
    assert (">Trusted automation</a>" in nav) is shown
    if not shown:
        assert client.get("/trust/").status_code == 403


def test_hr_sees_the_agent_score_interval_on_the_appraisal_page_and_in_the_csv(client, auth, reviewed):
    auth.login("hr1", PASSWORD)
    page = text_of(client.get("/reports/appraisal?period=2026-11"))
    assert "Agent score" in page and "95 % interval" in page and "Reviews needed" in page
    csv_text = client.get("/reports/appraisal.csv?period=2026-11").get_data().decode("utf-8-sig")
    header, line = csv_text.splitlines()[0].split(","), next(l for l in csv_text.splitlines() if l.startswith("ann,"))
    row = dict(zip(header, line.split(",")))
    assert header[-5:] == ["Agent score", "Scored", "Interval low (95%)", "Interval high (95%)", "Reviews needed"]
    # trusted: customer_sentiment_end only (first_response has kappa 0.50); u-fast counts 100 (sentiment
    # pass), u-slow 0 (sentiment fail); the reviewed chats count with the reviewer's score.
    assert row["Scored"] == "6" and row["Evaluations"] == "6"
    low, high = float(row["Interval low (95%)"]), float(row["Interval high (95%)"])
    assert low <= float(row["Agent score"]) <= high and f'<td class="ci">{low:.1f}</td><td class="ci">{high:.1f}</td>' in page
