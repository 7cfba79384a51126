"""A real `qadesk score` run and the web app at the same time: reviews wait for the short batch
commits and are saved; a write that still cannot get SQLite's lock gets a styled 503 that keeps
what was typed; Ctrl-C stops a run keeping the batches it finished, and the next run does the rest."""
from __future__ import annotations

import json
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from qa_app.extensions import db
from qa_app.models import Conversation, Evaluation
from tests.conftest import PASSWORD, PG_BASE, ROOT

# SQLite's one write lock and its busy timeout are what this module is about (and it reads the file
# directly); on PostgreSQL the busy path (lock_timeout) is tested in test_one_final_evaluation.py.
pytestmark = pytest.mark.skipif(bool(PG_BASE), reason="SQLite's write lock only; see the comment above")

TOTAL = 1100  # more than two batches of scoring.BATCH (500)


def english_demo_records(n: int) -> list[dict]:
    from qa_app.demo.conversations import build_conversations
    from qa_app.demo.people import demo_agents
    records, seed = [], 0
    while len(records) < n:
        for record, plan, _ in build_conversations(demo_agents(), date(2026, 11, 20), random.Random(seed)):
            if plan.agent.language == "en" and len(records) < n:
                records.append({**record, "id": f"busy-{len(records)}"})
        seed += 1
    return records


def qadesk(instance: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "qa_app", "--instance", str(instance), *args]


@pytest.fixture(scope="module")
def populated(template_instance, tmp_path_factory) -> Path:
    """An instance holding TOTAL unscored English conversations, stored by the real `qadesk ingest`."""
    folder = tmp_path_factory.mktemp("busy") / "instance"
    shutil.copytree(template_instance, folder)
    data = folder.parent / "conversations.ndjson"
    data.write_text("".join(json.dumps(r, ensure_ascii=False, default=str) + "\n"
                            for r in english_demo_records(TOTAL)), encoding="utf-8")
    done = subprocess.run(qadesk(folder, "ingest", str(data), "--create-agents", "--json"), cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["ingested"] == TOTAL
    return folder


@pytest.fixture
def instance_dir(populated, tmp_path) -> Path:
    """This module's tests start from the populated instance (overrides conftest's empty one)."""
    folder = tmp_path / "instance"
    shutil.copytree(populated, folder)
    return folder


def count_evaluations(instance: Path) -> int:
    """Read through a connection of its own, as another process would."""
    with sqlite3.connect(instance / "qadesk.db", timeout=10) as conn:
        return conn.execute("SELECT count(*) FROM evaluation").fetchone()[0]


def start_scoring(instance: Path) -> subprocess.Popen:
    return subprocess.Popen(qadesk(instance, "score"), cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def wait_for(condition, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def based_on(page: str) -> str:
    return re.search(r'name="based_on" value="(\d+)"', page).group(1)


def comment_field(page: str) -> str:
    return re.search(r'name="(comment__[^"]+)"', page).group(1)


def test_reviews_saved_while_qadesk_score_runs_are_stored_never_a_bare_500(app, client, auth, make_user,
                                                                           fake_sentiment, instance_dir):
    from qa_app.services import scoring
    first = list(db.session.scalars(db.select(Conversation.id).order_by(Conversation.id).limit(5)))
    scoring.score_pending(conversation_ids=first)  # something to review before the run starts
    make_user("rev.busy", "reviewer")
    auth.login("rev.busy")
    run = start_scoring(instance_dir)
    try:
        wait_for(lambda: count_evaluations(instance_dir) > len(first))  # the run has committed a batch
        outcomes = []
        for n, conversation_id in enumerate(first):
            form = client.get(f"/review/{conversation_id}").get_data(as_text=True)
            typed = f"typed during the scoring run, review {n}"
            response = client.post(f"/review/{conversation_id}", data={
                "based_on": based_on(form), comment_field(form): typed})
            outcomes.append((response.status_code, run.poll() is None))
            assert response.status_code != 500
            if response.status_code != 302:  # not saved: the styled page keeps the comment
                assert response.status_code in (409, 503) and typed in response.get_data(as_text=True)
        out, err = run.communicate(timeout=120)
    finally:
        if run.poll() is None:
            run.kill()
            run.communicate()
    assert run.returncode == 0, err
    assert out.strip() == f"scored {TOTAL - len(first)}"
    saved = [status for status, _ in outcomes if status == 302]
    assert saved and any(running for status, running in outcomes if status == 302), outcomes
    comments = db.session.scalars(db.select(Evaluation).where(Evaluation.kind == "human")).all()
    assert len(comments) == len(saved)
    assert all(any(c.comment.startswith("typed during the scoring run") for c in ev.criteria) for ev in comments)


def test_a_write_that_cannot_get_the_lock_gets_a_styled_503_keeping_what_was_typed(app, client, auth,
                                                                                   fake_sentiment, instance_dir):
    from sqlalchemy import event
    from qa_app.services import scoring, users
    conv = db.session.scalars(db.select(Conversation).order_by(Conversation.id)).first()
    scoring.score_pending(conversation_ids=[conv.id])
    agent = conv.agent.login
    users.set_password(agent, PASSWORD)
    final = db.session.scalar(db.select(Evaluation.id).where(Evaluation.conversation_id == conv.id))
    auth.login(agent)
    event.listen(db.engine, "connect", lambda dbapi, _record: dbapi.execute("PRAGMA busy_timeout = 200"))
    db.engine.dispose()  # new connections give up after 200 ms instead of 10 s
    blocker = sqlite3.connect(instance_dir / "qadesk.db", isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")  # another process holds the write lock (a long transaction)
    try:
        response = client.post(f"/disputes/open/{final}", data={"comment": "The customer thanked me, 谢谢"})
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    page = response.get_data(as_text=True)
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    assert "The database is busy" in page and "try again in a few seconds" in page
    assert "The customer thanked me, 谢谢" in page and 'name="comment"' in page  # kept, ready to send again
    assert 'class="mainnav"' in page  # the app's layout, not a bare error
    again = client.post(f"/disputes/open/{final}", data={"comment": "The customer thanked me, 谢谢"})
    assert again.status_code == 302
    from qa_app.models import Dispute
    assert db.session.scalar(db.select(db.func.count(Dispute.id))) == 1


def test_ctrl_c_stops_qadesk_score_keeping_finished_batches_and_the_next_run_scores_the_rest(instance_dir):
    run = start_scoring(instance_dir)
    try:
        wait_for(lambda: count_evaluations(instance_dir) >= 500)  # the first batch is committed
        run.send_signal(signal.SIGINT)
        out, err = run.communicate(timeout=60)
    finally:
        if run.poll() is None:
            run.kill()
            run.communicate()
    kept = count_evaluations(instance_dir)
    assert run.returncode == 130, err
    assert f"stopped: kept {kept} scored conversations; run `qadesk score` again to score the rest" in err
    assert "Traceback" not in err and 0 < kept < TOTAL
    rest = subprocess.run(qadesk(instance_dir, "score", "--json"), cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert rest.returncode == 0, rest.stderr
    assert json.loads(rest.stdout)["scored"] == TOTAL - kept
    with sqlite3.connect(instance_dir / "qadesk.db") as conn:
        per_conversation = conn.execute("SELECT count(*) FROM evaluation GROUP BY conversation_id").fetchall()
    assert len(per_conversation) == TOTAL and {n for (n,) in per_conversation} == {1}
