"""kill -9 in the middle of the long commands, then run them again (issue #12, "Faults and load").

A parallel `qadesk ingest` and a `qadesk score` are killed with SIGKILL while their worker
processes are busy, and an `ingest` of a recording while Whisper works on it. Afterwards: no process they started is still alive, the database holds no half
conversation and no half evaluation, and running the same command again finishes the work with
nothing counted twice. The test finds every process a run started by a marker in its environment,
which each child inherits, rather than by parent id (an orphan's parent is no longer the run)."""
from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest

from qa_app import clock
from tests.clocked import one_clock_env
from tests.conftest import PG_BASE, ROOT
from tests.functional.test_busy_database import english_demo_records, qadesk, wait_for

# The runs are read with sqlite3 from outside, as another process would (the PostgreSQL run of the
# scoring commit path is test_scoring_batches; the orphan watch is engine-neutral).
pytestmark = pytest.mark.skipif(bool(PG_BASE), reason="reads the SQLite file directly")

RECORDS = 4000


def processes_marked(marker: str) -> list[int]:
    """Every live (not zombie) process whose environment carries the marker."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if f"QADESK_TEST_RUN={marker}".encode() not in (entry / "environ").read_bytes().split(b"\0"):
                continue
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:  # gone meanwhile, or not ours to read
            continue
        if state != "Z":
            found.append(int(entry.name))
    return found


def start(instance: Path, marker: str, *args: str, **env: str) -> subprocess.Popen:
    environment = one_clock_env(QADESK_TEST_RUN=marker, **env)  # one clock for every run (make test-dates)
    # no pipes: an orphaned worker would hold them open, and reading them would wait for it
    return subprocess.Popen(qadesk(instance, *args), cwd=ROOT, env=environment, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)


def kill_nine(run: subprocess.Popen) -> None:
    """SIGKILL the command's own process only, as the OOM killer or `kill -9 PID` would."""
    run.send_signal(signal.SIGKILL)
    run.wait(timeout=30)


def no_process_left(marker: str, within: float = 60.0) -> list[str]:
    """The command lines of the marked processes still alive after `within` seconds (orphans),
    killing them afterwards. Generous: on a loaded machine a forkserver still importing when the
    run was killed takes a while to notice."""
    deadline = time.monotonic() + within
    while processes_marked(marker) and time.monotonic() < deadline:
        time.sleep(0.2)
    left = processes_marked(marker)
    lines = [_command_line(pid) for pid in left]
    for pid in left:  # do not leave them to the rest of the suite
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return lines


def _command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()[:200]
    except OSError:
        return f"{pid} (gone)"


