"""The `qadesk` CLI contract of issue #2, run in-process against a fresh instance with real engines."""
from __future__ import annotations

import csv
import io
import json

import openpyxl

from tests.conftest import FIXTURES


def _json(result):
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_ingest_reports_counts_and_is_idempotent(cli):
    first = _json(cli("ingest", str(FIXTURES / "new_agent.ndjson"), "--create-agents", "--json"))
    assert first == {"ingested": 2, "duplicates": 0, "conflicts": 0, "failed": 0, "errors": []}
    again = _json(cli("ingest", str(FIXTURES / "new_agent.ndjson"), "--create-agents", "--json"))
    assert again == {"ingested": 0, "duplicates": 2, "conflicts": 0, "failed": 0, "errors": []}


def test_malformed_records_are_reported_by_line_and_good_ones_stored(cli):
    result = cli("ingest", str(FIXTURES / "malformed.ndjson"), "--create-agents", "--json")
    assert result.exit_code == 1
    summary = json.loads(result.stdout)
    assert summary["ingested"] == 2 and summary["failed"] == 3
    sources = [e["source"] for e in summary["errors"]]
    assert sources == [f"{FIXTURES / 'malformed.ndjson'}:{n}" for n in (2, 3, 4)]
    messages = " ".join(e["error"] for e in summary["errors"])
    assert "turns" in messages and "speaker" in messages
    shown = _json(cli("show", "m-ok-2", "--json"))
    assert [t["speaker"] for t in shown["turns"]] == ["customer", "agent"]
    assert cli("show", "m-bad-speaker", "--json").exit_code == 1


def test_the_whole_loop_from_ingest_to_appraisal(cli):
    _json(cli("ingest", str(FIXTURES / "new_agent.ndjson"), "--create-agents", "--json"))
    assert _json(cli("score", "--json"))["scored"] == 2
    good, bad = _json(cli("show", "t-good-1", "--json")), _json(cli("show", "t-bad-1", "--json"))
    (good_ev,), (bad_ev,) = good["evaluations"], bad["evaluations"]
    assert bad_ev["kind"] == "auto" and bad_ev["auto_fail"] is True
    assert good_ev["auto_fail"] is False and good_ev["score"] > bad_ev["score"]
    results = {c["id"]: c for c in bad_ev["criteria"]}
    assert results["greeting"]["result"] == "fail"
    assert results["forbidden_phrases"]["result"] == "fail"
    assert any("not my problem" in e["text"].lower() for e in results["forbidden_phrases"]["evidence"])
    assignments = _json(cli("training", "list", "--agent", "sam.new", "--json"))
    assert assignments and {a["status"] for a in assignments} == {"assigned"}
    assert all(a["agent"] == "sam.new" and a["reason"] and a["due"] for a in assignments)
    report = _json(cli("report", "appraisal", "--period", "2026-11", "--format", "json"))
    row = next(r for r in report["rows"] if r["agent"] == "sam.new")
    assert row["evaluations"] == 2 and row["critical_failures"] == 1
    assert row["courses_assigned"] == len(assignments)


def test_score_twice_scores_nothing_new_and_all_rescores(cli):
    _json(cli("ingest", str(FIXTURES / "new_agent.ndjson"), "--create-agents", "--json"))
    assert _json(cli("score", "--json"))["scored"] == 2
    assert _json(cli("score", "--json"))["scored"] == 0
    assert _json(cli("score", "--all", "--json"))["scored"] == 2
    shown = _json(cli("show", "t-bad-1", "--json"))
    assert len(shown["evaluations"]) == 2
    assert sum(ev["final"] for ev in shown["evaluations"]) == 1


def test_show_of_an_unknown_id_exits_1_with_a_message(cli):
    result = cli("show", "no-such-id", "--json")
    assert result.exit_code == 1
    assert "no conversation with id 'no-such-id'" in result.output


def test_appraisal_csv_to_a_file(cli, tmp_path):
    _json(cli("ingest", str(FIXTURES / "new_agent.ndjson"), "--create-agents", "--json"))
    _json(cli("score", "--json"))
    out = tmp_path / "appraisal.csv"
    assert cli("report", "appraisal", "--period", "2026-Q4", "--format", "csv", "-o", str(out)).exit_code == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert any(r["agent"] == "sam.new" and r["evaluations"] == "2" for r in rows)


def test_appraisal_xlsx_to_a_file_reads_back_with_its_formats(cli, tmp_path):
    _json(cli("ingest", str(FIXTURES / "new_agent.ndjson"), "--create-agents", "--json"))
    _json(cli("score", "--json"))
    out = tmp_path / "appraisal.xlsx"
    result = cli("report", "appraisal", "--period", "2026-Q4", "--format", "xlsx", "-o", str(out))
    assert result.exit_code == 0 and f"wrote {out}" in result.stderr
    sheet = openpyxl.load_workbook(out)["Appraisal 2026-Q4"]
    header = [c.value for c in sheet[1]]
    assert sheet.freeze_panes == "A2" and all(c.font.b for c in sheet[1])
    row = next(dict(zip(header, r)) for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] == "sam.new")
    assert row["evaluations"] == 2 and row["csat_percent"] == 0.5  # one of two satisfied, as a fraction


def test_appraisal_xlsx_needs_an_output_file_and_csv_to_the_terminal_has_no_byte_order_mark(cli):
    result = cli("report", "appraisal", "--period", "2026-Q4", "--format", "xlsx")
    assert result.exit_code == 2 and "--format xlsx needs -o FILE" in result.output
    shown = cli("report", "appraisal", "--period", "2026-Q4", "--format", "csv")
    assert shown.exit_code == 0 and shown.stdout.startswith("agent,team,qa_average")


def test_a_bad_period_is_a_clear_error(cli):
    result = cli("report", "appraisal", "--period", "2026-13")
    assert result.exit_code == 1
    assert "2026-13" in result.output


def test_user_add_and_duplicate_login(cli):
    created = _json(cli("user", "add", "rita", "--role", "reviewer", "--team", "London", "--json"))
    assert created["login"] == "rita" and len(created["password"]) >= 8 and created["must_change_password"] is True
    again = cli("user", "add", "rita", "--role", "reviewer")
    assert again.exit_code == 1 and "already exists" in again.output


def test_init_twice_keeps_the_instance(cli):
    doc = _json(cli("init", "--json"))
    assert doc["admin_created"] is False and doc["scorecards_added"] == 0


def test_score_starts_without_importing_the_pages(cli, instance_dir):
    """`qadesk score` builds its app without the views (every view and the services behind them
    took 0.35-0.45 CPU-s of its start); `qadesk show` still has them."""
    import os
    import subprocess
    import sys
    _json(cli("ingest", str(FIXTURES / "new_agent.ndjson"), "--create-agents", "--json"))
    code = ("import json, sys\nfrom qa_app.cli import main\ntry:\n    main(sys.argv[1:], standalone_mode=False)\n"
            "finally:\n    print(json.dumps('qa_app.views.home' in sys.modules), file=sys.stderr)")

    def views_imported(*args: str) -> bool:
        done = subprocess.run([sys.executable, "-c", code, "--instance", str(instance_dir), *args], env=dict(os.environ),
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stderr.strip().splitlines()[-1])
    assert views_imported("score", "--json") is False
    assert views_imported("show", "t-good-1", "--json") is True
    assert _json(cli("show", "t-good-1", "--json"))["evaluations"]
