"""Views (API): a product's reviews, written by signed-in users, owned by their authors."""

from __future__ import annotations

from flask import g
from flask.typing import ResponseReturnValue
from flask.views import MethodView

from catalogue import services
from catalogue.api import bp
from catalogue.api.products import product_get
from catalogue.exceptions import NotFound
from catalogue.pagination import page_request, paginated
from catalogue.parsers import parse
from catalogue.permissions import check_review_owner, token_required
from catalogue.repository import get_repository
from catalogue.schemas import ReviewCreateSchema, ReviewOut, ReviewUpdateSchema


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


bp.add_url_rule("/products/<segment:sku>/reviews", view_func=ReviewListView.as_view("review-list"))


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


bp.add_url_rule(
    "/products/<segment:sku>/reviews/<segment:review_id>",
    view_func=ReviewDetailView.as_view("review-detail"),
)
