"""The scorecard form editor: the active version as fields, rows added and removed by the form's own
buttons, a saved draft read back from the database, and every error shown next to its field with
the same field path as the YAML editor gives."""
from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from qa_app.extensions import db
from qa_app.models import ScorecardVersion
from qa_app.services import scorecards
from tests.conftest import PASSWORD
from tests.pages import text_of

URL = "/admin/scorecards/general-en/edit"


class _Fields(HTMLParser):
    """What a browser would post from the page's editor form (no button pressed): inputs with a
    name, ticked checkboxes, selected options and textareas."""

    def __init__(self) -> None:
        super().__init__()
        self.pairs: list[tuple[str, str]] = []
        self._select = self._textarea = None
        self._text: list[str] = []
        self._inside = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._inside = "scorecard-form" in (a.get("class") or "")
        if not self._inside or not a.get("name"):
            return
        if tag == "input" and a.get("type") != "checkbox":
            self.pairs.append((a["name"], a.get("value") or ""))
        elif tag == "input" and "checked" in a:
            self.pairs.append((a["name"], a.get("value") or "on"))
        elif tag == "select":
            self._select = a["name"]
        elif tag == "textarea":
            self._textarea, self._text = a["name"], []

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea:
            self.pairs.append((self._textarea, "".join(self._text).lstrip("\n")))
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form":
            self._inside = False

    def feed_options(self, page: str) -> None:
        """Selected options (or the first, as a browser posts), found in a second pass over the page."""
        for name, body in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
            chosen = re.search(r'<option value="([^"]*)" selected>', body) or re.search(r'<option value="([^"]*)"', body)
            self.pairs.append((name, chosen.group(1)))


def form_of(page: str) -> dict[str, list[str]]:
    fields = _Fields()
    fields.feed(page)
    fields.feed_options(page.split('class="scorecard-form"', 1)[1])
    data: dict[str, list[str]] = {}
    for name, value in fields.pairs:
        data.setdefault(name, []).append(value)
    return data


@pytest.fixture
def admin(client, auth):
    assert auth.login("admin", PASSWORD).status_code == 302
    return client


def versions() -> list[tuple[int, bool]]:
    db.session.expire_all()
    return [(v.version, v.active) for v in db.session.scalars(
        db.select(ScorecardVersion).where(ScorecardVersion.name == "general-en").order_by(ScorecardVersion.version))]


def test_the_editor_shows_each_section_criterion_weight_and_check_of_the_active_version(admin):
    page = text_of(admin.get(URL))
    data = form_of(page)
    card = scorecards.find_version("general-en").definition
    first = card["sections"][0]["criteria"][0]
    assert data["s-0-id"] == [card["sections"][0]["id"]] and data["s-0-c-0-id"] == [first["id"]]
    assert data["s-0-c-0-weight"] == [str(first["weight"])] and data["s-0-c-0-type"] == [first["check"]["type"]]
    assert "within_first_agent_turns: 1" in data["s-0-c-0-params"][0]
    assert len([k for k in data if k.endswith("-id") and "-c-" in k]) == sum(len(s["criteria"]) for s in card["sections"])
    assert "/admin/scorecards/general-en/new" in page  # the YAML editor stays one click away


def test_saving_the_form_unchanged_stores_a_draft_equal_to_the_active_version(admin):
    response = admin.post(URL, data={**form_of(text_of(admin.get(URL))), "action": "save"})
    assert response.status_code == 302 and "Saved as draft version 2" in text_of(admin.get(response.location))
    assert versions() == [(1, True), (2, False)]
    v1, v2 = (scorecards.find_version("general-en", n).definition for n in (1, 2))
    assert v1 == v2


def test_a_changed_weight_and_an_added_criterion_are_saved_as_the_next_draft(admin):
    data = form_of(text_of(admin.get(URL)))
    data["s-0-c-0-weight"] = ["20"]
    page = text_of(admin.post(URL, data={**data, "action": "add-criterion-0"}))
    data = form_of(page)
    added = max(int(k.split("-")[3]) for k in data if k.startswith("s-0-c-") and k.endswith("-id"))
    assert data["s-0-c-0-weight"] == ["20"] and data[f"s-0-c-{added}-id"] == [""]  # typed values kept
    data.update({f"s-0-c-{added}-id": ["thanks"], f"s-0-c-{added}-title": ["Thanks the customer"],
                 f"s-0-c-{added}-weight": ["2.5"], f"s-0-c-{added}-type": ["phrases_present"],
                 f"s-0-c-{added}-params": ["speaker: agent\nlabel: thanks\nphrases: [thank you, thanks]\n"]})
    assert admin.post(URL, data={**data, "action": "save"}).status_code == 302
    criteria = scorecards.find_version("general-en", 2).definition["sections"][0]["criteria"]
    assert criteria[0]["weight"] == 20 and criteria[-1]["id"] == "thanks" and criteria[-1]["weight"] == 2.5
    assert criteria[-1]["check"] == {"type": "phrases_present", "speaker": "agent", "label": "thanks",
                                     "phrases": ["thank you", "thanks"]}


