"""Instance settings: one typed, frozen object from defaults, qadesk.toml and the environment;
a bad value anywhere is refused with the setting, the value and what is allowed."""
from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from qa_app import settings
from qa_app.config import SPECS
from qa_app.settings import Settings, SettingsError

ROOT = Path(__file__).resolve().parents[2]


def load(tmp_path: Path, env: dict | None = None, toml: str | None = None, **kw) -> Settings:
    if toml is not None:
        (tmp_path / "qadesk.toml").write_text(toml, encoding="utf-8")
    return settings.load(tmp_path, environ=env or {}, **kw)


def test_without_file_or_environment_every_setting_has_its_default(tmp_path):
    s = load(tmp_path)
    assert (s.training_due_days, s.dispute_days, s.trust_min_kappa, s.trust_min_reviews) == (14, 7, 0.6, 30)
    assert (s.sample_quota, s.sample_random_share, s.stereo_map) == (5, 0.5, ("agent", "customer"))
    assert (s.audio_retention_days, s.redaction, s.scheduler_tick_seconds, s.scheduler) == (30, True, 60, "embedded")
    assert (s.broker_url, s.broker_retry_seconds) == ("", (10, 60, 300))
    assert (s.reviewer_weights, s.admin_password, s.parallel_min_bytes) == ((), "", 32 * 1024 * 1024)
    assert (s.whisper_model, s.whisper_compute_type, s.whisper_threads, s.whisper_language) == ("", "float32", None, None)
    assert (s.login_max_failures, s.login_address_max_failures, s.login_window_minutes,
            s.login_lockout_minutes, s.proxy_hops) == (5, 20, 15, 15, 0)
    assert (s.session_cookie_secure, s.session_idle_minutes, s.session_max_hours) == ("auto", 60, 12)
    assert s.database_url == f"sqlite:///{tmp_path / 'qadesk.db'}"
    assert set(s.origins.values()) == {"default", "instance"}


def test_every_setting_in_the_table_is_a_typed_field_of_settings_and_nothing_else_is():
    own = {f.name for f in dataclasses.fields(Settings)} - {"instance", "secret_key", "origins"}
    assert own == {spec.name for spec in SPECS}
    assert len({spec.env for spec in SPECS}) == len(SPECS)


def test_the_settings_object_is_frozen(tmp_path):
    with pytest.raises(dataclasses.FrozenInstanceError):
        load(tmp_path).dispute_days = 30


def test_the_environment_overrides_the_file_and_the_file_overrides_the_default(tmp_path):
    s = load(tmp_path, env={"QADESK_DISPUTE_DAYS": "10", "QADESK_REDACTION": "off"},
             toml='dispute_days = 3\nsample_quota = 8\nstereo_map = ["customer", "agent"]\n')
    assert (s.dispute_days, s.sample_quota, s.stereo_map, s.redaction) == (10, 8, ("customer", "agent"), False)
    assert (s.origins["dispute_days"], s.origins["sample_quota"], s.origins["redaction"],
            s.origins["trust_min_kappa"]) == ("env", "file", "env", "default")


def test_an_empty_environment_variable_counts_as_unset(tmp_path):
    s = load(tmp_path, env={"QADESK_DISPUTE_DAYS": ""}, toml="dispute_days = 3\n")
    assert (s.dispute_days, s.origins["dispute_days"]) == (3, "file")


def test_test_overrides_win_over_every_other_source(tmp_path):
    s = load(tmp_path, env={"QADESK_SAMPLE_QUOTA": "9"}, overrides={"QADESK_SAMPLE_QUOTA": 2, "TESTING": True})
    assert (s.sample_quota, s.origins["sample_quota"]) == (2, "test")


@pytest.mark.parametrize("value, expected", [
    ("qa.chen:2, qa.taylor:1", (("qa.chen", 2.0), ("qa.taylor", 1.0))), ("", ()), ("solo:0", (("solo", 0.0),)),
])
def test_reviewer_weights_are_read_as_login_weight_pairs(tmp_path, value, expected):
    assert load(tmp_path, env={"QADESK_REVIEWER_WEIGHTS": value}).reviewer_weights == expected


def test_reviewer_weights_may_be_a_toml_table(tmp_path):
    s = load(tmp_path, toml='reviewer_weights = { "qa.chen" = 2, "qa.taylor" = 0.5 }\n')
    assert s.reviewer_weights == (("qa.chen", 2.0), ("qa.taylor", 0.5))


@pytest.mark.parametrize("value, expected", [("on", True), ("OFF", False), ("true", True), ("0", False),
                                             ("yes", True), ("no", False)])
