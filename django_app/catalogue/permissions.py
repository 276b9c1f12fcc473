"""Permissions: staff write the catalogue; authors own their reviews."""

from __future__ import annotations

from rest_framework import permissions
from rest_framework.request import Request
from rest_framework.views import APIView

from catalogue.models import Review


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
