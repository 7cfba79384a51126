"""Each dashboard's query work on an existing instance (bench/gen.py's), filters included, against 300 ms.

bench/reports.py builds its own instance of bare rows; this one reads an instance bench/gen.py
filled (the demo's teams, reviewers, leads and HR; the conversations of the last --days days) and
times the service call each page makes (SQL plus figures, no HTML): the QA overview for a month,
the quarter and the year, with each filter (team, channel, queue, language) and the daily step,
as an admin and as a lead; the filter form's choices; an agent's own page; the calibration
trend, the training list and course effectiveness. Each case runs once to warm the caches, then
--repeat times; it prints the median CPU time of the process (what the query work costs, whatever
else the machine runs) and the median wall time, with the load average beside them. Printed,
never asserted.

Run: .venv/bin/python bench/dashboards.py --instance DIR [--repeat 5] [--only TEXT]
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if __name__ == "__main__":  # run as a script, this folder would shadow the `scoring` package
    sys.path[0] = str(ROOT)

TARGET_MS = 300.0


def _median(call, repeat: int) -> tuple[float, float]:
    """(median CPU ms, median wall ms) of `repeat` calls after one warm-up call."""
    call()
    cpu, wall = [], []
    for _ in range(repeat):
        c0, w0 = time.process_time(), time.perf_counter()
        call()
        cpu.append((time.process_time() - c0) * 1000)
        wall.append((time.perf_counter() - w0) * 1000)
    return statistics.median(cpu), statistics.median(wall)


def _user(login_like: str, role: str):
    from qa_app.extensions import db
    from qa_app.models import User
    return db.session.scalar(db.select(User).where(User.role == role, User.login.like(login_like))
                             .order_by(User.id).limit(1))


def cases() -> list[tuple[str, object]]:
    """(name, call) of every dashboard query measured."""
    from qa_app.extensions import db
    from qa_app.models import Conversation, Team
    from qa_app.services import calibration_results, effectiveness, qa_overview, training
    admin, lead, agent = _user("admin", "admin"), _user("lead.%", "lead"), _user("%", "agent")
    reviewer = _user("qa.%", "reviewer")
    team = db.session.scalar(db.select(Team.name).order_by(Team.id).limit(1))
    last = db.session.scalar(db.select(db.func.max(Conversation.started_at)))
    year, quarter, month = str(last.year), f"{last.year}-Q{(last.month - 1) // 3 + 1}", f"{last:%Y-%m}"
    view = qa_overview.overview

    def qa(user, period, **kw):
        return lambda: view(user, qa_overview.parse(period, **kw))

    return [
        (f"QA overview {quarter}, all teams (admin)", qa(admin, quarter)),
        (f"QA overview {month}, all teams (admin)", qa(admin, month)),
        (f"QA overview {year}, all teams (admin)", qa(admin, year)),
        (f"QA overview {quarter}, daily step (admin)", qa(admin, quarter, step="day")),
        (f"QA overview {quarter}, team {team} (admin)", qa(admin, quarter, team=team)),
        (f"QA overview {quarter}, channel chat (admin)", qa(admin, quarter, channel="chat")),
        (f"QA overview {quarter}, queue returns (admin)", qa(admin, quarter, queue="returns")),
        (f"QA overview {quarter}, language zh (admin)", qa(admin, quarter, language="zh")),
        (f"QA overview {year}, team+chat+returns (admin)", qa(admin, year, team=team, channel="chat", queue="returns")),
        (f"QA overview {quarter}, covered team (lead)", qa(lead, quarter)),
        ("QA overview filter choices (admin)", lambda: qa_overview.options(admin)),
        (f"My scores {quarter} (agent)", lambda: qa_overview.my_trend(agent, quarter)),
        ("Calibration trend (reviewer)", lambda: calibration_results.trend_for(reviewer, reviewer.login)),
        ("Training list (admin)", lambda: training.visible_assignments(admin)),
        ("Course effectiveness (admin)", lambda: effectiveness.course_effects(viewer=admin)),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instance", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only", default=None, help="only the cases whose name holds this text")
    args = parser.parse_args()
    from qa_app import create_app
    from qa_app.extensions import db
    from qa_app.models import Conversation, Evaluation
    app = create_app(instance_path=str(args.instance))
    with app.app_context():
        n = db.session.scalar(db.select(db.func.count(Conversation.id)))
        humans = db.session.scalar(db.select(db.func.count(Evaluation.id)).where(Evaluation.kind == "human"))
        print(f"{args.instance}: {n:,} conversations, {humans:,} human evaluations; load average "
              f"{' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
        for name, call in cases():
            if args.only and args.only not in name:
                continue
            cpu, wall = _median(call, args.repeat)
            db.session.rollback()
            print(f"{name:<52} CPU {cpu:8.1f} ms  wall {wall:8.1f} ms  {cpu / TARGET_MS:5.2f} x target (CPU)",
                  flush=True)
        print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
