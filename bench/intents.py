"""The semantic layer's approaches (scoring/intents) measured against a careful reviewer on qa_dev.

For each intent model (rules, linear) the intent check types decide, per conversation, the criteria
their intents stand for, and are compared with ../shared/data/qa_dev/labels.json:
greeting (the first agent turn greets), closing (one of the last two agent turns closes), empathy
(only where the reviewer saw an upset customer: some agent turn shows empathy), empathy_when_upset
(the whole criterion: N/A unless a customer turn is upset, then empathy in a later agent turn),
customer_upset (some customer turn is upset; the reviewer's empathy is N/A when none is),
forbidden_language (no blame, abuse, sarcasm, dismissal or profanity), escalation (N/A unless the customer asks; an
offer that is not followed by a refusal) and the intent auto-fails (blame, abuse, sarcasm, promise,
review for reward; on conversations whose data handling passes, as asking for a CVV is not an
intent). Prints accuracy and Cohen's kappa per criterion, language and approach, and the cost of
reading one turn. Nothing here is trained on qa_dev: the linear model learns from
scoring/intents/examples only, so no cross-validation is needed. Do not tune rules to this set.
Run: .venv/bin/python bench/intents.py [--data DIR] [--json]
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

# Run as a script, this file's folder comes first on sys.path and bench/scoring.py would shadow the
# `scoring` package; the repository root must come first instead.
ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)

from scoring.checks import get_check  # noqa: E402
from scoring.checks.intents import use_intent_model  # noqa: E402
from scoring.engine import prepare_context  # noqa: E402
from scoring.intents import MODELS, intent_model  # noqa: E402
from scoring.scorecard import CheckSpec, freeze  # noqa: E402
from scoring.validity import agreement  # noqa: E402
from transcripts.records import conversation_from_dict  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "qa_dev"
CRITICAL = ["blame", "abuse", "sarcasm", "promise", "review_for_reward"]
CHECKS = {
    "greeting": ("intent_present", {"intent": "greeting", "within_first_agent_turns": 1}),
    "closing": ("intent_present", {"intent": "closing", "within_last_agent_turns": 2}),
    "empathy": ("intent_present", {"intent": "empathy"}),
    "empathy_when_upset": ("intent_present", {"intent": "empathy", "when_customer_intent": "upset"}),
    "customer_upset": ("intent_present", {"intent": "upset", "speaker": "customer"}),
    "forbidden_language": ("intent_absent", {"intents": ["blame", "abuse", "sarcasm", "dismissal", "profanity"]}),
    "escalation": ("intent_present", {"intent": "escalation_offer", "when_customer_intent": "escalation_request",
                                      "fails_with": ["escalation_refusal"]}),
    "auto_fail": ("intent_absent", {"intents": CRITICAL}),
}
CLASSES = {"escalation": ("pass", "fail", "na"), "empathy_when_upset": ("pass", "fail", "na"),
           "auto_fail": ("yes", "no")}


def load(data: Path) -> list[tuple[object, dict]]:
    labels = json.loads((data / "labels.json").read_text(encoding="utf-8"))
    rows = []
    for line in (data / "conversations.ndjson").read_text(encoding="utf-8").splitlines():
        if line.strip():
            conversation = conversation_from_dict(json.loads(line), require_timing=False)
            rows.append((conversation, labels[conversation.external_id]))
    return rows


def product(conversation, model) -> dict[str, str]:
    """Each criterion's verdict by the intent checks reading `model`."""
    specs = {name: CheckSpec(kind, freeze(params)) for name, (kind, params) in CHECKS.items()}
    context = use_intent_model(prepare_context(conversation, specs.values(), None, conversation.language or "en"),
                               model)
    out = {name: get_check(spec.type).run(conversation, spec.params, context).result for name, spec in specs.items()}
    out["auto_fail"] = "yes" if out["auto_fail"] == "fail" else "no"
    return out


