"""Views: thin DRF views that parse, call a selector or service, and shape the output."""

from __future__ import annotations

import functools
import os
from typing import Any
from weakref import WeakKeyDictionary

import yaml
from django.conf import settings
from django.db import DatabaseError
from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils.decorators import method_decorator
from rest_framework import generics
from rest_framework.decorators import api_view, authentication_classes, permission_classes
from rest_framework.exceptions import ParseError
from rest_framework.permissions import IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from catalogue import selectors, services
from catalogue.conditional import Validators, conditional, last_modified
from catalogue.errors import ServiceUnavailable
from catalogue.models import CatalogueVersion, Category, PriceChange, Product, Review
from catalogue.pagination import PageNumberPagination, positive_int, query_param
from catalogue.permissions import CatalogueModelPermissions, IsReviewAuthorOrStaffDelete, signed_in
from catalogue.renderers import ProductCSVRenderer, ProductTextRenderer
from catalogue.serializers import (
    CategorySerializer,
    PriceChangeSerializer,
    ProductQuerySerializer,
    ProductSerializer,
    ReservationSerializer,
    ReviewSerializer,
)


@api_view(["GET", "HEAD"])
@authentication_classes([])
def health(request: Request) -> Response:
    # Readiness: a draining instance still serves, but asks to be taken out of rotation.
    if settings.DRAIN_FILE and os.path.exists(settings.DRAIN_FILE):
        raise ServiceUnavailable("This instance is shutting down.")
    try:
        vendor = selectors.database_ping()
    except DatabaseError as exc:
        raise ServiceUnavailable from exc
    database = {"postgresql": "postgresql", "sqlite": "sqlite"}.get(vendor, vendor)
    return Response({"status": "ok", "framework": "django", "backend": "sql", "database": database})


@functools.cache
def openapi_document() -> dict[str, Any]:
    with open(settings.OPENAPI_SPEC_PATH, encoding="utf-8") as spec:
        return yaml.safe_load(spec)


@api_view(["GET", "HEAD"])
@authentication_classes([])
def openapi(request: Request) -> Response:
    return Response(openapi_document())


# Per-request memos (the parsed filters, the version row): weak keys, so they hold no
# request past its life.
PRODUCT_FILTERS: WeakKeyDictionary[Request, selectors.ProductFilters] = WeakKeyDictionary()
CATALOGUE_VERSIONS: WeakKeyDictionary[Request, CatalogueVersion] = WeakKeyDictionary()


def catalogue_version(request: Request) -> CatalogueVersion:
    """The version row, read once per request: the list's ETag and its count share it, and
    the stats' ETag and totals."""
    if request not in CATALOGUE_VERSIONS:
        CATALOGUE_VERSIONS[request] = selectors.catalogue_version()
    return CATALOGUE_VERSIONS[request]


def stats_validators(request: Request) -> Validators:
    return Validators(catalogue_version(request), "stats")


@api_view(["GET", "HEAD"])
@conditional(stats_validators)
def stats(request: Request) -> Response:
    # The totals are kept on the version row the ETag was read from.
    stats = selectors.catalogue_stats(version=catalogue_version(request))
    return last_modified(Response(stats.figures), [stats.last_changed])


class CategoryListView(generics.ListCreateAPIView):
    queryset = selectors.category_list()
    serializer_class = CategorySerializer
    permission_classes = [CatalogueModelPermissions]

    def get_success_headers(self, data: dict[str, Any]) -> dict[str, str]:
        return {"Location": reverse("category-detail", kwargs={"slug": data["slug"]})}


class CategoryDetailView(generics.RetrieveUpdateDestroyAPIView):
    queryset = selectors.category_list()
    serializer_class = CategorySerializer
    permission_classes = [CatalogueModelPermissions]
    lookup_field = "slug"
    http_method_names = ["get", "patch", "delete", "head", "options"]

    def perform_destroy(self, instance: Category) -> None:
        services.category_delete(category=instance)


def product_query(request: Request) -> selectors.ProductFilters:
    """The list's filters, parsed once per request (its ETag and its queryset both need them)."""
    if request not in PRODUCT_FILTERS:
        PRODUCT_FILTERS[request] = parse_product_query(request)
    return PRODUCT_FILTERS[request]


# Read once at import: a serializer's fields are deep-copied on every instantiation.
# keys(), not the mapping itself: the DRF stubs type BindingDict iteration as yielding Fields.
QUERY_PARAMS = tuple(ProductQuerySerializer().fields.keys())


def parse_product_query(request: Request) -> selectors.ProductFilters:
    given = {name: query_param(request, name) for name in QUERY_PARAMS}
    query = ProductQuerySerializer(data={k: v for k, v in given.items() if v is not None})
    if not query.is_valid():
        field, errors = next(iter(query.errors.items()))
        raise ParseError(f"Query parameter {field!r}: {errors[0]}")
    params = {key: value for key, value in query.validated_data.items() if value != ""}
    if "in_stock" in params:
        params["in_stock"] = params["in_stock"] == "true"
    return selectors.ProductFilters(**params)


