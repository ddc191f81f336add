"""Airflow on the local stack, and the newcomer's path through its web UI in a real browser.

The browser test starts the four Airflow services the way `make up` does
(local/airflow_services.py), against their own metadata database, a seeded shop
and the tests' AWS endpoint, then drives Debian's headless Chromium with
Playwright: log in, open lakehouse_daily, trigger a run for a given date with
the full_refresh param, watch it go green, and save a screenshot under .local/.
It is skipped, saying why, where Chromium is not installed (`make test`
installs it where it can).
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import psycopg
import pytest
from stand_ins import JsonReplies, named_process, serving

from local.airflow_api import AirflowApi, logical_date_for, wait_for
from local.airflow_services import (
    TASK_PRELOAD,
    Service,
    admin_password,
    api_server_port,
    describe,
    healthy,
    start_all,
    stop_all,
    ui_env,
)
from local.paths import LOCAL_DIR

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = LOCAL_DIR / "screenshots"
RUN_DAY = "2026-10-31"  # the seeded shop's last day: the initial load
# A full refresh through the scheduler runs each of its ~60 tasks as its own
# process: 72 s on one 2-core machine here, 7 minutes on a slower one.
RUN_TIMEOUT_S = 900
UI_ACTION_TIMEOUT_MS = 60_000
DATE_INPUT_DEBOUNCE_MS = 2_000  # the UI's own debounce, with a margin
CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def test_the_admin_password_is_generated_once_and_kept_private(tmp_path: Path) -> None:
    first = admin_password(tmp_path)
    assert len(first) == 20 and admin_password(tmp_path) == first
    assert (tmp_path / "passwords.json").stat().st_mode & 0o077 == 0
    assert json.loads((tmp_path / "passwords.json").read_text()) == {"admin": first}


def test_the_ui_environment_names_the_login_and_the_execution_api(tmp_path: Path) -> None:
    env = ui_env(tmp_path, 8123)
    assert env["AIRFLOW_UI_URL"] == "http://localhost:8123"
    assert env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"] == "http://127.0.0.1:8123/execution/"
    assert env["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS"] == "admin:admin"
    assert env["AIRFLOW_ADMIN_PASSWORD"] == admin_password(tmp_path)


def test_the_scheduler_forks_tasks_from_a_preloaded_forkserver_and_loops_quickly_when_idle(
    tmp_path: Path,
) -> None:
    env = ui_env(tmp_path, 8123)
    assert env["AIRFLOW__SCHEDULER__MP_START_METHOD"] == "forkserver"
    assert env["AIRFLOW__SCHEDULER__MP_FORKSERVER_PRELOAD"].split(",") == list(TASK_PRELOAD)
    assert "great_expectations" in TASK_PRELOAD
    assert float(env["AIRFLOW__SCHEDULER__SCHEDULER_IDLE_SLEEP_TIME"]) < 1  # Airflow's default: 1 s
    # the lakehouse package is imported by each task afresh: an edit reaches the next task
    assert not [name for name in TASK_PRELOAD if name.split(".")[0] == "lakehouse"]


@pytest.mark.parametrize("module", TASK_PRELOAD)
def test_every_preloaded_module_exists(module: str) -> None:
    """multiprocessing skips a preload module it cannot import without a word: a renamed one
    would quietly make every task import it again."""
    assert importlib.util.find_spec(module) is not None, module


class _HealthyToAll(JsonReplies):
    """Another process's server that says every part of it is healthy."""

    def do_GET(self) -> None:
        parts = ("metadatabase", "scheduler", "dag_processor", "triggerer")
        self.reply(200, {part: {"status": "healthy"} for part in parts})


def test_status_does_not_report_another_process_on_the_last_port_as_this_stacks_api_server(
    tmp_path: Path,
) -> None:
    """An api-server still starting (not listening yet) where another server now holds its last
    port: `make status` must not pass that server's health off as this stack's."""
    with serving(_HealthyToAll) as port, named_process("api-server") as starting:
        assert healthy(port)  # what a check of the port alone would believe
        service = Service("api-server", tmp_path)
        service.pid_file.parent.mkdir(parents=True)
        service.pid_file.write_text(str(starting.pid))
        api_server_port(tmp_path).save(port)  # where it listened last time
        [line, *_others] = describe(tmp_path)
        assert line.startswith(f"airflow api-server: running pid={starting.pid}")
        assert "healthy" not in line and str(port) not in line


def test_a_stale_pid_file_is_not_taken_for_a_running_service(tmp_path: Path) -> None:
    service = Service("scheduler", tmp_path)
    service.pid_file.parent.mkdir(parents=True)
    service.pid_file.write_text(str(os.getpid()))  # alive, but not an Airflow scheduler
    assert service.pid() is None
    assert service.stop() is False and not service.pid_file.exists()


