"""docs/glossary.md is what the Chinese catalogue says: each interface string's translation uses the
glossary's word, so translators and the product speak the same language."""
from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
GLOSSARY = ROOT / "docs" / "glossary.md"
CATALOGUE = ROOT / "qa_app" / "translations" / "zh" / "LC_MESSAGES" / "messages.po"


def glossary_rows() -> list[tuple[str, str]]:
    """(interface string, Chinese word) of the first table: the rows whose second cell is a string."""
    rows, in_first = [], False
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        if line.startswith("| Concept"):
            in_first = True
            continue
        if in_first and not line.startswith("|"):
            break
        cells = [c.strip() for c in line.strip("|").split("|")]
        if in_first and not set(cells[0]) <= {"-"}:
            rows.append((cells[1], cells[2]))
    return rows


def translations() -> dict[str, str]:
    with open(CATALOGUE, "rb") as fh:
        return {m.id: m.string for m in read_po(fh) if isinstance(m.id, str)}


def test_the_glossary_lists_the_products_main_terms():
    assert len(glossary_rows()) >= 25


@pytest.mark.parametrize("english, chinese", glossary_rows())
def test_the_catalogue_translates_each_glossary_term_with_the_glossarys_word(english, chinese):
    catalogue = translations()
    assert english in catalogue, f"{english!r} is not an interface string of the catalogue"
    assert chinese in catalogue[english], f"{english!r} is {catalogue[english]!r} in the catalogue, not {chinese}"


def test_the_catalogue_never_calls_an_agent_by_the_glossarys_rejected_word():
    assert "坐席" not in CATALOGUE.read_text(encoding="utf-8")


SHIPPED_DATA = sorted(p for pkg in ("scoring", "training", "transcripts", "qa_app")
                      for p in (ROOT / pkg).rglob("*") if p.suffix in {".yaml", ".yml", ".json", ".csv"})


@pytest.mark.parametrize("path", SHIPPED_DATA, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_shipped_scorecards_courses_and_paths_never_call_an_agent_by_the_rejected_word(path):
    # Users read these titles on the same pages as the catalogue's strings.
    assert "坐席" not in path.read_text(encoding="utf-8"), f"{path.relative_to(ROOT)} says 坐席, the glossary says 客服"
