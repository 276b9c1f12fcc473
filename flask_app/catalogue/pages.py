"""Pages: the server-rendered catalogue, product page, sign-in and sign-out (Jinja2).

Session authentication: `sessions.login_user()` puts the username in Flask's
signed-cookie session; `sessions.csrf_protect` checks every form POST (both run
as hooks of the `pages` blueprint in urls.py). Thin, like the API views: the
repository reads, services write, forms validate.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from flask import flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from catalogue import services
from catalogue.errors import Conflict
from catalogue.forms import RATING_CHOICES, CatalogueFilterForm, LoginForm, ReviewForm
from catalogue.permissions import can_see_inactive
from catalogue.repository import PageRequest, get_repository
from catalogue.sessions import CsrfFailed, login_user, logout_user

PAGE_SIZE = 12
REVIEWS_SHOWN = 100


@dataclass(frozen=True)
class Page:
    """One page of products, like Django's Paginator.get_page() result."""

    number: int
    count: int
    size: int
    items: list[dict[str, Any]]

    @property
    def num_pages(self) -> int:
        return max(1, math.ceil(self.count / self.size))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages


def page_number(raw: str | None) -> int:
    """Like Paginator.get_page(): not a number means page 1; below 1 (0 here), the last page."""
    try:
        number = int(raw or "1")
    except ValueError:
        return 1
    return max(number, 0)


def page_url(number: int) -> str:
    """This URL's query string with `page` replaced (Django: the {% querystring %} tag)."""
    args = request.args.to_dict()
    args["page"] = str(number)
    return "?" + urlencode(args)


def error_page(status: int, message: str) -> ResponseReturnValue:
    return render_template("catalogue/error.html", status=status, message=message), status


def csrf_failure(exc: CsrfFailed) -> ResponseReturnValue:
    """The pages blueprint's 403 handler: a form posted without a valid token."""
    return error_page(403, exc.description)


def home_page() -> ResponseReturnValue:
    return redirect(url_for("pages.catalogue-page"))


def catalogue_page() -> ResponseReturnValue:
    form = CatalogueFilterForm(request.args)
    filters, repository = form.filters(), get_repository()
    number = page_number(request.args.get("page"))
    inactive = can_see_inactive()
    total, products = repository.product_list(
        filters, inactive, PageRequest(max(number, 1), PAGE_SIZE)
    )
    if number < 1 or (not products and number > 1):  # out of range: the last page
        number = max(1, math.ceil(total / PAGE_SIZE))
        total, products = repository.product_list(filters, inactive, PageRequest(number, PAGE_SIZE))
    page = Page(number, total, PAGE_SIZE, [p.model_dump(mode="json") for p in products])
    categories = repository.category_list(PageRequest(1, 100))[1]
    return render_template(
        "catalogue/catalogue.html",
        form=form,
        page=page,
        products=page.items,
        categories=categories,
        page_url=page_url,
    )


def product_page(sku: str) -> ResponseReturnValue:
    repository = get_repository()
    product = repository.product_get(sku, can_see_inactive())
    if product is None:
        return error_page(404, f"No product with SKU {sku}.")
    form = ReviewForm()
    if request.method == "POST":
        if g.user is None:
            return redirect(url_for("pages.login", next=request.path))
        form = ReviewForm(request.form)
        if form.is_valid():
            try:
                services.review_create(product=product, author=g.user, data=form.cleaned_data)
            except Conflict as exc:  # reviewed meanwhile, from another tab or the API
                flash(exc.message, "error")
            else:
                flash("Thank you, your review is published.", "success")
            return redirect(url_for("pages.product-page", sku=product.sku))  # PRG
    reviews = repository.review_list(product.sku, PageRequest(1, REVIEWS_SHOWN))[1]
    return render_template(
        "catalogue/product.html",
        product=product.model_dump(mode="json"),
        reviews=[review.model_dump(mode="json") for review in reviews],
        already_reviewed=g.user is not None and repository.review_exists(product.sku, g.user),
        form=form,
        rating_choices=RATING_CHOICES,
    )


def next_url() -> str:
    """Where to go after signing in: `next` if it is a path on this site, else the catalogue."""
    target = request.form.get("next") or request.args.get("next") or ""
    if target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return url_for("pages.catalogue-page")


def login_page() -> ResponseReturnValue:
    form = LoginForm(request.form if request.method == "POST" else None)
    if form.is_valid():
        login_user(form.get_user())  # a fresh session and CSRF token
        flash(f"Signed in as {form.get_user().username}.", "success")
        return redirect(next_url())
    return render_template("catalogue/login.html", form=form, next=next_url())


def logout_page() -> ResponseReturnValue:
    logout_user()  # clears the cookie; a copy of the old one would still verify
    flash("Signed out.", "success")
    return redirect(url_for("pages.catalogue-page"))
