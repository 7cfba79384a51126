"""The scorecards shipped with QA Desk (scoring/scorecards/*.yaml), loaded through importlib.resources."""
from __future__ import annotations

from functools import lru_cache
from importlib import resources

from scoring.scorecard import Scorecard, load_scorecard_yaml

_PACKAGE = "scoring.scorecards"


@lru_cache(maxsize=1)
def shipped_scorecard_texts() -> dict[str, str]:
    """YAML text of every shipped scorecard by file stem (which equals the scorecard name)."""
    folder = resources.files(_PACKAGE)
    files = sorted((f for f in folder.iterdir() if f.name.endswith(".yaml")), key=lambda f: f.name)
    return {f.name[: -len(".yaml")]: f.read_text(encoding="utf-8") for f in files}


@lru_cache(maxsize=1)
def _shipped() -> tuple[Scorecard, ...]:
    return tuple(load_scorecard_yaml(text, version=1) for text in shipped_scorecard_texts().values())


def shipped_scorecards() -> list[Scorecard]:
    """Every shipped scorecard, version 1, sorted by name. Raises ScorecardError if one is broken."""
    return list(_shipped())


def shipped_scorecard(name: str) -> Scorecard:
    """The shipped scorecard called `name`; KeyError naming the available ones otherwise."""
    for scorecard in _shipped():
        if scorecard.name == name:
            return scorecard
    raise KeyError(f"no shipped scorecard {name!r} (available: {', '.join(s.name for s in _shipped())})")
