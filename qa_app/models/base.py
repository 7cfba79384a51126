"""Column helpers shared by the models."""
from datetime import datetime
from qa_app import clock
from qa_app.dbtypes import as_utc  # noqa: F401 (the models' helpers: callers import it from here)


def utcnow() -> datetime:
    """Timezone-aware now in UTC; stored naive-UTC by SQLite, aware by PostgreSQL."""
    return clock.now()


