"""The scoring core of `qadesk score` in one process: the conversations of bench/scoring_e2e.py
(demo-composed, distinct ids), each given its scorecard and scored with the real sentiment engine,
as a scoring worker does (scoring_pool.score_chunk without the database).

Wall time on a shared machine is noisy; instructions are not. `--instructions` runs this script
twice under valgrind (cachegrind, no cache simulation), scoring `--skip` conversations and then
`--skip + --n`, so start-up and warm-up cancel out: the difference divided by `--n` is the
instructions per conversation of a warm worker. `--dump FILE` writes every result as JSON (see
bench/scoring_identical.py, which compares two trees' results).
`--cold` empties the caches keyed on text before each conversation (the demo-composed texts repeat
far more than real ones; measured at 69f8d3d: 5.49 M instructions per English conversation warm,
6.91 M cold).
Run: .venv/bin/python bench/scoring_core.py [--n 2000] [--skip 500] [--languages en] [--instructions] [--cold]
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import random
import re
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if __name__ == "__main__":  # the repository root (or --root), not bench/, where scoring.py would shadow `scoring`
    sys.path[0] = sys.argv[sys.argv.index("--root") + 1] if "--root" in sys.argv else str(ROOT)


def records(n: int, languages: tuple[str, ...]) -> list[dict]:
    """The first n demo conversations in `languages`, numbered as bench/scoring_e2e.py numbers them,
    after a JSON round trip (as `qadesk ingest` reads them)."""
    from qa_app.demo.conversations import build_conversations
    from qa_app.demo.people import demo_agents
    out, seed = [], 0
    while len(out) < n:
        for record, plan, _ in build_conversations(demo_agents(), date(2026, 11, 30), random.Random(seed)):
            if len(out) == n:
                break
            if plan.agent.language in languages:
                record["id"] = f"bench-{len(out)}"
                out.append(json.loads(json.dumps(record, ensure_ascii=False, default=str)))
        seed += 1
    return out


def conversations(n: int, languages: tuple[str, ...]) -> list:
    """The domain conversations of `records`."""
    from transcripts.records import conversation_from_dict
    return [conversation_from_dict(r) for r in records(n, languages)]


def score_all(convs: list, sentiment, cold: bool = False) -> list:
    """(conversation, its EvaluationResult or None without a fitting scorecard), in order, scored
    by `sentiment` and the shipped scorecards, as a worker scores them. With `cold`, the caches
    keyed on text (phrase searches, intent rules, sentiment) are emptied before each conversation:
    the bench's conversations are composed from demo templates, so their texts repeat far more
    than real ones, and those caches would answer much of the work; reuse within a conversation stays."""
    from scoring.catalog import shipped_scorecards
    from scoring.engine import evaluate, select_scorecard
    cards, out = shipped_scorecards(), []
    for conv in convs:
        if cold:
            _forget_texts(sentiment)
        card = select_scorecard(conv, cards)
        out.append((conv, None if card is None else evaluate(conv, card, sentiment)))
    return out


def _forget_texts(sentiment) -> None:
    """Empty the caches keyed on text (see score_all)."""
    from scoring import text
    from scoring.intents.models import default_intent_model
    text._search.cache_clear()
    default_intent_model()._cache.clear()
    sentiment._cache.clear()


def as_json(result) -> object:
    """An EvaluationResult as plain JSON values (every field, so any change shows)."""
    if result is None:
        return None
    return json.loads(json.dumps(dataclasses.asdict(result), ensure_ascii=False, default=repr))


def instructions(args) -> None:
    """Instructions per conversation: two runs under cachegrind that build the same conversations
    and score the first --skip, then the first --skip + --n of them."""
    counts = []
    for stop in (args.skip, args.skip + args.n):
        command = ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null",
                   sys.executable, __file__, "--n", str(args.n), "--skip", str(args.skip), "--stop", str(stop),
                   "--languages", args.languages, "--quiet", *(["--cold"] if args.cold else [])]
        err = subprocess.run(command, capture_output=True, text=True, check=True).stderr
        counts.append(int(re.search(r"I\s+refs:\s+([\d,]+)", err).group(1).replace(",", "")))
    per = (counts[1] - counts[0]) / args.n
    print(f"{args.languages}: {per / 1e6:.3f} M instructions per conversation (conversations {args.skip} to "
          f"{args.skip + args.n}; runs of {counts[0]:,} and {counts[1]:,} instructions)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000, help="conversations measured")
    parser.add_argument("--skip", type=int, default=500, help="conversations scored first, not measured (warm-up)")
    parser.add_argument("--languages", default="en", help="en, zh or en,zh")
    parser.add_argument("--instructions", action="store_true", help="count instructions under valgrind")
    parser.add_argument("--dump", type=Path, help="write every result as JSON to this file")
    parser.add_argument("--quiet", action="store_true")
    parser.add_argument("--cold", action="store_true",
                        help="empty the caches keyed on text before each conversation (see score_all)")
    parser.add_argument("--root", type=Path, help="score with the code of this tree (default: this file's)")
    parser.add_argument("--stop", type=int, help=argparse.SUPPRESS)  # score only this many (--instructions)
    args = parser.parse_args()
    if args.instructions:
        return instructions(args)
    from scoring.sentiment import DefaultSentiment
    convs, sentiment = conversations(args.skip + args.n, tuple(args.languages.split(","))), DefaultSentiment()
    if args.stop is not None:
        score_all(convs[: args.stop], sentiment, args.cold)
        return
    score_all(convs[: args.skip], sentiment, args.cold)
    t0, c0 = time.perf_counter(), time.process_time()
    scored = score_all(convs[args.skip:], sentiment, args.cold)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    if args.dump:
        args.dump.write_text(json.dumps([[c.external_id, as_json(r)] for c, r in scored], ensure_ascii=False))
    if not args.quiet:
        print(f"{args.languages}: {args.n} conversations in {wall:.2f} s = {args.n / wall:.0f}/s on one core, "
              f"CPU {cpu:.2f} s = {cpu / max(args.n, 1) * 1e6:.0f} us per conversation")


if __name__ == "__main__":
    main()
