"""Reading the YAML files of training (courses, rules) with errors that name the file and line."""
from __future__ import annotations

from typing import Any

import yaml


def load_yaml(text: str, source: str, error: type[Exception]) -> Any:
    """The document of `text`; bad YAML raises `error("<source>: line N: invalid YAML: ...")`."""
    try:
        return yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark is not None else "?"
        raise error(f"{source}: line {line}: invalid YAML: {exc.problem}") from None
    except yaml.YAMLError as exc:
        raise error(f"{source}: invalid YAML: {exc}") from None
