"""Registers the lakehouse's report page with Airflow's api-server (see lakehouse/web/report_app.py)."""

from __future__ import annotations

from typing import ClassVar

from airflow.plugins_manager import AirflowPlugin

from lakehouse.web.report_app import create_app


class LakehousePlugin(AirflowPlugin):
    name = "lakehouse"
    fastapi_apps: ClassVar[list[dict]] = [
        {"app": create_app(), "url_prefix": "/lakehouse", "name": "lakehouse report"}
    ]