def pairs_for(name: str, rows, products) -> list[tuple[str, str]]:
    """(label, product) pairs of one criterion, on the conversations where it is measured."""
    pairs = []
    for (conversation, label), found in zip(rows, products):
        criteria = label["criteria"]
        if name == "empathy":
            if criteria["empathy"] != "na":
                pairs.append((criteria["empathy"], found["empathy"]))
        elif name == "empathy_when_upset":
            pairs.append((criteria["empathy"], found[name]))
        elif name == "customer_upset":  # the reviewer's empathy is N/A exactly when the customer was not upset
            pairs.append(("pass" if criteria["empathy"] != "na" else "fail", found[name]))
        elif name == "auto_fail":
            if criteria["data_handling"] == "pass":
                pairs.append(("yes" if label["auto_fail"] else "no", found["auto_fail"]))
        else:
            pairs.append((criteria[name], found[name]))
    return pairs


def figures(rows, model) -> dict:
    products = [product(c, model) for c, _ in rows]
    out = {}
    for language in ("en", "zh", "all"):
        chosen = [(r, p) for r, p in zip(rows, products) if language == "all" or r[0].language == language]
        part_rows, part_products = [r for r, _ in chosen], [p for _, p in chosen]
        out[language] = {}
        for name in CHECKS:
            a = agreement(pairs_for(name, part_rows, part_products), CLASSES.get(name, ("pass", "fail")))
            out[language][name] = {"n": a.n, "accuracy": a.accuracy, "kappa": a.kappa.value,
                                   "confusion": a.confusion.as_dict()}
    return out


def per_turn_microseconds(rows, name: str) -> dict[str, float]:
    """Cold cost per turn, per language, with caches empty: of reading every intent of each distinct
    turn text ("all intents"), and of the six criteria above through the check types ("checks").
    CPU time of this process, so that other work on a shared machine counts less."""
    from scoring.text import normalise

    out = {}
    for language in ("en", "zh"):
        texts = sorted({normalise(t.text) for c, _ in rows if c.language == language for t in c.turns if t.text})
        model = _fresh(name)
        model.intents(["warm up"], language)
        start = time.process_time()
        model.intents(texts, language)
        out[f"{language} all intents"] = (time.process_time() - start) / max(1, len(texts)) * 1e6
        chats = [c for c, _ in rows if c.language == language]
        model = _fresh(name)
        start = time.process_time()
        for c in chats:
            product(c, model)
        out[f"{language} checks"] = (time.process_time() - start) / max(1, sum(len(c.turns) for c in chats)) * 1e6
    return out


def _fresh(name: str):
    if name == "rules":
        from scoring.intents.rules import RuleIntents
        return RuleIntents()
    from scoring.intents.linear import LinearIntents
    shared = intent_model("linear")
    return LinearIntents({family: shared.model(family) for family in ("en", "zh")})


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA, help=f"the labelled set (default {DATA})")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    if not (args.data / "conversations.ndjson").is_file() or not (args.data / "labels.json").is_file():
        print(f"skipped: the development set is not at {args.data} (conversations.ndjson and labels.json)")
        return 0
    rows = load(args.data)
    doc = {name: {"criteria": figures(rows, intent_model(name)), "per_turn_us": per_turn_microseconds(rows, name)}
           for name in MODELS}
    if args.json:
        print(json.dumps(doc, indent=2))
        return 0
    for name, result in doc.items():
        speed = ", ".join(f"{k} {v:.1f} us" for k, v in result["per_turn_us"].items())
        print(f"{name}: one turn read cold: {speed} (budget 50 us)")
        for language, criteria in result["criteria"].items():
            cells = ", ".join(f"{c} {_f(v['accuracy'])}/{_f(v['kappa'])} (n {v['n']})" for c, v in criteria.items())
            print(f"  {language:>3} accuracy/kappa: {cells}")
        print("  confusion (rows: label, columns: product), all: " + "; ".join(
            f"{c} {_matrix(v['confusion'])}" for c, v in result["criteria"]["all"].items()))
    return 0


def _matrix(confusion: dict) -> str:
    classes = confusion["classes"]
    return " ".join(f"{a}->{b} {n}" for a, row in zip(classes, confusion["counts"]) for b, n in zip(classes, row) if n)


def _f(value) -> str:
    return "-" if value is None else f"{value:.2f}"


if __name__ == "__main__":
    sys.exit(main())
