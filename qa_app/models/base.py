"""Column helpers shared by the models."""
from datetime import datetime, timezone
from qa_app import clock


def utcnow() -> datetime:
    """Timezone-aware now in UTC; stored naive-UTC by SQLite, aware by PostgreSQL."""
    return clock.now()


def as_utc(value: datetime | None) -> datetime | None:
    """A datetime read back from the database, made aware (SQLite drops the zone)."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=timezone.utc)