def test_redaction_is_switched_on_or_off(tmp_path, value, expected):
    assert load(tmp_path, env={"QADESK_REDACTION": value}).redaction is expected


def test_the_broker_retry_delays_are_read_as_seconds_and_may_be_empty(tmp_path):
    assert load(tmp_path, env={"QADESK_BROKER_RETRY_SECONDS": "1, 5,30"}).broker_retry_seconds == (1, 5, 30)
    assert load(tmp_path, toml="broker_retry_seconds = [2, 4]\n").broker_retry_seconds == (2, 4)
    assert load(tmp_path, toml='broker_retry_seconds = ""\n').broker_retry_seconds == ()


@pytest.mark.parametrize("value", ["localhost:6379", "http://redis:6379", "redis://"])
def test_a_broker_url_that_is_not_a_redis_url_is_refused_naming_the_setting(tmp_path, value):
    with pytest.raises(SettingsError, match=r"^QADESK_BROKER_URL=\*\*\* \(environment variable\): not a redis:// URL; "
                                            r"must be empty, or a Redis URL"):
        load(tmp_path, env={"QADESK_BROKER_URL": value})


def test_the_broker_url_is_shown_with_its_password_masked(tmp_path):
    built = load(tmp_path, env={"QADESK_BROKER_URL": "redis://:hunter2@cache.internal:6379/0"})
    shown = {row["name"]: row["value"] for row in settings.describe(built)}
    assert built.broker_url == "redis://:hunter2@cache.internal:6379/0"
    assert "hunter2" not in shown["QADESK_BROKER_URL"] and "cache.internal:6379/0" in shown["QADESK_BROKER_URL"]


def test_whisper_settings_become_the_engine_settings(tmp_path):
    s = load(tmp_path, env={"WHISPER_COMPUTE_TYPE": "FLOAT32", "WHISPER_THREADS": "3", "WHISPER_LANGUAGE": "ZH",
                            "WHISPER_MODEL": " /models/small "})
    engine = s.whisper()
    assert (engine.model, engine.compute_type, engine.threads, engine.language) == ("/models/small", "float32", 3, "zh")


def test_by_default_english_calls_get_tiny_en_and_the_others_the_bundled_base_assembled_in_the_instance(tmp_path):
    s = load(tmp_path)
    assert s.whisper_model_by_language == (("en", "tiny.en"), ("*", "base"))
    engine = s.whisper()
    assert (engine.model_for("en"), engine.model_for("zh"), engine.model_for(None)) == ("tiny.en", "base", "base")
    assert engine.cache_dir == str(tmp_path / "models")


def test_the_model_per_language_is_read_from_the_environment_or_a_toml_table(tmp_path):
    s = load(tmp_path, env={"WHISPER_MODEL_BY_LANGUAGE": "en=tiny.en,zh=/opt/small,*=base"})
    assert s.whisper().model_for("zh") == "/opt/small"
    s = load(tmp_path, toml='whisper_model_by_language = { en = "tiny.en", "*" = "/opt/medium" }\n')
    assert (s.whisper_model_by_language, s.origins["whisper_model_by_language"]) == (
        (("en", "tiny.en"), ("*", "/opt/medium")), "file")
    shown = {row["name"]: row["value"] for row in settings.describe(s)}
    assert shown["WHISPER_MODEL_BY_LANGUAGE"] == "en=tiny.en,*=/opt/medium"


