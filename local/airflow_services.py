"""Airflow itself on the local stack: api-server (the web UI), scheduler, dag-processor, triggerer.

Separate processes rather than `airflow standalone`, so that each has its own
pid file and log under `.local/airflow/services/` and `make down` can stop each
one by pid, cleanly, whatever state the others are in. They run with the same
environment as everything else on the stack (`.local/env`): the LocalExecutor,
the metadata database on the embedded Postgres, the connections to the local
AWS endpoint and the shop.

The login: Airflow 3's simple auth manager with one user, `admin`, whose
password is generated once into `.local/airflow/passwords.json` (mode 0600)
and written to `.local/env` as AIRFLOW_ADMIN_PASSWORD. Another checkout's
api-server has another password, which is how the stack tells its own
api-server from one that merely answers on the same port.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
import signal
import string
import subprocess
import sys
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from lakehouse.polling import Backoff, WaitTimedOut, poll
from local.airflow_api import AirflowApi, AirflowApiError
from local.ports import ServicePort, first_port, holder, ports_of, serves

DEFAULT_UI_PORT = 8080
ADMIN_USER = "admin"
SERVICES = ("api-server", "scheduler", "dag-processor", "triggerer")
START_TIMEOUT_S = 120
# Settings that carry an address of the stack: a service started with other
# values than the stack's now would talk to a port the stack no longer uses.
ADDRESS_SETTINGS = (
    "AIRFLOW__API__PORT",
    "AIRFLOW__CORE__EXECUTION_API_SERVER_URL",
    "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN",
    "AIRFLOW_CONN_AWS_DEFAULT",
    "AIRFLOW_CONN_POSTGRES_OLTP",
)


def services_dir(home: Path) -> Path:
    return home / "services"


def api_server_port(home: Path) -> ServicePort:
    saved = services_dir(home) / "api-server.port"
    return ServicePort("Airflow's api-server", "LAKEHOUSE_AIRFLOW_PORT", DEFAULT_UI_PORT, saved)


def admin_password(home: Path) -> str:
    """The admin's password, generated once, in the file the simple auth manager reads."""
    path = home / "passwords.json"
    if path.exists():
        saved = json.loads(path.read_text() or "{}")
        if saved.get(ADMIN_USER):
            return saved[ADMIN_USER]
    alphabet = string.ascii_letters + string.digits
    password = "".join(secrets.choice(alphabet) for _ in range(20))
    home.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({ADMIN_USER: password}) + "\n")
    path.chmod(0o600)
    return password


# What every task process imports and nothing edits while the stack runs: Airflow's task
# runtime, the provider operators and hooks the DAGs use, the data libraries, Great
# Expectations. The scheduler's LocalExecutor forks its workers, and they fork each task,
# from a forkserver that imported these once (Airflow 3.3's `mp_start_method` and
# `mp_forkserver_preload`), so a task does not import them again: Great Expectations
# alone is most of an audit's CPU. The lakehouse package is left out on purpose: a task
# imports it afresh, so an edit to plugins/ reaches the next task without a restart.
# On MWAA the Celery workers fork tasks from processes that preloaded none of these.
TASK_PRELOAD = (
    "airflow.executors.local_executor",
    "airflow.sdk.execution_time.supervisor",
    "airflow.sdk.execution_time.task_runner",
    "airflow.dag_processing.dagbag",
    "airflow.serialization.serialized_objects",
    "airflow.providers.amazon.aws.hooks.athena",
    "airflow.providers.amazon.aws.hooks.s3",
    "airflow.providers.amazon.aws.operators.base_aws",
    "airflow.providers.amazon.aws.operators.glue_crawler",
    "airflow.providers.standard.operators.empty",
    # what the DAG file's `from airflow.sdk import ...` loads on first use (TaskFlow, sensors)
    "airflow.sdk.definitions.decorators",
    "airflow.sdk.bases.sensor",
    "airflow.timetables.interval",
    "pandas",
    "pyarrow",
    "pyarrow.csv",
    "pyarrow.parquet",
    "great_expectations",
    # one botocore data loader, decoded once, for every session a task creates
    "local.task_warmup",
)


