"""Placeholder family module, filled in by the work on the functions it names."""

from __future__ import annotations

from .trino_rewrites import Family

FAMILY = Family(name="statistics")
