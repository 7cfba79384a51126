"""`qadesk erase --customer ID`: a dry run, the erasure with its report, and a clear error for a
customer with nothing stored; the audit chain stays intact."""
from __future__ import annotations

import json

from tests.conftest import FIXTURES


def test_erase_reports_a_dry_run_then_erases_and_then_finds_nothing_left(cli, tmp_path, make_user, fake_sentiment):
    make_user("sam.new", "agent")
    records = [json.loads(line) for line in (FIXTURES / "new_agent.ndjson").read_text().splitlines()]
    data = tmp_path / "mine.ndjson"
    data.write_text("".join(json.dumps({**r, "customer": "cust-42" if i == 0 else "cust-7"}) + "\n"
                            for i, r in enumerate(records)))
    assert cli("ingest", str(data)).exit_code == 0
    dry = json.loads(cli("erase", "--customer", "cust-42", "--dry-run", "--json").output)
    assert dry["conversations"] == ["t-good-1"] and dry["dry_run"] is True and dry["turns"] > 0
    result = cli("erase", "--customer", "cust-42")
    assert result.exit_code == 0
    assert result.output.startswith(f"erased 1 conversations (t-good-1): {dry['turns']} turn texts")
    assert "[erased]" in cli("show", "t-good-1").output and "jacket" not in cli("show", "t-good-1").output
    again = cli("erase", "--customer", "cust-42")
    assert again.exit_code == 1 and "no conversation of customer 'cust-42' is stored" in again.output
    assert json.loads(cli("audit", "verify", "--json").output)["ok"] is True
