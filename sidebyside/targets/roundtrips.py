"""Round trips a DBAPI connection makes beyond the statements it is given.

The query counters see each statement a cursor executes (savepoints included: both
frameworks send them as statements). What they do not see is what the driver sends by
itself: psycopg's BEGIN before the first statement outside autocommit, and the COMMIT
or ROLLBACK behind `connection.commit()`/`rollback()`, which every driver here skips
when no transaction is open. These two rules say when the database receives one.
"""

from __future__ import annotations

from typing import Any

LEGACY_SQLITE_BEGINS_BEFORE = ("INSERT", "UPDATE", "DELETE", "REPLACE")


def in_transaction(dbapi_connection: Any) -> bool:
    """A transaction is open on the server: commit() or rollback() sends a statement."""
    status = getattr(getattr(dbapi_connection, "info", None), "transaction_status", None)
    if status is not None:  # psycopg (and psycopg2): 0 is IDLE, no transaction
        return int(status) != 0
    return bool(dbapi_connection.in_transaction)  # sqlite3


def begins_implicitly(dbapi_connection: Any, statement: str) -> bool:
    """The driver sends a BEGIN of its own before executing `statement`."""
    if getattr(getattr(dbapi_connection, "info", None), "transaction_status", None) is not None:
        return not dbapi_connection.autocommit and not in_transaction(dbapi_connection)
    # sqlite3's legacy transaction control (isolation_level not None) begins before DML.
    return (
        dbapi_connection.isolation_level is not None
        and not dbapi_connection.in_transaction
        and statement.lstrip().upper().startswith(LEGACY_SQLITE_BEGINS_BEFORE)
    )
