"""conversation content and audio hashes

The content hash tells a re-ingested duplicate from a different conversation with the same
id (a conflict). The audio hash names a call's stored recording; it used to sit in the
conversation metadata next to a file name, where ingested input could set it to any path,
so both keys are moved out of (and removed from) the metadata of every stored conversation.

Revision ID: a7c3e9d41b20
Revises: 962520cf7201
Create Date: 2026-12-02 10:00:00

"""
import json
import re

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7c3e9d41b20'
down_revision = '962520cf7201'
branch_labels = None
depends_on = None

_SHA256 = re.compile(r"[0-9a-f]{64}")
_RESERVED = ("audio_file", "audio_sha256")


def upgrade():
    with op.batch_alter_table('conversation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('content_sha256', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('audio_sha256', sa.String(length=64), nullable=True))
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT id, meta FROM conversation WHERE CAST(meta AS TEXT) LIKE '%audio_%'")).fetchall()
    for conversation_id, raw in rows:
        meta = json.loads(raw) if isinstance(raw, str) else dict(raw or {})
        if not isinstance(meta, dict) or not any(k in meta for k in _RESERVED):
            continue
        sha = meta.get("audio_sha256")
        kept = {k: v for k, v in meta.items() if k not in _RESERVED}
        audio = sha if isinstance(sha, str) and _SHA256.fullmatch(sha) else None
        conn.execute(sa.text("UPDATE conversation SET meta = :meta, audio_sha256 = :audio WHERE id = :id"),
                     {"meta": json.dumps(kept), "audio": audio, "id": conversation_id})


def downgrade():
    with op.batch_alter_table('conversation', schema=None) as batch_op:
        batch_op.drop_column('audio_sha256')
        batch_op.drop_column('content_sha256')
