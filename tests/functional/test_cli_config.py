"""Settings through the real `qadesk` command: `config show`, bad values stopping commands at
start-up, QADESK_REDACTION switching redaction and QADESK_TRAINING_DUE_DAYS setting due dates."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone

import pytest

from click.testing import CliRunner

from tests.conftest import PASSWORD, ROOT

STEREO_ERROR = "Error: QADESK_STEREO_MAP='agent' (environment variable): must be agent,customer or customer,agent"
CARD = "4111 1111 1111 1111"


def _chat_file(tmp_path, external_id="chat-pii-1"):
    path = tmp_path / f"{external_id}.json"
    path.write_text(json.dumps({
        "id": external_id, "agent": "ann", "channel": "chat", "started_at": "2026-11-02T09:14:00+00:00",
        "turns": [{"speaker": "customer", "text": f"My card is {CARD}, mail me at ann.lee@example.com",
                   "at": "2026-11-02T09:14:00+00:00"},
                  {"speaker": "agent", "text": "Thank you, I have found your order.",
                   "at": "2026-11-02T09:14:30+00:00"}]}), encoding="utf-8")
    return path


def _add_agent(cli):
    result = cli("user", "add", "ann", "--role", "agent", "--password", PASSWORD)
    assert result.exit_code == 0, result.output


def test_config_show_json_prints_every_setting_its_value_and_where_it_came_from(cli, instance_dir, monkeypatch):
    (instance_dir / "qadesk.toml").write_text("sample_quota = 8\ndispute_days = 3\n", encoding="utf-8")
    monkeypatch.setenv("QADESK_DISPUTE_DAYS", "10")
    monkeypatch.delenv("QADESK_TRUST_MIN_KAPPA", raising=False)
    result = cli("config", "show", "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    rows = {r["name"]: r for r in doc["settings"]}
    assert (doc["instance"], doc["file"]) == (str(instance_dir), str(instance_dir / "qadesk.toml"))
    assert (rows["QADESK_SAMPLE_QUOTA"]["value"], rows["QADESK_SAMPLE_QUOTA"]["source"]) == (8, "file")
    assert (rows["QADESK_DISPUTE_DAYS"]["value"], rows["QADESK_DISPUTE_DAYS"]["source"]) == (10, "env")
    assert (rows["QADESK_TRUST_MIN_KAPPA"]["value"], rows["QADESK_TRUST_MIN_KAPPA"]["source"]) == (0.6, "default")
    assert rows["QADESK_SAMPLE_QUOTA"]["key"] == "sample_quota"


def test_config_show_masks_the_secret_key_the_database_password_and_the_admin_password(cli, instance_dir,
                                                                                      monkeypatch):
    monkeypatch.setenv("QADESK_DATABASE_URL", "postgresql+psycopg://qadesk:db-pass-123@db.internal/qadesk")
    monkeypatch.setenv("QADESK_ADMIN_PASSWORD", "admin-pass-456")
    secret = (instance_dir / "secret_key").read_text().strip()
    for args in (("config", "show", "--json"), ("config", "show")):
        result = cli(*args)
        assert result.exit_code == 0, result.output
        assert "db-pass-123" not in result.output and "admin-pass-456" not in result.output
        assert secret not in result.output
    rows = {r["name"]: r for r in json.loads(cli("config", "show", "--json").stdout)["settings"]}
    assert rows["QADESK_DATABASE_URL"]["value"] == "postgresql+psycopg://qadesk:***@db.internal/qadesk"
    assert [rows[n]["value"] for n in ("SECRET_KEY", "QADESK_ADMIN_PASSWORD")] == ["********", "********"]
    assert all(rows[n]["secret"] for n in ("SECRET_KEY", "QADESK_DATABASE_URL", "QADESK_ADMIN_PASSWORD"))


def test_config_show_prints_a_table_with_a_line_per_setting(cli, instance_dir, monkeypatch):
    monkeypatch.setenv("QADESK_REDACTION", "off")
    lines = cli("config", "show").stdout.splitlines()
    redaction = next(line for line in lines if line.startswith("QADESK_REDACTION "))
    assert redaction.split() == ["QADESK_REDACTION", "off", "env"]
    # on PostgreSQL (scripts/pg-test.sh) the test instance has a qadesk.toml naming its database
    toml = instance_dir / "qadesk.toml"
    assert lines[-1] == (f"file: {toml}" if toml.exists() else "file: none (defaults and environment only)")


def test_config_show_reports_a_bad_value_like_start_up_does(cli, monkeypatch):
    monkeypatch.setenv("QADESK_STEREO_MAP", "agent")
    result = cli("config", "show", "--json")
    assert (result.exit_code, result.stdout, result.stderr.strip()) == (2, "", STEREO_ERROR)


@pytest.mark.parametrize("command", [("init",), ("ingest", "{file}"), ("score",), ("user", "add", "bob", "--role",
                                                                                     "agent")])
def test_a_one_element_stereo_map_stops_the_command_at_start_with_the_setting_named(cli, tmp_path, monkeypatch,
                                                                                      command):
    path = _chat_file(tmp_path)
    monkeypatch.setenv("QADESK_STEREO_MAP", "agent")
    result = cli(*(part.format(file=path) for part in command))
    assert result.exit_code == 2
    assert result.stderr.strip() == STEREO_ERROR and result.stdout == ""
    assert "Traceback" not in result.output


def test_an_ingest_stopped_by_a_bad_setting_stores_nothing(cli, tmp_path, monkeypatch):
    _add_agent(cli)
    path = _chat_file(tmp_path)
    monkeypatch.setenv("QADESK_STEREO_MAP", "agent")
    assert cli("ingest", str(path), "--json").exit_code == 2
    monkeypatch.delenv("QADESK_STEREO_MAP")
    assert cli("show", "chat-pii-1", "--json").exit_code == 1


def _qadesk(instance_dir, *args, env=None, timeout=60):
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("QADESK_", "WHISPER_"))}
    return subprocess.run([sys.executable, "-m", "qa_app", "--instance", str(instance_dir), *args],
                          capture_output=True, text=True, timeout=timeout, cwd=ROOT,
                          env={**environment, **(env or {})})


@pytest.mark.parametrize("command", [("init",), ("serve", "--port", "0")])
def test_a_bad_stereo_map_in_the_instance_file_stops_qadesk_in_a_real_process(instance_dir, command):
    (instance_dir / "qadesk.toml").write_text('stereo_map = "agent"\n', encoding="utf-8")
    done = _qadesk(instance_dir, *command)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.strip() == (f"Error: QADESK_STEREO_MAP='agent' (stereo_map in {instance_dir / 'qadesk.toml'}): "
                                   "must be agent,customer or customer,agent")


def test_a_bad_environment_value_stops_init_in_a_real_process_without_a_traceback(instance_dir):
    done = _qadesk(instance_dir, "init", env={"QADESK_STEREO_MAP": "agent"})
    assert (done.returncode, done.stderr.strip()) == (2, STEREO_ERROR)


def test_create_app_refuses_a_bad_setting(instance_dir, monkeypatch):
    from qa_app import create_app
    from qa_app.settings import SettingsError
    monkeypatch.setenv("QADESK_DISPUTE_DAYS", "a week")
    with pytest.raises(SettingsError, match="QADESK_DISPUTE_DAYS='a week' .*must be a whole number from 1 to 365"):
        create_app({"TESTING": True}, instance_path=str(instance_dir))


@pytest.mark.parametrize("value, stored", [("off", CARD), ("on", "[CARD]"), (None, "[CARD]")])
def test_qadesk_redaction_switches_redaction_of_ingested_text(cli, tmp_path, monkeypatch, value, stored):
    _add_agent(cli)
    if value is None:
        monkeypatch.delenv("QADESK_REDACTION", raising=False)
    else:
        monkeypatch.setenv("QADESK_REDACTION", value)
    result = cli("ingest", str(_chat_file(tmp_path)), "--json")
    assert result.exit_code == 0, result.output
    text = json.loads(cli("show", "chat-pii-1", "--json").stdout)["turns"][0]["text"]
    assert stored in text
    assert ("ann.lee@example.com" in text) == (value == "off")


@pytest.mark.parametrize("toml, days", [("", 14), ("training_due_days = 21\n", 21)])
def test_the_training_due_days_setting_sets_the_due_date_of_a_course_assigned_by_hand(instance_dir, toml, days):
    from qa_app import create_app
    from qa_app.extensions import db
    from qa_app.models import Assignment
    from qa_app.models.base import as_utc
    from qa_app.services import training, users
    settings = instance_dir / "qadesk.toml"  # kept: on PostgreSQL it names the test database
    settings.write_text((settings.read_text(encoding="utf-8") if settings.exists() else "") + toml, encoding="utf-8")
    app = create_app({"TESTING": True}, instance_path=str(instance_dir))
    assigned = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)
    with app.app_context():
        users.add_user("ann", "agent", password=PASSWORD)
        lead, _ = users.add_user("lead1", "lead", password=PASSWORD)
        assignment_id = training.assign_course(lead, "ann", "qa-basics-en", now=assigned).id
        db.session.remove()
        due_at = db.session.get(Assignment, assignment_id).due_at
        db.session.remove()
        db.engine.dispose()
    assert as_utc(due_at) == assigned + timedelta(days=days)


@pytest.mark.parametrize("env, basics, compliance", [(None, 14, 7), ("28", 28, 14)])
def test_qadesk_init_stores_the_shipped_rules_with_the_training_due_days_setting(tmp_path, monkeypatch, env,
                                                                                 basics, compliance):
    from qa_app.cli import main
    if env:
        monkeypatch.setenv("QADESK_TRAINING_DUE_DAYS", env)
    monkeypatch.setenv("QADESK_ADMIN_PASSWORD", PASSWORD)
    folder = tmp_path / "fresh"
    result = CliRunner().invoke(main, ["--instance", str(folder), "init"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    from qa_app import create_app
    from qa_app.extensions import db
    from qa_app.services import training_rules
    app = create_app({"TESTING": True}, instance_path=str(folder))
    with app.app_context():
        rules = {r.id: r.due_days for r in training_rules.current_rules()}
        db.session.remove()
        db.engine.dispose()
    assert rules["basics-en"] == basics and rules["compliance-zh"] == compliance
