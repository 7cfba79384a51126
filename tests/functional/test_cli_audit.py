"""`qadesk audit verify` tells an intact audit log from a tampered one, by entry, with its exit status."""
from __future__ import annotations

import json

from tests.conftest import PG_BASE
from tests.databases import drop_trigger_sql, outside



def test_verify_seals_then_reports_an_intact_chain_and_its_head(cli):
    result = cli("audit", "verify")
    assert result.exit_code == 0 and "audit chain intact" in result.output and "head " in result.output
    doc = json.loads(cli("audit", "verify", "--json").output)
    assert doc["ok"] is True and doc["checked"] > 0 and doc["unsealed"] == 0
    assert cli("audit", "seal").output.strip() == "sealed 0 audit entries"


def test_verify_exits_1_naming_the_entry_that_was_edited_in_the_database(cli, instance_dir):
    head = json.loads(cli("audit", "verify", "--json").output)["head"]
    first = outside(instance_dir, "SELECT min(id) FROM audit_entry")
    outside(instance_dir, drop_trigger_sql("audit_entry_no_update", "audit_entry", bool(PG_BASE)),
            "UPDATE audit_entry SET action = 'nothing' WHERE id = :first", first=first)
    result = cli("audit", "verify", "--expect-head", head)
    assert result.exit_code == 1 and f"entry {first} (chain place 1)" in result.output
    assert json.loads(cli("audit", "verify", "--json").output)["entry_id"] == first
