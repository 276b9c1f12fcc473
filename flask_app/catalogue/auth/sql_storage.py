"""Login-throttle entries in the app's SQL database (the `rate_limit_entries` table)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.sql.dml import ReturningInsert

from catalogue.auth.storage import EntryStorage
from catalogue.db.sql import get_session
from catalogue.models import Base

ENTRIES = Base.metadata.tables["rate_limit_entries"]


def insert_unless_taken(
    dialect: str, key: str, slot: int, expires_at: float
) -> ReturningInsert[Any]:
    """INSERT ... ON CONFLICT DO NOTHING RETURNING slot: dialect SQL (PostgreSQL 9.5+,
    SQLite 3.35+). RETURNING, not rowcount: psycopg reports no rowcount for it (-1)."""
    values = {"key": key, "slot": slot, "expires_at": expires_at}
    # Each dialect's module loads on the database that uses it (PostgreSQL's costs ~40 ms).
    if dialect == "postgresql":
        from sqlalchemy.dialects import postgresql

        return (
            postgresql.insert(ENTRIES)
            .values(values)
            .on_conflict_do_nothing()
            .returning(ENTRIES.c.slot)
        )
    from sqlalchemy.dialects import sqlite

    return sqlite.insert(ENTRIES).values(values).on_conflict_do_nothing().returning(ENTRIES.c.slot)


class SqlEntryStorage(EntryStorage):
    """Reads and writes through the request's session, and commits each write at once: an
    attempt counts whatever the request does next, and a slot taken is visible to every
    other worker before the password is checked. (A connection of its own would wait on
    SQLite for the write lock that the request's session already holds.)

    Taking a slot is one `INSERT ... ON CONFLICT DO NOTHING` on the primary key
    `(key, slot)`: on PostgreSQL an insert racing an uncommitted one for the same slot
    waits for it, then inserts nothing; SQLite runs one writer at a time."""

    @property
    def base_exceptions(self) -> type[Exception]:
        return SQLAlchemyError

    def live(self, key: str, now: float) -> tuple[int, float | None]:
        query = select(func.count(), func.min(ENTRIES.c.expires_at)).where(
            ENTRIES.c.key == key, ENTRIES.c.expires_at > now
        )
        count, first = get_session().execute(query).one()
        return count, first

    def newest(self, key: str, now: float) -> tuple[int, float] | None:
        query = (
            select(ENTRIES.c.slot, ENTRIES.c.expires_at)
            .where(ENTRIES.c.key == key, ENTRIES.c.expires_at > now)
            .order_by(ENTRIES.c.expires_at.desc(), ENTRIES.c.slot.desc())
            .limit(1)
        )
        row = get_session().execute(query).first()
        return None if row is None else (row.slot, row.expires_at)

    def sweep(self, now: float) -> None:
        session = get_session()
        session.execute(delete(ENTRIES).where(ENTRIES.c.expires_at <= now))
        session.commit()

    def take(self, key: str, slot: int, expires_at: float) -> bool:
        session = get_session()
        statement = insert_unless_taken(session.get_bind().dialect.name, key, slot, expires_at)
        taken = session.execute(statement).first() is not None
        session.commit()
        return taken

    def free(self, key: str, slot: int, expires_at: float) -> bool:
        # The expiry too: a slot freed and taken again by another hit is not this entry.
        statement = delete(ENTRIES).where(
            ENTRIES.c.key == key, ENTRIES.c.slot == slot, ENTRIES.c.expires_at == expires_at
        )
        session = get_session()
        # The session's connection: its CursorResult has the rowcount.
        freed = session.connection().execute(statement).rowcount == 1
        session.commit()
        return freed

    def delete(self, key: str | None) -> int:
        statement = delete(ENTRIES)
        if key is not None:
            statement = statement.where(ENTRIES.c.key == key)
        session = get_session()
        deleted = session.connection().execute(statement).rowcount
        session.commit()
        return deleted

    def ping(self) -> None:
        get_session().execute(text("SELECT 1"))
