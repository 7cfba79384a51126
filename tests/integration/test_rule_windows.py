"""The training rules' windows (rule_facts.windows_of) are each start's final evaluation and the ones
before it, exactly as ranking all of its agent's final evaluations would give them: ties in start
time, conversations without a start time (ordered by when they were ingested), and conversations
not scored yet in between."""
from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

import pytest
import time_machine

from qa_app.extensions import db
from qa_app.models import Conversation, Evaluation
from qa_app.services import ingest, rule_facts, scoring, training_rules
from tests.sampling_seed import record

START = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)


def _stored(rng: random.Random) -> list[int]:
    """40 chats of two agents: starts drawn from a few days (so several share a start), every fifth
    without a start, ingested in two rounds a day apart; a third of them left unscored."""
    ids = []
    for round_ in range(2):
        with time_machine.travel(START + timedelta(days=10 + round_), tick=False):
            records = []
            for n in range(20):
                doc = record(f"w-{round_}-{n}", rng.choice(["ann", "bob"]), START + timedelta(hours=rng.randrange(6)),
                             bad=rng.random() < 0.5)
                if n % 5 == 0:  # no time at all: the conversation's start is unknown
                    del doc["started_at"]
                    for k, turn in enumerate(doc["turns"]):
                        del turn["at"]
                        turn.update(start=10.0 * k, end=10.0 * k + 5)
                records.append(doc)
            summary = ingest.ingest_dicts(records, "test", ingest.IngestOptions(create_agents=True))
            assert summary.ok, summary.errors
            ids += summary.conversation_ids
    scoring.score_pending(conversation_ids=[i for i in ids if rng.random() < 0.67])
    db.session.commit()
    return ids


def _reference(ids: list[int], window: int) -> dict[int, list[int]]:
    """Per agent, newest first, the conversations in the windows of `ids`, from every final
    evaluation of the agent ranked in Python."""
    finals = db.session.execute(db.select(Conversation.id, Conversation.agent_id, Conversation.started_at,
                                          Conversation.ingested_at)
                                .join(Evaluation, (Evaluation.conversation_id == Conversation.id)
                                      & Evaluation.is_final.is_(True))).all()
    ranked: dict[int, list[int]] = {}
    for cid, agent, started, ingested in sorted(finals, key=lambda r: (r.started_at or r.ingested_at, r.id),
                                                reverse=True):
        ranked.setdefault(agent, []).append(cid)
    out = {}
    for agent, order in ranked.items():
        members = {cid for i, cid in enumerate(order) if cid in ids for cid in order[i:i + window]}
        if members:
            out[agent] = [cid for cid in order if cid in members]
    return out


@pytest.mark.parametrize("seed", [1, 2])
def test_each_window_holds_the_start_and_the_final_evaluations_just_before_it(app, fake_sentiment, seed):
    rng = random.Random(seed)
    ids = _stored(rng)
    active = [r for r in training_rules.current_rules() if r.active]
    assert db.session.scalar(db.select(db.func.count(Conversation.id)).where(Conversation.started_at.is_(None))) == 8
    for window in (1, 2, 3, 5, 50):
        for starts in (ids, rng.sample(ids, 7), ids[-3:]):
            found = {agent: [f.facts.conversation_id for f in finals]
                     for agent, finals in rule_facts.windows_of(starts, window, active).items()}
            assert found == _reference(starts, window), (window, starts)
