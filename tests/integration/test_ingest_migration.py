"""Upgrading an instance from before content and audio hashes: audio file names are taken out of
every conversation's metadata (a valid audio hash is kept as the recording's name)."""
from __future__ import annotations

import json

from flask_migrate import downgrade, upgrade

from qa_app import create_app
from qa_app.extensions import db, migration_config

SHA = "c" * 64


def test_the_upgrade_moves_the_audio_hash_out_of_metadata_and_drops_file_names(tmp_path):
    app = create_app({"TESTING": True}, instance_path=str(tmp_path / "old"))
    directory = migration_config(app).directory
    with app.app_context():
        upgrade(directory=directory)
        downgrade(directory=directory, revision="962520cf7201")
        db.session.execute(db.text(
            "INSERT INTO user (id, login, name, role, active, created_at) VALUES (7, 'ann', 'Ann', 'agent', 1, '2026-01-01')"))
        metas = {"call": {"audio_file": f"{SHA}.ogg", "audio_sha256": SHA, "audio": {"mono": False}},
                 "leak": {"audio_file": "../secret_key", "audio_sha256": "../qadesk.db", "crm": 1}}
        for ext, meta in metas.items():
            db.session.execute(db.text(
                "INSERT INTO conversation (external_id, channel, agent_id, meta, ingested_at) "
                "VALUES (:ext, 'call', 7, :meta, '2026-01-01')"), {"ext": ext, "meta": json.dumps(meta)})
        db.session.commit()
        upgrade(directory=directory)
        rows = {ext: (json.loads(meta), audio) for ext, meta, audio in db.session.execute(db.text(
            "SELECT external_id, meta, audio_sha256 FROM conversation"))}
        assert rows == {"call": ({"audio": {"mono": False}}, SHA), "leak": ({"crm": 1}, None)}
        db.session.remove()
        db.engine.dispose()
