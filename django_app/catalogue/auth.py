"""Auth: register, log in (issue a token), log out (revoke it), me; the failed-login throttle."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.contrib.auth import authenticate
from django.http import HttpRequest
from rest_framework import authentication, generics, status, throttling
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from catalogue import services
from catalogue.errors import InvalidCredentials
from catalogue.serializers import LoginSerializer, RegisterSerializer, UserSerializer

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractUser


class LoginFailureThrottle(throttling.SimpleRateThrottle):
    """Throttle by username, counting failed logins only (DRF's throttles count every request).

    The counters live in Django's cache (settings.CACHES: the database cache, or Redis),
    so every worker and every instance sees the same ones. The API's token view and the
    sign-in page both use it: `request` is a DRF Request or a plain HttpRequest.
    """

    scope = "login"

    def get_cache_key(self, request: Request | HttpRequest, view: Any) -> str | None:
        data = request.data if isinstance(request, Request) else request.POST
        username = data.get("username") if isinstance(data, Mapping) else None
        if not isinstance(username, str) or not username.strip():
            return None
        # Hashed: any text is a valid key for every cache backend (memcached refuses
        # spaces, control characters and keys over 250 bytes).
        # Exactly the identity `authenticate()` looks up: usernames are case-sensitive.
        ident = hashlib.sha256(username.strip().encode()).hexdigest()
        return self.cache_format % {"scope": self.scope, "ident": ident}

    def allow_request(self, request: Request | HttpRequest, view: Any) -> bool:
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        self.history = [t for t in self.cache.get(self.key, []) if t > self.now - self.duration]
        return len(self.history) < self.num_requests

    def wait(self) -> float:
        # Whole seconds, at least one: Retry-After: 0 would invite an instant retry.
        return max(1, math.ceil(super().wait() or 1))

    def record_failure(self, request: Request | HttpRequest, view: Any) -> None:
        """Count one failed attempt against the username in the request."""
        if self.allow_request(request, view) and self.key is not None:
            self.history.insert(0, self.now)
            self.cache.set(self.key, self.history, self.duration)


class RegisterView(generics.CreateAPIView):
    serializer_class = RegisterSerializer
    authentication_classes: list[type[authentication.BaseAuthentication]] = []

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.user_register(**serializer.validated_data)
        return Response(UserSerializer(user).data, status=status.HTTP_201_CREATED)


class TokenView(APIView):
    """POST issues a new token for a username and password; DELETE revokes the caller's."""

    throttle_classes = [LoginFailureThrottle]

    def get_permissions(self) -> list[Any]:
        return [IsAuthenticated()] if self.request.method == "DELETE" else []

    def get_throttles(self) -> list[LoginFailureThrottle]:
        return super().get_throttles() if self.request.method == "POST" else []

    def post(self, request: Request) -> Response:
        serializer = LoginSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = authenticate(request._request, **serializer.validated_data)
        if user is None:
            for throttle in self.get_throttles():
                throttle.record_failure(request, self)
            raise InvalidCredentials
        key = services.token_issue(user=user)
        return Response({"token": key, "user": UserSerializer(user).data})

    def delete(self, request: Request) -> Response:
        services.token_revoke(token=request.auth)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(generics.RetrieveAPIView):
    serializer_class = UserSerializer
    permission_classes = [IsAuthenticated]

    def get_object(self) -> AbstractUser:
        return self.request.user
