"""Forms: the catalogue filter, sign-in and review forms of the pages (Flask-WTF).

FlaskForm reads `request.form` itself and carries the CSRF token; the review
form's rules are the API's own pydantic field types (schemas.py), applied by one
WTForms validator, so the page and `POST /api/.../reviews` cannot drift apart.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from pydantic import TypeAdapter
from pydantic import ValidationError as PydanticValidationError
from wtforms import Field, Form, PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from catalogue.schemas import Rating, ReviewBody, ReviewTitle, strip
from catalogue.store import ProductFilters

RATING_CHOICES = [("", _l("Choose a rating"))] + [(str(n), f"{n} / 5") for n in range(5, 0, -1)]
# WTForms' own French says "Ce champ est requis."; the pages say what Django's forms say.
REQUIRED = _l("This field is required.")
# pydantic's messages are English only: the one a page can show gets our catalog's words.
TOO_LONG = _l("Ensure this value has at most %(max)d characters (it has %(length)d).")


def no_null_characters(form: Form, field: Field) -> None:
    """No NUL in any text field: PostgreSQL cannot store it, nor compare it in a query."""
    if "\x00" in (field.data or ""):
        raise ValidationError(_l("Null characters are not allowed."))


class FollowsSchema:
    """A WTForms validator: the field's text must pass one of the API's pydantic field
    types, taken leniently (form fields are text: `"4"` is a rating here)."""

    def __init__(self, field_type: Any) -> None:
        self.adapter = TypeAdapter(field_type)

    def __call__(self, form: Form, field: Field) -> None:
        try:
            self.adapter.validate_python(field.data, strict=False)
        except PydanticValidationError as exc:
            error = exc.errors()[0]
            if error["type"] in {"string_too_long", "too_long"}:
                limits = {"max": error["ctx"]["max_length"], "length": len(field.data)}
                raise ValidationError(TOO_LONG % limits) from exc
            raise ValidationError(error["msg"]) from exc


class CatalogueFilterForm(FlaskForm):
    """The query string of /catalogue: free-text search and one category (GET, no CSRF)."""

    class Meta:
        csrf = False

    # Labelled here too: an unlabelled field asks for its name's translation on every
    # request, and Flask-WTF loads WTForms' own catalog from disk to answer.
    search = StringField(
        _l("Search"), filters=[strip], validators=[Length(max=200), no_null_characters]
    )
    category = StringField(
        _l("Category"), filters=[strip], validators=[Length(max=50), no_null_characters]
    )

    def filters(self) -> ProductFilters:
        """The store's filters; an invalid form filters nothing (its errors are shown)."""
        if not self.validate():
            return ProductFilters()
        return ProductFilters(search=self.search.data or "", category=self.category.data or "")


class LoginForm(FlaskForm):
    """Username (trimmed, case-sensitive) and password (never trimmed)."""

    username = StringField(
        _l("Username"), filters=[strip], validators=[DataRequired(REQUIRED), no_null_characters]
    )
    password = PasswordField(
        _l("Password"), validators=[InputRequired(REQUIRED), no_null_characters]
    )


class ReviewForm(FlaskForm):
    """A review's rating, title and body, by the rules of the API's ReviewCreateSchema."""

    rating = SelectField(
        _l("Rating"),
        choices=RATING_CHOICES,
        validators=[InputRequired(REQUIRED), FollowsSchema(Rating)],
    )
    # Optional, as in the API: a post without them means "" (WTForms' default is None).
    title = StringField(
        _l("Title"),
        default="",
        filters=[strip],
        validators=[no_null_characters, FollowsSchema(ReviewTitle)],
    )
    body = TextAreaField(
        _l("Body"),
        default="",
        filters=[strip],
        validators=[no_null_characters, FollowsSchema(ReviewBody)],
    )

    def review(self) -> dict[str, Any]:
        """The validated review, as `services.review_create()` takes it."""
        return {"rating": int(self.rating.data), "title": self.title.data, "body": self.body.data}
