"""Registers the report page with Airflow's api-server and its UI (see lakehouse/web/report_app.py).

`fastapi_apps` mounts the page on the api-server at /lakehouse. `external_views`
(Airflow 3.1+) puts it in the UI's Browse menu, shown inside the UI's frame at
/plugin/lakehouse-report, so users reach it without knowing the URL. The href
is relative: the UI resolves it against the api-server's base URL, so it also
works where the UI is served under a path prefix, as MWAA serves it.

Airflow mounts a plugin's app without authenticating it; the report app
requires the UI's login on every route itself (lakehouse/web/auth.py), and
the UI's frame passes it on, since the browser sends the login cookie with
the frame's same-origin requests.

The app is built on its first request (lakehouse/web/deferred_app.py): Airflow
loads this module in every task process too, where nothing calls it.
"""

from __future__ import annotations

from typing import ClassVar

from airflow.plugins_manager import AirflowPlugin

from lakehouse.web.deferred_app import DeferredApp

REPORT_PREFIX = "/lakehouse"


class LakehousePlugin(AirflowPlugin):
    name = "lakehouse"
    fastapi_apps: ClassVar[list[dict]] = [
        {
            "app": DeferredApp("lakehouse.web.report_app:create_app"),
            "url_prefix": REPORT_PREFIX,
            "name": "lakehouse report",
        }
    ]
    external_views: ClassVar[list[dict]] = [
        {
            "name": "Lakehouse report",
            "href": f"{REPORT_PREFIX.lstrip('/')}/report",
            "url_route": "lakehouse-report",
            "destination": "nav",
            "category": "browse",
        }
    ]
