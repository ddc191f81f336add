"""A small client of Airflow's REST API (v2) for the local stack: trigger a run, wait, read its tasks.

`make demo` drives the scheduler through it, the way a user does from the UI,
and the browser test reads state with it. It signs in as the admin the stack
created (simple auth manager: POST /auth/token) and uses only the standard
library, so it costs nothing to import.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import quote

TERMINAL_RUN_STATES = ("success", "failed")


class AirflowApiError(RuntimeError):
    """A call to the REST API failed; the message has the method, path, status and Airflow's reply."""


@dataclass
class AirflowApi:
    url: str
    user: str
    password: str
    _token: str | None = field(default=None, repr=False)

    def _request(self, method: str, path: str, body: dict | None = None, *, auth: bool = True) -> Any:
        headers = {"Content-Type": "application/json"}
        if auth:
            headers["Authorization"] = f"Bearer {self.token()}"
        request = urllib.request.Request(
            f"{self.url}{path}",
            data=json.dumps(body).encode() if body is not None else None,
            headers=headers,
            method=method,
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as reply:
                return json.loads(reply.read() or b"null")
        except urllib.error.HTTPError as error:
            detail = error.read().decode(errors="replace")[:500]
            raise AirflowApiError(f"{method} {path}: HTTP {error.code}: {detail}") from error

    def token(self) -> str:
        if self._token is None:
            reply = self._request(
                "POST", "/auth/token", {"username": self.user, "password": self.password}, auth=False
            )
            self._token = reply["access_token"]
        return self._token

    def get(self, path: str) -> Any:
        return self._request("GET", path)

    def dag_is_parsed(self, dag_id: str) -> bool:
        return bool(self.get(f"/api/v2/dags?dag_id_pattern={dag_id}")["total_entries"])

    def unpause(self, dag_id: str) -> None:
        self._request("PATCH", f"/api/v2/dags/{dag_id}", {"is_paused": False})

    def delete_runs(self, dag_id: str) -> int:
        """Delete every run of `dag_id` (with its task instances); return how many there were.

        Airflow refuses to delete a run that is still queued or running (as one
        left behind by a stack stopped mid-run is), so such a run is first
        marked failed, which also stops its tasks.
        """
        deleted = 0
        while runs := self.get(f"/api/v2/dags/{dag_id}/dagRuns?limit=100")["dag_runs"]:
            for run in runs:
                path = f"/api/v2/dags/{dag_id}/dagRuns/{quote(run['dag_run_id'], safe='')}"
                if run["state"] in ("queued", "running"):
                    self._request("PATCH", path, {"state": "failed"})
                self._request("DELETE", path)
            deleted += len(runs)
        return deleted

    def trigger(self, dag_id: str, logical_date: datetime, conf: dict[str, Any]) -> str:
        """Create a manual run for `logical_date` with `conf`; return its run id."""
        body = {"logical_date": logical_date.isoformat(), "conf": conf}
        return self._request("POST", f"/api/v2/dags/{dag_id}/dagRuns", body)["dag_run_id"]

    def run(self, dag_id: str, run_id: str) -> dict[str, Any]:
        return self.get(f"/api/v2/dags/{dag_id}/dagRuns/{quote(run_id, safe='')}")

    def wait_for_run(
        self, dag_id: str, run_id: str, timeout_s: float, interval_s: float = 2
    ) -> dict[str, Any]:
        """Poll until the run succeeded or failed; TimeoutError names the run and its last state."""
        return wait_for(
            lambda: run if (run := self.run(dag_id, run_id))["state"] in TERMINAL_RUN_STATES else None,
            timeout_s,
            f"{dag_id} run {run_id} to finish",
            interval_s,
        )

    def running_jobs(self, job_type: str) -> list[dict[str, Any]]:
        """The running jobs of `job_type` in the metadata database this api-server serves."""
        return self.get(f"/api/v2/jobs?job_type={job_type}&job_state=running&limit=100")["jobs"]

    def task_instances(self, dag_id: str, run_id: str) -> list[dict[str, Any]]:
        path = f"/api/v2/dags/{dag_id}/dagRuns/{quote(run_id, safe='')}/taskInstances?limit=500"
        return self.get(path)["task_instances"]


def wait_for(predicate: Any, timeout_s: float, what: str, interval_s: float = 2) -> Any:
    """Call `predicate` every `interval_s` until it returns something truthy; TimeoutError saying `what`."""
    from lakehouse.polling import Backoff, WaitTimedOut, poll

    try:
        return poll(predicate, bool, timeout_s, backoff=Backoff(interval_s, 1, interval_s))
    except WaitTimedOut:
        raise TimeoutError(f"waited {timeout_s:.0f}s for {what}") from None
