"""Flask extensions, created unbound and attached to the app in create_app (flaskr style)."""
from pathlib import Path

from flask_babel import Babel
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase, registry

from qa_app.dbtypes import UTCDateTime, datetime

# Named constraints keep Alembic migrations portable between SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}



class Base(DeclarativeBase):
    """Every datetime column stores UTC and reads back timezone-aware, whatever the database."""

    registry = registry(metadata=MetaData(naming_convention=NAMING),
                        type_annotation_map={datetime: UTCDateTime()})


db = SQLAlchemy(model_class=Base)
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def migration_config(app):
    """Flask-Migrate's configuration of `app` (its `directory`, `db`), set up on first use.

    Importing Flask-Migrate imports Alembic, about a second that every CLI command and every
    scoring worker would otherwise pay; only schema upgrades (and Alembic's env.py) need it.
    """
    if "migrate" not in app.extensions:
        from flask_migrate import Migrate
        Migrate(app, db, directory=str(MIGRATIONS), render_as_batch=True)
    return app.extensions["migrate"]
