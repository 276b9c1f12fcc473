"""Errors (domain): what the catalogue refuses, in its own words, with no HTTP in sight."""

from __future__ import annotations


class CatalogueError(Exception):
    """A refusal the caller may show as it is; the API edge (errors.py) gives it a status."""

    message = "The catalogue refused the request."

    def __init__(self, message: str | None = None) -> None:
        self.message = message or self.message
        super().__init__(self.message)


class NotFound(CatalogueError):
    message = "Not found."


class Conflict(CatalogueError):
    """The store's state forbids it; `code` says which rule (`sku_taken`, ...)."""

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        super().__init__(message)


class Invalid(CatalogueError):
    """Well-formed input the catalogue still refuses, with messages per field."""

    message = "The request body is invalid."

    def __init__(self, fields: dict[str, list[str]]) -> None:
        self.fields = fields
        super().__init__()


class InvalidCredentials(CatalogueError):
    message = "Invalid username or password."


class Throttled(CatalogueError):
    """Too many failed sign-ins for one username; `wait` seconds until the next try."""

    def __init__(self, wait: int) -> None:
        self.wait = wait
        super().__init__(f"Too many failed attempts. Try again in {wait} seconds.")
