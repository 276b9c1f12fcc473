"""A small utility app in Django: text checksums over JSON and one HTML form, no database."""

from __future__ import annotations

import hashlib
import json

import django
from django import forms
from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

ALGORITHMS = ("md5", "sha1", "sha256", "sha512")
settings.configure(
    DEBUG=False,
    ALLOWED_HOSTS=["*"],
    ROOT_URLCONF=__name__,
    SECRET_KEY="baseline-only-not-a-secret",
    MIDDLEWARE=["django.middleware.csrf.CsrfViewMiddleware"],
    INSTALLED_APPS=[],
    TEMPLATES=[{
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "OPTIONS": {"loaders": [("django.template.loaders.locmem.Loader", {"checksum.html": """\
<!doctype html>
<title>Checksum</title>
<form method="post">{% csrf_token %}
  {{ form.text }}
  {{ form.algorithm }}
  <button>Checksum</button>
</form>
{% if form.errors %}<p class="error">{{ form.algorithm.errors.0 }}</p>{% endif %}
{% if digest %}<output>{{ digest }}</output>{% endif %}
"""})]},
    }],
)  # fmt: skip
django.setup()


class ChecksumForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea, required=False, strip=False)
    algorithm = forms.ChoiceField(
        choices=[(name, name) for name in ALGORITHMS],
        error_messages={"invalid_choice": f"algorithm must be one of {', '.join(ALGORITHMS)}"},
    )


def checksum(text: str, algorithm: str) -> str:
    if algorithm not in ALGORITHMS:
        raise ValueError(f"algorithm must be one of {', '.join(ALGORITHMS)}")
    return hashlib.new(algorithm, text.encode()).hexdigest()


@require_GET
def health(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@require_GET
def algorithms(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"algorithms": list(ALGORITHMS)})


# A JSON API authenticates by other means than the browser's cookie: no CSRF token to send.
@csrf_exempt
@require_POST
def checksum_json(request: HttpRequest) -> JsonResponse:
    try:
        body = json.loads(request.body)
    except ValueError:
        body = None
    if not isinstance(body, dict) or not isinstance(body.get("text"), str):
        return JsonResponse({"error": "send a JSON object with a text string"}, status=400)
    algorithm = body.get("algorithm", "sha256")
    try:
        return JsonResponse({"algorithm": algorithm, "digest": checksum(body["text"], algorithm)})
    except ValueError as error:
        return JsonResponse({"error": str(error)}, status=400)


def form(request: HttpRequest) -> HttpResponse:
    bound = ChecksumForm(request.POST if request.method == "POST" else {"algorithm": "sha256"})
    digest = ""
    if request.method == "POST" and bound.is_valid():
        digest = checksum(bound.cleaned_data["text"], bound.cleaned_data["algorithm"])
    status = 400 if request.method == "POST" and bound.errors else 200
    return render(request, "checksum.html", {"form": bound, "digest": digest}, status=status)


urlpatterns = [
    path("api/health", health),
    path("api/algorithms", algorithms),
    path("api/checksum", checksum_json),
    path("", form),
]
application = get_wsgi_application()
