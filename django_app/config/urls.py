"""Project URLconf: the catalogue app's API and pages, and the admin."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    # The admin keeps Django's trailing slashes (the slash middleware exempts it).
    path("admin", RedirectView.as_view(url="/admin/", permanent=True)),
    path("admin/", admin.site.urls),
    path("", include("catalogue.urls")),
]

handler400 = "catalogue.errors.bad_request"
handler403 = "catalogue.errors.permission_denied"
handler404 = "catalogue.errors.page_not_found"
handler500 = "catalogue.errors.server_error"
