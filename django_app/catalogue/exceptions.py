"""Exceptions (domain): what the catalogue refuses, in its own words, with no HTTP in sight."""

from __future__ import annotations


class Conflict(Exception):
    """The store's state forbids the write; `code` says which rule (`sku_taken`, ...).

    The API's exception handler (errors.py) answers it with 409; the pages show `message`.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
