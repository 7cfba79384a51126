"""Dashboard query speed on a generated instance, against the 300 ms-per-dashboard target (issue #11).

Generates agents in teams, a year of conversations (2026) with a final evaluation each (automatic,
or human for a share of them, the automatic one kept as not final), every evaluation's criterion
scores, CSAT on most conversations and the customer's end mood in the conversation summary, all
with bulk inserts into a fresh SQLite instance. Turns are not generated: no dashboard reads them.
Then times each dashboard's query work (the service call the page makes: SQL plus figures, no
HTML) several times and prints the median and its ratio to the target. Printed, never asserted.

Run: .venv/bin/python bench/reports.py [--conversations 100000] [--agents 500] [--teams 50]
     [--human 0.2] [--repeat 7] [--keep DIR]
"""
from __future__ import annotations

import argparse
import json
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TARGET_MS = 300.0
YEAR = datetime(2026, 1, 1)
CRITERIA = [("greeting", False), ("verification", False), ("empathy", False), ("policy", False),
            ("resolution", False), ("closing", False), ("first_response", False), ("abuse_blame", True)]
CHANNELS, QUEUES = ("chat", "chat", "chat", "call", "email"), ("returns", "refunds", "logistics", "complaints")
ZONES = ("Europe/London", "Asia/Shanghai", "America/New_York", None)
MOODS = ("positive", "positive", "neutral", "negative")


def _connect(instance: Path) -> sqlite3.Connection:
    con = sqlite3.connect(instance / "qadesk.db")
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=OFF")
    return con


def _people(con, agents: int, teams: int) -> list[int]:
    """Teams with time zones, agents spread over them, and one lead per team; the agents' ids."""
    now = "2026-01-01 00:00:00.000000"
    con.executemany("INSERT INTO team (id, name, language, timezone) VALUES (?, ?, ?, ?)",
                    [(t + 1, f"team-{t + 1:03d}", "en", ZONES[t % len(ZONES)]) for t in range(teams)])
    first = con.execute("SELECT coalesce(max(id), 0) + 1 FROM user").fetchone()[0]
    rows = [(first + a, f"agent-{a:04d}", "agent", a % teams + 1, 1, now) for a in range(agents)]
    rows += [(first + agents + t, f"lead-{t + 1:03d}", "lead", None, 1, now) for t in range(teams)]
    con.executemany("INSERT INTO user (id, login, role, team_id, active, created_at, name) "
                    "VALUES (?, ?, ?, ?, ?, ?, '')", rows)
    con.executemany("INSERT INTO team_coverage (user_id, team_id) VALUES (?, ?)",
                    [(first + agents + t, t + 1) for t in range(teams)])
    return [first + a for a in range(agents)]


def _generate(con, agent_ids: list[int], conversations: int, human_share: float, seed: int = 7) -> int:
    """Conversations over 2026 with their evaluations and criterion scores; the human evaluations made."""
    rng = random.Random(seed)
    card = con.execute("SELECT id FROM scorecard_version ORDER BY id LIMIT 1").fetchone()[0]
    skill = {a: rng.uniform(0.6, 0.97) for a in agent_ids}
    humans, batch = 0, 20000
    conv_id = con.execute("SELECT coalesce(max(id), 0) FROM conversation").fetchone()[0]
    ev_id = con.execute("SELECT coalesce(max(id), 0) FROM evaluation").fetchone()[0]
    for start in range(0, conversations, batch):
        convs, evals, crits = [], [], []
        for _ in range(min(batch, conversations - start)):
            conv_id += 1
            agent = rng.choice(agent_ids)
            at = YEAR + timedelta(seconds=rng.randrange(365 * 86400))
            mood = rng.choice(MOODS)
            csat = rng.choice((1, 2, 3, 4, 5, 5)) if rng.random() < 0.7 else None
            stamp = at.strftime("%Y-%m-%d %H:%M:%S.000000")
            convs.append((conv_id, f"bench-{conv_id}", rng.choice(CHANNELS), agent, stamp, "en",
                          rng.choice(QUEUES), csat, json.dumps({"sentiment": {"label": mood}}), stamp))
            human = rng.random() < human_share
            humans += human
            for kind in (("auto", "human") if human else ("auto",)):
                ev_id += 1
                results = ["pass" if rng.random() < skill[agent] else "fail" for _ in CRITERIA]
                critical = results[-1] == "fail" and rng.random() < 0.3
                results[-1] = "fail" if critical else "pass"
                score = 0.0 if critical else round(100 * results.count("pass") / len(results), 2)
                final = kind == "human" or not human
                evals.append((ev_id, conv_id, card, kind, score, critical, final, stamp))
                crits += [(ev_id, i, cid, "main", r, 1.0, crit) for i, ((cid, crit), r) in
                          enumerate(zip(CRITERIA, results))]
        con.executemany("INSERT INTO conversation (id, external_id, channel, agent_id, started_at, language, queue,"
                        " csat, meta, ingested_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", convs)
        con.executemany("INSERT INTO evaluation (id, conversation_id, scorecard_version_id, kind, score, auto_fail,"
                        " is_final, created_at, fail_reasons, section_scores, source) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, '[]', '{}', '')", evals)
        con.executemany("INSERT INTO criterion_score (evaluation_id, position, criterion_id, section_id, result,"
                        " weight, critical, evidence, explanation, comment) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, '[]', '', '')", crits)
        con.commit()
    return humans


