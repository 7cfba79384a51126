"""qadesk intents eval: how well the semantic layer reads an organisation's own labelled turns."""
from __future__ import annotations

import click

from qa_app.commands.common import emit, fail
from qa_app.services import ServiceError


def register(main: click.Group) -> None:
    main.add_command(intents)


@click.group()
def intents() -> None:
    """Measure the intent approaches (rules, linear classifier) on labelled turns."""


@intents.command("eval")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--folds", type=click.IntRange(2, 20), default=5, show_default=True,
              help="Cross-validation folds for the linear classifier.")
@click.option("--json", "as_json", is_flag=True)
def eval_(path: str, folds: int, as_json: bool) -> None:
    """Precision, recall and F1 per intent of the rules and of the linear classifier (cross-validated,
    trained on the shipped examples plus your other turns) on a TSV of labelled turns."""
    from qa_app.services import intents as service
    try:
        result = service.evaluate_file(path, folds)
    except ServiceError as exc:
        fail(str(exc))
    emit(result, as_json, "\n".join(_lines(result)))


def _lines(result: dict) -> list[str]:
    lines = [f"{result['file']}: {result['n']} labelled turns"]
    for language, part in result["languages"].items():
        if "skipped" in part:
            lines.append(f"{language}: {part['n']} turns, skipped ({part['skipped']})")
            continue
        lines.append(f"{language}: {part['n']} turns; per intent precision / recall / F1 (turns with it)")
        for name, both in part["intents"].items():
            cells = "   ".join(f"{approach} {_f(v['precision'])} / {_f(v['recall'])} / {_f(v['f1'])}"
                               for approach, v in both.items())
            lines.append(f"  {name:<19} ({both['rules']['positives']:>3})   {cells}")
    return lines


def _f(value) -> str:
    return "  - " if value is None else f"{value:.2f}"
