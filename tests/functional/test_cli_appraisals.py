"""`qadesk appraisal template list|export|validate|import`, `draft`, `list`, `show`, `finalise`, in-process."""
from __future__ import annotations

import json

import pytest

from tests.conftest import FIXTURES


@pytest.fixture(autouse=True)
def appraisal_group():
    """The `appraisal` group as qa_app/cli.py registers it."""
    from qa_app.cli import main
    from qa_app.commands import appraisals
    appraisals.register(main)
    return main.commands["appraisal"]


def _json(result):
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture
def scored(cli, fake_sentiment):
    _json(cli("ingest", str(FIXTURES / "new_agent.ndjson"), "--create-agents", "--json"))
    _json(cli("score", "--json"))
    _json(cli("user", "add", "hr1", "--role", "hr", "--password", "secret-pass-1", "--json"))


def test_template_export_then_import_of_the_same_file_changes_nothing_and_a_changed_one_stores_a_version(
        cli, tmp_path):
    listed = _json(cli("appraisal", "template", "list", "--json"))
    assert [(t["code"], t["version"]) for t in listed] == [("agents-en", 1), ("agents-zh", 1)]
    path = tmp_path / "t.yaml"
    assert cli("appraisal", "template", "export", "-o", str(path)).exit_code == 0
    assert _json(cli("appraisal", "template", "import", str(path), "--json")) == []
    path.write_text(path.read_text(encoding="utf-8").replace("weight: 30", "weight: 40", 1), encoding="utf-8")
    assert _json(cli("appraisal", "template", "import", str(path), "--json")) == [{"code": "agents-en", "version": 2}]


def test_validate_names_the_field_of_a_bad_template_and_exits_1(cli, tmp_path):
    path = tmp_path / "bad.yaml"
    cli("appraisal", "template", "export", "-o", str(path))
    path.write_text(path.read_text(encoding="utf-8").replace("target: 85", "target: high", 1), encoding="utf-8")
    result = cli("appraisal", "template", "validate", str(path))
    assert result.exit_code == 1
    assert "bad.yaml: templates[0].kpis[0].target: must be a number" in result.output


def test_draft_list_show_and_finalise_from_the_command_line(cli, scored):
    summary = _json(cli("appraisal", "draft", "--period", "2026-11", "--json"))
    assert (summary["created"], summary["kept_final"]) == (1, 0)
    rows = _json(cli("appraisal", "list", "--period", "2026-11", "--state", "draft", "--json"))
    assert [(r["agent"], r["state"]) for r in rows] == [("sam.new", "draft")]
    shown = _json(cli("appraisal", "show", str(rows[0]["id"]), "--json"))
    csat = next(k for k in shown["kpis"] if k["kind"] == "csat")
    assert (csat["value"], csat["n"], csat["target"], csat["rating"], len(csat["evidence"])) == (50.0, 2, 85, None, 2)
    text = cli("appraisal", "show", str(rows[0]["id"])).output
    assert "csat" in text and "too little data" in text and "evidence: conversation" in text
    done = _json(cli("appraisal", "finalise", str(rows[0]["id"]), "--rating", "Meets", "--json"))
    assert (done["state"], done["final_rating"]) == ("final", "Meets")
    assert _json(cli("appraisal", "list", "--period", "2026-11", "--state", "draft", "--json")) == []
    assert _json(cli("appraisal", "draft", "--period", "2026-11", "--json"))["kept_final"] == 1


def test_a_bad_period_or_an_unknown_appraisal_is_one_clear_line(cli):
    result = cli("appraisal", "draft", "--period", "2026-13")
    assert result.exit_code == 1 and "month 13 is not between 1 and 12" in result.output
    result = cli("appraisal", "show", "999")
    assert result.exit_code == 1 and "appraisal not found" in result.output