@dataclass
class UiStack:
    url: str
    user: str
    password: str
    env: dict[str, str]
    home: Path


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_service_this_process_started_stops_on_sigterm_without_being_killed() -> None:
    """Its exited leader stays a zombie until reaped, which must not pass for a group still running."""
    from local.airflow_services import stop_process_group

    child = subprocess.Popen(["sleep", "300"], start_new_session=True)
    assert stop_process_group(child.pid, timeout_s=10) is False
    with pytest.raises(ProcessLookupError):
        os.kill(child.pid, 0)  # gone, and reaped


@pytest.fixture(scope="module")
def ui_stack(pg, endpoint_url: str) -> Iterator[UiStack]:
    if not Path(CHROMIUM).exists():
        pytest.skip(
            f"Chromium not installed ({CHROMIUM}): apt-get install chromium (make test does, as root)"
        )
    from local.airflow_home import new_metadata_database, sqlalchemy_url, stack_env
    from local.aws.bootstrap import bootstrap_aws
    from local.shop.generate import generate_shop
    from local.shop.load import replace_shop
    from local.shop.model import ShopSpec

    suffix = uuid.uuid4().hex[:8]
    metadata, shop = f"airflow_ui_{suffix}", f"shop_ui_{suffix}"
    pg.ensure_database(shop)
    with psycopg.connect(pg.dsn(shop), autocommit=True) as conn:
        replace_shop(conn, generate_shop(ShopSpec(orders=3_000)))
    bootstrap_aws(endpoint_url)
    home = LOCAL_DIR / "ui-test" / suffix
    port = _free_port()
    env = {**os.environ, **stack_env(pg), **ui_env(home, port)}
    source = json.loads(env["AIRFLOW_CONN_POSTGRES_OLTP"])
    env |= {
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": sqlalchemy_url(new_metadata_database(pg, metadata, env)),
        "AIRFLOW_CONN_POSTGRES_OLTP": json.dumps({**source, "schema": shop}),
        "AIRFLOW_CONN_AWS_DEFAULT": os.environ["AIRFLOW_CONN_AWS_DEFAULT"],
        "AWS_ENDPOINT_URL": endpoint_url,
    }
    try:
        start_all(env, home, port)
        yield UiStack(
            env["AIRFLOW_UI_URL"], env["AIRFLOW_ADMIN_USER"], env["AIRFLOW_ADMIN_PASSWORD"], env, home
        )
    finally:
        stop_all(home)
        with psycopg.connect(pg.dsn("postgres"), autocommit=True) as admin:
            for name in (metadata, shop):
                admin.execute(f'drop database if exists "{name}" with (force)')


def _api(stack: UiStack, path: str) -> dict:
    """The REST API as the admin, to read state the test then looks for in the UI."""
    return AirflowApi(stack.url, stack.user, stack.password).get(path)


