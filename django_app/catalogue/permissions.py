"""Permissions: staff write the catalogue; authors own their reviews."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from rest_framework import exceptions, permissions
from rest_framework.request import Request
from rest_framework.views import APIView

from catalogue.models import Review


def signed_in(user: User | AnonymousUser) -> User:
    """The caller, in a view whose permission classes have already refused anonymous ones.

    Narrows `request.user` for the type checker; the check itself never fails there.
    """
    if isinstance(user, AnonymousUser):
        raise exceptions.NotAuthenticated
    return user


class IsStaffOrReadOnly(permissions.BasePermission):
    """Anyone reads; only authenticated staff write."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        return bool(request.user and request.user.is_authenticated and request.user.is_staff)


class IsReviewAuthorOrStaffDelete(permissions.BasePermission):
    """The author edits a review; the author or staff may delete it."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        return bool(request.user and request.user.is_authenticated)

    def has_object_permission(self, request: Request, view: APIView, obj: Review) -> bool:
        if obj.author_id == request.user.pk:
            return True
        return request.method == "DELETE" and request.user.is_staff
