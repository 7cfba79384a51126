"""Files stored with courses (images, forms, price lists): which names and kinds are accepted.

A name is one plain file name (no folders), so it can never point outside the instance's course
file folder. SVG and HTML are refused: the browser would run script in them.
"""
from __future__ import annotations

import re
from typing import Optional

# extension -> (MIME type, shown inline): images inline, documents as downloads
KINDS = {"png": ("image/png", True), "jpg": ("image/jpeg", True), "jpeg": ("image/jpeg", True),
         "gif": ("image/gif", True), "webp": ("image/webp", True), "pdf": ("application/pdf", False),
         "txt": ("text/plain; charset=utf-8", False), "csv": ("text/csv; charset=utf-8", False),
         "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", False),
         "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", False),
         "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", False)}
MAX_BYTES = 10 * 1024 * 1024
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,119}$")


def extension(name: str) -> str:
    return name.rpartition(".")[2].lower() if "." in name else ""


def name_problem(name: str) -> Optional[str]:
    """Why `name` cannot be a course file's name, or None."""
    if not _NAME.match(name) or ".." in name:
        return (f"{name!r}: a file name of letters, digits, '.', '-' and '_' only, starting with a letter "
                f"or digit, at most 120 characters")
    if extension(name) not in KINDS:
        return f"{name!r}: only {', '.join(sorted(KINDS))} files can be stored with courses"
    return None


def file_problem(name: str, size: int) -> Optional[str]:
    """Why a file of this name and size is refused, or None."""
    problem = name_problem(name)
    if problem:
        return problem
    if size == 0:
        return f"{name!r}: the file is empty"
    if size > MAX_BYTES:
        return f"{name!r}: {size / 1024 / 1024:.1f} MB is more than the {MAX_BYTES // 1024 // 1024} MB allowed"
    return None
