"""Pages: the server-rendered catalogue, product page, sign-in and sign-out (Django templates).

Session authentication: `django.contrib.auth.login()` stores the user's id in a
database-backed session (the `django_session` table; the cookie holds only the
session key) and rotates the CSRF token. `CsrfViewMiddleware` checks every form
POST. Thin, like the API views: selectors read, services write, forms validate.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.forms import UsernameField
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from catalogue import caching, selectors, services
from catalogue.exceptions import Conflict
from catalogue.forms import CatalogueFilterForm, LoginForm, ReviewForm
from catalogue.throttling import LoginFailureThrottle

PAGE_SIZE = 12
REVIEWS_SHOWN = 100


def error_page(request: HttpRequest, status: int, message: str) -> HttpResponse:
    context = {"status": status, "message": message}
    return render(request, "catalogue/error.html", context, status=status)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """settings.CSRF_FAILURE_VIEW: a form posted without a valid token."""
    return error_page(request, 403, _("The form has expired or was not sent by this site."))


def conflict_message(exc: Conflict) -> str:
    """The page's words for a refused review: the services' message is the API's, in English."""
    if exc.code == "already_reviewed":
        return _("You have already reviewed this product.")
    return exc.message


@require_safe
def home_page(request: HttpRequest) -> HttpResponse:
    return redirect("catalogue-page")


@require_safe
def catalogue_page(request: HttpRequest) -> HttpResponse:
    form = CatalogueFilterForm(request.GET)
    products = selectors.product_filter(
        selectors.product_list(user=request.user), filters=form.filters()
    )
    page: Page = Paginator(products, PAGE_SIZE).get_page(request.GET.get("page"))
    context: dict[str, Any] = {
        "form": form,
        "page": page,
        "products": page.object_list,
        # Lazy: read only when the category filter's fragment is not cached (catalogue.html),
        # whose key holds the generation, so a catalogue write renders it anew.
        "categories": selectors.category_list(),
        "catalogue_generation": caching.generation(),
    }
    return render(request, "catalogue/catalogue.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def product_page(request: HttpRequest, sku: str) -> HttpResponse:
    try:
        product = selectors.product_get(user=request.user, sku=sku)
    except Http404:
        return error_page(request, 404, _("No product with SKU %(sku)s.") % {"sku": sku})
    form = ReviewForm()
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.path, login_url="login")
        form = ReviewForm(request.POST)
        if form.is_valid():
            try:
                services.review_create(product=product, author=request.user, data=form.cleaned_data)
            except Conflict as exc:  # reviewed meanwhile, from another tab or the API
                messages.error(request, conflict_message(exc))
            else:
                messages.success(request, _("Thank you, your review is published."))
            return redirect("product-page", sku=product.sku)  # post/redirect/get
    context = {
        "product": product,
        "reviews": selectors.review_list(product=product)[:REVIEWS_SHOWN],
        "already_reviewed": selectors.review_exists(product=product, author=request.user),
        "form": form,
    }
    return render(request, "catalogue/product.html", context)


def next_url(request: HttpRequest) -> str:
    """Where to go after signing in: `next` if it stays on this site, else the catalogue."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("catalogue-page")


@require_http_methods(["GET", "HEAD", "POST"])
def login_page(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request, data=request.POST if request.method == "POST" else None)
    context: dict[str, Any] = {"form": form, "next": next_url(request)}
    # The API's failed-login throttle, on the same slots: a username locked out on one
    # sign-in is locked out on the other, on every worker and instance.
    # Keyed as the form looks the user up: trimmed and NFKC-normalised (UsernameField).
    username = UsernameField().to_python(request.POST.get("username", ""))
    throttle = LoginFailureThrottle(username) if request.method == "POST" and username else None
    wait = throttle.claim() if throttle else None
    if wait is not None:
        context["throttled"] = _("Too many failed sign-ins. Try again in %(wait)s seconds.") % {
            "wait": wait
        }
        context["form"] = LoginForm(request, initial={"username": username})
        response = render(request, "catalogue/login.html", context, status=429)
        response["Retry-After"] = str(wait)
        return response
    if form.is_valid():
        if throttle:
            throttle.release()
        login(request, form.get_user())  # new session key, new CSRF token
        signed_in = {"username": form.get_user().username}
        messages.success(request, _("Signed in as %(username)s.") % signed_in)
        return redirect(next_url(request))
    if throttle and not form.has_error(NON_FIELD_ERRORS, "invalid_login"):
        throttle.release()  # no password was checked (a field is missing or too long)
    return render(request, "catalogue/login.html", context)


@require_POST
def logout_page(request: HttpRequest) -> HttpResponse:
    logout(request)  # deletes the session row: the old cookie is worthless now
    messages.success(request, _("Signed out."))
    return redirect("catalogue-page")
