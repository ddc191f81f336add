"""The report app as the api-server serves it: inside Airflow's own app, behind its auth manager.

Tests call the api-server's app (Airflow's `create_app`, which loads the
plugins folder and mounts the plugin's app at /lakehouse) in-process through
FastAPI's TestClient, so a request passes Airflow's middlewares and the plugin's
auth dependency exactly as a browser's does under `make up`, without starting
the api-server. The auth manager is the one `.local/env` configures: the simple
one, with the stack's admin.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any, Protocol

import pytest


@pytest.fixture(scope="session")
def api_server() -> Iterator[Any]:  # fastapi.testclient.TestClient
    """A client of the api-server's app; it follows no redirects, so the tests see them."""
    from airflow.api_fastapi.app import create_app, purge_cached_app
    from fastapi.testclient import TestClient

    with TestClient(create_app(), follow_redirects=False) as client:
        yield client
    purge_cached_app()


@pytest.fixture(scope="session")
def admin_token(api_server: Any) -> str:
    """The admin's token, issued as the api-server issues it to `local/airflow_api.py` and the UI."""
    reply = api_server.post(
        "/auth/token",
        json={"username": os.environ["AIRFLOW_ADMIN_USER"], "password": os.environ["AIRFLOW_ADMIN_PASSWORD"]},
    )
    assert reply.status_code == 201, reply.text
    return reply.json()["access_token"]


class Mint(Protocol):
    def __call__(self, username: str, role: str | None, *, valid_for_s: int | None = None) -> str: ...


@pytest.fixture
def mint(api_server: Any) -> Mint:
    """Tokens for users of the simple auth manager, minted by the auth manager the api-server runs.

    For the users the stack has no password for (another role, none) and for a
    token already expired, which the api-server never hands out.
    """
    from airflow.api_fastapi.app import get_auth_manager
    from airflow.api_fastapi.auth.managers.simple.user import SimpleAuthManagerUser

    def token(username: str, role: str | None, *, valid_for_s: int | None = None) -> str:
        user = SimpleAuthManagerUser(username=username, role=role)
        if valid_for_s is None:
            return get_auth_manager().generate_jwt(user)
        return get_auth_manager().generate_jwt(user, expiration_time_in_seconds=valid_for_s)

    return token