def ui_env(home: Path, port: int) -> dict[str, str]:
    """What the Airflow services need on top of the stack's environment."""
    url = f"http://localhost:{port}"
    return {
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": f"{ADMIN_USER}:admin",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(home / "passwords.json"),
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{port}/execution/",
        "AIRFLOW__API__BASE_URL": url,
        # PyJWT 2.10+ refuses a token whose issuer is not a string, and Airflow leaves it unset by default
        "AIRFLOW__API_AUTH__JWT_ISSUER": "airflow-lakehouse",
        "AIRFLOW__API__PORT": str(port),
        # One uvicorn process: with several, uvicorn's supervisor kills a worker
        # that has not answered its ping within seconds, and on a busy 2-core
        # laptop every worker is still importing Airflow then, so it kills and
        # restarts them for ever (seen in CI under load). One is plenty locally.
        "AIRFLOW__API__WORKERS": "1",
        "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "True",
        # Locally the scheduler runs what you trigger and nothing on its own: the
        # sample shop's days are not the calendar's (on MWAA the cron applies).
        "AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE": "False",
        "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "30",
        # A level of tasks starts when the scheduler's loop sees the one before it end; idle,
        # the loop sleeps (Airflow's default: a second), and every level of a run waits out part
        # of that sleep. Locally one person watches one run at a time, so a shorter sleep is
        # worth the little CPU it costs the idle scheduler. MWAA keeps its own setting.
        "AIRFLOW__SCHEDULER__SCHEDULER_IDLE_SLEEP_TIME": "0.25",
        "AIRFLOW__SCHEDULER__MP_START_METHOD": "forkserver",
        "AIRFLOW__SCHEDULER__MP_FORKSERVER_PRELOAD": ",".join(TASK_PRELOAD),
        "AIRFLOW__SCHEDULER__ENABLE_HEALTH_CHECK": "True",
        "AIRFLOW_UI_URL": url,
        "AIRFLOW_ADMIN_USER": ADMIN_USER,
        "AIRFLOW_ADMIN_PASSWORD": admin_password(home),
    }


@dataclass
class Service:
    name: str
    home: Path

    @property
    def pid_file(self) -> Path:
        return services_dir(self.home) / f"{self.name}.pid"

    @property
    def log_file(self) -> Path:
        return services_dir(self.home) / f"{self.name}.log"

    @property
    def settings_file(self) -> Path:
        return services_dir(self.home) / f"{self.name}.settings.json"

    def pid(self) -> int | None:
        """The running process of this service, or None (a stale pid file is ignored)."""
        try:
            pid = int(self.pid_file.read_text())
            os.kill(pid, 0)
        except (OSError, ValueError):
            return None
        cmdline = Path(f"/proc/{pid}/cmdline")
        seen = cmdline.read_bytes() if cmdline.exists() else b""
        # the api-server renames its process "api_server ..."
        if not any(name.encode() in seen for name in (self.name, self.name.replace("-", "_"))):
            return None
        return pid

    def started(self) -> bool:
        """The process in the pid file is alive (just after a start its command line is not set yet)."""
        try:
            os.kill(int(self.pid_file.read_text()), 0)
        except (OSError, ValueError):
            return False
        return True

    def start(self, env: dict[str, str], port: int) -> int:
        running = self.pid()
        if running:
            return running
        services_dir(self.home).mkdir(parents=True, exist_ok=True)
        airflow = Path(sys.executable).with_name("airflow")
        command = [str(airflow), self.name]
        if self.name == "api-server":
            command += ["--port", str(port), "--host", "127.0.0.1"]
        with self.log_file.open("ab") as log:
            process = subprocess.Popen(
                command,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,  # its own process group: stopped with its children
            )
        self.pid_file.write_text(str(process.pid))
        self.record_settings(env)
        return process.pid

    def record_settings(self, env: dict[str, str]) -> None:
        """Keep what the service is started with, as digests (the values hold passwords).

        A file rather than /proc's environ: the api-server retitles its process,
        which overwrites the memory /proc reads its environment from.
        """
        self.settings_file.write_text(json.dumps(_digests(env)) + "\n")

    def stale_settings(self, env: dict[str, str]) -> list[str]:
        """The address settings this running service was started with that differ from `env`'s."""
        if self.pid() is None:
            return []
        try:
            started = json.loads(self.settings_file.read_text())
        except (OSError, ValueError):  # started before these were recorded: nothing to compare
            return []
        return [key for key, digest in _digests(env).items() if started.get(key) != digest]

    def stop(self, timeout_s: float = 30) -> bool:
        pid = self.pid()
        self.pid_file.unlink(missing_ok=True)
        if pid is None:
            return False
        stop_process_group(pid, timeout_s)
        return True


def _digests(env: dict[str, str]) -> dict[str, str]:
    return {key: hashlib.sha256(env[key].encode()).hexdigest() for key in ADDRESS_SETTINGS if key in env}


