"""A small client of Airflow's REST API (v2) for the local stack: trigger a run, wait, read its tasks.

`make demo` drives the scheduler through it, the way a user does from the UI,
`python -m local.run_dag` hands a run to a live scheduler through it (both with
`trigger_and_follow`), and the browser test reads state with it. It signs in as
the admin the stack created (simple auth manager: POST /auth/token) and uses
only the standard library, so it costs nothing to import.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import quote

TERMINAL_RUN_STATES = ("success", "failed")
FAILED_TASK_STATES = ("failed", "upstream_failed")
# How long a whole run of the daily DAG may take, and the dag-processor to first parse it.
RUN_TIMEOUT_S = 30 * 60
PARSE_TIMEOUT_S = 180

# Told each state a run is seen in, once per change: (run id, state).
OnState = Callable[[str, str], None]


def logical_date_for(day: date) -> datetime:
    """The logical date of business day `day`'s run: the next day at 02:00 UTC.

    That is when the schedule (include/pipeline.yaml) runs the day, so a run triggered for it,
    by hand or by a test, gets the data interval the scheduled run would.
    """
    return datetime(day.year, day.month, day.day, 2, tzinfo=UTC) + timedelta(days=1)


@dataclass(frozen=True)
class FinishedRun:
    """A run followed to its end: its state, its time from the trigger on, its task instances."""

    day: date
    run_id: str
    state: str
    seconds: float
    page: str  # the run in the UI
    tasks: list[dict[str, Any]]

    def summary(self) -> dict[str, Any]:
        """What `run_dag` prints and the demo reports of a run, as JSON-ready values."""
        return {
            "day": self.day.isoformat(),
            "state": self.state,
            "seconds": self.seconds,
            "run_id": self.run_id,
            "page": self.page,
            "tasks": len(self.tasks),
            "failed": sorted({t["task_id"] for t in self.tasks if t["state"] in FAILED_TASK_STATES}),
            "states": {t["task_id"]: str(t["state"]) for t in self.tasks if t["map_index"] < 0},
        }


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

    def wait_until_parsed(
        self, dag_id: str, timeout_s: float = PARSE_TIMEOUT_S, interval_s: float = 2
    ) -> None:
        """Wait for the dag-processor to have parsed `dag_id`: a run of a DAG it does not know fails."""
        wait_for(
            lambda: self.dag_is_parsed(dag_id), timeout_s, f"the dag-processor to parse {dag_id}", interval_s
        )

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

    def run_page(self, dag_id: str, run_id: str) -> str:
        """The run's page in the UI."""
        return f"{self.url}/dags/{dag_id}/runs/{quote(run_id, safe='')}"

    def wait_for_run(
        self,
        dag_id: str,
        run_id: str,
        timeout_s: float,
        interval_s: float = 2,
        on_state: OnState | None = None,
    ) -> dict[str, Any]:
        """Poll until the run succeeded or failed; TimeoutError names the run.

        `on_state` hears every state the run is seen in, once each time it changes, so a caller
        can show progress without polling on its own.
        """
        seen: list[str] = []

        def finished() -> dict[str, Any] | None:
            run = self.run(dag_id, run_id)
            if on_state is not None and (not seen or seen[-1] != run["state"]):
                seen.append(run["state"])
                on_state(run_id, run["state"])
            return run if run["state"] in TERMINAL_RUN_STATES else None

        return wait_for(finished, timeout_s, f"{dag_id} run {run_id} to finish", interval_s)

    def trigger_and_follow(
        self,
        dag_id: str,
        day: date,
        conf: dict[str, Any],
        *,
        timeout_s: float = RUN_TIMEOUT_S,
        interval_s: float = 2,
        on_triggered: Callable[[str, str], None] | None = None,
        on_state: OnState | None = None,
    ) -> FinishedRun:
        """Trigger business day `day`'s run of `dag_id` with `conf`, follow it to its end, read its tasks.

        `on_triggered` hears the new run's id and page as soon as it exists, `on_state` its states.
        """
        started = time.monotonic()
        run_id = self.trigger(dag_id, logical_date_for(day), conf)
        page = self.run_page(dag_id, run_id)
        if on_triggered is not None:
            on_triggered(run_id, page)
        run = self.wait_for_run(dag_id, run_id, timeout_s, interval_s, on_state)
        seconds = round(time.monotonic() - started, 1)
        return FinishedRun(day, run_id, run["state"], seconds, page, self.task_instances(dag_id, run_id))

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
