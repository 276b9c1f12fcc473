"""Auth: register, log in (issue a token), log out (revoke it); me is in profiles.py."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate
from rest_framework import authentication, exceptions, generics, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from catalogue import services
from catalogue.errors import InvalidCredentials
from catalogue.models import AuthToken
from catalogue.serializers import LoginSerializer, RegisterSerializer, UserSerializer
from catalogue.throttling import LoginFailureThrottle


class RegisterView(generics.CreateAPIView):
    serializer_class = RegisterSerializer
    authentication_classes: list[type[authentication.BaseAuthentication]] = []


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
        # IsAuthenticated admitted the caller, and TokenAuthentication is the only scheme.
        if not isinstance(request.auth, AuthToken):
            raise exceptions.NotAuthenticated
        services.token_revoke(token=request.auth)
        return Response(status=status.HTTP_204_NO_CONTENT)