def _sign_in(page, stack: UiStack) -> None:
    page.goto(stack.url)
    page.get_by_label("Username").fill(stack.user)
    page.get_by_label("Password").fill(stack.password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/auth/login" not in url)


def _trigger(page, stack: UiStack, logical_date: str, *, full_refresh: bool, shot: str) -> dict:
    """Trigger lakehouse_daily from its page with the params form; return the run once it finished."""
    from playwright.sync_api import expect

    before = {r["dag_run_id"] for r in _api(stack, "/api/v2/dags/lakehouse_daily/dagRuns")["dag_runs"]}
    page.goto(f"{stack.url}/dags/lakehouse_daily")
    expect(page.get_by_role("heading", name="lakehouse_daily")).to_be_visible()
    page.get_by_role("button", name="Trigger Dag").click()
    dialog = page.get_by_role("dialog")
    expect(
        dialog.get_by_text("export whole tables, rebuild all partitions")
    ).to_be_visible()  # the params form
    switch = dialog.locator("input[name=element_full_refresh]")
    if switch.is_checked() != full_refresh:
        dialog.locator("label:has(input[name=element_full_refresh])").click()
    expect(switch).to_be_checked(checked=full_refresh)
    dialog.get_by_role("button", name="Advanced Options").click()
    dialog.locator("input[name=logicalDate]").fill(logical_date)
    # Airflow 3.3's date input hands a typed value to the form only after a
    # debounce; a click on Trigger before that submits the default date.
    page.wait_for_timeout(DATE_INPUT_DEBOUNCE_MS)
    page.screenshot(path=str(SCREENSHOTS / shot))
    dialog.get_by_role("button", name="Trigger", exact=True).click()
    expect(dialog).to_be_hidden()  # once the api-server has unpaused the DAG and created the run
    # While a run is active the DAG page re-renders its grid every few seconds, which
    # keeps Chromium busy on the cores the run's tasks need: wait on a blank page.
    page.goto("about:blank")

    def finished() -> dict | None:
        runs = _api(stack, "/api/v2/dags/lakehouse_daily/dagRuns")["dag_runs"]
        new = [r for r in runs if r["dag_run_id"] not in before]
        return new[0] if new and new[0]["state"] in ("success", "failed") else None

    run = wait_for(finished, RUN_TIMEOUT_S, f"the run of {logical_date} to finish", interval_s=5)
    assert run["logical_date"].startswith(logical_date)
    assert run["conf"] == {"full_refresh": full_refresh, "tables": []}
    return run


def _task_states(stack: UiStack, run: dict) -> dict[str, str]:
    path = f"/api/v2/dags/lakehouse_daily/dagRuns/{run['dag_run_id']}/taskInstances?limit=200"
    return {t["task_id"]: t["state"] for t in _api(stack, path)["task_instances"] if t["map_index"] < 0}


def _break_an_order_status(stack: UiStack, day: date) -> None:
    """Simulate `day` at the source, then give one of its orders a status the suite does not allow."""
    from local.shop.simulate import simulate_day

    dsn = json.loads(stack.env["AIRFLOW_CONN_POSTGRES_OLTP"])
    url = f"postgresql://{dsn['login']}:{dsn['password']}@{dsn['host']}:{dsn['port']}/{dsn['schema']}"
    with psycopg.connect(url, autocommit=True) as conn:
        simulate_day(conn, day)
        conn.execute("alter table orders drop constraint orders_status_check")
        conn.execute(
            "update orders set status = 'teleported', updated_at = %s where order_id = (select min(order_id)"
            " from orders where (ordered_at at time zone 'UTC')::date = %s)",
            (f"{day} 13:00:00+00", day),
        )


def _open_the_gold_report(page, stack: UiStack) -> None:
    """The gold tables' report, from the DAG's docs and from the UI's own navigation."""
    from playwright.sync_api import expect

    # linked from the DAG's docs (the UI opens doc links in a new tab)
    page.goto(f"{stack.url}/dags/lakehouse_daily")
    page.get_by_role("button", name="Dag Docs").click()
    with page.context.expect_page() as opened:
        page.get_by_role("link", name="gold tables and the latest audit reports").click()
    report = opened.value
    expect(report.get_by_role("heading", name="gold.daily_revenue")).to_be_visible()
    expect(report.get_by_role("cell", name="gold.daily_revenue")).to_be_visible()
    report.screenshot(path=str(SCREENSHOTS / "lakehouse_report.png"), full_page=True)
    report.get_by_role("row", name="gold.daily_revenue").get_by_role("link", name="Data Docs").click()
    expect(report.get_by_text("Expectation Validation Result")).to_be_visible()
    expect(report.get_by_text("gold.daily_revenue").first).to_be_visible()
    report.screenshot(path=str(SCREENSHOTS / "gold_daily_revenue-data_docs.png"))
    report.close()

    # the same report from the UI's own navigation (the plugin's external view, Browse menu)
    page.goto(stack.url)
    page.get_by_role("button", name="Browse").click()
    page.get_by_role("menuitem", name="Lakehouse report").click()
    framed = page.frame_locator("iframe")
    expect(framed.get_by_role("heading", name="gold.daily_revenue")).to_be_visible()
    assert page.url.endswith("/plugin/lakehouse-report")
    page.screenshot(path=str(SCREENSHOTS / "lakehouse_report-in_ui.png"), full_page=True)


def _watch_an_audit_fail(page, stack: UiStack, first_day: date) -> None:
    """The next day breaks an expectation: its audit fails, visibly, with the reason in the log.

    This run is triggered through the REST API (the form was used for the first one)
    and limited to orders, the table the broken row is in: the failed audit is what the
    browser looks at, and the other tables' tasks would only keep the scheduler busy.
    """
    from playwright.sync_api import expect

    day = first_day + timedelta(days=1)
    _break_an_order_status(stack, day)
    api = AirflowApi(stack.url, stack.user, stack.password)
    run_id = api.trigger(
        "lakehouse_daily", logical_date_for(day), {"full_refresh": False, "tables": ["orders"]}
    )
    run = api.wait_for_run("lakehouse_daily", run_id, RUN_TIMEOUT_S, interval_s=5)
    states = _task_states(stack, run)
    assert run["state"] == "failed"
    assert states["silver_orders.audit"] == "failed"
    task = f"{stack.url}/dags/lakehouse_daily/runs/{run['dag_run_id']}/tasks/silver_orders.audit"
    page.goto(task)
    log = page.get_by_text("Log message source details").first
    expect(log).to_be_visible()
    log.hover()
    for _ in range(20):  # the log view renders the rows in sight: scroll to its end
        page.mouse.wheel(0, 5000)
        page.wait_for_timeout(100)
    expect(page.get_by_text("expect_column_values_to_be_in_set(status)").first).to_be_visible()
    expect(page.get_by_text("'teleported'").first).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "failed_audit-log.png"))


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.timeout(2 * RUN_TIMEOUT_S + 300)  # two runs, the services and the browser
def test_a_newcomer_logs_in_triggers_lakehouse_daily_and_watches_it_succeed(ui_stack: UiStack) -> None:
    from playwright.sync_api import expect, sync_playwright

    # Pages load while the scheduler runs tasks on the same two cores: wait as a user would
    expect.set_options(timeout=UI_ACTION_TIMEOUT_MS)
    assert healthy(int(ui_stack.url.rsplit(":", 1)[1]))
    wait_for(
        lambda: _api(ui_stack, "/api/v2/dags?dag_id_pattern=lakehouse_daily")["total_entries"],
        120,
        "the dag-processor to parse lakehouse_daily",
    )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    first_day = date.fromisoformat(RUN_DAY)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        context = browser.new_context(viewport={"width": 1440, "height": 960}, timezone_id="UTC")
        # no internet here: fail requests for CDN assets (GX's Data Docs use some) at once
        context.route(re.compile(r"^https?://(?!localhost|127\.0\.0\.1)"), lambda route: route.abort())
        page = context.new_page()
        page.set_default_timeout(30_000)
        try:
            _sign_in(page, ui_stack)
            # the initial load: the scheduled run of the seeded shop's last day, with a full refresh
            run = _trigger(
                page,
                ui_stack,
                f"{first_day + timedelta(days=1)}T02:00",
                full_refresh=True,
                shot="trigger.png",
            )
            states = _task_states(ui_stack, run)
            assert run["state"] == "success", {t: s for t, s in states.items() if s != "success"}
            assert states["gold_daily_revenue.publish"] == "success"
            page.goto(f"{ui_stack.url}/dags/lakehouse_daily/runs/{run['dag_run_id']}")
            expect(page.get_by_text("success").first).to_be_visible()
            page.screenshot(path=str(SCREENSHOTS / "lakehouse_daily-success.png"))

            _open_the_gold_report(page, ui_stack)
            _watch_an_audit_fail(page, ui_stack, first_day)
        finally:
            page.screenshot(path=str(SCREENSHOTS / "last.png"), full_page=True)
            browser.close()


