"""Bulk NDJSON ingest with worker processes stores exactly what the one-process path stores."""
from __future__ import annotations

import pytest

from qa_app.extensions import db
from qa_app.models import Conversation, Turn
from qa_app.services import bulk, ingest
from tests.conftest import FIXTURES


def _stored():
    rows = db.session.scalars(db.select(Conversation).order_by(Conversation.external_id)).all()
    return [(c.external_id, c.agent.login, c.language, c.channel, c.started_at, dict(c.meta),
             [(t.idx, t.speaker, t.text, t.at, t.start, t.end) for t in c.turns]) for c in rows]


@pytest.fixture
def sample(tmp_path):
    path = tmp_path / "mixed.ndjson"
    good = (FIXTURES / "new_agent.ndjson").read_text(encoding="utf-8")
    bad = (FIXTURES / "malformed.ndjson").read_text(encoding="utf-8")
    path.write_text(good + "\n" + bad + (FIXTURES / "formats" / "../new_agent.ndjson").read_text(), encoding="utf-8")
    return path


def _run(path, parallel: bool, monkeypatch):
    monkeypatch.setattr(bulk, "PARALLEL_MIN_BYTES", 0 if parallel else 10**12)
    monkeypatch.setattr(bulk, "CHUNK_LINES", 2)  # several chunks, so order across workers matters
    return ingest.ingest_paths([path], ingest.IngestOptions(create_agents=True))


def test_worker_processes_give_the_same_summary_and_rows_as_one_process(app, sample, monkeypatch, tmp_path):
    parallel = _run(sample, True, monkeypatch).as_dict()
    stored_parallel = _stored()
    db.session.execute(db.delete(Turn))
    db.session.execute(db.delete(Conversation))
    db.session.commit()
    serial = _run(sample, False, monkeypatch).as_dict()
    assert parallel == serial
    assert parallel["ingested"] == 4 and parallel["duplicates"] == 2 and parallel["failed"] == 3
    assert [e["source"].rsplit(":", 1)[1] for e in parallel["errors"]] == ["5", "6", "7"]
    assert stored_parallel == _stored()


def test_only_large_ndjson_files_go_to_workers(tmp_path, monkeypatch):
    path = tmp_path / "a.ndjson"
    path.write_text("{}\n")
    monkeypatch.setattr(bulk, "PARALLEL_MIN_BYTES", 1)
    assert bulk.worth_parallel(path, "auto") is ((__import__("os").cpu_count() or 1) > 1)
    assert not bulk.worth_parallel(tmp_path / "a.json", "auto")
    monkeypatch.setattr(bulk, "PARALLEL_MIN_BYTES", 10**9)
    assert not bulk.worth_parallel(path, "auto")
