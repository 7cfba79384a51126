"""Generate a large instance fast: agents, conversations with their turns, automatic evaluations and reviews.

Fills a new instance (SQLite by default, or --database-url, e.g. PostgreSQL) with the rows the app
stores when the conversations are ingested (`qadesk ingest`: redacted text, language and metrics in
the metadata, the content hash of the record as read), scored (`qadesk score`: an automatic
evaluation with its criteria, the turns' sentiment, the customer's mood in the metadata) and, for
--evaluations of them, reviewed by a reviewer of the team's language (a final human evaluation
based on the automatic one, the automatic one no longer final, the review in the audit log, which
is sealed at the end). The content is bench/gen_content.py's after-sales conversations in English
and Chinese, spread over --days days up to yesterday.
Rows go in with the app's own bulk statements (services.evaluations.execute_rows, services.audit.record_many) CHUNK conversations at a time, one
commit each, with the primary keys given, so nothing is read back; the dashboards' daily rollup is
then summed from them (services.rollups.rebuild, as `qadesk rollups rebuild`). Not generated: training
assignments (the training rules run on reviews), review picks, surveys, coaching, appraisals.
Default sizes are the issue #13 target: 500 agents, 1,000,000 conversations, 200,000 reviews.
Run: .venv/bin/python bench/gen.py --instance /tmp/big [--conversations N] [--agents N]
     [--evaluations N] [--database-url URL] [--seed N]
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

from tqdm import tqdm

ROOT = Path(__file__).resolve().parent.parent
if __name__ == "__main__":  # run as a script, this folder would shadow the `scoring` package
    sys.path[0] = str(ROOT)

CHUNK = 5000  # conversations per commit
TABLES = ("conversation", "turn", "evaluation", "criterion_score")
# the columns services.conversation_store writes on ingest (its _conversation_row), the ids given here
CONVERSATION_KEYS = ("id", "external_id", "channel", "agent_id", "started_at", "language", "queue", "customer", "csat",
                     "source", "meta", "content_sha256", "audio_sha256", "ingested_at")
TURN_KEYS = ("id", "conversation_id", "idx", "speaker", "text", "at", "start", "end", "sentiment")


def open_app(instance: Path, database_url: str | None):
    """The app on `instance` (its database: `database_url`, else the instance's own setting)."""
    from qa_app import create_app
    return create_app({"QADESK_DATABASE_URL": database_url} if database_url else None, instance_path=str(instance))


def create_people(persons, password: str) -> dict[str, int]:
    """Teams and users through the users service (agents as ingest creates them, then given their team
    and the demo password: one hash for all, hashing 500 of them would take minutes); login -> id."""
    from qa_app.extensions import db
    from qa_app.services import users
    from bench.gen_content import teams
    from werkzeug.security import generate_password_hash
    ids, shared = {}, generate_password_hash(password)
    for name, language, zone in teams(sum(1 for p in persons if p.role == "agent")):
        users.ensure_team(name, language).timezone = zone
    for p in persons:
        if p.role == "agent":
            user = users.ensure_agent(p.login)
            user.name, user.team, user.password_hash = p.name, users.ensure_team(p.team), shared
        else:
            user, _ = users.add_user(p.login, p.role, password=password, name=p.name, covers=p.covers, commit=False)
        ids[p.login] = user.id
    db.session.commit()
    return ids


def build_templates(persons, per_agent: int, first_day, days: int, rng: random.Random) -> dict[str, list]:
    """Each agent's templates (bench.gen_content.build_template), scored with the active scorecards."""
    from qa_app.extensions import db
    from qa_app.services import scorecards, scoring
    from bench.gen_content import build_template, plans_for
    from transcripts.pii import DEFAULT
    versions = scorecards.active_versions()
    cards, version_of = tuple(card for _, card in versions), {card.name: row.id for row, card in versions}
    sentiment, dialect = scoring.default_sentiment(), db.engine.dialect
    agents = [p for p in persons if p.role == "agent"]
    out, number = {}, 0
    for p in tqdm(agents, desc="templates (agents)", unit="agent"):
        built = []
        for plan in plans_for(p.agent, per_agent, first_day, days, rng):
            number += 1
            template = build_template(plan, number, rng, cards, version_of, sentiment, dialect, DEFAULT)
            if template is not None:
                built.append(template)
        out[p.login] = built
    return out


class Ids:
    """The next primary key of each table (rows are inserted with their keys: nothing is read back)."""

    def __init__(self):
        from qa_app.extensions import db
        self.next = {t: (db.session.execute(db.text(f'SELECT max(id) FROM "{t}"')).scalar() or 0) + 1 for t in TABLES}

    def take(self, table: str) -> int:
        value = self.next[table]
        self.next[table] = value + 1
        return value


class Chunk:
    """The rows of CHUNK conversations, inserted table by table with the app's bulk statements."""

    def __init__(self):
        self.conversations, self.turns, self.autos, self.humans, self.criteria, self.audit = [], [], [], [], [], []

    def insert(self) -> None:
        from qa_app.models import CriterionScore, Conversation, Evaluation, Turn
        from qa_app.services import audit
        from qa_app.services.evaluations import CRITERION_COLUMNS, EVALUATION_COLUMNS, execute_rows
        execute_rows(Conversation.__table__.insert(), CONVERSATION_KEYS, self.conversations)
        execute_rows(Turn.__table__.insert(), TURN_KEYS, self.turns)
        execute_rows(Evaluation.__table__.insert(), ("id", *EVALUATION_COLUMNS), self.autos + self.humans)
        execute_rows(CriterionScore.__table__.insert(), ("id", "evaluation_id", *CRITERION_COLUMNS), self.criteria,
                     converted=True)  # the templates' criterion rows were made ready for this database
        audit.record_many(self.audit)


def add_conversation(chunk: Chunk, ids: Ids, n: int, agent_id: int, t, start: datetime, reviewer, now: datetime,
                     rng: random.Random) -> None:
    """Rows of the n-th conversation: a copy of template `t` starting at `start`, scored, and
    reviewed by `reviewer` (an id, or None)."""
    from qa_app.services.evaluations import _evaluation_row
    from transcripts.fingerprint import content_hash
    from bench.gen_content import moved
    delta, cid = start - t.raw.started_at, ids.take("conversation")
    external_id, customer = f"{t.raw.channel}-{n:07d}", f"c-{rng.randint(10_000, 999_999)}"
    sha = content_hash(moved(t.raw, external_id, customer, delta))
    stored = t.stored
    last = stored.turns[-1]
    ended = last.at + delta if last.at is not None else start + timedelta(seconds=last.end or 0)
    ingested = min(now, ended + timedelta(seconds=rng.randint(60, 3600)))
    chunk.conversations.append((cid, external_id, stored.channel, agent_id, start, stored.language, stored.queue,
                                customer, stored.csat, "bench/gen.py", t.meta, sha, None, ingested))
    chunk.turns += [(ids.take("turn"), cid, i, turn.speaker, turn.text, turn.at + delta if turn.at is not None else None,
                     turn.start, turn.end, t.polarity.get(i)) for i, turn in enumerate(stored.turns)]
    auto_id, scored_at = ids.take("evaluation"), min(now, ingested + timedelta(seconds=rng.randint(1, 300)))
    chunk.autos.append((auto_id, *_evaluation_row(cid, t.version_id, t.auto, "auto", scored_at,
                                                  is_final=reviewer is None)))
    chunk.criteria += [(ids.take("criterion_score"), auto_id, *row) for row in t.auto.criteria]
    if reviewer is not None:
        add_review(chunk, ids, cid, t, auto_id, reviewer, scored_at, now, rng)


def add_review(chunk: Chunk, ids: Ids, cid: int, t, auto_id: int, reviewer: int, scored_at: datetime,
               now: datetime, rng: random.Random) -> None:
    """The reviewer's final evaluation and its audit entry, as review.submit_review stores them:
    quirky conversations are overruled, a few others too, the rest agreed with."""
    from qa_app.services.evaluations import _evaluation_row, _summary
    overrule = t.overruled is not None and (t.quirk is not None or rng.random() < 0.15)
    human, human_id = (t.overruled if overrule else t.agree), ids.take("evaluation")
    at = min(now - timedelta(minutes=1), scored_at + timedelta(seconds=rng.randint(600, 7 * 86_400)))
    at = max(at, scored_at)
    chunk.humans.append((human_id, *_evaluation_row(cid, t.version_id, human, "human", at, "review", reviewer,
                                                    auto_id, True)))
    chunk.criteria += [(ids.take("criterion_score"), human_id, *row) for row in human.criteria]
    verdicts = [(row[1], row[3]) for row in human.criteria]
    chunk.audit.append({"at": at, "actor": SimpleNamespace(id=reviewer), "action": "review",
                        "entity": "conversation", "entity_id": cid,
                        "before": _summary(auto_id, "auto", "", t.auto.score, t.auto.auto_fail,
                                           [(row[1], row[3]) for row in t.auto.criteria]),
                        "after": _summary(human_id, "human", "review", human.score, human.auto_fail, verdicts)})


def generate(args, rng: random.Random) -> dict:
    """Fill the instance of the current app context; the counts made."""
    from qa_app import clock
    from qa_app.demo import DEMO_PASSWORD
    from qa_app.extensions import db
    from qa_app.models import Conversation
    from qa_app.services import audit, instance, rollups
    from bench.gen_content import people
    instance.init_instance(admin_password=DEMO_PASSWORD)
    if db.session.scalar(db.select(db.func.count(Conversation.id))):
        raise SystemExit("gen: the instance already holds conversations; give a new --instance")
    if args.evaluations > args.conversations:
        raise SystemExit("gen: --evaluations cannot exceed --conversations")
    persons = people(args.agents, rng)
    user_ids = create_people(persons, DEMO_PASSWORD)
    now = clock.now()
    first_day = (now - timedelta(days=args.days)).date()
    templates = build_templates(persons, args.templates, first_day, args.days, rng)
    agents = [p for p in persons if p.role == "agent" and templates[p.login]]
    reviewers = {lang: [user_ids[p.login] for p in persons if p.role == "reviewer" and p.login.startswith(f"qa.{lang}.")]
                 for lang in ("en", "zh")}
    reviewed = set(rng.sample(range(args.conversations), args.evaluations))
    _fast_writes()
    ids, bar = Ids(), tqdm(total=args.conversations, desc="conversations", unit="conv", unit_scale=True)
    for first in range(0, args.conversations, CHUNK):
        chunk = Chunk()
        for n in range(first, min(first + CHUNK, args.conversations)):
            p = rng.choice(agents)
            day = n * args.days // args.conversations
            pool = templates[p.login]
            t = pool[min(len(pool) - 1, day * len(pool) // args.days)]
            start = t.raw.started_at + timedelta(days=(first_day + timedelta(days=day) - t.raw.started_at.date()).days,
                                                 minutes=rng.randint(-30, 30))
            reviewer = rng.choice(reviewers[p.agent.language]) if n in reviewed else None
            add_conversation(chunk, ids, n + 1, user_ids[p.login], t, start, reviewer, now, rng)
        chunk.insert()
        db.session.commit()
        bar.update(len(chunk.conversations))
    bar.close()
    _after_explicit_keys()
    sealed = audit.seal()
    rolled = rollups.rebuild()  # rows went in around the services, so the dashboards' rollup is summed here
    return {"agents": len(agents), "conversations": args.conversations, "turns": ids.next["turn"] - 1,
            "evaluations": ids.next["evaluation"] - 1, "criteria": ids.next["criterion_score"] - 1,
            "reviews": args.evaluations, "audit_sealed": sealed, "rollup_rows": rolled["rollup_rows"],
            "templates": sum(len(v) for v in templates.values())}


def _fast_writes() -> None:
    """SQLite: no fsync per commit for this connection (a stopped run is thrown away anyway)."""
    from qa_app.extensions import db
    if db.engine.dialect.name == "sqlite":
        db.session.execute(db.text("PRAGMA synchronous=OFF"))


def _after_explicit_keys() -> None:
    """PostgreSQL's id sequences past the keys given here, so the app's own inserts do not collide."""
    from qa_app.extensions import db
    if db.engine.dialect.name == "postgresql":
        for table in TABLES:
            db.session.execute(db.text(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                                       f"(SELECT coalesce(max(id), 1) FROM \"{table}\"))"))
    elif db.engine.dialect.name == "sqlite":
        db.session.execute(db.text("PRAGMA wal_checkpoint(TRUNCATE)"))
    db.session.commit()


def database_bytes() -> int:
    """Bytes the instance's database takes: the SQLite file (and its WAL), or the PostgreSQL database."""
    from qa_app.extensions import db
    if db.engine.dialect.name == "postgresql":
        return db.session.execute(db.text("SELECT pg_database_size(current_database())")).scalar()
    path = Path(db.engine.url.database)
    return sum(f.stat().st_size for f in (path, path.with_name(path.name + "-wal")) if f.exists())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instance", type=Path, required=True, help="a new instance folder")
    parser.add_argument("--database-url", help="SQLAlchemy URL (default: SQLite in the instance)")
    parser.add_argument("--agents", type=int, default=500)
    parser.add_argument("--conversations", type=int, default=1_000_000)
    parser.add_argument("--evaluations", type=int, default=200_000, help="human reviews")
    parser.add_argument("--days", type=int, default=180, help="the period the conversations span, up to yesterday")
    parser.add_argument("--templates", type=int, default=16, help="conversation templates per agent")
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    started = time.perf_counter()
    app = open_app(args.instance, args.database_url)
    with app.app_context():
        counts = generate(args, random.Random(args.seed))
        size = database_bytes()
    seconds = time.perf_counter() - started
    print(", ".join(f"{k} {v:,}" for k, v in counts.items()))
    print(f"generated in {seconds:.0f} s ({args.conversations / seconds:,.0f} conversations/s); database "
          f"{size / 2**20:,.0f} MB, {size / 2**30 / args.conversations * 1e6:.2f} GB per million conversations")


if __name__ == "__main__":
    main()
