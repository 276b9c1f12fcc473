"""Security, white-box: password hashes and token storage as stored, revocation, throttling,
CSRF on the sign-in form and the cookies' flags (development defaults; production's are in
tests/reliability/test_production.py).

The stored values are read through each app's own store (the Django ORM, the Flask
repository / SQLAlchemy engine / pymongo database), not through the API.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from typing import Any

import httpx
import pytest

from sidebyside.targets import Target
from tests.reliability.support import cookie_flags
from tests.support.auth import auth_header, credentials, request_token, token_for
from tests.support.fixture import PASSWORDS
from tests.support.pages import csrf_field

MIN_PBKDF2_ITERATIONS = 600_000  # OWASP 2023 for PBKDF2-HMAC-SHA256
MIN_SCRYPT_N = 2**15


def flask_app(target: Target) -> Any:
    return target.app  # type: ignore[attr-defined]


def stored_password_hash(target: Target, username: str) -> str:
    if target.name == "django":
        from django.contrib.auth import get_user_model

        return get_user_model().objects.get(username=username).password
    with flask_app(target).app_context():
        from catalogue.store import get_store

        user = get_store().user_get(username)
        assert user is not None
        return user.password_hash


def stored_tokens(target: Target) -> list[str]:
    """Every stored token row, as text."""
    if target.name == "django":
        from catalogue.models import AuthToken

        return [repr(row) for row in AuthToken.objects.values_list()]
    app = flask_app(target)
    with app.app_context():
        if target.name == "flask-sql":
            from sqlalchemy import text

            with app.extensions["sqlalchemy_engine"].connect() as connection:
                rows = connection.execute(text("SELECT * FROM auth_tokens")).all()
            return [repr(tuple(row)) for row in rows]
        from catalogue.db.mongo import get_database

        return [repr(doc) for doc in get_database().auth_tokens.find()]


def assert_strong(hashed: str) -> str:
    """PBKDF2-SHA256 (>= 600k iterations), argon2 or scrypt (N >= 2**15); returns the scheme."""
    django_pbkdf2 = re.fullmatch(r"pbkdf2_sha256\$(\d+)\$[^$]+\$[^$]+", hashed)
    werkzeug_pbkdf2 = re.fullmatch(r"pbkdf2:sha256:(\d+)\$[^$]+\$[0-9a-f]+", hashed)
    scrypt = re.fullmatch(r"scrypt:(\d+):(\d+):(\d+)\$[^$]+\$[0-9a-f]+", hashed)
    if django_pbkdf2 or werkzeug_pbkdf2:
        iterations = int((django_pbkdf2 or werkzeug_pbkdf2).group(1))  # type: ignore[union-attr]
        assert iterations >= MIN_PBKDF2_ITERATIONS, hashed
        return f"pbkdf2-sha256 ({iterations} iterations)"
    if scrypt:
        assert int(scrypt.group(1)) >= MIN_SCRYPT_N, hashed
        return f"scrypt (N={scrypt.group(1)}, r={scrypt.group(2)}, p={scrypt.group(3)})"
    assert hashed.startswith("argon2"), f"weak or unknown password hash scheme: {hashed[:20]}"
    return "argon2"


def test_the_configured_hasher_is_strong(target: Target) -> None:
    """Django: the first of PASSWORD_HASHERS; Flask: what werkzeug produces by default."""
    if target.name == "django":
        from django.conf import settings

        assert settings.PASSWORD_HASHERS[0].rsplit(".", 1)[-1] in {
            "PBKDF2PasswordHasher",
            "Argon2PasswordHasher",
            "ScryptPasswordHasher",
        }
    else:
        from werkzeug.security import generate_password_hash

        assert_strong(generate_password_hash("a-long-enough-pass-1"))


def test_stored_passwords_are_strong_hashes(target: Target, client: httpx.Client) -> None:
    username = f"hash-{uuid.uuid4().hex[:8]}"
    password = "a-long-enough-pass-1"
    response = client.post(
        "/api/auth/register",
        json={"username": username, "email": f"{username}@example.com", "password": password},
    )
    assert response.status_code == 201, response.text
    for name, secret in ((username, password), ("alice", PASSWORDS["alice"])):
        hashed = stored_password_hash(target, name)
        assert secret not in hashed
        print(f"{target.name}: {name} -> {assert_strong(hashed)}")


def test_tokens_are_stored_hashed(target: Target, client: httpx.Client) -> None:
    key = token_for(client, "carol")
    rows = stored_tokens(target)
    digest = hashlib.sha256(key.encode()).hexdigest()
    assert any(digest in row for row in rows), "the token's SHA-256 is not stored"
    assert not any(key in row for row in rows), "the token itself is stored"


def test_revoked_token_stops_working_and_others_stay(client: httpx.Client) -> None:
    first, second = token_for(client, "dave"), token_for(client, "dave")
    assert client.get("/api/auth/me", headers=auth_header(first)).status_code == 200
    assert client.delete("/api/auth/token", headers=auth_header(first)).status_code == 204
    revoked = client.get("/api/auth/me", headers=auth_header(first))
    assert revoked.status_code == 401
    assert revoked.headers["www-authenticate"].startswith("Token")
    assert client.delete("/api/auth/token", headers=auth_header(first)).status_code == 401
    assert client.get("/api/auth/me", headers=auth_header(second)).status_code == 200


def test_login_throttling_answers_429_with_retry_after(client: httpx.Client) -> None:
    username = f"throttle-{uuid.uuid4().hex[:8]}"
    password = "a-long-enough-pass-1"
    registered = client.post(
        "/api/auth/register",
        json={"username": username, "email": f"{username}@example.com", "password": password},
    )
    assert registered.status_code == 201
    for _ in range(5):
        failed = client.post("/api/auth/token", json={"username": username, "password": "wrong"})
        assert failed.status_code == 401
    for attempt in ("wrong", password):  # the right password is refused too, until the window
        throttled = client.post("/api/auth/token", json={"username": username, "password": attempt})
        assert throttled.status_code == 429, throttled.text
        assert throttled.json()["error"]["code"] == "throttled"
        assert int(throttled.headers["retry-after"]) >= 1
    other = request_token(client, "bob")
    assert other.status_code == 200, "throttling one username must not lock out another"


SESSION_COOKIES = {"sessionid", "session"}


@pytest.fixture
def browser(target: Target) -> Any:
    """A fresh cookie jar against the same app."""
    transport = httpx.WSGITransport(app=target.wsgi_app())
    with httpx.Client(transport=transport, base_url="http://testserver") as session:
        # Every target serves the sign-in page (tests/pages); it must exist to be protected.
        assert session.get("/login").status_code == 200
        yield session


def test_login_form_requires_csrf_token(browser: httpx.Client) -> None:
    forged = browser.post("/login", data=credentials("alice"))
    assert forged.status_code == 403, forged.status_code
    assert not SESSION_COOKIES & set(forged.cookies.keys())


def test_cookies_are_httponly_and_samesite_lax(target: Target, browser: httpx.Client) -> None:
    """Every cookie of a sign-in (the session; Django's CSRF and messages cookies too), the
    same on both apps: HttpOnly, SameSite=Lax, and not Secure outside production (browsers
    would drop it over the plain HTTP of local use)."""
    page = browser.get("/login")
    token = csrf_field(page.text)
    assert token, "no CSRF token in the sign-in form"
    data = {**credentials("alice"), **token}
    signed_in = browser.post("/login", data=data)
    assert signed_in.status_code in {302, 303}, signed_in.status_code
    cookies = dict(map(cookie_flags, signed_in.headers.get_list("set-cookie")))
    expected = {"sessionid", "csrftoken", "messages"} if target.name == "django" else {"session"}
    assert set(cookies) == expected, signed_in.headers.get_list("set-cookie")
    for name, flags in cookies.items():
        assert "httponly" in flags, (name, flags)
        assert "samesite=lax" in flags, (name, flags)
        assert "secure" not in flags, (name, flags)
