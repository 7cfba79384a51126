"""Labelled turns for intent models: the shipped examples (scoring/intents/examples/*.tsv) and an
organisation's own file in the same format."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from scoring.intents.base import INTENTS

SPEAKERS = ("agent", "customer")
NONE = "-"


class CorpusError(ValueError):
    """A labelled-turn file that cannot be used; the message names the file and line."""


@dataclass(frozen=True)
class LabelledTurn:
    """One turn's text (raw, as a person wrote it), its speaker and the intents it expresses (none
    for a negative example), with where it came from for error messages."""

    speaker: str
    intents: frozenset[str]
    text: str
    source: str = ""
    line: int = 0


def parse_examples(content: str, source: str) -> list[LabelledTurn]:
    """Rows of `speaker<TAB>intents<TAB>text`: intents comma-separated, `-` for none; lines that
    are blank or start with # are skipped. CorpusError names the first bad line and what is wrong."""
    rows = []
    for number, line in enumerate(content.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        where = f"{source}, line {number}"
        if len(parts) != 3:
            raise CorpusError(f"{where}: expected 3 tab-separated columns (speaker, intents, text), found {len(parts)}")
        speaker, labels, text = (part.strip() for part in parts)
        if speaker not in SPEAKERS:
            raise CorpusError(f"{where}: speaker must be one of {', '.join(SPEAKERS)}, not {speaker!r}")
        names = frozenset() if labels == NONE else frozenset(x.strip() for x in labels.split(","))
        unknown = sorted(names - set(INTENTS))
        if unknown or not all(names):
            raise CorpusError(f"{where}: unknown intent {', '.join(map(repr, unknown)) or repr('')} "
                              f"(known: {', '.join(INTENTS)}, or - for none)")
        if not text:
            raise CorpusError(f"{where}: the text is empty")
        rows.append(LabelledTurn(speaker, names, text, source, number))
    return rows


@lru_cache(maxsize=2)
def shipped_examples(family: str) -> tuple[LabelledTurn, ...]:
    """The examples shipped for a language family ("en" or "zh")."""
    resource = resources.files("scoring").joinpath("intents", "examples", f"{family}.tsv")
    return tuple(parse_examples(resource.read_text(encoding="utf-8"), f"scoring/intents/examples/{family}.tsv"))
