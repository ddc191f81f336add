"""The REST client's one way to run a business day through the scheduler, which `make demo` and
`python -m local.run_dag` both use: the logical date it asks for, the progress it reports, and
the summary it returns, against a stand-in api-server."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any, ClassVar
from urllib.parse import urlparse

import pytest
from stand_ins import JsonReplies, serving

from local.airflow_api import AirflowApi, logical_date_for

RUN = "/api/v2/dags/lakehouse_daily/dagRuns/manual__2026"
# what the run is seen in, one poll after another
STATES = ["queued", "running", "running", "running", "success"]
TASKS = [
    {"task_id": "export", "state": "success", "map_index": -1},
    {"task_id": "load", "state": "failed", "map_index": -1},
    {"task_id": "load", "state": "failed", "map_index": 0},
    {"task_id": "publish", "state": "upstream_failed", "map_index": -1},
]


class _ApiServer(JsonReplies):
    """Each test makes a subclass of its own, whose class attributes keep what it was sent."""

    triggered: ClassVar[list[Any]] = []
    polls: ClassVar[int] = 0

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if self.path == "/auth/token":
            self.reply(200, {"access_token": "t"})
        else:
            type(self).triggered.append(body)
            self.reply(200, {"dag_run_id": "manual__2026"})

    def do_GET(self) -> None:
        path = urlparse(self.path).path
        if path == RUN:
            state = STATES[min(type(self).polls, len(STATES) - 1)]
            type(self).polls += 1
            self.reply(200, {"dag_run_id": "manual__2026", "state": state})
        else:
            self.reply(200, {"task_instances": TASKS})


@pytest.fixture
def served() -> Iterator[tuple[AirflowApi, type[_ApiServer]]]:
    """A client, and the stand-in api-server's handler class (what it was sent)."""
    handler = type("Handler", (_ApiServer,), {"triggered": [], "polls": 0})
    with serving(handler) as port:
        yield AirflowApi(f"http://127.0.0.1:{port}", "admin", "pw"), handler


def test_a_business_days_run_is_the_one_the_schedule_starts_the_next_day_at_two() -> None:
    assert logical_date_for(date(2026, 11, 1)) == datetime(2026, 11, 2, 2, tzinfo=UTC)
    assert logical_date_for(date(2026, 12, 31)) == datetime(2027, 1, 1, 2, tzinfo=UTC)


def test_a_day_is_triggered_followed_to_its_end_and_summed_up(
    served: tuple[AirflowApi, type[_ApiServer]],
) -> None:
    api, handler = served
    heard: list[tuple[str, ...]] = []
    run = api.trigger_and_follow(
        "lakehouse_daily",
        date(2026, 11, 1),
        {"full_refresh": True, "tables": []},
        interval_s=0.01,
        on_triggered=lambda run_id, page: heard.append(("triggered", run_id, page)),
        on_state=lambda run_id, state: heard.append((run_id, state)),
    )
    assert handler.triggered == [
        {"logical_date": "2026-11-02T02:00:00+00:00", "conf": {"full_refresh": True, "tables": []}}
    ]
    page = f"{api.url}/dags/lakehouse_daily/runs/manual__2026"
    # each state once, as it changes, after the run's page is known
    assert heard == [
        ("triggered", "manual__2026", page),
        ("manual__2026", "queued"),
        ("manual__2026", "running"),
        ("manual__2026", "success"),
    ]
    summary = run.summary()
    assert summary == {
        "day": "2026-11-01",
        "state": "success",
        "seconds": summary["seconds"],
        "run_id": "manual__2026",
        "page": page,
        "tasks": len(TASKS),
        "failed": ["load", "publish"],
        "states": {"export": "success", "load": "failed", "publish": "upstream_failed"},
    }