def product_list_validators(request: Request) -> Validators:
    """The page's ETag: the catalogue's version, plus everything else the answer depends on
    (filters, page, caller's visibility, negotiated format). The view reuses the version
    row's product counts."""
    filters = product_query(request)
    page = positive_int(request, "page", 1)  # a malformed one is 400, not a 304
    return Validators(
        catalogue_version(request),
        "products",
        filters,
        page,
        PageNumberPagination().get_page_size(request),
        request.user.is_staff,
        request.accepted_media_type,
    )


def product_detail_validators(request: Request, sku: str) -> Validators | None:
    version = selectors.product_detail_version(user=request.user, sku=sku)
    if version is None:
        return None
    return Validators(version, "product", sku, request.user.is_staff)


@method_decorator(conditional(product_list_validators), name="get")
class ProductListView(generics.ListCreateAPIView):
    serializer_class = ProductSerializer
    permission_classes = [CatalogueModelPermissions]
    renderer_classes = [JSONRenderer, ProductCSVRenderer, ProductTextRenderer]

    def get_renderers(self) -> list[BaseRenderer]:
        # CSV and the text table describe a page of products; writes answer in JSON only.
        if self.request.method == "POST":
            return [JSONRenderer()]
        return super().get_renderers()

    def get_queryset(self) -> QuerySet[Product]:
        return selectors.product_list(user=self.request.user)

    def filter_queryset(
        self, queryset: QuerySet[Product, selectors.Row]
    ) -> QuerySet[Product, selectors.Row]:
        return selectors.product_filter(queryset, filters=product_query(self.request))

    def paginate_queryset(self, queryset: Any) -> list[Any] | None:
        # The unfiltered list's size is kept in the version row its ETag was read from.
        known = selectors.product_count(
            catalogue_version(self.request),
            user=self.request.user,
            filters=product_query(self.request),
        )
        paginator = self.paginator
        assert isinstance(paginator, PageNumberPagination)  # the project's pagination class
        self.page_rows: list[Product] = (
            paginator.paginate_queryset(queryset, self.request, view=self, known_count=known) or []
        )
        return self.page_rows

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().list(request, *args, **kwargs)
        return last_modified(response, [product.last_changed for product in self.page_rows])

    def get_success_headers(self, data: dict[str, Any]) -> dict[str, str]:
        return {"Location": reverse("product-detail", kwargs={"sku": data["sku"]})}


@method_decorator(conditional(product_detail_validators), name="get")
class ProductDetailView(generics.RetrieveUpdateDestroyAPIView):
    serializer_class = ProductSerializer
    permission_classes = [CatalogueModelPermissions]
    lookup_field = "sku"

    def get_queryset(self) -> QuerySet[Product]:
        return selectors.product_list(user=self.request.user)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        product = self.get_object()
        response = Response(self.get_serializer(product).data)
        return last_modified(response, [product.last_changed])

    def perform_destroy(self, instance: Product) -> None:
        services.product_delete(product=instance)


@api_view(["POST"])
@permission_classes([IsAuthenticated])
def product_reserve(request: Request, sku: str) -> Response:
    product = selectors.product_row_get(user=request.user, sku=sku)
    serializer = ReservationSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    quantity = serializer.validated_data["quantity"]
    stock = services.product_reserve(product=product, quantity=quantity)
    return Response({"sku": product.sku, "reserved": quantity, "stock": stock})


class PriceHistoryView(generics.ListAPIView):
    serializer_class = PriceChangeSerializer

    def get_queryset(self) -> QuerySet[PriceChange]:
        product = selectors.product_row_get(user=self.request.user, sku=self.kwargs["sku"])
        return selectors.price_history(product=product)


class ReviewListView(generics.ListCreateAPIView):
    serializer_class = ReviewSerializer
    permission_classes = [IsAuthenticatedOrReadOnly]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        # After authentication and permissions, before the body is read: the contract
        # answers an unknown product with 404 ahead of any 422 for the review itself.
        self.product = selectors.product_row_get(user=request.user, sku=kwargs["sku"])

    def get_queryset(self) -> QuerySet[Review]:
        return selectors.review_list(product=self.product)

    def perform_create(self, serializer: BaseSerializer[Review]) -> None:
        serializer.save(product=self.product, author=signed_in(self.request.user))


class ReviewDetailView(generics.UpdateAPIView, generics.DestroyAPIView):
    serializer_class = ReviewSerializer
    permission_classes = [IsReviewAuthorOrStaffDelete]
    http_method_names = ["patch", "delete", "options"]
    lookup_url_kwarg = "review_id"

    def get_queryset(self) -> QuerySet[Review]:
        product = selectors.product_row_get(user=self.request.user, sku=self.kwargs["sku"])
        return selectors.review_list(product=product)

    def get_object(self) -> Review:
        review_id = self.kwargs["review_id"]
        # Ids are opaque: only a plain number that fits a BIGINT names a review. The ORM
        # would read " 1", "+1" or "1_0" as a number, and fail on a larger one.
        if not (review_id.isascii() and review_id.isdigit() and len(review_id) <= 18):
            raise Http404
        return super().get_object()

    def perform_destroy(self, instance: Review) -> None:
        services.review_delete(review=instance)
