"""Price history (flask-sql): an ORM event records every change of a product's price."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import event, inspect
from sqlalchemy.orm import object_session

from catalogue.models import PriceChange, Product


@event.listens_for(Product.price, "set", active_history=True)
def record_price_change(product: Product, new_price: Decimal, old_price: object, _: object) -> None:
    """Add a PriceChange to the product's session, so it is written in the same flush and
    transaction as the new price; a new product, or the same amount, records nothing."""
    session = object_session(product)
    if session is None or not inspect(product).persistent or new_price == old_price:
        return
    session.add(PriceChange(product_id=product.id, old_price=old_price, new_price=new_price))
