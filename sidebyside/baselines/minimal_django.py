"""The smallest Django app: one JSON view in one file, no ORM, apps or middleware."""

from __future__ import annotations

import django
from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpRequest, JsonResponse
from django.urls import path

settings.configure(
    DEBUG=False,
    ALLOWED_HOSTS=["*"],
    ROOT_URLCONF=__name__,
    SECRET_KEY="baseline-only-not-a-secret",
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
)
django.setup()


def health(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


urlpatterns = [path("api/health", health)]
application = get_wsgi_application()