BAD = [
    ("QADESK_STEREO_MAP", "agent", "agent,customer or customer,agent"),
    ("QADESK_STEREO_MAP", "agent,agent", "agent,customer or customer,agent"),
    ("QADESK_STEREO_MAP", "left,right", "agent,customer or customer,agent"),
    ("QADESK_TRAINING_DUE_DAYS", "0", "a whole number from 1 to 365"),
    ("QADESK_TRAINING_DUE_DAYS", "two weeks", "a whole number from 1 to 365"),
    ("QADESK_DISPUTE_DAYS", "7.5", "a whole number from 1 to 365"),
    ("QADESK_DISPUTE_DAYS", "-1", "a whole number from 1 to 365"),
    ("QADESK_TRUST_MIN_KAPPA", "1.5", "a number from 0 to 1"),
    ("QADESK_TRUST_MIN_KAPPA", "high", "a number from 0 to 1"),
    ("QADESK_TRUST_MIN_REVIEWS", "0", "a whole number from 1 to 100000"),
    ("QADESK_REVIEWER_WEIGHTS", "r1=2", "login:weight pairs"),
    ("QADESK_REVIEWER_WEIGHTS", "r1:-1", "login:weight pairs"),
    ("QADESK_REVIEWER_WEIGHTS", "r1:lots", "login:weight pairs"),
    ("QADESK_REVIEWER_WEIGHTS", "r1:inf", "login:weight pairs"),
    ("QADESK_SAMPLE_QUOTA", "five", "a whole number from 0 to 1000"),
    ("QADESK_SAMPLE_RANDOM_SHARE", "2", "a number from 0 to 1"),
    ("QADESK_SAMPLE_RANDOM_SHARE", "nan", "a number from 0 to 1"),
    ("QADESK_AUDIO_RETENTION_DAYS", "forever", "a whole number from 0 to 3650"),
    ("QADESK_REDACTION", "maybe", "on or off"),
    ("QADESK_PARALLEL_MIN_BYTES", "32MB", "a whole number of bytes"),
    ("QADESK_SCHEDULER_TICK_SECONDS", "0", "a whole number from 1 to 3600"),
    ("QADESK_SCHEDULER", "cron", "embedded or external"),
    ("QADESK_BROKER_RETRY_SECONDS", "10,soon", "up to 10 whole numbers of seconds"),
    ("QADESK_BROKER_RETRY_SECONDS", "1,2,3,4,5,6,7,8,9,10,11", "up to 10 whole numbers of seconds"),
    ("QADESK_LOGIN_MAX_FAILURES", "0", "a whole number from 1 to 1000"),
    ("QADESK_LOGIN_ADDRESS_MAX_FAILURES", "many", "a whole number from 1 to 100000"),
    ("QADESK_LOGIN_WINDOW_MINUTES", "0", "a whole number from 1 to 10080"),
    ("QADESK_LOGIN_LOCKOUT_MINUTES", "1.5", "a whole number from 1 to 10080"),
    ("QADESK_PROXY_HOPS", "6", "a whole number from 0 to 5"),
    ("QADESK_SESSION_COOKIE_SECURE", "sometimes", "auto, true or false"),
    ("QADESK_SESSION_IDLE_MINUTES", "0", "a whole number from 1 to 10080"),
    ("QADESK_SESSION_MAX_HOURS", "721", "a whole number from 1 to 720"),
    ("WHISPER_COMPUTE_TYPE", "int4", "one of default, auto, int8"),
    ("WHISPER_THREADS", "0", "empty or auto (every core), or a whole number"),
    ("WHISPER_LANGUAGE", "english", "auto, or a language code"),
    ("WHISPER_MODEL_BY_LANGUAGE", "en=tiny.en", "language=model pairs"),
    ("WHISPER_MODEL_BY_LANGUAGE", "zh=tiny.en,*=base", "language=model pairs"),
]


@pytest.mark.parametrize("name, value, allowed", BAD)
def test_a_bad_environment_value_is_refused_naming_the_setting_the_value_and_what_is_allowed(
        tmp_path, name, value, allowed):
    with pytest.raises(SettingsError) as caught:
        load(tmp_path, env={name: value})
    message = str(caught.value)
    assert message.startswith(f"{name}={value!r} (environment variable): ")
    assert f"must be {allowed}" in message and "\n" not in message
    assert caught.value.exit_code == 2


def test_a_bad_file_value_names_the_setting_its_key_and_the_file(tmp_path):
    with pytest.raises(SettingsError, match=re.escape(
            f"QADESK_STEREO_MAP='agent' (stereo_map in {tmp_path / 'qadesk.toml'}): "
            "must be agent,customer or customer,agent")):
        load(tmp_path, toml='stereo_map = "agent"\n')


def test_a_value_of_the_wrong_toml_type_is_refused(tmp_path):
    with pytest.raises(SettingsError, match="QADESK_REDACTION='maybe'.*must be on or off"):
        load(tmp_path, toml='redaction = "maybe"\n')
    with pytest.raises(SettingsError, match="QADESK_DISPUTE_DAYS=True .*must be a whole number"):
        load(tmp_path, toml="dispute_days = true\n")


def test_every_bad_value_is_listed_in_one_message(tmp_path):
    with pytest.raises(SettingsError) as caught:
        load(tmp_path, env={"QADESK_STEREO_MAP": "agent", "QADESK_DISPUTE_DAYS": "0"})
    assert str(caught.value).splitlines()[0] == "2 settings are not valid:"
    assert [p.split("=")[0] for p in caught.value.problems] == ["QADESK_DISPUTE_DAYS", "QADESK_STEREO_MAP"]


def test_secrets_are_never_repeated_in_an_error(tmp_path):
    with pytest.raises(SettingsError) as caught:
        load(tmp_path, env={"QADESK_ADMIN_PASSWORD": "short"})
    assert "short" not in str(caught.value).replace("too short", "")
    assert "QADESK_ADMIN_PASSWORD=*** (environment variable)" in str(caught.value)