def stop_process_group(pid: int, timeout_s: float) -> bool:
    """SIGTERM a background process group, wait for it to go, SIGKILL it if it will not.

    Returns whether it had to be killed.
    """
    with contextlib.suppress(OSError):
        os.killpg(pid, signal.SIGTERM)
    try:
        poll(lambda: _group_gone(pid), bool, timeout_s, backoff=Backoff(0.05, 1.5, 0.5))
    except WaitTimedOut:
        with contextlib.suppress(OSError):
            os.killpg(pid, signal.SIGKILL)
        return True
    return False


def _group_gone(pid: int) -> bool:
    # A leader that exited but was started by this process stays a zombie, and a zombie still
    # counts as a member of its group, until reaped: reap it, or the group never looks gone.
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)
    try:
        os.killpg(pid, 0)
    except OSError:
        return True
    return False


def services(home: Path) -> list[Service]:
    return [Service(name, home) for name in SERVICES]


def healthy(port: int) -> bool:
    """The api-server answers and the scheduler, dag-processor and triggerer report in."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/monitor/health", timeout=2) as reply:
            health = json.loads(reply.read())
    except (OSError, ValueError):
        return False
    parts = ("metadatabase", "scheduler", "dag_processor", "triggerer")
    return all((health.get(part) or {}).get("status") == "healthy" for part in parts)


def running_port(home: Path) -> int | None:
    """The port this home's running api-server listens on, read from /proc, or None."""
    pid = Service("api-server", home).pid()
    return first_port(ports_of(pid), api_server_port(home).saved()) if pid else None


def restart_stale(env: dict[str, str], home: Path) -> None:
    """Stop the running services that were started for other addresses than `env`'s.

    A scheduler keeps the AWS endpoint and execution API it was started with: if
    the endpoint had to move to another port since, its tasks would go on
    talking to the old one. Started again, they get the stack's addresses.
    """
    for service in services(home):
        stale = service.stale_settings(env)
        if stale:
            print(f"airflow {service.name}: restarting: it was started with other {', '.join(stale)}")
            service.stop()


def check_login(env: dict[str, str], port: int) -> None:
    """The api-server on `port` accepts this checkout's admin password: it is ours, not one that answers."""
    api = AirflowApi(f"http://127.0.0.1:{port}", env["AIRFLOW_ADMIN_USER"], env["AIRFLOW_ADMIN_PASSWORD"])
    try:
        api.token()
    except (AirflowApiError, OSError) as error:
        raise RuntimeError(
            f"the api-server on port {port} does not accept this checkout's admin login ({error}):"
            " it is not this stack's"
        ) from error


def start_all(env: dict[str, str], home: Path, port: int) -> None:
    """Start whatever is not running and wait until all four are healthy, on `port` and ours."""
    restart_stale(env, home)
    pids = {service.name: service.start(env, port) for service in services(home)}

    def listening() -> bool:
        # the api-server's own process group listens there, not another process
        return serves(port, pids["api-server"])

    def all_healthy() -> bool:
        if listening() and healthy(port):
            return True
        for service in services(home):
            if not service.started():
                tail = (
                    service.log_file.read_text(errors="replace")[-3000:] if service.log_file.exists() else ""
                )
                raise RuntimeError(
                    f"airflow {service.name} exited; its log ({service.log_file}) ends:\n{tail}"
                )
        return False

    try:
        poll(all_healthy, bool, START_TIMEOUT_S, backoff=Backoff(0.5, 1.5, 2))
    except WaitTimedOut:
        taken = holder(port)
        if taken is not None and not listening():
            raise RuntimeError(
                f"port {port} is held by {taken.describe()}, not by this stack's api-server"
            ) from None
        raise RuntimeError(
            f"airflow did not become healthy on port {port}; logs in {services_dir(home)}"
        ) from None
    check_login(env, port)
    api_server_port(home).save(port)


def stop_all(home: Path) -> list[str]:
    """Stop every service by its pid file; returns the names of those that were running."""
    return [service.name for service in services(home) if service.stop()]


def describe(home: Path) -> list[str]:
    """One line per service; the api-server's names its address and health only where it listens.

    A port it does not listen on (yet) may be another process's, whose answers say nothing of
    this stack: its health is asked only of a port its own process group holds.
    """
    lines = []
    for service in services(home):
        pid = service.pid()
        lines.append(f"airflow {service.name}: " + (f"running pid={pid}" if pid else "stopped"))
    if services(home)[0].pid():
        port = running_port(home)
        if port is None:
            lines[0] += " (starting: not listening yet)"
        else:
            lines[0] += f" http://localhost:{port}" + (" (healthy)" if healthy(port) else " (starting)")
    return lines