@pytest.mark.slow
def test_the_api_client_names_the_call_that_failed_and_sees_the_parsed_dag(ui_stack: UiStack) -> None:
    """What `make demo` relies on to drive the scheduler: sign-in, the parsed DAG, a clear error."""
    from local.airflow_api import AirflowApiError

    api = AirflowApi(ui_stack.url, ui_stack.user, ui_stack.password)
    assert wait_for(lambda: api.dag_is_parsed("lakehouse_daily"), 120, "lakehouse_daily to be parsed")
    assert not api.dag_is_parsed("no_such_dag")
    with pytest.raises(AirflowApiError, match=r"GET /api/v2/dags/no_such_dag/dagRuns/x: HTTP 404"):
        api.run("no_such_dag", "x")
    with pytest.raises(AirflowApiError, match=r"POST /auth/token: HTTP 401"):
        AirflowApi(ui_stack.url, ui_stack.user, "wrong-password").token()


@pytest.mark.slow
def test_the_demo_clears_runs_even_one_still_running(ui_stack: UiStack) -> None:
    """A stack stopped mid-run leaves a run `running`, which Airflow will not delete: demo clears it."""
    api = AirflowApi(ui_stack.url, ui_stack.user, ui_stack.password)
    assert wait_for(lambda: api.dag_is_parsed("lakehouse_daily"), 120, "lakehouse_daily to be parsed")
    run_id = api.trigger("lakehouse_daily", datetime(2026, 10, 1, 2, tzinfo=UTC), {"full_refresh": False})
    # what a stack stopped in the middle of a run leaves behind
    metadata = ui_stack.env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].replace("+psycopg2", "")
    with psycopg.connect(metadata, autocommit=True) as conn:
        conn.execute("update dag_run set state = 'running' where run_id = %s", (run_id,))
    assert api.run("lakehouse_daily", run_id)["state"] == "running"
    assert api.delete_runs("lakehouse_daily") >= 1
    assert _api(ui_stack, "/api/v2/dags/lakehouse_daily/dagRuns")["dag_runs"] == []
