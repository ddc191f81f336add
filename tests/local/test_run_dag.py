"""`python -m local.run_dag` beside a live scheduler: it hands the run over or refuses, never runs
the tasks in this process too; with no live scheduler it runs them in this process, as before.

Liveness is read from a throwaway metadata database (a copy of the migrated template) holding the
job row a scheduler writes; the CLI runs as a subprocess pointed at that database, so nothing here
depends on a scheduler or api-server of this machine, and no DAG run is executed.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from urllib.parse import urlparse

import psycopg
import pytest
from stand_ins import JsonReplies, serving

from local.airflow_home import new_metadata_database, sqlalchemy_url
from local.paths import REPO_ROOT

DAY = "2026-11-01"
CLI_TIMEOUT_S = 180


@pytest.fixture
def metadata(pg: Any) -> Iterator[str]:
    """A migrated metadata database of this test's own; its DSN."""
    name = f"test_run_dag_{uuid.uuid4().hex[:10]}"
    dsn = new_metadata_database(pg, name, dict(os.environ))
    try:
        yield dsn
    finally:
        with psycopg.connect(pg.dsn("postgres"), autocommit=True) as admin:
            admin.execute(f'drop database if exists "{name}" with (force)')


def _scheduler_job(dsn: str, *, heartbeat_age_s: float = 0, state: str = "running") -> tuple[int, datetime]:
    """The row a scheduler writes at start and heartbeats into: (id, start_date)."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        row = conn.execute(
            "insert into job (job_type, state, start_date, latest_heartbeat, hostname, unixname)"
            " values ('SchedulerJob', %s, now() - interval '1 hour',"
            " now() - make_interval(secs => %s), 'elsewhere.example', 'airflow')"
            " returning id, start_date",
            (state, heartbeat_age_s),
        ).fetchone()
    assert row is not None
    return row[0], row[1]


def _runs(dsn: str) -> int:
    with psycopg.connect(dsn, autocommit=True) as conn:
        return conn.execute("select count(*) from dag_run").fetchone()[0]


def _session(dsn: str) -> Any:
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    return Session(create_engine(sqlalchemy_url(dsn)))


def test_only_a_running_scheduler_with_a_recent_heartbeat_counts_as_live(metadata: str) -> None:
    from local.run_dag import live_scheduler

    with _session(metadata) as session:
        assert live_scheduler(session) is None  # no scheduler ever ran on this database
        _scheduler_job(metadata, heartbeat_age_s=3600)  # died without saying so
        _scheduler_job(metadata, state="success")  # stopped
        assert live_scheduler(session) is None
        job_id, started = _scheduler_job(metadata)
        live = live_scheduler(session)
    assert live is not None and (live.job_id, live.start_date) == (job_id, started)
    assert live.describe() == f"scheduler job {job_id}, on host elsewhere.example"


def test_with_no_live_scheduler_the_cli_runs_the_day_in_this_process(
    metadata: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    from local import run_dag

    real_live_scheduler = run_dag.live_scheduler
    _scheduler_job(metadata, heartbeat_age_s=3600)
    ran: list[tuple[date, bool, list[str]]] = []

    def run_day(day: date, *, full_refresh: bool = False, tables: list[str] | None = None) -> dict:
        ran.append((day, full_refresh, tables or []))
        return {"day": day.isoformat(), "state": "success"}

    with _session(metadata) as session:
        monkeypatch.setattr(run_dag, "live_scheduler", lambda: real_live_scheduler(session))
        monkeypatch.setattr(run_dag, "run_day", run_day)
        assert run_dag.main([DAY, "--full-refresh", "--tables", "orders"]) == 0
    assert ran == [(date(2026, 11, 1), True, ["orders"])]
    assert json.loads(capsys.readouterr().out)["state"] == "success"


@dataclass
class FakeApi:
    """The stack's api-server as far as the CLI uses it, serving the scheduler job it is given."""

    job_id: int
    started: datetime
    password: str = "the stack's"
    calls: list[tuple[str, str, Any]] = field(default_factory=list)
    polls: int = 0


