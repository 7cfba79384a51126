"""The deployment files in deploy/ (docs/deployment.md): the systemd units pass `systemd-analyze
verify` and run real commands, the environment example is accepted by `qadesk config show`, and
the nginx site agrees with gunicorn's address and timeout and with the largest request allowed."""
from __future__ import annotations

import importlib.util
import json
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from qa_app import config
from qa_app.cli import main
from tests.conftest import ROOT

DEPLOY = ROOT / "deploy"
UNITS = sorted((DEPLOY / "systemd").glob("*.service"))
PREFIX = "/opt/qadesk"  # where the units expect the installation (docs/deployment.md)
#: not settings (QADESK_INSTANCE chooses the folder) or settings of work not merged here yet
NOT_SETTINGS = {"QADESK_INSTANCE"}


def unit_values(unit: Path, key: str) -> list[str]:
    """Every value of `key` in the unit file (systemd's `Key=value` lines, comments ignored)."""
    pattern = re.compile(rf"^{re.escape(key)}=(.*)$")
    return [m.group(1).strip() for line in unit.read_text().splitlines() if (m := pattern.match(line))]


def exec_commands(unit: Path) -> list[list[str]]:
    return [shlex.split(v) for key in ("ExecStart", "ExecReload") for v in unit_values(unit, key)]


def environment_example() -> dict[str, str]:
    """deploy/qadesk.env.example as systemd's EnvironmentFile= reads it."""
    lines = (DEPLOY / "qadesk.env.example").read_text().splitlines()
    return dict(line.split("=", 1) for line in map(str.strip, lines) if line and not line.startswith("#"))


def gunicorn_option(name: str) -> str:
    command = exec_commands(DEPLOY / "systemd" / "qadesk-web.service")[0]
    return command[command.index(name) + 1]


def test_there_are_units_for_the_web_the_scheduler_and_the_workers():
    assert [u.name for u in UNITS] == ["qadesk-scheduler.service", "qadesk-web.service", "qadesk-worker@.service"]


@pytest.mark.skipif(shutil.which("systemd-analyze") is None,
                    reason="systemd-analyze is not installed (Debian package systemd): units not verified")
def test_the_systemd_units_pass_systemd_analyze_verify(tmp_path):
    # verify insists every Exec path is an executable file: the units are checked as installed under
    # a temporary prefix holding stand-ins, so syntax, keys and values are what it judges
    installed = tmp_path / "opt" / "qadesk"
    copies = []
    for unit in UNITS:
        copy = tmp_path / unit.name
        copy.write_text(unit.read_text().replace(PREFIX + "/", f"{installed}/"))
        copies.append(str(copy))
        for command in exec_commands(copy):
            program = Path(command[0])
            if program.is_relative_to(installed):
                program.parent.mkdir(parents=True, exist_ok=True)
                program.write_text("#!/bin/sh\n")
                program.chmod(0o755)
    done = subprocess.run(["systemd-analyze", "verify", "--man=no", *copies], capture_output=True, text=True,
                          timeout=120)
    # an unknown key or a bad value is only a warning (exit status 0): any output is a finding
    assert done.returncode == 0 and done.stderr == "" and done.stdout == "", done.stderr + done.stdout


@pytest.mark.parametrize("unit", UNITS, ids=lambda u: u.name)
def test_each_unit_runs_an_installed_command_as_the_service_user_with_the_environment_file(unit):
    assert unit_values(unit, "User") == ["qadesk"] and unit_values(unit, "Group") == ["qadesk"]
    assert unit_values(unit, "EnvironmentFile") == ["/etc/qadesk/qadesk.env"]
    program, *args = exec_commands(unit)[0]
    assert program.startswith(PREFIX + "/.venv/bin/")
    if Path(program).name == "gunicorn":
        assert args[-1] == "qa_app.wsgi:app" and importlib.util.find_spec("qa_app.wsgi") is not None
        assert "--preload" not in args  # each worker opens its own database connections
    else:
        assert Path(program).name == "qadesk"
        assert args[0] in main.commands, f"`qadesk {args[0]}` is not a command"
        assert CliRunner().invoke(main, [*args, "--help"]).exit_code == 0


def test_the_environment_example_is_accepted_by_qadesk_config_show(tmp_path):
    example = environment_example()
    assert set(example) - set(config.BY_ENV) <= NOT_SETTINGS, "a misspelt variable is silently ignored"
    result = CliRunner(env=example).invoke(main, ["--instance", str(tmp_path), "config", "show", "--json"])
    assert result.exit_code == 0, result.output
    shown = {row["name"]: row for row in json.loads(result.output)["settings"]}
    given = {name for name, value in example.items() if name in config.BY_ENV and value}
    assert {shown[name]["source"] for name in given} == {"env"}
    assert shown["QADESK_SCHEDULER"]["value"] == "external"  # qadesk-scheduler.service runs the jobs
    assert shown["QADESK_PROXY_HOPS"]["value"] == 1  # nginx
    assert "CHANGE-ME" not in result.output  # the database password is masked


def test_nginx_proxies_to_gunicorn_with_room_for_the_largest_request_and_the_slowest_answer():
    site = (DEPLOY / "nginx" / "qadesk.conf").read_text()
    assert re.search(r"upstream qadesk_web \{\s*server ([^ ;]+)", site).group(1) == gunicorn_option("--bind")
    assert "proxy_pass http://qadesk_web;" in site
    megabytes = int(re.search(r"client_max_body_size (\d+)m;", site).group(1))
    largest = int(environment_example().get("QADESK_MAX_REQUEST_BYTES", config.BY_ENV["QADESK_MAX_REQUEST_BYTES"].default))
    assert megabytes * 1024 * 1024 >= largest
    assert int(re.search(r"proxy_read_timeout (\d+)s;", site).group(1)) >= int(gunicorn_option("--timeout"))
    for header in ("X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host"):
        assert f"proxy_set_header {header} " in site  # what QADESK_PROXY_HOPS=1 trusts
