"""API reference: Swagger UI at /api/docs, from drf-spectacular-sidecar's pinned static files."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import TemplateView


# It takes no form, so no CSRF token: a POST gets the API's 405, as DRF's views do.
@method_decorator(csrf_exempt, name="dispatch")
class ApiDocsView(TemplateView):
    """The page loads the sidecar's Swagger UI and catalogue/api-docs.js, which renders the
    served /api/openapi.json. The API's paths get no policy from the middleware (their
    answers keep the contract's headers), so this page sets the site's own."""

    template_name = "catalogue/api_docs.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().get(request, *args, **kwargs)
        response["Content-Security-Policy"] = settings.API_DOCS_CONTENT_SECURITY_POLICY
        return response
