"""The calibration session page names criteria by their scorecard titles in the reader's language,
as the review page does (the catalogue's titles of the shipped scorecards), never by their ids:
the rater's answer form and its labels, a rater's own answers, the results' comparison of every
rater's answers, the agreement table and the lead's calibrated-answer form; in English and Chinese."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from qa_app import clock
from qa_app.services import calibration_sessions as sessions
from qa_app.services import users
from tests.conftest import PASSWORD
from tests.functional.test_web_pages import POLITE, RUDE, chat, store
from tests.pages import text_of

pytestmark = pytest.mark.usefixtures("frozen_clock")
TITLES = {"en": ("Greets or welcomes the customer in the first agent turn",
                 "Acknowledges the customer's feelings when the customer is upset or worried"),
          "zh": ("客服第一次回复时问候或欢迎客户", "客户不满或担忧时，体谅并回应客户的情绪")}
LABELS = {"en": ("Answer for %s", "Calibrated answer for %s"), "zh": ("%s 的答案", "%s 的校准答案")}


@pytest.fixture
def session(app, make_user, fake_sentiment):
    """Two English chats scored by the shipped general-en card, in a session of lead1 with raters
    rev1 (answered both) and rev2 (answered one)."""
    for login, role in (("lead1", "lead"), ("rev1", "reviewer"), ("rev2", "reviewer")):
        make_user(login, role)
    ids = store(chat("cal-rude", "cal.agent", RUDE), chat("cal-polite", "cal.agent", POLITE))
    made = sessions.create_session(users.get_user("lead1"), "Titles", ids, ["rev1", "rev2"],
                                   clock.now() + timedelta(days=1))
    for rater, conv_ids in (("rev1", ids), ("rev2", ids[:1])):
        for conv_id in conv_ids:
            answers = {c.id: "pass" for c in sessions.criteria_of(conv_id)}
            sessions.submit_answers(users.get_user(rater), made.id, conv_id, answers)
    return made.id


def _page(client, auth, who: str, session_id: int, language: str) -> str:
    assert auth.login(who, PASSWORD).status_code == 302
    client.post("/language", data={"locale": language})
    return text_of(client.get(f"/calibration/{session_id}"))


def _no_ids(page: str) -> None:
    """No criterion id shown as a name: no <code>id</code>, no cell holding just an id."""
    assert re.search(r"<code>(greeting|empathy|forbidden_phrases)</code>", page) is None
    assert re.search(r"<td>\s*(greeting|empathy)\s*</td>", page) is None


def _label(page: str, prefix: str) -> str:
    """The hidden label of the greeting criterion's select in the form whose ids start with `prefix`."""
    return re.search(rf'<label class="sr-only" for="{prefix}-\d+-answer__greeting">([^<]+)</label>', page).group(1)


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_raters_form_and_labels_name_each_criterion_by_its_translated_title(client, auth, session, language):
    page = _page(client, auth, "rev1", session, language)
    form = page.split('class="answer-form"')[1].split("</form>")[0]
    greeting, empathy = TITLES[language]
    assert greeting in form and empathy in form
    assert _label(form, "answer") == LABELS[language][0] % greeting
    _no_ids(page)
    if language == "zh":
        assert TITLES["en"][0] not in page and TITLES["en"][1] not in page


@pytest.mark.parametrize("language", ["en", "zh"])
def test_after_close_every_answer_table_names_criteria_by_their_translated_titles(client, auth, session, language):
    sessions.close_session(users.get_user("lead1"), session)
    page = _page(client, auth, "lead1", session, language)
    greeting, empathy = TITLES[language]
    agreement = page.split('id="results"')[1].split("</table>")[0]
    answers = page.split('class="criteria answers"')[1].split("</table>")[0]
    calibrate = page.split('class="calibrate-form"')[1].split("</form>")[0]
    for table in (agreement, answers, calibrate):
        assert greeting in table and empathy in table
    assert _label(calibrate, "calibrated") == LABELS[language][1] % greeting
    _no_ids(page)
    if language == "zh":
        assert TITLES["en"][0] not in page and TITLES["en"][1] not in page
