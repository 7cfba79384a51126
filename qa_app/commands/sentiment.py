"""qadesk sentiment fit / eval / reset: check and calibrate the sentiment analysis on labelled files."""
from __future__ import annotations

import click

from qa_app.commands.common import emit, fail
from qa_app.services import ServiceError

LANGUAGES = click.Choice(["en", "zh"])


def register(main: click.Group) -> None:
    main.add_command(sentiment)


@click.group()
def sentiment() -> None:
    """Check the sentiment analysis on labelled data, and calibrate it to this organisation's data."""


def _columns(command):
    label_help = 'Column of labels: 0/1, or numbers such as ratings (default "label", else "score").'
    text_help = "Column of texts (default: text/review/content/..., else the longest non-numeric one)."
    command = click.option("--label-column", metavar="C", help=label_help)(command)
    return click.option("--text-column", metavar="C", help=text_help)(command)


@sentiment.command("eval")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--lang", "language", type=LANGUAGES, required=True)
@_columns
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def eval_(obj, path: str, language: str, text_column, label_column, as_json: bool) -> None:
    """Score the product's sentiment on a labelled CSV or TSV file: accuracy for 0/1 labels, else Pearson r."""
    from qa_app.services import sentiment as service
    with obj.app.app_context():
        try:
            result = service.evaluate_file(path, language, text_column, label_column)
        except ServiceError as exc:
            fail(str(exc))
    value = result[result["metric"]]
    emit(result, as_json, f"{result['metric']} {_shown(value)} on {result['n']} texts "
         f"(text column {result['text_column']!r}, labels {result['label_column']!r})" + _skipped(result))


@sentiment.command()
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--lang", "language", type=LANGUAGES, required=True)
@_columns
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the 50/50 split.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def fit(obj, path: str, language: str, text_column, label_column, seed: int, as_json: bool) -> None:
    """Fit a calibration on a labelled CSV or TSV file and store it in the instance.

    Fits on a seeded half and prints the metric before and after on the other half; the stored
    calibration is then fitted on every row.
    """
    from qa_app.services import sentiment as service
    with obj.app.app_context():
        try:
            result = service.fit_file(path, language, text_column, label_column, seed)
        except ServiceError as exc:
            fail(str(exc))
    emit(result, as_json, f"{result['metric']} on {result['n_test']} held-out texts: before "
         f"{_shown(result['before'])}, after {_shown(result['after'])} (fitted on {result['n_train']})\n"
         f"stored {result['stored']} (fitted on all {result['n_stored']})" + _skipped(result)
         + ("" if result["improved"] else "\nwarning: no better than before on the held-out half; more labelled "
            "rows usually help, and `qadesk sentiment reset` restores the shipped defaults"))


@sentiment.command()
@click.option("--lang", "language", type=LANGUAGES, required=True)
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def reset(obj, language: str, as_json: bool) -> None:
    """Delete the instance's calibration of a language: back to the shipped defaults."""
    from qa_app.services import sentiment as service
    with obj.app.app_context():
        removed = service.reset(language)
    emit({"language": language, "removed": removed}, as_json,
         f"{language}: {'calibration removed' if removed else 'no calibration stored'}; the shipped defaults apply")


def _shown(value) -> str:
    return "undefined" if value is None else f"{value:.3f}"


def _skipped(result: dict) -> str:
    return f"\n{result['skipped']} rows without text skipped" if result["skipped"] else ""
