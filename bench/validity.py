"""How far the shipped scorecards agree with a careful reviewer on the qa_dev development set.

Runs `qadesk scorer eval` (a scratch instance with the shipped scorecards, so no instance is
touched) on ../shared/data/qa_dev (80 labelled conversations, 40 en and 40 zh) and prints its
figures: verdict agreement, auto-fail precision and recall, per-criterion accuracy, Cohen's kappa
and confusion, score gap, per language and overall. Targets (issue #9, on unseen conversations):
verdict agreement >= 90 %, auto-fail precision and recall >= 0.90, kappa >= 0.70 on every criterion.
Do not tune phrase lists to this set's sentences; it is a development set.
Run: .venv/bin/python bench/validity.py [--json] [--disagreements] [--data DIR]
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

# Run as a script, this file's folder comes first on sys.path, where bench/scoring.py would shadow
# the `scoring` package; the repository root must come first instead.
ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)

DATA = ROOT.parent / "shared" / "data" / "qa_dev"
TARGETS = {"verdict agreement": 0.90, "auto-fail precision": 0.90, "auto-fail recall": 0.90, "kappa": 0.70}


def measure(data: Path) -> dict:
    """The `qadesk scorer eval --json` document of the set in `data`."""
    from qa_app.services import scorer_eval
    labels = scorer_eval.read_labels(data / "labels.json")
    return scorer_eval.evaluate([data / "conversations.ndjson"], labels).as_dict()


def summary_lines(doc: dict) -> list[str]:
    """One line per group with the headline figures, then the kappa of every criterion."""
    lines = []
    for name, group in doc["groups"].items():
        if not group["n"]:
            continue
        auto, kappas = group["auto_fail"], group["criteria"]
        lines.append(f"{name:>3}: n {group['n']}, verdict {group['verdict']['agreeing']}/{group['verdict']['n']}"
                     f" ({_f(group['verdict']['accuracy'])}; {_mapped(group)}), auto-fail P {_f(auto['precision'])}"
                     f" R {_f(auto['recall'])} ({auto['tp']}/{auto['tp'] + auto['fn']}),"
                     f" gap {_f(group['score_gap']['mean'], 1)}, in band {_f(group['score_gap']['in_band_share'])}")
        lines.append("     kappa " + ", ".join(f"{k} {_f(v['kappa'])}" for k, v in kappas.items()))
    return lines


def _mapped(group: dict) -> str:
    """The verdict agreement when only failures of criteria mapped to the labels count."""
    mapped = group.get("verdict_mapped_criteria")
    return "mapped criteria only -" if not mapped else f"mapped criteria only {mapped['agreeing']}/{mapped['n']}"


def _f(value, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the scorer eval JSON document")
    parser.add_argument("--disagreements", action="store_true", help="also print every disagreement")
    parser.add_argument("--data", type=Path, default=DATA, help=f"the labelled set (default {DATA})")
    args = parser.parse_args(argv)
    if not (args.data / "conversations.ndjson").is_file() or not (args.data / "labels.json").is_file():
        print(f"skipped: the development set is not at {args.data} (conversations.ndjson and labels.json)")
        return 0
    doc = measure(args.data)
    if args.json:
        print(json.dumps(doc, ensure_ascii=False, indent=2))
        return 0
    from qa_app.commands.scorer import as_text
    text = as_text({**doc, "disagreements": doc["disagreements"] if args.disagreements else []})
    print(text if args.disagreements else text.rsplit("\ndisagreements", 1)[0])
    print("\nsummary (targets: " + ", ".join(f"{k} >= {v}" for k, v in TARGETS.items()) + ")")
    print("\n".join(summary_lines(doc)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
