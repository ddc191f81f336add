"""The shared end-to-end scenario (scenario.py), built once per test session.

The files that use it share an xdist group, so that one worker builds it once.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from scenario import Scenario, run_scenario


@pytest.fixture(scope="session")
def scenario(pg, endpoint_url: str, mwaa_worker) -> Iterator[Scenario]:
    yield from run_scenario(pg, endpoint_url, mwaa_worker)
