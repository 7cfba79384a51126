"""An admin edits the training rules on the Rules pages (CSRF on): a dry run shows who a change
would assign and stores nothing; saving stores the next version in force; an invalid file is
refused with its field path and the text kept; a stale save is refused; old versions can be
read, exported and edited from; leads and agents are kept out."""
from __future__ import annotations

import html
import re

import pytest

from qa_app.extensions import db
from qa_app.models import Assignment, Conversation, Evaluation, TrainingRuleSet
from qa_app.services import scorecards
from training.rule_files import default_rules
from tests.conftest import PASSWORD
from tests.pages import text_of, token

LOW_80 = ("threshold: 70\n  language: en\n- id: compliance-en", "threshold: 80\n  language: en\n- id: compliance-en")


def textarea(page: str) -> str:
    return html.unescape(re.search(r'<textarea id="definition"[^>]*>(.*?)</textarea>', page, re.S).group(1))


@pytest.fixture
def admin(app, client, make_user):
    make_user("lena", "lead")
    app.config["WTF_CSRF_ENABLED"] = True
    client.post("/login", data={"login": "admin", "password": PASSWORD, "csrf_token": token(text_of(client.get("/login")))})
    return client


@pytest.fixture
def scored_75(app, make_user):
    """Agent ann's one conversation, finally scored 75: under the shipped 70 nothing, under 80 basics."""
    ann = make_user("ann", "agent")
    conv = Conversation(external_id="chat-75", agent_id=ann.id, language="en", meta={})
    db.session.add(conv)
    db.session.flush()
    db.session.add(Evaluation(conversation_id=conv.id, scorecard_version_id=scorecards.find_version("general-en").id,
                              kind="auto", score=75.0, is_final=True, section_scores={}))
    db.session.commit()


def versions() -> list[int]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(TrainingRuleSet.version).order_by(TrainingRuleSet.version)))


def post(client, page: str, text: str, action: str, **extra):
    base = re.search(r'name="base_version"[^>]*value="(\d*)"', page)
    data = {"definition": text, "action": action, "csrf_token": token(page),
            "base_version": base.group(1) if base else "", **extra}
    return client.post("/admin/rules/edit", data=data)


def test_a_dry_run_shows_who_a_lower_bar_would_assign_and_stores_nothing(admin, scored_75):
    page = text_of(admin.get("/admin/rules/edit"))
    response = post(admin, page, textarea(page).replace(*LOW_80), "dry_run")
    shown = text_of(response)
    assert response.status_code == 200
    assert "these rules would assign 1 courses" in shown and "score 75.0 below 80 on conversation chat-75" in shown
    assert "Not assigned by the rules in force: 1." in shown
    assert versions() == [1] and db.session.scalar(db.select(db.func.count()).select_from(Assignment)) == 0


def test_saving_makes_the_change_the_next_version_in_force(admin):
    page = text_of(admin.get("/admin/rules/edit"))
    response = post(admin, page, textarea(page).replace(*LOW_80), "save", note="stricter basics")
    assert response.status_code == 302 and response.location.endswith("/admin/rules")
    listing = text_of(admin.get("/admin/rules"))
    assert "The rules are saved as version 2 and are in force." in listing
    assert "score below 80" in listing and "stricter basics" in listing
    assert versions() == [1, 2]
    old = text_of(admin.get("/admin/rules/1"))
    assert "score below 70" in old and "Edit from this version" in old
    assert "threshold: 70" in textarea(text_of(admin.get("/admin/rules/edit?from=1")))
    exported = admin.get("/admin/rules/export?version=1")
    assert exported.headers["Content-Disposition"] == 'attachment; filename="training-rules-v1.yaml"'
    assert b"threshold: 70" in exported.data


def test_an_invalid_file_names_the_field_keeps_the_text_and_stores_nothing(admin):
    page = text_of(admin.get("/admin/rules/edit"))
    bad = textarea(page).replace("course_code: empathy-en", "course_code: empathy-xx", 1)
    response = post(admin, page, bad, "save")
    shown = text_of(response)
    assert response.status_code == 400
    assert "rules.yaml: rules[3].course_code: no course 'empathy-xx' in this instance" in shown
    assert "empathy-xx" in textarea(shown) and versions() == [1]


def test_a_save_over_a_newer_version_is_refused_with_the_text_kept(admin):
    page = text_of(admin.get("/admin/rules/edit"))
    post(admin, page, textarea(page).replace(*LOW_80), "save")
    response = post(admin, page, textarea(page).replace("due_days: 14", "due_days: 15", 1), "save")
    assert response.status_code == 400 and "now version 2" in text_of(response)
    assert "due_days: 15" in textarea(text_of(response)) and versions() == [1, 2]


def test_a_post_without_the_csrf_token_is_refused(admin):
    response = admin.post("/admin/rules/edit", data={"definition": "rules: []", "action": "save"})
    assert response.status_code == 400 and versions() == [1]


def test_leads_cannot_edit_rules(client, app, admin):
    client.post("/logout", data={"csrf_token": token(text_of(client.get("/")))})
    client.post("/login", data={"login": "lena", "password": PASSWORD, "csrf_token": token(text_of(client.get("/login")))})
    page = text_of(client.get("/"))
    assert client.post("/admin/rules/edit", data={"definition": "rules: []", "action": "save",
                                                  "csrf_token": token(page)}).status_code == 403
    assert versions() == [1]


def test_the_command_line_lists_exports_validates_dry_runs_and_imports_rules(cli, tmp_path, scored_75):
    import json
    listing = cli("rules", "list")
    assert listing.exit_code == 0 and "empathy-en" in listing.output and "criterion empathy failed" in listing.output
    out = tmp_path / "rules.yaml"
    assert cli("rules", "export", "-o", str(out)).exit_code == 0
    out.write_text(out.read_text(encoding="utf-8").replace(*LOW_80), encoding="utf-8")
    shipped = len(default_rules())
    assert cli("rules", "validate", str(out)).output.strip().endswith(f"valid, {shipped} rules")
    dry = json.loads(cli("rules", "import", str(out), "--dry-run", "--json").output)
    assert [(w["agent"], w["course"]) for w in dry["assign"]] == [("ann", "qa-basics-en")] and versions() == [1]
    done = cli("rules", "import", str(out), "--note", "pilot")
    assert done.exit_code == 0 and f"rules version 2 in force ({shipped} rules)" in done.output
    history = cli("rules", "history")
    assert "v2" in history.output and "pilot" in history.output


def test_a_bad_rule_file_on_the_command_line_exits_1_with_the_field_path(app, cli, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("rules:\n- id: x\n  name: X\n  kind: csat_below\n  threshold: 9\n  course_code: empathy-en\n"
                   "  due_days: 3\n", encoding="utf-8")
    for command in (("validate",), ("import",)):
        result = cli("rules", *command, str(bad))
        assert result.exit_code == 1
        assert "bad.yaml: rules[0].threshold: must be a number from 1 to 5" in result.output
    assert versions() == [1]
