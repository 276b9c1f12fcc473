"""Authentication: DRF's token scheme over hashed, revocable, many-per-user tokens.

It lives apart from auth.py because DRF imports DEFAULT_AUTHENTICATION_CLASSES
while importing its own views; a module that also defines views would be a
circular import.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rest_framework import authentication, exceptions

from catalogue.models import AuthToken, token_digest

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's `Authorization: Token <key>` scheme over our hashed, many-per-user tokens."""

    model = AuthToken

    def authenticate_credentials(self, key: str) -> tuple[User, AuthToken]:
        token = (
            AuthToken.objects.select_related("user")
            .filter(digest=token_digest(key), user__is_active=True)
            .first()
        )
        if token is None:
            raise exceptions.AuthenticationFailed("Invalid or revoked token.")
        return token.user, token