def _median_ms(call, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        call()
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times)


def measure(app, repeat: int) -> list[tuple[str, float]]:
    """(dashboard, median ms) of each dashboard's query work."""
    from qa_app.extensions import db
    from qa_app.models import User
    from qa_app.services import qa_overview
    with app.app_context():
        admin = db.session.scalar(db.select(User).where(User.login == "admin"))
        lead = db.session.scalar(db.select(User).where(User.login == "lead-001"))
        agent = db.session.scalar(db.select(User).where(User.login == "agent-0000"))
        cases = [
            ("QA overview, quarter, all teams (admin)", lambda: qa_overview.overview(admin, qa_overview.parse("2026-Q4"))),
            ("QA overview, month, all teams (admin)", lambda: qa_overview.overview(admin, qa_overview.parse("2026-11"))),
            ("QA overview, quarter, one team (lead)", lambda: qa_overview.overview(lead, qa_overview.parse("2026-Q4"))),
            ("QA overview, year, all teams (admin)", lambda: qa_overview.overview(admin, qa_overview.parse("2026"))),
            ("My scores, quarter (agent)", lambda: qa_overview.my_trend(agent, "2026-Q4")),
        ]
        out = []
        for name, call in cases:
            call()  # warm the page cache and the statement cache, as a running server has them
            out.append((name, _median_ms(call, repeat)))
            db.session.rollback()
        return out


def machine_speed() -> float:
    """Seconds a fixed pure-Python loop takes here (about 0.5 s on an idle 2020s core): a shared
    machine's figures are read against it."""
    began, total = time.perf_counter(), 0
    for i in range(10_000_000):
        total += i
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=100_000)
    parser.add_argument("--agents", type=int, default=500)
    parser.add_argument("--teams", type=int, default=50)
    parser.add_argument("--human", type=float, default=0.2, help="share of conversations with a human evaluation")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--keep", type=Path, default=None, help="build the instance here and keep it")
    args = parser.parse_args()
    from qa_app import create_app
    from qa_app.services import instance as instance_service
    folder = args.keep or Path(tempfile.mkdtemp(prefix="qadesk-bench-reports-"))
    app = create_app(instance_path=str(folder))
    fresh = False
    with app.app_context():
        from qa_app.extensions import db
        from qa_app.models import Conversation
        instance_service.init_instance("bench-pass-1")
        fresh = not db.session.scalar(db.select(db.func.count(Conversation.id)))
        db.engine.dispose()
    if fresh:
        began = time.perf_counter()
        con = _connect(folder)
        humans = _generate(con, _people(con, args.agents, args.teams), args.conversations, args.human)
        con.execute("ANALYZE")
        con.close()
        with app.app_context():  # the rows went in around the services: sum the dashboards' rollup from them
            from qa_app.services import rollups
            rollups.rebuild()
        print(f"generated {args.conversations:,} conversations, {humans:,} human evaluations, {args.agents} agents "
              f"in {args.teams} teams in {time.perf_counter() - began:.0f} s ({folder})")
    print(f"machine speed: a 10,000,000-step Python loop took {machine_speed():.2f} s (about 0.5 s idle)")
    for name, ms in measure(app, args.repeat):
        print(f"{name:<45} median {ms:8.1f} ms   {ms / TARGET_MS:5.2f} x the {TARGET_MS:.0f} ms target")


if __name__ == "__main__":
    main()
