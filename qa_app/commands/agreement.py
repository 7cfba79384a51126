"""qadesk agreement: inter-rater agreement statistics of a ratings table (CSV or TSV)."""
from __future__ import annotations

from pathlib import Path

import click

from qa_app.commands.common import emit, fail

LEVEL_CHOICES = click.Choice(["nominal", "ordinal", "interval", "ratio"])
LABELS = {"percent_agreement": "percent agreement", "krippendorff_alpha": "Krippendorff's alpha",
          "cohen_kappa": "Cohen's kappa", "fleiss_kappa": "Fleiss' kappa", "icc": "ICC(2,1)"}


def register(main: click.Group) -> None:
    main.add_command(agreement)


@click.command()
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--level", default="nominal", show_default=True, type=LEVEL_CHOICES,
              help="Level of measurement: nominal labels (pass/fail/na), ordinal ranks, interval or ratio scores.")
@click.option("--tolerance", type=click.FloatRange(min=0), default=0.0, show_default=True,
              help="Numeric ratings within this distance count as agreeing in the percent agreement.")
@click.option("--json", "as_json", is_flag=True)
def agreement(path: str, level: str, tolerance: float, as_json: bool) -> None:
    """Agreement statistics of a ratings table: a header row, then one row per item with the item's id
    and one column per rater; an empty cell is a missing rating. Files ending in .tsv are tab-separated.

    Prints percent agreement and Krippendorff's alpha, with Fleiss' kappa (and Cohen's for two
    raters) at the nominal level, or ICC(2,1) at the interval and ratio levels.
    """
    from scoring.agreement import RatingsTableError, parse_ratings_table, summarise
    file = Path(path)
    if tolerance and level == "nominal":
        fail("--tolerance needs numeric ratings (--level ordinal, interval or ratio)")
    try:
        text = file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        fail(f"{file}: not UTF-8 text ({exc.reason} at byte {exc.start})")
    delimiter = "\t" if file.suffix.lower() == ".tsv" else ","
    try:
        ratings = parse_ratings_table(text, str(file), level, delimiter)
    except RatingsTableError as exc:
        fail(str(exc))
    summary = summarise(ratings, level, tolerance)
    emit({"file": str(file), **summary.as_dict()}, as_json, _as_text(file, summary))


def _as_text(file: Path, summary) -> str:
    lines = [f"{file}: {summary.n_items} items, {summary.n_raters} raters, {summary.n_ratings} ratings "
             f"({summary.level})"]
    for name, estimate in summary.estimates().items():
        shown = f"{estimate.value:.3f}" if estimate.value is not None else f"undefined ({estimate.reason})"
        lines.append(f"  {LABELS[name]:<22} {shown}   [{estimate.n_items} items]")
    return "\n".join(lines)
