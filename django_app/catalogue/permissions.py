"""Permissions: staff may do everything, editors (a group) create and change the catalogue."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from rest_framework import exceptions, permissions
from rest_framework.request import Request
from rest_framework.views import APIView

from catalogue.models import Review

# The group the data migration 0006 creates with the add and change (never delete)
# permissions on Product and Category; staff manage its members and rights in the admin.
EDITORS = "editors"


def signed_in(user: User | AnonymousUser) -> User:
    """The caller, in a view whose permission classes have already refused anonymous ones.

    Narrows `request.user` for the type checker; the check itself never fails there.
    """
    if isinstance(user, AnonymousUser):
        raise exceptions.NotAuthenticated
    return user


class CatalogueModelPermissions(permissions.DjangoModelPermissionsOrAnonReadOnly):
    """Anyone reads; a write needs the model permission its method maps to (POST `add_`,
    PUT/PATCH `change_`, DELETE `delete_`), from the user or one of their groups.

    Staff pass without a lookup: `is_staff` has always meant "may do everything" in this
    API (and in the contract, on every target), whether the account came from the seed,
    `createsuperuser` or the admin's staff checkbox; asking staff for model permissions
    would silently take writes away from a staff account nobody gave them to.
    """

    def has_permission(self, request: Request, view: APIView) -> bool:
        if request.user and request.user.is_staff:
            return True
        return super().has_permission(request, view)


class IsReviewAuthorOrStaffDelete(permissions.BasePermission):
    """The author edits a review; the author or staff may delete it."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        return bool(request.user and request.user.is_authenticated)

    def has_object_permission(self, request: Request, view: APIView, obj: Review) -> bool:
        if obj.author_id == request.user.pk:
            return True
        return request.method == "DELETE" and request.user.is_staff
