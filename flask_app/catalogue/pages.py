"""Pages: the server-rendered catalogue, product page, sign-in and sign-out (Jinja2).

Session authentication: Flask-Login's `login_user()` puts the username in Flask's
signed-cookie session, `current_user` reads it back; CSRFProtect checks every form
POST (login.py). Thin, like the API views: the store reads, services write, forms
validate; sign-in goes through the same failed-login throttle as `POST /api/auth/token`.
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_user, logout_user
from flask_wtf.csrf import CSRFError

from catalogue import caching, i18n, services
from catalogue.auth.throttle import login_throttle
from catalogue.exceptions import Conflict, Throttled
from catalogue.forms import CatalogueFilterForm, LoginForm, ReviewForm
from catalogue.login import PageUser, check_origin, login_manager, page_user
from catalogue.store import PageRequest, get_store

# The pages' own blueprint, so the API's token and JSON-only hooks never run for them;
# Flask-Login's session user and CSRFProtect serve them instead.
bp = Blueprint("pages", __name__)
# After CSRFProtect's token (and, over HTTPS, Referer) check: the Origin check.
bp.before_request(check_origin)
# The pages' language (i18n.py): the switcher's options, the headers, the switch itself.
bp.context_processor(i18n.template_context)
bp.after_request(i18n.language_headers)
bp.add_url_rule("/language", "set_language", i18n.set_language, methods=["POST"])

PAGE_SIZE = 12
REVIEWS_SHOWN = 100


def page_number(raw: str | None) -> int:
    """The `page` asked for: not a number means page 1, below 1 means the last page (0)."""
    try:
        number = int(raw or "1")
    except ValueError:
        return 1
    return max(number, 0)


def page_url(number: int) -> str:
    """This URL's query string with `page` replaced."""
    args = request.args.to_dict()
    args["page"] = str(number)
    return "?" + urlencode(args)


def error_page(status: int, message: str) -> ResponseReturnValue:
    return render_template("catalogue/error.html", status=status, message=message), status


@bp.errorhandler(CSRFError)
def csrf_failure(exc: CSRFError) -> ResponseReturnValue:
    """The pages blueprint's CSRF handler: the contract's 403 (Flask-WTF's is 400)."""
    return error_page(403, _("The form has expired or was not sent by this site."))


def conflict_message(exc: Conflict) -> str:
    """The page's words for a refused review: the services' message is the API's, in English."""
    if exc.code == "already_reviewed":
        return _("You have already reviewed this product.")
    return exc.message


@bp.get("/")
def home_page() -> ResponseReturnValue:
    return redirect(url_for("pages.catalogue_page"))


@bp.get("/catalogue")
def catalogue_page() -> ResponseReturnValue:
    form = CatalogueFilterForm(request.args)
    filters, store = form.filters(), get_store()
    number = page_number(request.args.get("page"))
    inactive = page_user().is_staff
    page = store.product_list(filters, inactive, PageRequest(max(number, 1), PAGE_SIZE))
    if number < 1 or (not page.items and number > 1):  # out of range: the last page
        page = store.product_list(filters, inactive, PageRequest(page.pages, PAGE_SIZE))
    return render_template(
        "catalogue/catalogue.html",
        form=form,
        page=page,
        products=[product.model_dump(mode="json") for product in page.items],
        # Called only when the category filter's fragment is not cached (catalogue.html),
        # whose key holds the generation, so a catalogue write renders it anew.
        categories=lambda: store.category_list(PageRequest(1, 100)).items,
        catalogue_generation=caching.generation(),
        page_url=page_url,
    )


@bp.route("/catalogue/<segment:sku>", methods=["GET", "POST"])
def product_page(sku: str) -> ResponseReturnValue:
    store, user = get_store(), page_user()
    product = store.product_get(sku, user.is_staff)
    if product is None:
        return error_page(404, _("No product with SKU %(sku)s.", sku=sku))
    form = ReviewForm()
    if form.is_submitted():
        if not isinstance(user, PageUser):
            # What @login_required does, here after the 404 (the GET is anyone's).
            return login_manager.unauthorized()
        if form.validate():
            try:
                services.review_create(product=product, author=user, data=form.review())
            except Conflict as exc:  # reviewed meanwhile, from another tab or the API
                flash(conflict_message(exc), "error")
            else:
                flash(_("Thank you, your review is published."), "success")
            return redirect(url_for("pages.product_page", sku=product.sku))  # PRG
    reviews = store.review_list(product.sku, PageRequest(1, REVIEWS_SHOWN)).items
    return render_template(
        "catalogue/product.html",
        product=product.model_dump(mode="json"),
        reviews=[review.model_dump(mode="json") for review in reviews],
        already_reviewed=isinstance(user, PageUser) and store.review_exists(product.sku, user),
        form=form,
    )


def next_url() -> str:
    """Where to go after signing in: `next` if it is a path on this site, else the catalogue."""
    target = request.form.get("next") or request.args.get("next") or ""
    if target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return url_for("pages.catalogue_page")


@bp.route("/login", methods=["GET", "POST"])
def login_page() -> ResponseReturnValue:
    form = LoginForm()
    if form.validate_on_submit():
        username = form.username.data
        try:
            login_throttle.claim(username)  # after the form validates: invalid ones never count
        except Throttled as exc:
            form.form_errors.append(
                _("Too many failed sign-ins. Try again in %(wait)s seconds.", wait=exc.wait)
            )
            page = render_template("catalogue/login.html", form=form, next=next_url())
            return page, 429, {"Retry-After": str(exc.wait)}
        user = services.user_authenticate(username=username, password=form.password.data)
        if user is not None:
            login_throttle.release(username)
            language = session.get(i18n.SESSION_KEY)
            session.clear()  # a fresh session and CSRF token: none from before sign-in survives
            if language is not None:  # but the switcher's choice does, as Django's cookie does
                session[i18n.SESSION_KEY] = language
            login_user(PageUser(**vars(user)))
            session.permanent = True  # kept for PERMANENT_SESSION_LIFETIME, not the browser session
            flash(_("Signed in as %(username)s.", username=user.username), "success")
            return redirect(next_url())
        form.form_errors.append(
            _(
                "Please enter a correct username and password. "
                "Note that both fields may be case-sensitive."
            )
        )
    return render_template("catalogue/login.html", form=form, next=next_url())


@bp.post("/logout")
def logout_page() -> ResponseReturnValue:
    logout_user()  # forgets the user in the cookie; a copy of the old one would still verify
    flash(_("Signed out."), "success")
    return redirect(url_for("pages.catalogue_page"))
