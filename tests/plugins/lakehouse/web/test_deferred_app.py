"""The report app is built by the api-server's first request to it, never by loading the plugin.

Airflow loads the plugin module in every task process; building the app there
would import FastAPI and the api-server's security stack for nothing.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from typing import Any

import pytest

from lakehouse.web.deferred_app import DeferredApp
from local.paths import PLUGINS_DIR

PROBE = """
import json, sys
import lakehouse_plugin
print(json.dumps({name: name in sys.modules for name in sys.argv[1:]}))
"""


def test_loading_the_plugin_imports_neither_the_report_app_nor_fastapi() -> None:
    heavy = [
        "lakehouse.web.report_app",
        "lakehouse.web.auth",
        "fastapi",
        "airflow.api_fastapi.core_api.security",
    ]
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *heavy],
        cwd=PLUGINS_DIR,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert json.loads(result.stdout.strip().splitlines()[-1]) == dict.fromkeys(heavy, False)


BUILT: list[int] = []


def counting_app() -> Any:
    """A factory for the test: an ASGI app answering with how many apps were built so far."""
    BUILT.append(1)

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": str(len(BUILT)).encode()})

    return app


def test_the_app_is_built_once_on_the_first_request_and_serves_every_request() -> None:
    BUILT.clear()
    deferred = DeferredApp(f"{__name__}:counting_app")
    assert BUILT == []

    async def request() -> list[dict[str, Any]]:
        sent: list[dict[str, Any]] = []

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        await deferred({"type": "http", "path": "/report"}, None, send)
        return sent

    for _ in range(3):
        sent = asyncio.run(request())
        assert sent[0]["status"] == 200
        assert sent[1]["body"] == b"1"
    assert BUILT == [1]


@pytest.mark.parametrize("factory", ["lakehouse.web.report_app", ":create_app", "lakehouse.web.report_app:"])
def test_a_factory_not_naming_module_and_function_is_refused(factory: str) -> None:
    with pytest.raises(ValueError, match="module:function"):
        DeferredApp(factory)
