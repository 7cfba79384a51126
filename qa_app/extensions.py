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
# The full-text index of turns (migration f6c1e4a8b3d5): on SQLite an FTS5 table and its shadow
# tables, on PostgreSQL an expression index; built by the migration, not described by the models
# (each engine's is its own), so autogenerate must leave them alone.
SEARCH_INDEX = "turn_fts"
SEARCH_INDEX_PG = "ix_turn_text_search"


def described_by_models(name, type_, parent_names) -> bool:
    """Alembic's include_name: False for the search index's tables and index, which no model describes."""
    if type_ == "table" and name:
        return not (name == SEARCH_INDEX or name.startswith(SEARCH_INDEX + "_"))
    return not (type_ == "index" and name == SEARCH_INDEX_PG)


def migration_config(app):
    """Flask-Migrate's configuration of `app` (its `directory`, `db`), set up on first use.

    Importing Flask-Migrate imports Alembic, about a second that every CLI command and every
    scoring worker would otherwise pay; only schema upgrades (and Alembic's env.py) need it.
    """
    if "migrate" not in app.extensions:
        from flask_migrate import Migrate
        Migrate(app, db, directory=str(MIGRATIONS), render_as_batch=True, include_name=described_by_models)
    return app.extensions["migrate"]
