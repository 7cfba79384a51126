"""An instance's sentiment calibration: read labelled files, evaluate the product's sentiment, fit and store."""
from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from flask import current_app

from qa_app.services import ServiceError
from scoring.calibration import (Calibration, CalibrationError, calibration_from_json, evaluate, fit_calibration,
                                 split_half)
from scoring.sentiment import (FEATURES, FIT_OPTIONS, DefaultSentiment, Featurizer, featurizer_for, fit_base,
                               language_family, shipped_calibration)

TEXT_COLUMNS = ("text", "review", "content", "sentence", "comment", "message")
LABEL_COLUMNS = ("label", "score")
MIN_FIT_ROWS = 8  # half of them fit, half are held out


@dataclass(frozen=True)
class LabelledFile:
    """Texts and numeric labels read from one file; rows with a blank text are counted in `skipped`."""

    path: str
    text_column: str
    label_column: str
    texts: tuple[str, ...]
    labels: tuple[float, ...]
    skipped: int


def calibration_path(language: str) -> Path:
    """Where the instance keeps the calibration of a language family: <instance>/sentiment/<en|zh>.json."""
    return Path(current_app.instance_path) / "sentiment" / f"{language_family(language)}.json"


def load_calibrations() -> dict[str, Calibration]:
    """The instance's stored calibrations by family; ServiceError names a damaged file."""
    found = {}
    for family in FEATURES:
        path = calibration_path(family)
        if path.exists():
            try:
                found[family] = calibration_from_json(path.read_text(encoding="utf-8"), str(path))
            except CalibrationError as exc:
                raise ServiceError(str(exc)) from None
    return found


def calibration_stamp() -> tuple[tuple[str, int], ...]:
    """(family, modification time in ns) of each stored calibration: changes whenever one is fitted or
    reset, so a long-lived process can tell that its analyser must be rebuilt."""
    paths = ((family, calibration_path(family)) for family in FEATURES)
    return tuple((family, path.stat().st_mtime_ns) for family, path in paths if path.exists())


def product_sentiment() -> DefaultSentiment:
    """The sentiment analyser as this instance uses it: the shipped defaults, replaced per language by
    the calibrations stored in the instance."""
    return DefaultSentiment(load_calibrations())


def read_labelled(path: str, text_column: Optional[str] = None, label_column: Optional[str] = None) -> LabelledFile:
    """Read a CSV or TSV file (by extension, else sniffed) with a header row.

    The text column defaults to the first of TEXT_COLUMNS present, else the non-numeric column with
    the longest values; the label column to "label", else "score". ServiceError names the file, the
    line and the column of any unusable value.
    """
    rows, header = _read_rows(path)
    label = label_column or next((c for c in LABEL_COLUMNS if c in header), None)
    if label is None:
        raise ServiceError(f"{path}: no label column (looked for {', '.join(LABEL_COLUMNS)}; columns: "
                           f"{', '.join(header)}); name it with --label-column")
    text = text_column or _guess_text_column(header, rows, label, path)
    for name, option in ((label, "--label-column"), (text, "--text-column")):
        if name not in header:
            raise ServiceError(f"{path}: no column {name!r} ({option}); columns: {', '.join(header)}")
    texts, labels, skipped = [], [], 0
    for line, row in rows:
        value = (row.get(text) or "").strip()
        if not value:
            skipped += 1
            continue
        texts.append(value)
        labels.append(_number(row.get(label), path, line, label))
    if not texts:
        raise ServiceError(f"{path}: no rows with text in column {text!r}")
    return LabelledFile(path, text, label, tuple(texts), tuple(labels), skipped)


def _read_rows(path: str) -> tuple[list[tuple[int, dict]], list[str]]:
    try:
        content = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ServiceError(f"{path}: cannot read ({exc})") from None
    if not content.strip():
        raise ServiceError(f"{path}: empty file")
    tsv = _is_tsv(path, content)
    # TSV text often holds lone quote characters, which csv's default quoting would swallow rows with
    reader = csv.reader(io.StringIO(content, newline=""), delimiter="\t" if tsv else ",",
                        quoting=csv.QUOTE_NONE if tsv else csv.QUOTE_MINIMAL)
    try:
        table = list(reader)
    except csv.Error as exc:
        raise ServiceError(f"{path}:{reader.line_num}: {exc}") from None
    header = [h.strip() for h in table[0]]
    rows = [(number, dict(zip(header, cells))) for number, cells in enumerate(table[1:], start=2) if any(cells)]
    if not rows:
        raise ServiceError(f"{path}: no data rows under the header")
    return rows, header


