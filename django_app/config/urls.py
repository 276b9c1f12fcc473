"""Project URLconf: the catalogue app's API and the admin."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("catalogue.urls")),
]

handler400 = "catalogue.errors.bad_request"
handler403 = "catalogue.errors.permission_denied"
handler404 = "catalogue.errors.page_not_found"
handler500 = "catalogue.errors.server_error"
