"""A pybabel extractor for the shipped scorecards (babel.cfg): their titles, so the catalogue
translates criterion and section titles on every page that names them (services.review_sheet).

Titles already written in Chinese are left out: they read as written in both languages.
"""
from __future__ import annotations

import re
from typing import IO, Iterator

import yaml

TITLE = re.compile(r"^\s*(?:-\s+)?title:\s*(.+?)\s*$")
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def extract(fileobj: IO[bytes], keywords, comment_tags, options) -> Iterator[tuple[int, None, str, list[str]]]:
    """(line, None, title, [translator comment]) for every title: line of a scorecard YAML file."""
    for number, raw in enumerate(fileobj.read().decode("utf-8").splitlines(), start=1):
        match = TITLE.match(raw)
        if not match:
            continue
        title = yaml.safe_load(match.group(1))
        if isinstance(title, str) and title.strip() and not CJK.search(title):
            yield number, None, title, ["a scorecard title (criterion, section or scorecard)"]