def _handler(api: FakeApi) -> type[JsonReplies]:
    run_path = "/api/v2/dags/lakehouse_daily/dagRuns/manual__one"

    class Handler(JsonReplies):
        def _reply(self, body: Any, status: int = 200) -> None:
            self.reply(status, body)

        def _body(self) -> Any:
            length = int(self.headers.get("Content-Length") or 0)
            return json.loads(self.rfile.read(length) or b"null")

        def do_POST(self) -> None:
            body = self._body()
            api.calls.append(("POST", self.path, body))
            if self.path == "/auth/token":
                ok = body["password"] == api.password
                self._reply(
                    {"access_token": "t"} if ok else {"detail": "Invalid credentials"}, 201 if ok else 401
                )
            else:
                self._reply({"dag_run_id": "manual__one"})

        def do_PATCH(self) -> None:
            api.calls.append(("PATCH", self.path, self._body()))
            self._reply({})

        def do_GET(self) -> None:
            path = urlparse(self.path).path
            api.calls.append(("GET", self.path, None))
            if path == "/api/v2/jobs":
                self._reply({"jobs": [{"id": api.job_id, "start_date": api.started.isoformat()}]})
            elif path == "/api/v2/dags":
                self._reply({"total_entries": 1})
            elif path == run_path:
                api.polls += 1
                self._reply({"state": "running" if api.polls < 2 else "success"})
            elif path == f"{run_path}/taskInstances":
                self._reply({"task_instances": [{"task_id": "export", "state": "success", "map_index": -1}]})
            else:
                self._reply({"detail": "not found"}, 404)

    return Handler


@pytest.fixture
def serve() -> Iterator[Any]:
    with contextlib.ExitStack() as servers:

        def start(api: FakeApi) -> str:
            return f"http://127.0.0.1:{servers.enter_context(serving(_handler(api)))}"

        yield start


def _cli(metadata: str, url: str, *args: str) -> subprocess.CompletedProcess[str]:
    """`python -m local.run_dag` on `metadata`, with the stack's api-server at `url` (.local/env's)."""
    env = {
        **os.environ,
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": sqlalchemy_url(metadata),
        # a loaded machine may take long to start the CLI: the row must still count as live then
        "AIRFLOW__SCHEDULER__SCHEDULER_HEALTH_CHECK_THRESHOLD": "600",
        "AIRFLOW_UI_URL": url,
        "AIRFLOW_ADMIN_USER": "admin",
        "AIRFLOW_ADMIN_PASSWORD": "the stack's",
    }
    return subprocess.run(
        [sys.executable, "-m", "local.run_dag", DAY, *args],
        env=env,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=CLI_TIMEOUT_S,
        check=False,
    )


def test_beside_a_live_scheduler_the_cli_hands_the_run_to_it_and_follows_it_to_the_end(
    metadata: str, serve: Any
) -> None:
    job_id, started = _scheduler_job(metadata)
    api = FakeApi(job_id, started)
    done = _cli(metadata, serve(api), "--tables", "orders")

    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert (result["state"], result["through"], result["failed"]) == ("success", "scheduler", [])
    assert f"handed to the scheduler job {job_id}" in done.stderr
    assert "manual__one: running" in done.stderr and "manual__one: success" in done.stderr
    assert ("PATCH", "/api/v2/dags/lakehouse_daily", {"is_paused": False}) in api.calls
    [trigger] = [body for method, path, body in api.calls if path == "/api/v2/dags/lakehouse_daily/dagRuns"]
    assert trigger == {
        "logical_date": "2026-11-02T02:00:00+00:00",
        "conf": {"full_refresh": False, "tables": ["orders"]},
    }
    assert _runs(metadata) == 0  # nothing ran in the CLI's process


@pytest.mark.parametrize(
    ("api_server", "reason"),
    [
        ("none", "could not be asked"),
        ("another database's", "serves another metadata database"),
        ("another checkout's", "could not be asked"),  # refuses this checkout's login
    ],
)
def test_beside_a_live_scheduler_the_cli_refuses_when_it_cannot_hand_the_run_over(
    metadata: str, serve: Any, api_server: str, reason: str
) -> None:
    job_id, started = _scheduler_job(metadata)
    if api_server == "none":
        url = serve(FakeApi(job_id, started))
        url = url.rsplit(":", 1)[0] + ":9"  # the discard port: nothing listens there
    elif api_server == "another database's":
        url = serve(FakeApi(job_id + 1, started))
    else:
        url = serve(FakeApi(job_id, started, password="another checkout's"))
    done = _cli(metadata, url)

    assert done.returncode == 2, done.stderr[-3000:]
    assert f"a scheduler is running on this metadata database (scheduler job {job_id}" in done.stderr
    assert reason in done.stderr and "No run was created" in done.stderr
    assert not done.stdout.strip()
    assert _runs(metadata) == 0
