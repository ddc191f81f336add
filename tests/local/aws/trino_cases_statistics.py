"""Athena conformance statements (see test_aws_conformance.py)."""

from __future__ import annotations

Case = tuple[str, list[list[str | None]], list[str] | None]

CASES: dict[str, list[Case]] = {}

ERRORS: dict[str, list[tuple[str, str]]] = {}
