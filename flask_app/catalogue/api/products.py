"""Views (API): products, their price history and stock reservations."""

from __future__ import annotations

from flask import g
from flask.typing import ResponseReturnValue
from flask.views import MethodView

from catalogue import services
from catalogue.api import bp
from catalogue.conditional import Validators, conditional
from catalogue.pagination import page_request, paginated
from catalogue.parsers import parse, parse_query
from catalogue.permissions import can_see_inactive, staff_required, token_required
from catalogue.renderers import render_product_page
from catalogue.repository import ProductFilters, get_repository
from catalogue.schemas import (
    ProductCreateSchema,
    ProductOut,
    ProductQuerySchema,
    ProductReplaceSchema,
    ProductUpdateSchema,
    ReservationSchema,
)


def product_query() -> ProductFilters:
    query = parse_query(ProductQuerySchema).model_dump(exclude_unset=True)
    if "in_stock" in query:
        query["in_stock"] = query["in_stock"] == "true"
    return ProductFilters(**query)


def product_get(sku: str) -> ProductOut:
    return services.product_get(sku=sku, include_inactive=can_see_inactive())


class ProductListView(MethodView):
    def get(self) -> ResponseReturnValue:
        filters, page, staff = product_query(), page_request(), can_see_inactive()
        repository = get_repository()
        version = repository.product_list_version(filters, staff)
        validators = Validators(version, "products", filters, page, staff, g.media_type)

        def render() -> ResponseReturnValue:
            total, products = repository.product_list(filters, staff, page)
            return render_product_page(paginated(total, products, page))

        return conditional(validators, render)

    @staff_required
    def post(self) -> ResponseReturnValue:
        data = parse(ProductCreateSchema)
        product = services.product_create(data=data.model_dump())
        location = f"/api/products/{product.sku}"
        return product.model_dump(mode="json"), 201, {"Location": location}


bp.add_url_rule("/products", view_func=ProductListView.as_view("product-list"))


class ProductDetailView(MethodView):
    def get(self, sku: str) -> ResponseReturnValue:
        staff = can_see_inactive()
        version = get_repository().product_version(sku, staff)
        validators = version and Validators(version, "product", sku, staff)
        return conditional(validators, lambda: product_get(sku).model_dump(mode="json"))

    @staff_required
    def put(self, sku: str) -> ResponseReturnValue:
        product = product_get(sku)
        data = parse(ProductReplaceSchema).model_dump()
        updated = services.product_update(product=product, data=data, partial=False)
        return updated.model_dump(mode="json")

    @staff_required
    def patch(self, sku: str) -> ResponseReturnValue:
        product = product_get(sku)
        data = parse(ProductUpdateSchema).model_dump(exclude_unset=True)
        updated = services.product_update(product=product, data=data, partial=True)
        return updated.model_dump(mode="json")

    @staff_required
    def delete(self, sku: str) -> ResponseReturnValue:
        services.product_delete(product=product_get(sku))
        return "", 204


bp.add_url_rule("/products/<segment:sku>", view_func=ProductDetailView.as_view("product-detail"))


@bp.post("/products/<segment:sku>/reserve", endpoint="product-reserve")
@token_required
def product_reserve(sku: str) -> ResponseReturnValue:
    product = product_get(sku)
    quantity = parse(ReservationSchema).quantity
    stock = services.product_reserve(product=product, quantity=quantity)
    return {"sku": product.sku, "reserved": quantity, "stock": stock}


class PriceHistoryView(MethodView):
    def get(self, sku: str) -> ResponseReturnValue:
        product, page = product_get(sku), page_request()
        return paginated(*get_repository().price_history(product.sku, page), page)


bp.add_url_rule(
    "/products/<segment:sku>/price-history",
    view_func=PriceHistoryView.as_view("product-price-history"),
)
