"""`qadesk scorecard list|show|validate|import|activate|preview`, run in-process against a fresh instance."""
from __future__ import annotations

import json

import pytest

from scoring.catalog import shipped_scorecard_texts
from tests.conftest import FIXTURES


@pytest.fixture(autouse=True)
def scorecard_group():
    """The `scorecard` group as qa_app/cli.py registers it (registering again replaces it)."""
    from qa_app.cli import main
    from qa_app.commands import scorecards
    scorecards.register(main)
    return main.commands["scorecard"]


def _json(result):
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def write(tmp_path, text: str, name: str = "card.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def general(**replace: str) -> str:
    text = shipped_scorecard_texts()["general-en"]
    for old, new in replace.items():
        assert old in text
        text = text.replace(old, new)
    return text


BAD = general(**{"within_first_agent_turns: 1": "within_first_agent_turns: two", "weight: 12": "weight: 0",
                 "weight: 6": "weight: 0"})
BAD_ERRORS = ["sections[0].criteria[0].check.within_first_agent_turns: must be a positive integer",
              "sections[1].criteria[0].weight: must be a positive number",
              "sections[4].criteria[0].weight: must be a positive number"]


def test_list_shows_each_scorecard_with_its_scope_versions_and_evaluations(cli, fake_sentiment):
    _json(cli("ingest", str(FIXTURES / "new_agent.ndjson"), "--create-agents", "--json"))
    _json(cli("score", "--json"))
    rows = {r["name"]: r for r in _json(cli("scorecard", "list", "--json"))}
    assert sorted(rows) == ["ecommerce-aftersales-zh", "ecommerce-chat-en", "general-en"]
    chat = rows["ecommerce-chat-en"]
    assert (chat["active_version"], chat["language"], chat["channels"], chat["versions"], chat["evaluations"]) == (
        1, "en", ["chat"], 1, 2)
    assert chat["queues"] == ["returns", "refunds", "logistics", "complaints"]
    text = cli("scorecard", "list").output
    assert "ecommerce-chat-en" in text and "returns,refunds,logistics,complaints" in text


def test_show_prints_the_active_version_as_yaml_or_json(cli, tmp_path):
    assert cli("scorecard", "show", "general-en").output.startswith("name: general-en\ntitle: ")
    _json(cli("scorecard", "import", write(tmp_path, general(**{"seconds: 10": "seconds: 15"})), "--draft", "--json"))
    doc = _json(cli("scorecard", "show", "general-en", "--json"))
    assert (doc["version"], doc["active"]) == (1, True)
    assert doc["definition"]["sections"][4]["criteria"][0]["check"] == {"type": "dead_air", "seconds": 10}
    draft = _json(cli("scorecard", "show", "general-en", "--version", "2", "--json"))
    assert (draft["version"], draft["active"]) == (2, False)
    assert draft["definition"]["sections"][4]["criteria"][0]["check"]["seconds"] == 15


@pytest.mark.parametrize("args, message", [
    (("nope",), "no scorecard called 'nope'"),
    (("general-en", "--version", "9"), "scorecard 'general-en' has no version 9 (versions: 1)"),
])
def test_show_of_an_unknown_scorecard_or_version_exits_1(cli, args, message):
    result = cli("scorecard", "show", *args)
    assert result.exit_code == 1 and message in result.output


def test_validate_accepts_a_good_file(cli, tmp_path):
    path = write(tmp_path, general())
    assert _json(cli("scorecard", "validate", path, "--json")) == {"file": path, "valid": True, "errors": []}
    assert cli("scorecard", "validate", path).output == f"{path}: valid\n"


def test_validate_exits_1_listing_every_error_with_its_path(cli, tmp_path):
    path = write(tmp_path, BAD)
    result = cli("scorecard", "validate", path, "--json")
    assert result.exit_code == 1
    assert json.loads(result.stdout) == {"file": path, "valid": False, "errors": BAD_ERRORS}
    text = cli("scorecard", "validate", path)
    assert text.exit_code == 1 and text.output.splitlines() == [f"{path}: {e}" for e in BAD_ERRORS]


@pytest.mark.parametrize("content, message", [
    (b"name: x\n  bad: indent\n", "line 2, column 6"),
    (b"\xff\xfe not utf-8", "cannot read the file"),
])
def test_validate_reports_unreadable_files_and_yaml_syntax_errors(cli, tmp_path, content, message):
    path = tmp_path / "broken.yaml"
    path.write_bytes(content)
    result = cli("scorecard", "validate", str(path))
    assert result.exit_code == 1 and message in result.output


def test_validate_of_a_missing_file_is_a_usage_error(cli, tmp_path):
    result = cli("scorecard", "validate", str(tmp_path / "missing.yaml"))
    assert result.exit_code == 2 and "does not exist" in result.output


def test_import_creates_the_next_version_and_activates_it(cli, tmp_path):
    doc = _json(cli("scorecard", "import", write(tmp_path, general(**{"seconds: 10": "seconds: 15"})), "--json"))
    assert (doc["name"], doc["version"], doc["active"]) == ("general-en", 2, True)
    rows = {r["name"]: r for r in _json(cli("scorecard", "list", "--json"))}
    assert (rows["general-en"]["active_version"], rows["general-en"]["versions"]) == (2, 2)
    assert cli("scorecard", "show", "general-en", "--version", "1", "--json").exit_code == 0


def test_import_of_a_new_name_starts_at_version_1(cli, tmp_path):
    path = write(tmp_path, general(**{"name: general-en": "name: pilot-en"}))
    assert "imported pilot-en v1 (active)" in cli("scorecard", "import", path).output


def test_import_draft_then_activate(cli, tmp_path):
    path = write(tmp_path, general(**{"seconds: 10": "seconds: 15"}))
    assert "imported general-en v2 (draft, not active)" in cli("scorecard", "import", path, "--draft").output
    assert _json(cli("scorecard", "show", "general-en", "--json"))["version"] == 1
    assert _json(cli("scorecard", "activate", "general-en", "--version", "2", "--json"))["active"] is True
    assert _json(cli("scorecard", "show", "general-en", "--json"))["version"] == 2
    result = cli("scorecard", "activate", "general-en", "--version", "5")
    assert result.exit_code == 1 and "has no version 5 (versions: 1, 2)" in result.output


def test_an_invalid_import_exits_1_and_stores_nothing(cli, tmp_path):
    result = cli("scorecard", "import", write(tmp_path, BAD), "--json")
    assert result.exit_code == 1 and json.loads(result.stdout)["errors"] == BAD_ERRORS
    rows = {r["name"]: r for r in _json(cli("scorecard", "list", "--json"))}
    assert (rows["general-en"]["active_version"], rows["general-en"]["versions"]) == (1, 1)


def test_preview_compares_the_draft_with_the_active_version_without_storing(cli, tmp_path, fake_sentiment):
    _json(cli("ingest", str(FIXTURES / "new_agent.ndjson"), "--create-agents", "--json"))
    _json(cli("score", "--json"))
    card = shipped_scorecard_texts()["ecommerce-chat-en"].replace(
        "weight: 4\n        critical: true", "weight: 4\n        critical: false")
    doc = _json(cli("scorecard", "preview", write(tmp_path, card), "--last", "5", "--json"))
    assert (doc["n"], doc["requested"], doc["active"]) == (2, 5, {"name": "ecommerce-chat-en", "version": 1})
    assert set(doc["totals"]["draft"]) == {"n", "mean", "median", "min", "max", "auto_failed_share"}
    assert doc["totals"]["active"]["auto_failed_share"] == 0.5 and doc["totals"]["draft"]["auto_failed_share"] == 0
    assert doc["changed"] == 1 and doc["changes"][0]["conversation"] == "t-bad-1"
    greeting = next(c for c in doc["criteria"] if c["id"] == "greeting")
    assert greeting["draft"] == greeting["active"] == {"pass": 1, "fail": 1, "na": 0}
    shown = _json(cli("show", "t-bad-1", "--json"))
    assert len(shown["evaluations"]) == 1 and shown["evaluations"][0]["auto_fail"] is True
    text = cli("scorecard", "preview", write(tmp_path, card), "--last", "1").output
    assert "on 1 conversations" in text and "changes by more than 5 points: " in text


@pytest.mark.parametrize("last", ["0", "1001", "many"])
def test_preview_refuses_a_bad_number_of_conversations(cli, tmp_path, last):
    result = cli("scorecard", "preview", write(tmp_path, general()), "--last", last)
    assert result.exit_code == 2 and "--last" in result.output


def test_preview_of_an_invalid_file_lists_its_errors(cli, tmp_path):
    result = cli("scorecard", "preview", write(tmp_path, BAD), "--json")
    assert result.exit_code == 1 and json.loads(result.stdout)["errors"] == BAD_ERRORS