def _is_tsv(path: str, content: str) -> bool:
    suffix = Path(path).suffix.lower()
    if suffix in (".tsv", ".tab"):
        return True
    if suffix == ".csv":
        return False
    first = content.splitlines()[0]
    return first.count("\t") > first.count(",")


def _guess_text_column(header: list[str], rows: list[tuple[int, dict]], label: str, path: str) -> str:
    named = next((c for c in header if c.lower() in TEXT_COLUMNS and c != label), None)
    if named:
        return named
    wordy = [c for c in header if c != label and not all(_is_number(r.get(c)) for _, r in rows)]
    if not wordy:
        raise ServiceError(f"{path}: no text column found (columns: {', '.join(header)}); name it with --text-column")
    return max(wordy, key=lambda c: sum(len(r.get(c) or "") for _, r in rows))


def _is_number(value: Optional[str]) -> bool:
    try:
        return math.isfinite(float(value or ""))
    except ValueError:
        return not (value or "").strip()


def _number(value: Optional[str], path: str, line: int, column: str) -> float:
    try:
        number = float((value or "").strip())
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        raise ServiceError(f"{path}:{line}: column {column!r}: expected a number, got {value!r}")
    return number


def evaluate_file(path: str, language: str, text_column: Optional[str] = None,
                  label_column: Optional[str] = None, analyzer=None) -> dict:
    """{"n", "<metric>", "metric", ...}: the product's sentiment against the file's labels
    (accuracy for 0/1 labels, Pearson r otherwise; null when undefined, e.g. constant labels)."""
    data = read_labelled(path, text_column, label_column)
    polarity = (analyzer or product_sentiment()).polarity(list(data.texts), language)
    metric, value = evaluate(polarity, data.labels)
    return {"n": len(data.texts), metric: _finite(value), "metric": metric, "language": language_family(language),
            "text_column": data.text_column, "label_column": data.label_column, "skipped": data.skipped}


def fit_file(path: str, language: str, text_column: Optional[str] = None, label_column: Optional[str] = None,
             seed: int = 0, featurizer: Optional[Featurizer] = None) -> dict:
    """Fit on a seeded half, report before/after on the other half, then store a calibration fitted
    on every row at calibration_path(language). "before" is the calibration in use until now."""
    family = language_family(language)
    data = read_labelled(path, text_column, label_column)
    if len(data.texts) < MIN_FIT_ROWS:
        raise ServiceError(f"{path}: at least {MIN_FIT_ROWS} labelled rows are needed to fit "
                           f"(half to fit, half held out), got {len(data.texts)}")
    current = load_calibrations().get(family) or shipped_calibration(family)
    # what the fit weighs, and what the calibration in use reads (SnowNLP's reading, say) for "before"
    featurize = featurizer or featurizer_for(set(FEATURES[family]) | current.needed_features())
    features = [featurize(t) for t in data.texts]
    train, test = split_half(len(data.texts), seed)
    model = _fit(family, data, features, train, path)
    held_labels = [data.labels[i] for i in test]
    metric, before = evaluate([current.polarity(features[i], data.texts[i]) for i in test], held_labels)
    _, after = evaluate([model.polarity(features[i], data.texts[i]) for i in test], held_labels)
    stored = _fit(family, data, features, range(len(data.texts)), path)
    target = calibration_path(family)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(stored.to_json() + "\n", encoding="utf-8")
    return {"n_train": len(train), "n_test": len(test), "before": _finite(before), "after": _finite(after),
            "metric": metric, "improved": _improved(before, after), "stored": str(target),
            "n_stored": stored.n_train, "language": family,
            "text_column": data.text_column, "label_column": data.label_column, "skipped": data.skipped}


def _fit(family: str, data: LabelledFile, features: list, rows, path: str) -> Calibration:
    rows = list(rows)
    try:
        return fit_calibration(family, [features[i] for i in rows], [data.texts[i] for i in rows],
                               [data.labels[i] for i in rows], FEATURES[family], FIT_OPTIONS[family],
                               note=f"qadesk sentiment fit on {Path(path).name}", base=fit_base(family))
    except CalibrationError as exc:
        raise ServiceError(f"{path}: {exc}") from None


def reset(language: str) -> bool:
    """Delete the instance's calibration of a language family (back to the shipped one); False if none."""
    path = calibration_path(language)
    if not path.exists():
        return False
    path.unlink()
    return True


def _improved(before: float, after: float) -> bool:
    return not math.isnan(after) and (math.isnan(before) or after >= before)


def _finite(value: float) -> Optional[float]:
    return None if math.isnan(value) else round(value, 4)
