"""A tiny, safe Markdown subset for course bodies: headings, paragraphs, lists, pipe tables, bold, italic.

Everything is HTML-escaped first; only the tags this module writes itself reach the page, so a
course text containing <script> or an `onclick=` shows as text. Unsupported syntax (links,
images, code blocks, raw HTML) is shown literally rather than interpreted.
"""
from __future__ import annotations

import re
from typing import Iterator

from markupsafe import Markup, escape

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_BULLET = re.compile(r"^\s{0,3}[-*+]\s+(.*)$")
_NUMBER = re.compile(r"^\s{0,3}\d{1,9}[.)]\s+(.*)$")
_TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_TABLE_RULE = re.compile(r"^\s*\|?(\s*:?-+:?\s*\|)+\s*(:?-+:?\s*)?$")
_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_ITALIC = re.compile(r"(?<![*\w])\*(?=\S)([^*]+?)(?<=\S)\*(?![*\w])")
_CODE = re.compile(r"`([^`]+)`")
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


def inline(text: str) -> str:
    """Escaped text with **bold**, *italic* and `code` turned into tags."""
    out = str(escape(text))
    out = _CODE.sub(r"<code>\1</code>", out)
    out = _BOLD.sub(r"<strong>\1</strong>", out)
    return _ITALIC.sub(r"<em>\1</em>", out)


def _join(lines: list[str]) -> str:
    """Lines of one block as one line; Chinese text wrapped mid-sentence gets no stray space."""
    out = ""
    for line in (ln.strip() for ln in lines):
        glue = "" if out and _CJK.match(out[-1]) and _CJK.match(line[:1] or " ") else " "
        out = f"{out}{glue}{line}" if out else line
    return out


def _cells(row: str) -> list[str]:
    return [c.strip() for c in row.strip().strip("|").split("|")]


def _table(lines: list[str]) -> str:
    head, body = _cells(lines[0]), [_cells(r) for r in lines[2:]]
    ths = "".join(f"<th>{inline(c)}</th>" for c in head)
    rows = "".join("<tr>" + "".join(f"<td>{inline(c)}</td>" for c in r) + "</tr>" for r in body)
    return f"<table><thead><tr>{ths}</tr></thead><tbody>{rows}</tbody></table>"


def _list_items(lines: list[str], marker: re.Pattern) -> list[str]:
    """Item texts; an indented or plain line that is not a new item continues the previous one."""
    items: list[str] = []
    for line in lines:
        match = marker.match(line)
        if match:
            items.append(match.group(1).strip())
        elif items:
            items[-1] = _join([items[-1], line])
    return items


def _blocks(text: str) -> Iterator[tuple[str, list[str]]]:
    """(kind, lines) for each block: heading, table, ul, ol or p; blank lines separate blocks."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            i += 1
            continue
        if _HEADING.match(line):
            yield "heading", [line]
            i += 1
            continue
        if _TABLE_ROW.match(line) and i + 1 < len(lines) and _TABLE_RULE.match(lines[i + 1]):
            end = i + 2
            while end < len(lines) and _TABLE_ROW.match(lines[end]):
                end += 1
            yield "table", lines[i:end]
            i = end
            continue
        kind = "ul" if _BULLET.match(line) else "ol" if _NUMBER.match(line) else "p"
        end = i + 1
        while end < len(lines) and lines[end].strip() and not _starts_other_block(lines[end], kind):
            end += 1
        yield kind, lines[i:end]
        i = end


def _starts_other_block(line: str, kind: str) -> bool:
    if _HEADING.match(line):
        return True
    if kind == "p":
        return bool(_BULLET.match(line) or _NUMBER.match(line))
    other = _NUMBER if kind == "ul" else _BULLET
    return bool(other.match(line))


def render_markdown(text: str | None) -> Markup:
    """HTML for the Markdown subset; safe to insert into a page as is."""
    parts: list[str] = []
    for kind, lines in _blocks(text or ""):
        if kind == "heading":
            match = _HEADING.match(lines[0])
            level = min(len(match.group(1)) + 1, 6)  # the page title is the only <h1>
            parts.append(f"<h{level}>{inline(match.group(2))}</h{level}>")
        elif kind == "table":
            parts.append(_table(lines))
        elif kind in ("ul", "ol"):
            marker = _BULLET if kind == "ul" else _NUMBER
            items = "".join(f"<li>{inline(t)}</li>" for t in _list_items(lines, marker))
            parts.append(f"<{kind}>{items}</{kind}>")
        else:
            parts.append(f"<p>{inline(_join(lines))}</p>")
    return Markup("\n".join(parts))
