"""Distributed workers: jobs go to a real redis-server through RQ and separate `qadesk worker`
processes run them against the instance's database; a job delivered twice runs once, a worker
killed mid-job has its job redone by another, and a poison job fails after its tries without
holding up the next one."""
from __future__ import annotations

import html
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.clocked import one_clock_env
from tests.conftest import FIXTURES, PASSWORD, ROOT

pytestmark = pytest.mark.slow
REDIS_SERVER = shutil.which("redis-server")
RETRIES = [1, 1]  # broker_retry_seconds of these instances: a failing job is tried three times
PATIENCE_SECONDS = 600  # generous: the machine may be busy; nothing here is timed
_watched: list[subprocess.Popen] = []  # the live workers of the running test (see _wait_for)


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    """A throwaway redis-server on a free loopback port, without persistence."""
    if REDIS_SERVER is None:
        pytest.skip("redis-server is not installed (Debian package redis-server): distributed workers need it")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    folder = tmp_path_factory.mktemp("redis")
    server = subprocess.Popen([REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                               "--appendonly", "no", "--dir", str(folder)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              env=one_clock_env())  # under libfaketime (make test-dates) redis-server never answers
    url = f"redis://127.0.0.1:{port}/0"
    try:
        _wait_for(lambda: _answers(url), "redis-server to answer")
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.fixture
def instance_dir(instance_dir, redis_url):
    """The test instance, set to use the Redis server (emptied first) with short retry delays."""
    from redis import Redis
    Redis.from_url(redis_url).flushall()
    settings_file = instance_dir / "qadesk.toml"
    kept = settings_file.read_text(encoding="utf-8") if settings_file.exists() else ""
    settings_file.write_text(kept + f"broker_url = {redis_url!r}\nbroker_retry_seconds = {RETRIES}\n",
                             encoding="utf-8")
    return instance_dir


@pytest.fixture
def start_worker(instance_dir, tmp_path):
    """start_worker(module) runs `python -m module --instance <test instance> worker` in its own
    process group (`qa_app` is the `qadesk` command; `tests.rq_worker` adds the test job kinds);
    every worker still running at the end is stopped."""
    started = []

    def start(module: str = "tests.rq_worker") -> subprocess.Popen:
        log_path = tmp_path / f"worker-{len(started)}.log"
        log = open(log_path, "wb")
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        process = subprocess.Popen([sys.executable, "-m", module, "--instance", str(instance_dir), "worker",
                                    "--concurrency", "1"], stdout=log, stderr=subprocess.STDOUT, env=env,
                                   start_new_session=True)
        process.log_path = log_path
        started.append((process, log))
        _watched.append(process)
        return process

    yield start
    _watched.clear()
    for process, log in started:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        log.close()


def _answers(url: str) -> bool:
    from redis import Redis
    from redis.exceptions import ConnectionError as RedisConnectionError
    try:
        return bool(Redis.from_url(url).ping())
    except RedisConnectionError:
        return False


def _wait_for(condition, what: str):
    """Poll `condition` until it returns something true; fail naming `what` after PATIENCE_SECONDS,
    or at once (with its log) when a worker the test did not kill has stopped."""
    deadline = time.monotonic() + PATIENCE_SECONDS
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        for process in _watched:
            if process.poll() is not None:
                pytest.fail(f"a worker stopped while waiting for {what}:\n"
                            + process.log_path.read_text(encoding="utf-8", errors="replace")[-4000:])
        time.sleep(0.3)
    pytest.fail(f"gave up waiting for {what}")


def _job(job_id: int):
    """The job row as a new request would read it."""
    from qa_app.extensions import db
    from qa_app.models import Job
    db.session.rollback()
    return db.session.get(Job, job_id)


def _job_in(job_id: int, *statuses: str):
    job = _job(job_id)
    return job if job.status in statuses else None


def _submit(app, kind: str, key: str, payload: dict, times: int = 1, queue: str = "jobs") -> int:
    from qa_app import broker
    from qa_app.services import jobs
    job, _ = jobs.enqueue(kind, key, payload)
    for _ in range(times):
        broker.submit(app, [job.id], queue)
    return job.id


def _jobs_page(client, auth) -> str:
    auth.login("admin", PASSWORD)
    response = client.get("/admin/jobs")
    assert response.status_code == 200
    return html.unescape(response.get_data(as_text=True))


def test_a_recording_uploaded_on_the_web_is_transcribed_by_a_separate_worker_and_shown_done(
        app, client, auth, start_worker):
    from qa_app.models import Conversation, Job
    from qa_app.extensions import db
    auth.login("admin", PASSWORD)
    response = client.post("/conversations/upload", content_type="multipart/form-data",
                           data={"files": [(open(FIXTURES / "audio" / "call_stereo.ogg", "rb"), "call_stereo.ogg")],
                                 "agent": "ann.call", "create_agents": "y"})
    assert response.status_code == 200
    job_id = db.session.scalar(db.select(Job.id).where(Job.kind == "transcribe"))
    assert _job(job_id).status == "queued"  # nothing in the web process runs it
    start_worker("qa_app")
    job = _wait_for(lambda: _job_in(job_id, "done", "failed"), "the transcription job to end")
    assert job.status == "done" and job.attempts == 1, job.error
    conversation = db.session.get(Conversation, job.result["conversation"])
    assert conversation.external_id == "call_stereo" and conversation.channel == "call"
    page = _jobs_page(client, auth)
    assert f"transcribe:{job.payload['sha256']}" in page and "done" in page


def test_a_bulk_scoring_run_queued_by_qadesk_score_is_run_by_a_worker_and_shown_done(
        app, cli, client, auth, start_worker):
    import json
    from qa_app.extensions import db
    from qa_app.models import Evaluation
    from qa_app.services import ingest
    ingest.ingest_paths([FIXTURES / "new_agent.ndjson"], ingest.IngestOptions(create_agents=True))
    automatic = db.select(db.func.count()).select_from(Evaluation).where(Evaluation.kind == "auto")
    assert db.session.scalar(automatic) == 0  # a file ingest leaves scoring to `qadesk score`
    queued = cli("score", "--queue", "--json")
    assert queued.exit_code == 0, queued.output
    job_id = json.loads(queued.output)["job"]
    assert _job(job_id).status == "queued"  # the command did not score
    start_worker("qa_app")
    job = _wait_for(lambda: _job_in(job_id, "done", "failed"), "the scoring run to end")
    assert job.status == "done" and job.result["scored"] == 2, job.error
    assert db.session.scalar(automatic) == 2
    page = _jobs_page(client, auth)
    assert job.key in page and "done" in page


def test_a_job_delivered_twice_runs_once(app, start_worker, tmp_path):
    from rq import Queue
    from qa_app import broker
    runs = tmp_path / "runs.log"
    job_id = _submit(app, "test_count", "test_count:twice", {"log": str(runs)}, times=2)
    assert Queue(broker.JOBS_QUEUE, connection=broker.connection(app)).count == 2
    start_worker()
    queue = Queue(broker.JOBS_QUEUE, connection=broker.connection(app))
    _wait_for(lambda: _job_in(job_id, "done") and queue.count == 0 and queue.finished_job_registry.count == 2,
              "both deliveries to be handled")
    job = _job(job_id)
    assert job.attempts == 1 and job.result == {"counted": True}
    assert runs.read_text(encoding="utf-8").splitlines() == ["ran"]


@pytest.mark.skipif("FAKETIME" in os.environ, reason="processes under libfaketime do not share one clock, "
                    "and a claim lease is compared across worker processes")
def test_a_job_whose_worker_is_killed_mid_run_is_redone_by_another_worker(app, start_worker, tmp_path):
    release = tmp_path / "release"
    job_id = _submit(app, "test_wait", "test_wait:killed", {"release": str(release)})
    first = start_worker()
    _wait_for(lambda: _job_in(job_id, "running"), "the first worker to claim the job")
    _watched.remove(first)
    os.killpg(first.pid, signal.SIGKILL)  # the worker and every process it started, mid-job
    first.wait()
    assert _job(job_id).status == "running"  # stranded: nobody will finish this run
    start_worker()
    release.touch()  # from now on the job can finish, but only a live worker can finish it
    job = _wait_for(lambda: _job_in(job_id, "done", "failed"), "the second worker to redo the job")
    assert job.status == "done" and job.result == {"released": True}
    assert job.attempts == 2 and job.lease_until is None


def test_a_poison_job_fails_after_its_tries_with_its_reason_on_the_jobs_page_while_the_next_job_runs(
        app, client, auth, start_worker, tmp_path):
    from qa_app import broker
    from qa_app.services import ingest, transcription
    options = ingest.IngestOptions(agent="ann.call", create_agents=True, stereo_map=("agent", "customer"))
    poison = transcription.queue_bytes((FIXTURES / "audio" / "call_mono.ogg").read_bytes(), "gone.ogg",
                                       options, ingest.IngestSummary())
    transcription.stored_audio(poison.payload["audio"]).unlink()  # purged before any worker got to it
    broker.submit(app, [poison.id], broker.TRANSCRIPTION_QUEUE)
    following = _submit(app, "test_count", "test_count:after-poison", {"log": str(tmp_path / "runs.log")},
                        queue=broker.TRANSCRIPTION_QUEUE)  # behind the poison job on the same queue
    start_worker()
    failed = _wait_for(lambda: _job_in(poison.id, "failed") if _job(poison.id).attempts == len(RETRIES) + 1 else None,
                       "the poison job's last try")
    assert "no longer stored" in failed.error
    after = _wait_for(lambda: _job_in(following, "done"), "the job queued after the poison job")
    assert after.finished_at < failed.finished_at  # it did not wait for the poison job's retries
    _wait_for(lambda: broker_failed_count(app) == 1, "RQ to record the poison job as failed")
    assert _job(poison.id).attempts == len(RETRIES) + 1  # no try beyond the last
    page = _jobs_page(client, auth)
    assert "the recording is no longer stored (purged by the retention period)" in page and "failed" in page


def broker_failed_count(app) -> int:
    from rq import Queue
    from qa_app import broker
    return Queue(broker.TRANSCRIPTION_QUEUE, connection=broker.connection(app)).failed_job_registry.count


def test_the_sweep_submits_again_a_job_that_redis_lost_but_not_one_still_waiting_in_its_queue(app):
    from datetime import timedelta
    from rq import Queue
    from qa_app import broker, clock
    from qa_app.extensions import db
    from qa_app.services import jobs
    waiting = _submit(app, "test_count", "test_count:waiting", {"log": "unused"})
    lost, _ = jobs.enqueue("test_count", "test_count:lost-by-redis", {"log": "unused"})
    for job_id in (waiting, lost.id):  # both made before the web process could have submitted them
        _job(job_id).created_at = clock.now() - jobs.STALE_QUEUED - timedelta(seconds=1)
    db.session.commit()
    assert broker.requeue_stranded(app) == [lost.id]
    assert broker.requeue_stranded(app) == []  # now delivered: a second sweep does not double it
    queue = Queue(broker.JOBS_QUEUE, connection=broker.connection(app))
    assert sorted(broker.row_id(i) for i in queue.get_job_ids()) == sorted([waiting, lost.id])
