"""Auth: register, log in (issue a token), log out (revoke it), me; the failed-login throttle."""

from __future__ import annotations

import hashlib
import math
import time
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.cache import cache
from rest_framework import authentication, exceptions, generics, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from catalogue import services
from catalogue.errors import InvalidCredentials
from catalogue.serializers import LoginSerializer, RegisterSerializer, UserSerializer

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractUser


class LoginFailureThrottle:
    """At most N failed sign-ins per username per window (LOGIN_THROTTLE_RATE), on Django's cache.

    Every attempt first claims one of N slots with `cache.add()`, which is atomic on every
    shared backend (an INSERT on the key in the database cache, SET NX in Redis), and
    gives its slot back when the password was right. So however many workers and
    instances check passwords at once, no more than N are checked per window. DRF's
    throttles read a history, then write it back: a burst across workers slips between
    the two (8 of 20 concurrent guesses got through in tests/scaleout), and DRF's docs
    say as much: its throttling is not a protection against brute forcing.
    """

    def __init__(self, username: str) -> None:
        count, _, period = settings.LOGIN_THROTTLE_RATE.partition("/")
        self.limit = int(count)
        self.window = {"s": 1, "m": 60, "h": 3600, "d": 86400}[period[0]]
        # Hashed: any text is a valid key for every cache backend (memcached refuses
        # spaces, control characters and keys over 250 bytes). Exactly the identity
        # `authenticate()` looks up: trimmed, and case-sensitive.
        ident = hashlib.sha256(username.strip().encode()).hexdigest()
        self.slots = [f"login-failure:{ident}:{n}" for n in range(self.limit)]
        self.claimed: str | None = None

    def claim(self) -> int | None:
        """Take a slot for this attempt; None when taken, else seconds until one frees."""
        now = time.time()
        for slot in self.slots:
            if cache.add(slot, now, timeout=self.window):
                self.claimed = slot
                return None
        # Every slot holds the time of its failure; the oldest frees first.
        taken = cache.get_many(self.slots).values()
        oldest = min(taken, default=now)
        return max(1, math.ceil(self.window - (now - oldest)))

    def release(self) -> None:
        """The attempt did not fail (right password): it does not count."""
        if self.claimed is not None:
            cache.delete(self.claimed)
            self.claimed = None


class RegisterView(generics.CreateAPIView):
    serializer_class = RegisterSerializer
    authentication_classes: list[type[authentication.BaseAuthentication]] = []

    def perform_create(self, serializer: RegisterSerializer) -> None:
        serializer.instance = services.user_register(**serializer.validated_data)


class TokenView(APIView):
    """POST issues a new token for a username and password; DELETE revokes the caller's."""

    def get_permissions(self) -> list[Any]:
        return [IsAuthenticated()] if self.request.method == "DELETE" else []

    def post(self, request: Request) -> Response:
        serializer = LoginSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        throttle = LoginFailureThrottle(serializer.validated_data["username"])
        wait = throttle.claim()
        if wait is not None:
            raise exceptions.Throttled(wait=wait)
        user = authenticate(request._request, **serializer.validated_data)
        if user is None:
            raise InvalidCredentials  # the slot stays taken: one failure counted
        throttle.release()
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
