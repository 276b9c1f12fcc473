"""Timestamps every store writes: aware UTC, truncated to milliseconds.

Store-neutral on purpose: the MongoDB store uses it too, and must not import
`models.py` (and with it SQLAlchemy) to tell the time.
"""

from __future__ import annotations

from datetime import UTC, datetime


def now_ms() -> datetime:
    """Now, truncated to milliseconds: MongoDB keeps no more, so neither do we."""
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)
