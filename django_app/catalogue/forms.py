"""Forms: the catalogue filter, sign-in and review forms of the pages (Django forms)."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from catalogue.models import Review
from catalogue.selectors import ProductFilters

RATING_CHOICES = [("", _("Choose a rating"))] + [(n, f"{n} / 5") for n in range(5, 0, -1)]


class CatalogueFilterForm(forms.Form):
    """The query string of /catalogue: free-text search and one category."""

    search = forms.CharField(required=False, max_length=200)
    category = forms.CharField(required=False, max_length=50)

    def filters(self) -> ProductFilters:
        """The selector's filters; an invalid form filters nothing (its errors are shown)."""
        if not self.is_valid():
            return ProductFilters()
        data = self.cleaned_data
        return ProductFilters(search=data["search"] or None, category=data["category"] or None)


class LoginForm(AuthenticationForm):
    """Django's own sign-in form: checks the password with the auth backends."""


class ReviewForm(forms.ModelForm):
    """A review's rating, title and body; product and author come from the URL and session."""

    class Meta:
        model = Review
        fields = ["rating", "title", "body"]
        widgets = {
            "rating": forms.Select(choices=RATING_CHOICES),
            "body": forms.Textarea(attrs={"rows": 4}),
        }
        # The model's fields have no verbose names (the labels would be untranslated).
        labels = {"rating": _("Rating"), "title": _("Title"), "body": _("Body")}
