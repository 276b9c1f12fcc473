"""Views (API): categories, read by anyone, written by staff."""

from __future__ import annotations

from flask.typing import ResponseReturnValue

from catalogue import services
from catalogue.api import bp
from catalogue.api.input import parse
from catalogue.api.listing import page_request, paginated
from catalogue.auth.decorators import permission_required
from catalogue.auth.roles import Permission
from catalogue.exceptions import NotFound
from catalogue.schemas import CategoryCreateSchema, CategoryOut, CategoryUpdateSchema
from catalogue.store import get_store


def get_category_or_404(slug: str) -> CategoryOut:
    category = get_store().category_get(slug)
    if category is None:
        raise NotFound
    return category


@bp.get("/categories")
def list_categories() -> ResponseReturnValue:
    return paginated(get_store().category_list(page_request()))


@bp.post("/categories")
@permission_required(Permission.CATEGORY_CREATE)
def create_category() -> ResponseReturnValue:
    data = parse(CategoryCreateSchema)
    category = services.category_create(**data.model_dump())
    location = f"/api/categories/{category.slug}"
    return category.model_dump(mode="json"), 201, {"Location": location}


@bp.get("/categories/<segment:slug>")
def get_category(slug: str) -> ResponseReturnValue:
    return get_category_or_404(slug).model_dump(mode="json")


@bp.patch("/categories/<segment:slug>")
@permission_required(Permission.CATEGORY_UPDATE)
def update_category(slug: str) -> ResponseReturnValue:
    category = get_category_or_404(slug)
    data = parse(CategoryUpdateSchema).model_dump(exclude_unset=True)
    return services.category_update(slug=category.slug, data=data).model_dump(mode="json")


@bp.delete("/categories/<segment:slug>")
@permission_required(Permission.CATEGORY_DELETE)
def delete_category(slug: str) -> ResponseReturnValue:
    services.category_delete(slug=get_category_or_404(slug).slug)
    return "", 204
