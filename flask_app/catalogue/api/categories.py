"""Views (API): categories, read by anyone, written by staff."""

from __future__ import annotations

from flask.typing import ResponseReturnValue
from flask.views import MethodView

from catalogue import services
from catalogue.api import bp
from catalogue.exceptions import NotFound
from catalogue.pagination import page_request, paginated
from catalogue.parsers import parse
from catalogue.permissions import staff_required
from catalogue.repository import get_repository
from catalogue.schemas import CategoryCreateSchema, CategoryOut, CategoryUpdateSchema


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


bp.add_url_rule("/categories", view_func=CategoryListView.as_view("category-list"))


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


bp.add_url_rule(
    "/categories/<segment:slug>", view_func=CategoryDetailView.as_view("category-detail")
)
