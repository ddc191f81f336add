"""Athena-shaped failures.

Every way a statement can go wrong ends as an ``AthenaError``: the query turns FAILED with
``StateChangeReason`` ``"<ERROR_NAME>: <message>"`` like Athena engine v3 reports, and the
server thread that ran it carries on.
"""

from __future__ import annotations

# Athena's AthenaError.ErrorCategory: 1 system, 2 user, 3 other.
USER_ERROR = 2
SYSTEM_ERROR = 1


class AthenaError(Exception):
    """A statement failure with Trino's error name (TABLE_NOT_FOUND, SYNTAX_ERROR, ...)."""

    def __init__(self, name: str, message: str, category: int = USER_ERROR) -> None:
        super().__init__(f"{name}: {message}")
        self.name = name
        self.message = message
        self.category = category

    @property
    def reason(self) -> str:
        return f"{self.name}: {self.message}"


class ApiError(Exception):
    """A rejected API call (HTTP 400) rather than a failed query, e.g. an unknown query id."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
