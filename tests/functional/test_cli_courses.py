"""`qadesk course list|show|export|validate|import`, run in-process against a fresh instance."""
from __future__ import annotations

import json

from training import catalog


def _json(result):
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_list_shows_every_shipped_course_with_its_version_modules_and_pool(cli):
    rows = {r["code"]: r for r in _json(cli("course", "list", "--json"))}
    assert set(rows) == {c.code for c in catalog.load_courses()}
    assert {k: rows["compliance-en"][k] for k in ("version", "source", "modules", "questions", "draw")} == \
        {"version": 1, "source": "shipped", "modules": 5, "questions": 15, "draw": 10}
    text = cli("course", "list").output
    assert "compliance-en" in text and "10/15" in text


def test_show_prints_the_course_file_and_json_gives_its_definition(cli):
    text = cli("course", "show", "empathy-zh").output
    assert catalog.parse_course_yaml(text, "empathy-zh.yaml") == catalog.course_by_code("empathy-zh")
    doc = _json(cli("course", "show", "empathy-zh", "--json"))
    assert doc["definition"]["code"] == "empathy-zh" and doc["version"] == 1


def test_an_exported_course_validates_and_imports_back_as_its_next_version(cli, tmp_path):
    path = tmp_path / "compliance-zh.yaml"
    result = cli("course", "export", "compliance-zh", "-o", str(path))
    assert result.exit_code == 0 and "exported compliance-zh" in result.output
    assert _json(cli("course", "validate", str(path), "--json")) == {"file": str(path), "valid": True, "errors": []}
    path.write_text(path.read_text(encoding="utf-8").replace("pass_mark: 90", "pass_mark: 95"), encoding="utf-8")
    done = _json(cli("course", "import", str(path), "--json"))
    assert done == {"code": "compliance-zh", "created": False, "version": 2, "modules": 5, "questions": 15}
    shown = _json(cli("course", "show", "compliance-zh", "--json"))
    assert (shown["pass_mark"], shown["source"]) == (95, "edited")


def test_a_new_course_file_is_created(cli, tmp_path):
    text = cli("course", "export", "qa-basics-en").output.replace("code: qa-basics-en", "code: greeting-en")
    path = tmp_path / "greeting-en.yaml"
    path.write_text(text, encoding="utf-8")
    result = cli("course", "import", str(path))
    assert result.exit_code == 0 and result.output.startswith("created greeting-en v1")


def test_an_invalid_file_exits_1_naming_the_field_and_nothing_is_stored(cli, tmp_path):
    text = cli("course", "export", "empathy-en").output.replace("pass_mark: 75", "pass_mark: high")
    path = tmp_path / "empathy-en.yaml"
    path.write_text(text, encoding="utf-8")
    checked = cli("course", "validate", str(path))
    assert checked.exit_code == 1
    assert "empathy-en.yaml: pass_mark: must be a whole percentage 0..100, not 'high'" in checked.output
    imported = cli("course", "import", str(path), "--json")
    assert imported.exit_code == 1 and json.loads(imported.stdout)["valid"] is False
    assert _json(cli("course", "show", "empathy-en", "--json"))["version"] == 1


def test_an_unknown_course_and_an_unreadable_file_fail_with_one_line(cli, tmp_path):
    missing = cli("course", "export", "no-such-course")
    assert missing.exit_code != 0 and "no course with code 'no-such-course'" in missing.output
    binary = tmp_path / "course.yaml"
    binary.write_bytes(b"\xff\xfe\x00code")
    unreadable = cli("course", "validate", str(binary))
    assert unreadable.exit_code != 0 and "cannot read the file" in unreadable.output
    assert "Traceback" not in missing.output + unreadable.output
