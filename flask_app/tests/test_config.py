"""Settings from the environment: CORS_ALLOWED_ORIGINS is parsed, and a malformed origin stops
the app (Flask-Cors would silently match nothing)."""

import pytest
from catalogue.config import origins_from_env


def test_origins_are_a_comma_separated_list(monkeypatch) -> None:
    monkeypatch.setenv("CORS_ALLOWED_ORIGINS", " https://a.example , http://localhost:5173,")
    assert origins_from_env() == ["https://a.example", "http://localhost:5173"]


def test_no_origins_by_default(monkeypatch) -> None:
    monkeypatch.delenv("CORS_ALLOWED_ORIGINS", raising=False)
    assert origins_from_env() == []


@pytest.mark.parametrize(
    "origin", ["a.example", "localhost:5173", "https://a.example/", "https://a.example/app"]
)
def test_an_origin_that_is_not_scheme_host_port_is_refused(monkeypatch, origin: str) -> None:
    monkeypatch.setenv("CORS_ALLOWED_ORIGINS", origin)
    with pytest.raises(RuntimeError, match="CORS_ALLOWED_ORIGINS"):
        origins_from_env()
