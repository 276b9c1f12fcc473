"""Login-throttle entries in the app's SQL database (the `rate_limit_entries` table)."""

from __future__ import annotations

from sqlalchemy import delete, func, insert, select, text
from sqlalchemy.exc import SQLAlchemyError

from catalogue.db import get_session
from catalogue.models import RateLimitEntry
from catalogue.repository.limits_storage import EntryStorage

ENTRIES = RateLimitEntry.__table__


class SqlEntryStorage(EntryStorage):
    """Reads and writes through the request's session, and commits its writes at once: a
    failed sign-in counts whatever the request does next. (A connection of its own would
    wait on SQLite for the write lock that the request's session already holds.)"""

    @property
    def base_exceptions(self) -> type[Exception]:
        return SQLAlchemyError

    def live(self, key: str, now: float) -> tuple[int, float | None]:
        query = select(func.count(), func.min(ENTRIES.c.expires_at)).where(
            ENTRIES.c.key == key, ENTRIES.c.expires_at > now
        )
        count, first = get_session().execute(query).one()
        return count, first

    def add(self, key: str, expires_at: float, amount: int, now: float) -> None:
        session = get_session()
        session.execute(delete(ENTRIES).where(ENTRIES.c.expires_at <= now))
        session.execute(insert(ENTRIES), [{"key": key, "expires_at": expires_at}] * amount)
        session.commit()

    def delete(self, key: str | None) -> int:
        statement = delete(ENTRIES)
        if key is not None:
            statement = statement.where(ENTRIES.c.key == key)
        session = get_session()
        deleted = session.execute(statement).rowcount
        session.commit()
        return deleted

    def ping(self) -> None:
        get_session().execute(text("SELECT 1"))
