"""Measure the semantic layer's approaches on an organisation's own labelled turns."""
from __future__ import annotations

from pathlib import Path

from qa_app.services import ServiceError
from scoring.intents import intent_model
from scoring.intents.corpus import CorpusError, LabelledTurn, parse_examples
from scoring.intents.evaluation import cross_validated_linear, figures, split_by_family

MIN_ROWS = 10  # fewer turns of a language cannot be split into folds that say anything


def read_file(path: str) -> list[LabelledTurn]:
    """The labelled turns of a TSV file (speaker, intents, text; see docs/scorecards.md);
    ServiceError names the file and the line of the first problem."""
    try:
        content = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ServiceError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise ServiceError(f"{path}: cannot read the file ({exc.strerror or exc})") from None
    try:
        rows = parse_examples(content, path)
    except CorpusError as exc:
        raise ServiceError(str(exc)) from None
    if not rows:
        raise ServiceError(f"{path}: no labelled turn (lines are: speaker<TAB>intents<TAB>text)")
    return rows


def evaluate_file(path: str, folds: int = 5) -> dict:
    """Per language of the file's turns and per intent: precision, recall and F1 of the rules (as
    shipped) and of the linear model cross-validated on the file (trained on the shipped examples
    plus the other folds). A language with fewer than MIN_ROWS turns is reported as skipped."""
    rows = read_file(path)
    out: dict = {"file": path, "n": len(rows), "languages": {}}
    for family, part in sorted(split_by_family(rows).items()):
        if len(part) < MIN_ROWS:
            out["languages"][family] = {"n": len(part), "skipped": f"fewer than {MIN_ROWS} turns"}
            continue
        rules = figures(intent_model("rules"), part, family)
        linear = cross_validated_linear(part, family, folds)
        out["languages"][family] = {
            "n": len(part),
            "intents": {name: {"rules": rules[name].as_dict(), "linear": linear[name].as_dict()}
                        for name in rules if rules[name].positives or rules[name].counts.fp or linear[name].counts.fp},
        }
    return out
