"""Views: thin MethodViews that parse, call a service or the repository, and shape the output."""

from __future__ import annotations

import functools
import os
from typing import Any

import yaml
from flask import current_app, g
from flask.typing import ResponseReturnValue
from flask.views import MethodView
from werkzeug.exceptions import ServiceUnavailable

from catalogue import services
from catalogue.conditional import Validators, conditional
from catalogue.exceptions import NotFound
from catalogue.pagination import page_request, paginated
from catalogue.parsers import parse, parse_query
from catalogue.permissions import (
    can_see_inactive,
    check_review_owner,
    staff_required,
    token_required,
)
from catalogue.renderers import render_product_page
from catalogue.repository import ProductFilters, get_repository
from catalogue.schemas import (
    CategoryCreateSchema,
    CategoryOut,
    CategoryUpdateSchema,
    ProductCreateSchema,
    ProductOut,
    ProductQuerySchema,
    ProductReplaceSchema,
    ProductUpdateSchema,
    ReservationSchema,
    ReviewCreateSchema,
    ReviewOut,
    ReviewUpdateSchema,
)


def health() -> ResponseReturnValue:
    # Readiness: a draining instance still serves, but asks to be taken out of rotation.
    drain_file = current_app.config["DRAIN_FILE"]
    if drain_file and os.path.exists(drain_file):
        raise ServiceUnavailable("This instance is shutting down.")
    repository = get_repository()
    try:
        repository.ping()
    except Exception as exc:  # any driver's connection error means the same thing here
        raise ServiceUnavailable from exc
    backend = current_app.config["CATALOGUE_BACKEND"]
    return {
        "status": "ok",
        "framework": "flask",
        "backend": backend,
        "database": repository.database,
    }


@functools.cache
def openapi_document(path: str) -> dict[str, Any]:
    with open(path, encoding="utf-8") as spec:
        return yaml.safe_load(spec)


def openapi() -> ResponseReturnValue:
    return openapi_document(current_app.config["OPENAPI_SPEC_PATH"])


def stats() -> ResponseReturnValue:
    repository = get_repository()
    return conditional(Validators(repository.stats_version(), "stats"), repository.stats)


def category_get(slug: str) -> CategoryOut:
    category = get_repository().category_get(slug)
    if category is None:
        raise NotFound
    return category


class CategoryListView(MethodView):
    def get(self) -> ResponseReturnValue:
        page = page_request()
        return paginated(*get_repository().category_list(page), page)

    @staff_required
    def post(self) -> ResponseReturnValue:
        data = parse(CategoryCreateSchema)
        category = services.category_create(**data.model_dump())
        location = f"/api/categories/{category.slug}"
        return category.model_dump(mode="json"), 201, {"Location": location}


class CategoryDetailView(MethodView):
    def get(self, slug: str) -> ResponseReturnValue:
        return category_get(slug).model_dump(mode="json")

    @staff_required
    def patch(self, slug: str) -> ResponseReturnValue:
        category = category_get(slug)
        data = parse(CategoryUpdateSchema).model_dump(exclude_unset=True)
        return services.category_update(slug=category.slug, data=data).model_dump(mode="json")

    @staff_required
    def delete(self, slug: str) -> ResponseReturnValue:
        services.category_delete(slug=category_get(slug).slug)
        return "", 204


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


class ReviewListView(MethodView):
    def get(self, sku: str) -> ResponseReturnValue:
        product, page = product_get(sku), page_request()
        return paginated(*get_repository().review_list(product.sku, page), page)

    @token_required
    def post(self, sku: str) -> ResponseReturnValue:
        product = product_get(sku)
        data = parse(ReviewCreateSchema).model_dump()
        review = services.review_create(product=product, author=g.user, data=data)
        return review.model_dump(mode="json"), 201


class ReviewDetailView(MethodView):
    decorators = [token_required]

    def get_object(self, sku: str, review_id: str) -> ReviewOut:
        product = product_get(sku)
        review = get_repository().review_get(product.sku, review_id)
        if review is None:
            raise NotFound
        check_review_owner(review)
        return review

    def patch(self, sku: str, review_id: str) -> ResponseReturnValue:
        review = self.get_object(sku, review_id)
        data = parse(ReviewUpdateSchema).model_dump(exclude_unset=True)
        return services.review_update(review=review, data=data).model_dump(mode="json")

    def delete(self, sku: str, review_id: str) -> ResponseReturnValue:
        services.review_delete(review=self.get_object(sku, review_id))
        return "", 204
