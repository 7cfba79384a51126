"""Two `qadesk scheduler` processes started at once on one instance, on a clock set just before a
midnight that closes a day and a month: every scheduled job runs exactly once per period, whichever
process holds the lease at each beat (issue #13, "Several web processes, one scheduler")."""
from __future__ import annotations

import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from qa_app.extensions import db
from qa_app.jobs import DEFINITIONS, LEASE
from qa_app.models import Job
from qa_app.services import jobs
from tests.clocked import one_clock_env
from tests.conftest import ROOT

pytestmark = pytest.mark.slow

#: 30 s (for both to start on a loaded machine) before the midnight that ends Monday 30 November
#: 2026: the daily and hourly jobs get a second period and the monthly one its next month, while
#: the weekly one stays in the same week
START = datetime(2026, 11, 30, 23, 59, 30, tzinfo=timezone.utc)
AFTER = START + timedelta(seconds=60)
DEADLINE_SECONDS = 300  # generous: how long the schedulers may take on a loaded machine, not a timing check


@contextmanager
def schedulers(instance: Path, count: int, at: datetime, logs: Path):
    """`count` `qadesk scheduler` processes, started together with their clocks at `at`, beating
    every second under QADESK_SCHEDULER=external, their output in `logs`/scheduler-N.log; stopped
    (and waited for) on leaving."""
    env = one_clock_env(QADESK_SCHEDULER="external", QADESK_SCHEDULER_TICK_SECONDS="1")
    command = [sys.executable, "-m", "tests.clocked", at.isoformat(), "--instance", str(instance), "scheduler"]
    procs = []
    for n in range(count):
        with open(logs / f"scheduler-{n}.log", "w") as log:  # a file, not a pipe nobody reads that could fill
            procs.append(subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT))
    try:
        yield procs
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def job_rows() -> list[Job]:
    """The job table as the next process would read it (a fresh transaction each time)."""
    db.session.rollback()
    return list(db.session.scalars(db.select(Job).order_by(Job.id)))


def wait_for(condition, procs, what: str, logs: Path) -> None:
    """Poll `condition` until it holds; fails if a scheduler exits first (with its output) or at the deadline."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    while not condition():
        for n, proc in enumerate(procs):
            assert proc.poll() is None, f"scheduler {n} exited: {(logs / f'scheduler-{n}.log').read_text()}"
        assert time.monotonic() < deadline, f"{what} did not happen within {DEADLINE_SECONDS} s"
        time.sleep(0.5)


def lease_expiry():
    db.session.rollback()
    held = jobs.lease_holder(LEASE)
    return held[1] if held else None


def test_two_schedulers_started_at_once_run_every_scheduled_job_once_per_period(app, instance_dir, tmp_path):
    expected = {d.key(START) for d in DEFINITIONS} | {d.key(AFTER) for d in DEFINITIONS}
    with schedulers(instance_dir, 2, START, tmp_path) as procs:
        wait_for(lambda: expected <= {j.key for j in job_rows() if j.status == "done"}, procs,
                 "every job of both days", tmp_path)
        # both go on beating past the last run: a second run of any period would show now
        renewed_from = lease_expiry()
        wait_for(lambda: lease_expiry() >= renewed_from + timedelta(seconds=5), procs, "five more beats", tmp_path)
    rows = job_rows()
    assert sorted(j.key for j in rows) == sorted(expected)  # one row per period, nothing else
    assert {(j.status, j.attempts) for j in rows} == {("done", 1)}, [(j.key, j.status, j.error) for j in rows]
    by_kind = {d.kind: sorted(j.key for j in rows if j.kind == d.kind) for d in DEFINITIONS}
    assert by_kind["mark_overdue"] == ["mark_overdue:2026-11-30", "mark_overdue:2026-12-01"]
    assert by_kind["training_reminders"] == ["training_reminders:2026-11-30T23", "training_reminders:2026-12-01T00"]
    assert by_kind["appraisal_drafts"] == ["appraisal_drafts:2026-10", "appraisal_drafts:2026-11"]
    assert by_kind["sample"] == ["sample:2026-W48"]  # the same week on both sides of midnight


def test_a_scheduler_stopped_with_sigterm_exits_cleanly_and_gives_up_its_lease_at_once(app, instance_dir, tmp_path):
    with schedulers(instance_dir, 1, START, tmp_path) as procs:
        wait_for(lambda: lease_expiry() is not None, procs, "the lease taken", tmp_path)
        procs[0].terminate()
        assert procs[0].wait(timeout=DEADLINE_SECONDS) == 0, (tmp_path / "scheduler-0.log").read_text()
        assert lease_expiry() is None  # not left to run out: another scheduler or a restore may go on at once
