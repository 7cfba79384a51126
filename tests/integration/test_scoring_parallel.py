"""Scoring in worker processes stores exactly what scoring in one process stores; a failing or dying
worker stops the run with a clear error and keeps the finished batches; Ctrl-C at the terminal
(every process of the group gets SIGINT) still stops `qadesk score` cleanly."""
from __future__ import annotations

import json
import multiprocessing
import os
import signal
import subprocess
import sys
import time

import pytest

from qa_app.extensions import db
from qa_app.models import Evaluation
from qa_app.services import ingest, scoring, scoring_pool
from tests.conftest import ROOT
from tests.databases import on_postgres, outside
from tests.integration.test_scoring_batches import ingest_demo, scenario


def real_scoring(workers: int):
    return lambda rescore_all, now: scoring.score_pending(
        rescore_all=rescore_all, now=now, batch_size=7, commit_batches=True, workers=workers)


def test_scoring_in_worker_processes_stores_the_same_rows_as_scoring_in_this_process(app, new_instance,
                                                                                     tmp_path):
    parallel = scenario(real_scoring(workers=2))  # real sentiment engines, in the workers
    from qa_app import create_app
    other = tmp_path / "in-process-instance"
    new_instance(other)
    reference_app = create_app({"TESTING": True}, instance_path=str(other))
    with reference_app.app_context():
        reference = scenario(real_scoring(workers=0))
        db.session.remove()
        db.engine.dispose()
    assert len(parallel["evaluations"]) == 40 + 1 + 20 + 60  # first scores, a review, new ones, rescores
    assert any(a[2] == "rescore" for a in parallel["audit"]) and parallel["assignments"]
    assert any(turn[-1] is not None for turn in parallel["turns"])  # sentiment was stored on the turns
    for table in parallel:
        assert parallel[table] == reference[table], table


def count(query) -> int:
    db.session.remove()  # what another process would see
    return db.session.scalar(query)


def test_a_worker_that_fails_stops_the_run_naming_the_conversations_and_the_finished_batches_stay(app):
    if on_postgres():
        pytest.skip("PostgreSQL's timestamp column cannot hold the damaged value planted here; the "
                    "failure path in the workers is the same on both engines and runs on SQLite")
    ingest_demo(30)
    db.session.execute(db.text("UPDATE turn SET at = 'not a time' WHERE conversation_id = 12"))  # a damaged row
    db.session.commit()
    summary = scoring.ScoreSummary()
    ids = (i for i in range(1, 31))  # ids may come as a one-pass iterable
    with pytest.raises(scoring.ScoringFailed) as failed:
        scoring.score_pending(conversation_ids=ids, commit_batches=True, batch_size=5, workers=2, summary=summary)
    assert "scoring conversations 11 to 15 failed: ValueError" in str(failed.value)
    assert summary.scored == 10
    assert count(db.select(db.func.count(Evaluation.id))) == 10
    assert count(db.select(db.func.max(Evaluation.conversation_id))) == 10


def test_a_worker_process_that_dies_stops_the_run_with_a_clear_error_keeping_the_finished_batches(app):
    ingest_demo(60)
    killed = []

    def kill_a_worker(n: int) -> None:
        if not killed:
            victim = multiprocessing.active_children()[0]
            os.kill(victim.pid, signal.SIGKILL)
            victim.join(10)
            killed.append(victim.pid)

    summary = scoring.ScoreSummary()
    with pytest.raises(scoring.ScoringFailed, match="a scoring worker process stopped unexpectedly while scoring "
                                                    "conversations"):
        scoring.score_pending(commit_batches=True, batch_size=5, workers=2, summary=summary,
                              progress=kill_a_worker)
    assert killed and 5 <= summary.scored < 60
    assert count(db.select(db.func.count(Evaluation.id))) == summary.scored
    assert scoring.score_pending(commit_batches=True, workers=0).scored == 60 - summary.scored


def test_an_injected_sentiment_analyser_is_never_replaced_by_workers(app, fake_sentiment):
    ingest_demo(12)
    assert scoring.score_pending(commit_batches=True, batch_size=5, workers=2).scored == 12
    assert fake_sentiment.calls  # every conversation went through the fake, in this process


def test_small_runs_score_in_this_process_and_large_ones_follow_the_setting(app):
    assert scoring._pool_size(None, None, list(range(scoring_pool.MIN_CONVERSATIONS - 1))) == 0
    assert scoring._pool_size(None, None, list(range(scoring_pool.MIN_CONVERSATIONS))) == (os.cpu_count() or 1)
    assert scoring._pool_size(3, None, [1]) == 3 and scoring._pool_size(0, None, list(range(10**4))) == 0


def english_records(n: int) -> list[dict]:
    from tests.functional.test_busy_database import english_demo_records
    return english_demo_records(n)


def test_ctrl_c_at_the_terminal_stops_a_parallel_qadesk_score_keeping_finished_batches(app, instance_dir):
    total = scoring_pool.MIN_CONVERSATIONS + 200  # large enough for the worker processes
    summary = ingest.ingest_dicts(english_records(total), "terminal", ingest.IngestOptions(create_agents=True))
    assert summary.failed == 0, summary.errors
    db.session.remove()
    command = [sys.executable, "-m", "qa_app", "--instance", str(instance_dir), "score"]
    run = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           start_new_session=True)  # its own process group, as a terminal's foreground job
    try:
        deadline = time.monotonic() + 120
        while evaluations_in(instance_dir) == 0:
            assert time.monotonic() < deadline and run.poll() is None, "no batch was committed"
            time.sleep(0.05)
        os.killpg(run.pid, signal.SIGINT)  # what Ctrl-C does: the main process and every worker
        out, err = run.communicate(timeout=60)
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
            run.communicate()
    kept = evaluations_in(instance_dir)
    assert run.returncode == 130, err
    assert f"stopped: kept {kept} scored conversations; run `qadesk score` again to score the rest" in err
    assert "Traceback" not in err and 0 < kept < total


def evaluations_in(instance) -> int:
    return outside(instance, "SELECT count(*) FROM evaluation")


def test_an_upload_large_enough_for_the_workers_is_scored_in_its_own_transaction(app):
    # Worker processes read through their own connections and cannot see rows this transaction has
    # not committed: a use case that stores conversations and scores them in one commit (the upload
    # page, the API) must score them here, however many there are.
    assert scoring._pool_size(None, None, list(range(scoring_pool.MIN_CONVERSATIONS))) > 0  # the setting is on
    lines = "\n".join(json.dumps(r) for r in english_records(scoring_pool.MIN_CONVERSATIONS))
    upload = ingest.ingest_uploads([("large.jsonl", lines.encode())], ingest.IngestOptions(create_agents=True))
    assert upload.errors == [] and upload.scored.scored == scoring_pool.MIN_CONVERSATIONS
    assert count(db.select(db.func.count(Evaluation.id))) == scoring_pool.MIN_CONVERSATIONS
