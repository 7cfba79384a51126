"""Exemplars: what a valid pin of a conversation to a course module is."""
from __future__ import annotations

from typing import Optional

KINDS = ("good", "bad")
MAX_NOTE = 2000


def exemplar_problem(kind: str, note: str) -> Optional[str]:
    """Why a pin with this kind and note is refused ("kind: ...", "note: ..."), or None."""
    if kind not in KINDS:
        return f"kind: must be good or bad, not {kind!r}"
    if not note.strip():
        return "note: say what the agent should learn from the example"
    if len(note) > MAX_NOTE:
        return f"note: at most {MAX_NOTE} characters, not {len(note)}"
    return None
