"""A pybabel extractor for the shipped scorecards (babel.cfg): their titles, so the catalogue
translates criterion and section titles on every page that names them (services.review_sheet), and
their checks' labels and step names, which automatic explanations quote ("no greeting in the first
agent turn"; qa_app.explanations).

Titles already written in Chinese are left out: they read as written in both languages.
"""
from __future__ import annotations

import re
from typing import IO, Iterator

import yaml

TITLE = re.compile(r"^\s*(?:-\s+)?title:\s*(.+?)\s*$")
# A check's label, and a step's name (a list item: the scorecard's own `name:` is an identifier).
WORDS = {"label": re.compile(r"^\s+label:\s*(.+?)\s*$"), "name": re.compile(r"^\s+-\s+name:\s*(.+?)\s*$")}
COMMENTS = {"title": "a scorecard title (criterion, section or scorecard)",
            "label": "a check's label in a scorecard, shown inside automatic explanations",
            "name": "a step of a check in a scorecard, shown inside automatic explanations"}
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def extract(fileobj: IO[bytes], keywords, comment_tags, options) -> Iterator[tuple[int, None, str, list[str]]]:
    """(line, None, text, [translator comment]) for every title, check label and step name of a
    scorecard YAML file."""
    for number, raw in enumerate(fileobj.read().decode("utf-8").splitlines(), start=1):
        kind, match = "title", TITLE.match(raw)
        for other, pattern in WORDS.items():
            if match is None:
                kind, match = other, pattern.match(raw)
        if not match:
            continue
        text = yaml.safe_load(match.group(1))
        if isinstance(text, str) and text.strip() and not CJK.search(text):
            yield number, None, text, [COMMENTS[kind]]
