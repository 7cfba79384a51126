"""The WSGI entry for gunicorn (or any WSGI server): `gunicorn qa_app.wsgi:app`.

The instance is $QADESK_INSTANCE (else ./instance), as for `qadesk`; settings are read and
checked once per process, so a bad value stops each worker naming it. Importing this module
never starts a scheduler, whatever QADESK_SCHEDULER says: run `qadesk scheduler` once beside the
web processes and set QADESK_SCHEDULER=external so no web process runs jobs (docs/deployment.md).
A database not at the code's schema revision stops each worker with one line saying what to run
(services.schema; one query per process, none per request).
"""
from __future__ import annotations

from qa_app import create_app
from qa_app.services import schema

app = create_app()
with app.app_context():
    schema.check(app.instance_path)
