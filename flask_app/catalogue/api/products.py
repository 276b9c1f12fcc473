"""Views (API): products, their price history and stock reservations."""

from __future__ import annotations

from flask import g
from flask.typing import ResponseReturnValue

from catalogue import services
from catalogue.api import bp
from catalogue.api.formats import render_product_page
from catalogue.api.input import parse, parse_query
from catalogue.api.listing import page_request, paginated
from catalogue.auth.decorators import can_see_inactive, permission_required, token_required
from catalogue.auth.roles import Permission
from catalogue.etag import Rendered, Validators, conditional
from catalogue.exceptions import NotFound
from catalogue.schemas import (
    ProductCreateSchema,
    ProductOut,
    ProductQuerySchema,
    ProductReplaceSchema,
    ProductUpdateSchema,
    ReservationSchema,
)
from catalogue.store import ProductFilters, get_store, newest


def product_query() -> ProductFilters:
    query = parse_query(ProductQuerySchema).model_dump(exclude_unset=True)
    if "in_stock" in query:
        query["in_stock"] = query["in_stock"] == "true"
    return ProductFilters(**query)


def get_product_or_404(sku: str) -> ProductOut:
    """The product, if the caller may see it: inactive ones are for staff only."""
    product = get_store().product_get(sku, can_see_inactive())
    if product is None:
        raise NotFound
    return product


@bp.get("/products")
def list_products() -> ResponseReturnValue:
    filters, page, staff = product_query(), page_request(), can_see_inactive()
    store = get_store()
    version = store.catalogue_version()
    validators = Validators(version, "products", filters, page, staff, g.media_type)

    def render() -> Rendered:
        # The unfiltered list's size is kept beside the version: no count query for it.
        listed = store.product_list(filters, staff, page, total=version.count(filters, staff))
        body = render_product_page(paginated(listed))
        return body, newest(product.changed for product in listed.items)

    return conditional(validators, render)


@bp.post("/products")
@permission_required(Permission.PRODUCT_CREATE)
def create_product() -> ResponseReturnValue:
    data = parse(ProductCreateSchema)
    product = services.product_create(data=data.model_dump())
    location = f"/api/products/{product.sku}"
    return product.model_dump(mode="json"), 201, {"Location": location}


@bp.get("/products/<segment:sku>")
def get_product(sku: str) -> ResponseReturnValue:
    staff = can_see_inactive()
    version = get_store().product_version(sku, staff)
    validators = Validators(version, "product", sku, staff) if version else None

    def render() -> Rendered:
        product = get_product_or_404(sku)
        return product.model_dump(mode="json"), product.changed

    return conditional(validators, render)


@bp.put("/products/<segment:sku>")
@permission_required(Permission.PRODUCT_UPDATE)
def replace_product(sku: str) -> ResponseReturnValue:
    product = get_product_or_404(sku)
    data = parse(ProductReplaceSchema).model_dump()
    updated = services.product_update(product=product, data=data, partial=False)
    return updated.model_dump(mode="json")


@bp.patch("/products/<segment:sku>")
@permission_required(Permission.PRODUCT_UPDATE)
def update_product(sku: str) -> ResponseReturnValue:
    product = get_product_or_404(sku)
    data = parse(ProductUpdateSchema).model_dump(exclude_unset=True)
    updated = services.product_update(product=product, data=data, partial=True)
    return updated.model_dump(mode="json")


@bp.delete("/products/<segment:sku>")
@permission_required(Permission.PRODUCT_DELETE)
def delete_product(sku: str) -> ResponseReturnValue:
    services.product_delete(product=get_product_or_404(sku))
    return "", 204


@bp.post("/products/<segment:sku>/reserve")
@token_required
def product_reserve(sku: str) -> ResponseReturnValue:
    product = get_product_or_404(sku)
    quantity = parse(ReservationSchema).quantity
    stock = services.product_reserve(product=product, quantity=quantity)
    return {"sku": product.sku, "reserved": quantity, "stock": stock}


@bp.get("/products/<segment:sku>/price-history")
def price_history(sku: str) -> ResponseReturnValue:
    product, page = get_product_or_404(sku), page_request()
    return paginated(get_store().price_history(product.sku, page))