def rows(instance: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(instance / "qadesk.db", timeout=30) as conn:
        return conn.execute(sql).fetchall()


@pytest.fixture(scope="module")
def records() -> list[dict]:
    return english_demo_records(RECORDS)


@pytest.fixture
def ndjson(records, tmp_path) -> Path:
    path = tmp_path / "calls.ndjson"
    path.write_text("".join(json.dumps(r, ensure_ascii=False, default=str) + "\n" for r in records),
                    encoding="utf-8")
    return path


@pytest.fixture
def instance(template_instance, tmp_path) -> Path:
    folder = tmp_path / "instance"
    shutil.copytree(template_instance, folder)
    return folder


def stored_turns(instance: Path) -> dict[str, int]:
    return dict(rows(instance, "SELECT c.external_id, count(t.id) FROM conversation c "
                               "LEFT JOIN turn t ON t.conversation_id = c.id GROUP BY c.id"))


def test_a_parallel_ingest_killed_mid_run_leaves_no_worker_alive_no_half_conversation_and_finishes_when_run_again(
        instance, ndjson, records):
    marker = uuid.uuid4().hex
    run = start(instance, marker, "ingest", str(ndjson), "--create-agents", "--json",
                QADESK_PARALLEL_MIN_BYTES="1")
    try:
        wait_for(lambda: rows(instance, "SELECT count(*) FROM conversation")[0][0] > 0, timeout=120)
        assert len(processes_marked(marker)) > 1, "the run has started its worker processes"
        kill_nine(run)
    finally:
        if run.poll() is None:
            run.kill()
    assert no_process_left(marker) == []
    expected = {r["id"]: len(r["turns"]) for r in records}
    kept = stored_turns(instance)
    assert 0 < len(kept) < RECORDS, "killed mid-run: some but not all conversations are stored"
    assert all(kept[cid] == expected[cid] for cid in kept), "every stored conversation is whole"
    again = subprocess.run(qadesk(instance, "ingest", str(ndjson), "--create-agents", "--json"), cwd=ROOT,
                           env={**os.environ, "QADESK_PARALLEL_MIN_BYTES": "1"}, capture_output=True,
                           text=True, timeout=600)
    assert again.returncode == 0, again.stderr
    summary = json.loads(again.stdout)
    assert (summary["ingested"], summary["duplicates"]) == (RECORDS - len(kept), len(kept))
    assert stored_turns(instance) == expected


def test_a_scoring_run_killed_mid_run_leaves_no_worker_alive_no_half_evaluation_and_the_next_run_scores_the_rest(
        instance, ndjson):
    done = subprocess.run(qadesk(instance, "ingest", str(ndjson), "--create-agents", "--json"), cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    marker = uuid.uuid4().hex
    run = start(instance, marker, "score", QADESK_SCORING_WORKERS="2")
    try:
        wait_for(lambda: rows(instance, "SELECT count(*) FROM evaluation")[0][0] > 0, timeout=180)
        kill_nine(run)
    finally:
        if run.poll() is None:
            run.kill()
    assert no_process_left(marker) == []
    kept = rows(instance, "SELECT count(*) FROM evaluation")[0][0]
    assert 0 < kept < RECORDS
    half = rows(instance, "SELECT e.id FROM evaluation e LEFT JOIN criterion_score r "
                          "ON r.evaluation_id = e.id GROUP BY e.id HAVING count(r.id) = 0")
    assert half == [], "every stored evaluation has its criterion results"
    rest = subprocess.run(qadesk(instance, "score", "--json"), cwd=ROOT, capture_output=True, text=True,
                          timeout=600)
    assert rest.returncode == 0, rest.stderr
    assert json.loads(rest.stdout)["scored"] == RECORDS - kept
    per_conversation = rows(instance, "SELECT count(*) FROM evaluation GROUP BY conversation_id")
    assert len(per_conversation) == RECORDS and {n for (n,) in per_conversation} == {1}


def test_a_transcription_killed_mid_job_is_reported_while_its_lease_holds_and_finished_by_the_next_run(instance):
    recording = ROOT / "tests" / "fixtures" / "audio" / "call_stereo.ogg"
    ingest = ("ingest", str(recording), "--agent", "ann.call", "--create-agents", "--json")
    marker = uuid.uuid4().hex
    run = start(instance, marker, *ingest)
    try:
        wait_for(lambda: rows(instance, "SELECT status FROM job WHERE kind = 'transcribe'") == [("running",)],
                 timeout=180)
        kill_nine(run)  # Whisper is loading or transcribing
    finally:
        if run.poll() is None:
            run.kill()
    assert no_process_left(marker) == []
    assert rows(instance, "SELECT count(*) FROM conversation") == [(0,)], "nothing half-stored"
    [(status, lease_until)] = rows(instance, "SELECT status, lease_until FROM job WHERE kind = 'transcribe'")
    assert status == "running" and lease_until is not None
    again = subprocess.run(qadesk(instance, *ingest), cwd=ROOT, env=one_clock_env(), capture_output=True,
                           text=True, timeout=300)
    summary = json.loads(again.stdout)
    assert again.returncode == 1 and summary["ingested"] == 0 and summary["failed"] == 1
    assert "being transcribed by another process" in summary["errors"][0]["error"]
    after_the_lease = (clock.now() + timedelta(minutes=2)).isoformat()
    done = subprocess.run([sys.executable, "-m", "tests.clocked", after_the_lease, "--instance", str(instance),
                           "transcribe", "--json"], cwd=ROOT, env=one_clock_env(), capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["ingested"] == 1
    assert rows(instance, "SELECT status, attempts FROM job WHERE kind = 'transcribe'") == [("done", 2)]
    [(turns,)] = rows(instance, "SELECT count(*) FROM turn")
    assert rows(instance, "SELECT count(*) FROM conversation") == [(1,)] and turns > 0
