"""An ASGI app that builds the report app on its first request, not when the plugin is loaded.

Why: Airflow loads every plugin in every process it starts, each task process
included (to register the plugins' listeners), and building the report app
imports FastAPI and the api-server's security stack (lakehouse/web/auth.py),
a large share of a short task's CPU. Only the api-server ever calls the app,
so only the api-server should pay for building it. The import is kept as a
string for the same reason.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Awaitable, Callable
from typing import Any

ASGIApp = Callable[
    [dict[str, Any], Callable[[], Awaitable[Any]], Callable[[Any], Awaitable[None]]], Awaitable[None]
]


class DeferredApp:
    """Mountable as the app `factory` ("module:function") returns; builds it once, when first called."""

    def __init__(self, factory: str) -> None:
        module, _, function = factory.partition(":")
        if not module or not function:
            raise ValueError(f"factory {factory!r} is not of the form 'module:function'")
        self.factory = factory
        self._app: ASGIApp | None = None
        self._lock = threading.Lock()

    @property
    def app(self) -> ASGIApp:
        with self._lock:
            if self._app is None:
                module, _, function = self.factory.partition(":")
                self._app = getattr(importlib.import_module(module), function)()
            return self._app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        await self.app(scope, receive, send)
