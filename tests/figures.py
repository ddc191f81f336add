"""Figures the tests measure on the way (MWAA's install time, the scenario's runs), printed at the end.

tests/conftest.py prints them in pytest's summary; under pytest-xdist each worker
hands its own to the controller, which prints them all.
"""

from __future__ import annotations

FIGURES: list[str] = []
