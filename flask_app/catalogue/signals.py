"""Signals: price history is written by a blinker receiver, never by a view.

The sender is the product service, for either store; Django's ORM sends its
pre/post_save signals itself, Flask leaves the hook point to us.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from blinker import Namespace
from flask import Flask

catalogue_signals = Namespace()
price_changed = catalogue_signals.signal("price-changed")


def product_record_price_change(
    sender: Any, *, sku: str, old_price: Decimal, new_price: Decimal, **extra: Any
) -> None:
    """Append a PriceChange row/document inside the sender's transaction."""
    from catalogue.repository import get_repository

    get_repository().price_change_add(sku, old_price, new_price)


def init_app(app: Flask) -> None:
    price_changed.connect(product_record_price_change)
