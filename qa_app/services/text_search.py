"""Full-text search over what was said in conversations, on the index each engine has.

SQLite: the FTS5 trigram index `turn_fts` (migration f6c1e4a8b3d5): case-insensitive substrings
of three characters or more, in any script. PostgreSQL: the GIN index on
to_tsvector('simple', text): words, each matched as a prefix ("parc" finds "parcel").
What neither index can answer (shorter text on SQLite; text other than ASCII words on PostgreSQL,
whose 'simple' parser does not split Chinese into words) falls back to a scan with LIKE, so a
search never misses what the turns contain.
"""
from __future__ import annotations

import re

from sqlalchemy import column, func, literal_column, select, table

from qa_app.extensions import SEARCH_INDEX, db
from qa_app.models import Turn

TRIGRAM = 3  # the shortest text the trigram index can look up
_WORDS = re.compile(r"[A-Za-z0-9]+")


def conversations_saying(text: str):
    """A SELECT of the ids of conversations with a turn containing `text` (any case)."""
    dialect = db.session.get_bind().dialect.name
    turns = select(Turn.conversation_id)
    if dialect == "sqlite" and len(text) >= TRIGRAM:
        index = table(SEARCH_INDEX, column("rowid"))
        phrase = '"' + text.replace('"', '""') + '"'  # one FTS5 phrase: the text as typed, no operators
        found = select(index.c.rowid).where(literal_column(SEARCH_INDEX).op("MATCH")(phrase))
        return turns.where(Turn.id.in_(found))
    words = _WORDS.findall(text)
    if dialect == "postgresql" and words and " ".join(words) == " ".join(text.split()):
        query = func.to_tsquery(literal_column("'simple'"), " & ".join(w.lower() + ":*" for w in words))
        return turns.where(func.to_tsvector(literal_column("'simple'"), Turn.text).op("@@")(query))
    return turns.where(Turn.text.icontains(text, autoescape=True))
