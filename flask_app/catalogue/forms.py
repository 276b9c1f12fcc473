"""Forms: the catalogue filter, sign-in and review forms of the pages (hand-written).

Django has `django.forms` (fields, widgets, `is_valid()`, `errors`, ModelForm);
Flask has nothing, and WTForms would be the usual add-on. These few classes give
the pages the same shape -- `is_valid()`, `cleaned_data`, per-field `errors` and
form-wide errors under `"__all__"` -- and reuse the API's pydantic schemas.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from catalogue import services
from catalogue.repository import ProductFilters, UserRecord
from catalogue.serializers import ReviewCreateSchema

REQUIRED = "This field is required."
RATING_CHOICES = [("", "Choose a rating")] + [(str(n), f"{n} / 5") for n in range(5, 0, -1)]


class Form:
    """What the templates need from a form: the submitted data and errors per field."""

    fields: tuple[str, ...] = ()

    def __init__(self, data: Mapping[str, str] | None = None) -> None:
        self.is_bound = data is not None
        self.data = {name: (data or {}).get(name, "") for name in self.fields}
        self.errors: dict[str, list[str]] = {}
        self.cleaned_data: dict[str, Any] = {}

    def add_error(self, field: str | None, message: str) -> None:
        self.errors.setdefault(field or "__all__", []).append(message)

    def non_field_errors(self) -> list[str]:
        return self.errors.get("__all__", [])

    def clean(self) -> None:
        """Fill `cleaned_data` or call `add_error`; subclasses override."""

    def is_valid(self) -> bool:
        if not self.is_bound:
            return False
        self.errors = {}
        self.clean()
        return not self.errors


class CatalogueFilterForm(Form):
    """The query string of /catalogue: free-text search and one category."""

    fields = ("search", "category")
    max_lengths = {"search": 200, "category": 50}

    def clean(self) -> None:
        for name, limit in self.max_lengths.items():
            value = self.data[name].strip()
            if len(value) > limit:
                self.add_error(name, f"Ensure this value has at most {limit} characters.")
            self.cleaned_data[name] = value

    def filters(self) -> ProductFilters:
        """The repository's filters; an invalid form filters nothing (its errors are shown)."""
        if not self.is_valid():
            return ProductFilters()
        return ProductFilters(
            search=self.cleaned_data["search"], category=self.cleaned_data["category"]
        )


class LoginForm(Form):
    """Username and password, checked against the stored hash."""

    fields = ("username", "password")

    def __init__(self, data: Mapping[str, str] | None = None) -> None:
        super().__init__(data)
        self.user: UserRecord | None = None

    def clean(self) -> None:
        for name in self.fields:
            if not self.data[name].strip():
                self.add_error(name, REQUIRED)
        if self.errors:
            return
        username = self.data["username"].strip()
        self.user = services.user_authenticate(username=username, password=self.data["password"])
        if self.user is None:
            self.add_error(
                None,
                "Please enter a correct username and password. "
                "Note that both fields may be case-sensitive.",
            )

    def get_user(self) -> UserRecord:
        assert self.user is not None, "call is_valid() first"
        return self.user


class ReviewForm(Form):
    """A review's rating, title and body, validated by the API's ReviewCreateSchema."""

    fields = ("rating", "title", "body")

    def clean(self) -> None:
        try:
            # Form fields are text ("4"): the API's strict JSON types do not apply to them.
            review = ReviewCreateSchema.model_validate(self.data, strict=False)
        except ValidationError as exc:
            for error in exc.errors():
                field = str(error["loc"][0]) if error["loc"] else None
                message = error["msg"].removeprefix("Value error, ")
                if field == "rating" and not self.data["rating"].strip():
                    message = REQUIRED
                self.add_error(field, message)
            return
        self.cleaned_data = review.model_dump()
