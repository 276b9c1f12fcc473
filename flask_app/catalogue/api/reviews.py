"""Views (API): a product's reviews, written by signed-in users, owned by their authors."""

from __future__ import annotations

from flask import g
from flask.typing import ResponseReturnValue

from catalogue import services
from catalogue.api import bp
from catalogue.api.input import parse
from catalogue.api.listing import page_request, paginated
from catalogue.api.products import get_product_or_404
from catalogue.auth.decorators import check_review_owner, token_required
from catalogue.exceptions import NotFound
from catalogue.schemas import ReviewCreateSchema, ReviewOut, ReviewUpdateSchema
from catalogue.store import get_store


def get_review_or_404(sku: str, review_id: str) -> ReviewOut:
    """The review, if the caller may change it (else 403)."""
    product = get_product_or_404(sku)
    review = get_store().review_get(product.sku, review_id)
    if review is None:
        raise NotFound
    check_review_owner(review)
    return review


@bp.get("/products/<segment:sku>/reviews")
def list_reviews(sku: str) -> ResponseReturnValue:
    product, page = get_product_or_404(sku), page_request()
    return paginated(get_store().review_list(product.sku, page))


@bp.post("/products/<segment:sku>/reviews")
@token_required
def create_review(sku: str) -> ResponseReturnValue:
    product = get_product_or_404(sku)
    data = parse(ReviewCreateSchema).model_dump()
    review = services.review_create(product=product, author=g.user, data=data)
    return review.model_dump(mode="json"), 201


@bp.patch("/products/<segment:sku>/reviews/<segment:review_id>")
@token_required
def update_review(sku: str, review_id: str) -> ResponseReturnValue:
    review = get_review_or_404(sku, review_id)
    data = parse(ReviewUpdateSchema).model_dump(exclude_unset=True)
    return services.review_update(review=review, data=data).model_dump(mode="json")


@bp.delete("/products/<segment:sku>/reviews/<segment:review_id>")
@token_required
def delete_review(sku: str, review_id: str) -> ResponseReturnValue:
    services.review_delete(review=get_review_or_404(sku, review_id))
    return "", 204
