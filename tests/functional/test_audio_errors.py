"""An expected failure (a truncated or unreadable recording) prints one clear line naming the file
and no traceback, through the real `qadesk` program; the traceback goes to the instance's log,
and to the terminal only with --debug."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import FIXTURES, ROOT

pytestmark = pytest.mark.slow


def qadesk(instance_dir, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "qa_app", "--instance", str(instance_dir), *args],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)


@pytest.fixture
def truncated(tmp_path):
    path = tmp_path / "broken.ogg"
    path.write_bytes((FIXTURES / "audio" / "call_stereo.ogg").read_bytes()[:3000])
    return path


def test_a_truncated_recording_prints_one_line_naming_the_file_and_no_traceback(instance_dir, truncated):
    run = qadesk(instance_dir, "ingest", str(truncated), "--agent", "ann.call", "--create-agents")
    assert run.returncode == 1
    assert "Traceback" not in run.stdout + run.stderr
    assert run.stderr.strip() == ""
    assert run.stdout.splitlines() == ["ingested 0, duplicates 0, conflicts 0, failed 1",
                                       f"  {truncated}: is truncated: the last Ogg page is cut off"]
    log = (instance_dir / "qadesk.log").read_text()
    assert "Traceback" in log and "AudioError" in log


def test_an_unreadable_recording_is_one_line_too(instance_dir, tmp_path):
    noise = tmp_path / "noise.wav"
    noise.write_bytes(b"this is not audio at all" * 100)
    run = qadesk(instance_dir, "ingest", str(noise), "--agent", "ann.call", "--create-agents", "--json")
    assert run.returncode == 1 and "Traceback" not in run.stdout + run.stderr
    [error] = json.loads(run.stdout)["errors"]
    assert error["source"] == str(noise) and error["error"]


def test_with_debug_the_traceback_is_also_on_the_terminal(instance_dir, truncated):
    run = qadesk(instance_dir, "--debug", "ingest", str(truncated), "--agent", "ann.call", "--create-agents")
    assert run.returncode == 1
    assert "Traceback" in run.stderr and "AudioError" in run.stderr