@pytest.mark.parametrize("value, reason", [("short", "at least 12 characters (this one has 5)"),
                                           ("q1w2e3r4t5y6", "one of the most common passwords")])
def test_an_admin_password_that_breaks_the_password_rule_is_refused_at_start_up(tmp_path, value, reason):
    with pytest.raises(SettingsError) as caught:
        load(tmp_path, env={"QADESK_ADMIN_PASSWORD": value})
    assert reason in str(caught.value) and value not in str(caught.value)


def test_an_unknown_key_in_the_file_is_refused_with_the_closest_known_one(tmp_path):
    with pytest.raises(SettingsError, match=r"qadesk.toml: unknown setting 'dispute_day'; did you mean 'dispute_days'\?"):
        load(tmp_path, toml="dispute_day = 3\n")
    with pytest.raises(SettingsError, match=r"unknown setting 'QADESK_SAMPLE_QUOTA'; did you mean 'sample_quota'\?"):
        load(tmp_path, toml="QADESK_SAMPLE_QUOTA = 3\n")


def test_a_file_that_is_not_toml_is_refused_with_its_line(tmp_path):
    with pytest.raises(SettingsError, match=r"qadesk.toml: not valid TOML: .*line 2"):
        load(tmp_path, toml="dispute_days = 3\nsample_quota = \n")


def test_a_bad_database_url_is_refused(tmp_path):
    with pytest.raises(SettingsError, match=r"QADESK_DATABASE_URL=\*\*\* \(environment variable\): not a database URL"):
        load(tmp_path, env={"QADESK_DATABASE_URL": "my database"})


def test_described_settings_mask_every_secret_and_say_where_each_came_from(tmp_path):
    s = load(tmp_path, env={"QADESK_DATABASE_URL": "postgresql+psycopg://qa:hunter22@db.internal/qadesk",
                            "QADESK_ADMIN_PASSWORD": "correct-horse"}, toml="sample_quota = 8\n")
    rows = {r["name"]: r for r in settings.describe(s)}
    text = repr(rows)
    assert "hunter22" not in text and "correct-horse" not in text and s.secret_key not in text
    assert rows["QADESK_DATABASE_URL"]["value"] == "postgresql+psycopg://qa:***@db.internal/qadesk"
    assert (rows["QADESK_ADMIN_PASSWORD"]["value"], rows["SECRET_KEY"]["value"]) == ("********", "********")
    assert (rows["QADESK_SAMPLE_QUOTA"]["value"], rows["QADESK_SAMPLE_QUOTA"]["source"]) == (8, "file")
    assert rows["QADESK_DISPUTE_DAYS"]["source"] == "default"
    assert set(rows) == {"QADESK_INSTANCE", "SECRET_KEY", *(spec.env for spec in SPECS)}


def test_loading_without_creating_the_secret_leaves_a_new_instance_untouched(tmp_path):
    folder = tmp_path / "new"
    s = settings.load(folder, environ={}, create_secret=False)
    assert s.secret_key == "" and not folder.exists()


def test_the_deployment_guide_lists_every_setting_with_its_file_key():
    guide = (ROOT / "docs" / "deployment.md").read_text(encoding="utf-8")
    rows = {line.split("|")[1].strip().strip("`"): line for line in guide.splitlines()
            if line.startswith("| `")}
    for spec in SPECS:
        assert spec.env in rows, spec.env
        assert f"`{spec.name}`" in rows[spec.env], spec.env


def _bare_app(tmp_path, testing: bool):
    from flask import Flask
    app = Flask("settings-test")
    app.testing = testing
    settings.install(app, load(tmp_path))
    return app


def test_a_test_may_change_a_setting_in_app_config_and_it_is_validated_like_any_source(tmp_path):
    app = _bare_app(tmp_path, testing=True)
    assert app.config["QADESK_DISPUTE_DAYS"] == 7 and settings.settings(app).dispute_days == 7
    app.config["QADESK_DISPUTE_DAYS"] = "30"
    changed = settings.settings(app)
    assert (changed.dispute_days, changed.origins["dispute_days"]) == (30, "test")
    app.config["QADESK_DISPUTE_DAYS"] = "0"
    with pytest.raises(SettingsError, match=r"QADESK_DISPUTE_DAYS='0' \(test configuration\)"):
        settings.settings(app)


def test_outside_tests_the_settings_built_at_start_up_are_the_only_ones(tmp_path):
    app = _bare_app(tmp_path, testing=False)
    app.config["QADESK_DISPUTE_DAYS"] = 30
    assert settings.settings(app).dispute_days == 7
