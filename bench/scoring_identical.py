"""Whether this tree scores the bench's conversations exactly as another revision does.

Scores the conversations of bench/scoring_core.py (those of bench/scoring_e2e.py, English and
Chinese) with this tree and with `--against` (a git revision, checked out in a temporary worktree),
each in its own process, and compares every field of every result (score, verdict, each
criterion's result, score, evidence and explanation, each turn's polarity). Exit status 1 and the
first differences when any result differs. For performance work: the rows stored must not change.
Run: .venv/bin/python bench/scoring_identical.py --against REV [--n 3000] [--languages en,zh]
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORE = Path(__file__).resolve().parent / "scoring_core.py"


def results(root: Path, n: int, languages: str, out: Path) -> list:
    """[id, result] of every conversation, scored with the code of `root`."""
    subprocess.run([sys.executable, str(CORE), "--root", str(root), "--n", str(n), "--skip", "0",
                    "--languages", languages, "--dump", str(out), "--quiet"], check=True)
    return json.loads(out.read_text(encoding="utf-8"))


def differences(before: list, after: list) -> list[str]:
    """One line per conversation whose result differs (or that is missing on one side)."""
    if len(before) != len(after):
        return [f"{len(before)} results before, {len(after)} after"]
    return [f"{a[0]}: {json.dumps(a[1], ensure_ascii=False)[:300]} != {json.dumps(b[1], ensure_ascii=False)[:300]}"
            for a, b in zip(before, after) if a != b]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", required=True, help="the git revision to compare with")
    parser.add_argument("--n", type=int, default=3000)
    parser.add_argument("--languages", default="en,zh")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp) / "tree"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q", str(tree), args.against],
                       check=True)
        try:
            before = results(tree, args.n, args.languages, Path(tmp) / "before.json")
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], check=True)
        after = results(ROOT, args.n, args.languages, Path(tmp) / "after.json")
    diff = differences(before, after)
    scored = sum(r is not None for _, r in after)
    print(f"{len(after)} conversations ({args.languages}, {scored} scored): "
          f"{'identical to ' + args.against if not diff else f'{len(diff)} differ from ' + args.against}")
    for line in diff[:10]:
        print(line)
    return 1 if diff else 0


if __name__ == "__main__":
    sys.exit(main())
