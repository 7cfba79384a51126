"""Files stored with the instance's courses, in <instance>/course_files: list, store, read, delete.

Course Markdown refers to them by name (`![flow](refund-flow.png)`, `[form](returns-form.pdf)`);
views.markdown turns those into /training/files/NAME. Stores and deletions are audited with the
file's SHA-256, so what agents were shown can be told later.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Optional

from flask import current_app
from flask_babel import gettext as _

from qa_app.models import User
from qa_app.permissions import can
from qa_app.extensions import db
from qa_app.services import NotFound, ServiceError, audit
from training import course_files as rules


@dataclass(frozen=True)
class StoredFile:
    name: str
    size: int
    stored_at: datetime


def folder() -> Path:
    path = Path(current_app.instance_path) / "course_files"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _stored(path: Path) -> StoredFile:
    stat = path.stat()
    return StoredFile(path.name, stat.st_size, datetime.fromtimestamp(stat.st_mtime, timezone.utc))


def list_files() -> list[StoredFile]:
    return [_stored(p) for p in sorted(folder().iterdir()) if p.is_file() and rules.name_problem(p.name) is None]


def store(actor: Optional[User], name: str, data: bytes, replace: bool = False) -> StoredFile:
    """Store `data` as the course file `name`; an existing different file needs `replace`."""
    if actor is not None and not can(actor, "author_courses"):
        raise ServiceError(_("only leads and admins store course files"))
    problem = rules.file_problem(name, len(data))
    if problem:
        raise ServiceError(problem)
    path, sha = folder() / name, hashlib.sha256(data).hexdigest()
    before = hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None
    if before is not None and before != sha and not replace:
        raise ServiceError(_("%(name)r: a different file of that name is stored; replace it or choose another name",
                             name=name))
    if before != sha:
        tmp = path.with_name(f".{name}.part")
        tmp.write_bytes(data)
        tmp.replace(path)  # whole or not at all: a reader never sees half a file
        audit.record(actor, "store", "course_file", None, before={"name": name, "sha256": before} if before else None,
                     after={"name": name, "sha256": sha, "bytes": len(data)})
        db.session.commit()
    return _stored(path)


def path_of(name: str) -> Path:
    """The stored file's path; NotFound for a bad or unknown name."""
    if rules.name_problem(name) is not None or not (folder() / name).is_file():
        raise NotFound(_("no such course file"))
    return folder() / name


def kind_of(name: str) -> tuple[str, bool]:
    """(MIME type, shown inline) of a valid course file name."""
    return rules.KINDS[rules.extension(name)]


def delete(actor: Optional[User], name: str) -> None:
    if actor is not None and not can(actor, "author_courses"):
        raise ServiceError(_("only leads and admins delete course files"))
    path = path_of(name)
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    path.unlink()
    audit.record(actor, "delete", "course_file", None, before={"name": name, "sha256": sha})
    db.session.commit()