def test_removing_a_section_and_a_criterion_takes_them_out_of_the_draft(admin):
    data = form_of(text_of(admin.get(URL)))
    count = len({k.split("-")[1] for k in data if k.startswith("s-")})
    data = form_of(text_of(admin.post(URL, data={**data, "action": "remove-section-1"})))
    data = form_of(text_of(admin.post(URL, data={**data, "action": "remove-criterion-0-0"})))
    assert admin.post(URL, data={**data, "action": "save"}).status_code == 302
    before = scorecards.find_version("general-en", 1).definition["sections"]
    after = scorecards.find_version("general-en", 2).definition["sections"]
    assert len(after) == count - 1 == len(before) - 1 and after[1]["id"] == before[2]["id"]
    assert [c["id"] for c in after[0]["criteria"]] == [c["id"] for c in before[0]["criteria"][1:]]


def test_errors_are_shown_next_to_their_fields_with_the_yaml_field_paths_and_nothing_is_stored(admin):
    data = form_of(text_of(admin.get(URL)))
    data.update({"s-0-c-0-weight": ["heavy"], "s-1-id": ["Bad Id"], "s-0-c-1-params": ["phrases: [unclosed"],
                 "s-2-c-0-type": ["no_such_check"], "language": [""]})
    response = admin.post(URL, data={**data, "action": "save"})
    page = text_of(response)
    assert response.status_code == 400 and versions() == [(1, True)]
    next_to = {
        "s-0-c-0-weight": "sections[0].criteria[0].weight: must be a positive number",
        "s-1-id": "sections[1].id: must be lower-case letters",
        "s-0-c-1-params": "sections[0].criteria[1].check: the parameters are not valid YAML",
        "s-2-c-0-type": "sections[2].criteria[0].check.type: unknown check type 'no_such_check'",
        "language": "language: ",
    }
    for field, message in next_to.items():
        shown = page.split(f'data-error-for="{field}"', 1)
        assert len(shown) == 2 and shown[1].split("</div>", 1)[0].find(message) > 0, field
    assert form_of(page)["s-0-c-0-weight"] == ["heavy"]  # the admin's input is kept for fixing


def test_the_form_and_the_yaml_editor_report_the_same_path_for_the_same_mistake(admin):
    data = form_of(text_of(admin.get(URL)))
    data["s-0-c-0-params"] = [data["s-0-c-0-params"][0].replace("within_first_agent_turns: 1",
                                                              "within_first_agent_turns: 0")]
    form_page = text_of(admin.post(URL, data={**data, "action": "save"}))
    yaml_text = scorecards.definition_yaml(scorecards.find_version("general-en")).replace(
        "within_first_agent_turns: 1", "within_first_agent_turns: 0")
    yaml_page = text_of(admin.post("/admin/scorecards/general-en/new", data={"definition": yaml_text}))
    message = "sections[0].criteria[0].check.within_first_agent_turns: must be a positive integer"
    assert message in form_page and message in yaml_page
    assert 'data-error-for="s-0-c-0-params"' in form_page


def test_a_parameter_called_type_is_refused_rather_than_silently_dropped(admin):
    data = form_of(text_of(admin.get(URL)))
    data["s-0-c-0-params"] = ["type: phrases_absent\n" + data["s-0-c-0-params"][0]]
    page = text_of(admin.post(URL, data={**data, "action": "save"}))
    assert "sections[0].criteria[0].type: choose the check type in its list" in page and versions() == [(1, True)]


def test_the_form_editor_needs_the_csrf_token(instance_dir):
    from qa_app import create_app
    from tests.pages import token
    app = create_app({"TESTING": True}, instance_path=str(instance_dir))
    with app.app_context():
        client = app.test_client()
        client.post("/login", data={"login": "admin", "password": PASSWORD,
                                    "csrf_token": token(text_of(client.get("/login")))})
        page = text_of(client.get(URL))
        data = {k: v for k, v in form_of(page).items() if k != "csrf_token"}
        assert client.post(URL, data={**data, "action": "save"}).status_code == 400
        data["csrf_token"] = [token(page)]
        assert client.post(URL, data={**data, "action": "save"}).status_code == 302
        db.session.remove()
        db.engine.dispose()
