"""Pages: the server-rendered catalogue, product page, sign-in and sign-out (Jinja2).

Session authentication: Flask-Login's `login_user()` puts the username in Flask's
signed-cookie session, `current_user` reads it back; CSRFProtect checks every form
POST (sessions.py). Thin, like the API views: the repository reads, services
write, forms validate; sign-in goes through the same failed-login throttle as
`POST /api/auth/token`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_user, logout_user
from flask_wtf.csrf import CSRFError

from catalogue import services
from catalogue.auth import login_throttle
from catalogue.exceptions import Conflict, Throttled
from catalogue.forms import CatalogueFilterForm, LoginForm, ReviewForm
from catalogue.repository import PageRequest, get_repository
from catalogue.sessions import PageUser, check_origin, login_manager

# The pages' own blueprint, so the API's token and JSON-only hooks never run for them;
# Flask-Login's session user and CSRFProtect serve them instead (Django:
# AuthenticationMiddleware and CsrfViewMiddleware, for every view).
bp = Blueprint("pages", __name__)
# After CSRFProtect's token (and, over HTTPS, Referer) check: Django's Origin check.
bp.before_request(check_origin)

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


@bp.errorhandler(CSRFError)
def csrf_failure(exc: CSRFError) -> ResponseReturnValue:
    """The pages blueprint's CSRF handler: 403, as Django answers (Flask-WTF's is 400)."""
    return error_page(403, "The form has expired or was not sent by this site.")


@bp.route("/", endpoint="home")
def home_page() -> ResponseReturnValue:
    return redirect(url_for("pages.catalogue-page"))


@bp.route("/catalogue", endpoint="catalogue-page")
def catalogue_page() -> ResponseReturnValue:
    form = CatalogueFilterForm(request.args)
    filters, repository = form.filters(), get_repository()
    number = page_number(request.args.get("page"))
    inactive = current_user.is_staff
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


@bp.route("/catalogue/<segment:sku>", endpoint="product-page", methods=["GET", "POST"])
def product_page(sku: str) -> ResponseReturnValue:
    repository = get_repository()
    product = repository.product_get(sku, current_user.is_staff)
    if product is None:
        return error_page(404, f"No product with SKU {sku}.")
    form = ReviewForm()
    if form.is_submitted():
        if not current_user.is_authenticated:
            # What @login_required does, here after the 404 (the GET is anyone's).
            return login_manager.unauthorized()
        if form.validate():
            try:
                services.review_create(product=product, author=current_user, data=form.review())
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
        already_reviewed=current_user.is_authenticated
        and repository.review_exists(product.sku, current_user),
        form=form,
    )


def next_url() -> str:
    """Where to go after signing in: `next` if it is a path on this site, else the catalogue."""
    target = request.form.get("next") or request.args.get("next") or ""
    if target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return url_for("pages.catalogue-page")


@bp.route("/login", endpoint="login", methods=["GET", "POST"])
def login_page() -> ResponseReturnValue:
    form = LoginForm()
    if form.validate_on_submit():
        username = form.username.data
        try:
            login_throttle.claim(username)  # after the form validates: invalid ones never count
        except Throttled as exc:
            form.form_errors.append(exc.message)
            page = render_template("catalogue/login.html", form=form, next=next_url())
            return page, 429, {"Retry-After": str(exc.wait)}
        user = services.user_authenticate(username=username, password=form.password.data)
        if user is not None:
            login_throttle.release(username)
            session.clear()  # a fresh session and CSRF token (Django's login() cycles both)
            login_user(PageUser(**vars(user)))
            session.permanent = True  # PERMANENT_SESSION_LIFETIME, like SESSION_COOKIE_AGE
            flash(f"Signed in as {user.username}.", "success")
            return redirect(next_url())
        form.form_errors.append(
            "Please enter a correct username and password. "
            "Note that both fields may be case-sensitive."
        )
    return render_template("catalogue/login.html", form=form, next=next_url())


@bp.route("/logout", endpoint="logout", methods=["POST"])
def logout_page() -> ResponseReturnValue:
    logout_user()  # forgets the user in the cookie; a copy of the old one would still verify
    flash("Signed out.", "success")
    return redirect(url_for("pages.catalogue-page"))
