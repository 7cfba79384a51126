"""What leads, reviewers and HR see of teams they do not cover (docs/access.md): the audit log, the
dispute statistics, the appraisal report and its downloads, the course-effectiveness report and the
QA dashboard are limited to a lead's teams; HR and admins see every team. The world is
tests/functional/access_world.py: a London agent's and a Shanghai agent's dispute, a lead of each team.
"""
from __future__ import annotations

import io
import re

import pytest

from tests.functional.access_world import SHANGHAI_AGENT, WHO, client_of

LONDON_AGENT = WHO["agent"][0]


def _text(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def _volume(page: str) -> int:
    return int(re.search(r'id="volume">(\d+)<', page).group(1))


@pytest.mark.parametrize("who, london, shanghai", [
    ("lead", True, False), ("other_lead", False, True), ("admin", True, True)])
def test_the_audit_log_shows_a_lead_only_entries_about_their_teams_and_their_own(world, who, london, shanghai):
    app, ids = world
    page = _text(client_of(app, who), "/admin/audit?entity=dispute&action=dispute_open")
    assert (f"dispute #{ids['dispute']}<" in page) is london
    assert (f"dispute #{ids['shanghai_dispute']}<" in page) is shanghai


@pytest.mark.parametrize("who, shown", [("lead", False), ("other_lead", False), ("admin", True)])
def test_user_administration_in_the_audit_log_is_for_admins_only(world, who, shown):
    app, _ids = world
    page = _text(client_of(app, who), "/admin/audit?entity=user")
    assert bool(re.search(r"<td>user #\d+</td>", page)) is shown


def test_a_lead_sees_their_own_actions_in_the_audit_log(world):
    """lead.london made the calibration session of the world."""
    app, ids = world
    page = _text(client_of(app, "lead"), "/admin/audit?entity=calibration_session")
    assert f"calibration_session #{ids['calibration']}<" in page


@pytest.mark.parametrize("who", ["reviewer", "hr", "agent"])
def test_reviewers_hr_and_agents_have_no_audit_log(world, who):
    app, _ids = world
    assert client_of(app, who).get("/admin/audit").status_code == 403


def test_dispute_statistics_count_only_the_disputes_of_a_leads_teams(world):
    app, _ids = world
    everyone = _volume(_text(client_of(app, "admin"), "/disputes/stats"))
    london = _volume(_text(client_of(app, "lead"), "/disputes/stats"))
    shanghai = _volume(_text(client_of(app, "other_lead"), "/disputes/stats"))
    assert (london, shanghai) == (_disputes_of(app, "London"), _disputes_of(app, "Shanghai"))
    assert london >= 1 and shanghai >= 1 and everyone >= london + shanghai


def _disputes_of(app, team: str) -> int:
    """The disputes of the team's agents, counted in the database (the demo opens some too)."""
    from qa_app.extensions import db
    from qa_app.models import Dispute, Team, User
    with app.app_context():
        return db.session.scalar(db.select(db.func.count(Dispute.id)).join(User, User.id == Dispute.agent_id)
                                 .join(Team, Team.id == User.team_id).where(Team.name == team))


@pytest.mark.parametrize("url", ["/reports/appraisal", "/reports/appraisal.csv"])
@pytest.mark.parametrize("who, london, shanghai", [
    ("lead", True, False), ("other_lead", False, True), ("hr", True, True), ("admin", True, True)])
def test_the_appraisal_report_and_its_download_list_only_a_leads_teams(world, url, who, london, shanghai):
    app, _ids = world
    page = _text(client_of(app, who), url)
    assert (LONDON_AGENT in page) is london
    assert (SHANGHAI_AGENT in page) is shanghai


@pytest.mark.parametrize("who, london, shanghai", [
    ("lead", True, False), ("other_lead", False, True), ("hr", True, True)])
def test_the_course_effectiveness_download_lists_only_a_leads_teams(world, who, london, shanghai):
    from openpyxl import load_workbook
    app, _ids = world
    response = client_of(app, who).get("/training/effectiveness.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.get_data()), read_only=True)
    cells = {str(v) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for v in row}
    agents = {login for login in cells if "." in login and login.islower()}
    assert (LONDON_AGENT in cells, SHANGHAI_AGENT in cells) == (london, shanghai), agents


@pytest.mark.parametrize("who, london, shanghai", [
    ("lead", True, False), ("other_lead", False, True), ("hr", True, True), ("admin", True, True)])
def test_the_qa_dashboard_figures_cover_only_a_leads_teams(world, who, london, shanghai):
    app, _ids = world
    document = _text(client_of(app, who), "/dashboards/qa.json")
    assert (LONDON_AGENT in document, SHANGHAI_AGENT in document) == (london, shanghai)
