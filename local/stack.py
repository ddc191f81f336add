"""`make up` / `make down` / `make status`: the local stack in the background.

Up: the embedded Postgres, the local AWS endpoint (a background process with
its pid in .local/aws/endpoint.pid and its log beside it), which creates on
start the AWS resources the DAG expects (what Terraform creates on AWS:
buckets, Glue databases, the Athena workgroup, the bronze crawler, all from
pipeline.yaml), Airflow's metadata database, and .local/env with the
connections.

Ports are decided before anything starts (local/ports.py): a service of this
stack that runs already (its pid file) keeps the port it listens on; a port
another process holds is named, and left for a free one nearby unless it was
asked for (LAKEHOUSE_AWS_PORT, LAKEHOUSE_AIRFLOW_PORT, LAKEHOUSE_PG_PORT), in
which case `make up` stops there. Every client is then given the ports the
services bound, and a service counts as up only once its own process listens.

The endpoint keeps the lake (S3 objects, the Glue catalog) in .local/aws/lake,
as Postgres keeps its data, so a restart of either finds them as they were;
`make clean` (which removes .local) is how to start over. It restores the lake
before it answers, so its start takes longer as the lake grows: `make up`
waits for it as long as its process lives.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from lakehouse.polling import Backoff, WaitTimedOut, poll
from local.airflow_home import AIRFLOW_HOME, AWS_PORT, aws_endpoint_url
from local.airflow_home import init as init_airflow_home
from local.airflow_services import (
    api_server_port,
    describe,
    running_port,
    start_all,
    stop_all,
    stop_process_group,
)
from local.aws.persistence import default_state_dir
from local.aws.process import endpoint_command
from local.paths import LOCAL_DIR, REPO_ROOT
from local.ports import PortTaken, ServicePort, first_port, holder, ports_of, serves
from local.postgres import EmbeddedPostgres

AWS_DIR = LOCAL_DIR / "aws"
PID_FILE = AWS_DIR / "endpoint.pid"
LOG_FILE = AWS_DIR / "endpoint.log"
# How long a start may take while the endpoint's process lives: it restores the whole lake and
# creates the lake's resources before it answers, which grows with the lake. One that exits is
# reported at once.
ENDPOINT_START_TIMEOUT_S = 15 * 60


@dataclass(frozen=True)
class Ports:
    """Where the stack's services will listen, decided before any of them starts."""

    aws: int
    airflow: int


def _endpoint_pid() -> int | None:
    try:
        pid = int(PID_FILE.read_text())
        os.kill(pid, 0)
    except (OSError, ValueError):
        return None
    cmdline = Path(f"/proc/{pid}/cmdline").read_bytes() if Path(f"/proc/{pid}").exists() else b""
    return pid if b"local.aws" in cmdline else None


def _endpoint_ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/moto-api/", timeout=1):
            return True
    except OSError:
        return False


def _endpoint_port() -> int | None:
    """The port this checkout's running endpoint listens on, or None."""
    pid = _endpoint_pid()
    return first_port(ports_of(pid), AWS_PORT.saved()) if pid else None


def _keep_running(setting: ServicePort, running: int) -> int:
    """A running service keeps its port; say so when another was asked for."""
    requested = setting.requested()
    if requested and requested != running:
        print(
            f"{setting.service}: already running on port {running}"
            f" (`make down` first to move it to {requested})"
        )
    return running


def check_postgres_port(pg: EmbeddedPostgres) -> None:
    """Only a port fixed by LAKEHOUSE_PG_PORT can be taken: the server moves off any other by itself."""
    port = pg.requested_port
    if port is None or pg.status().running:
        return
    taken = holder(port)
    if taken is not None:
        raise PortTaken(
            f"postgres: port {port} (LAKEHOUSE_PG_PORT) is held by {taken.describe()}. Stop that"
            " process, or unset LAKEHOUSE_PG_PORT and the embedded server picks a free port."
        )


def plan_ports(*, airflow: bool) -> Ports:
    """The ports the stack will use, each checked free or this stack's own; raises PortTaken."""
    check_postgres_port(EmbeddedPostgres())
    running = _endpoint_port()
    aws = _keep_running(AWS_PORT, running) if running else AWS_PORT.choose()
    api = api_server_port(AIRFLOW_HOME)
    if not airflow:
        return Ports(aws, api.last_used())
    running = running_port(AIRFLOW_HOME)
    return Ports(aws, _keep_running(api, running) if running else api.choose())


def start_endpoint(port: int) -> str:
    """Start the endpoint on `port` unless it runs; return its URL once its own process listens there."""
    url = aws_endpoint_url(port)
    running = _endpoint_pid()
    if running is not None:
        if not serves(port, running):
            raise RuntimeError(f"the local AWS endpoint runs (pid {running}) but not on port {port}")
        AWS_PORT.save(port)
        return url
    AWS_DIR.mkdir(parents=True, exist_ok=True)
    with LOG_FILE.open("ab") as log:
        process = subprocess.Popen(
            endpoint_command(port, default_state_dir(AWS_DIR), bootstrap=True),
            cwd=REPO_ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    PID_FILE.write_text(str(process.pid))

    def ready() -> bool:
        # Something answers on the port (an HTTP request, cheap), and it is our own process
        # (a walk of /proc, asked only then): whatever else answers there is not the endpoint.
        if _endpoint_ready(url) and serves(port, process.pid):
            return True
        if process.poll() is not None:
            raise RuntimeError(f"local AWS endpoint exited on start (port {port}); see {LOG_FILE}")
        return False

    try:
        poll(ready, bool, ENDPOINT_START_TIMEOUT_S, backoff=Backoff(0.1, 1.5, 0.5))
    except WaitTimedOut:
        raise RuntimeError(
            f"local AWS endpoint did not answer on port {port} within {ENDPOINT_START_TIMEOUT_S} s"
            f" (still running, pid {process.pid}); see {LOG_FILE}"
        ) from None
    AWS_PORT.save(port)
    return url


def stop_endpoint() -> bool:
    pid = _endpoint_pid()
    PID_FILE.unlink(missing_ok=True)
    if pid is None:
        return False
    stop_process_group(pid, timeout_s=10)
    return True


def up(*, airflow: bool = True) -> dict[str, str]:
    """Postgres, the AWS endpoint with its resources, the Airflow home, and (unless not wanted) Airflow.

    Raises PortTaken, before starting anything, when a port asked for is held by another process.
    """
    ports = plan_ports(airflow=airflow)
    start_endpoint(ports.aws)  # which creates the lake's resources before it answers
    env = init_airflow_home(aws_port=ports.aws, ui_port=ports.airflow)
    if airflow:
        start_all({**os.environ, **env}, AIRFLOW_HOME, ports.airflow)
    return env


def down() -> None:
    stopped = stop_all(AIRFLOW_HOME)
    print(f"airflow: stopped {', '.join(stopped)}" if stopped else "airflow: was not running")
    print("local AWS endpoint: stopped" if stop_endpoint() else "local AWS endpoint: was not running")
    print("postgres: stopped" if EmbeddedPostgres().stop() else "postgres: was not running")


def status() -> int:
    pg = EmbeddedPostgres().status()
    print(pg.describe())
    pid = _endpoint_pid()
    print(
        f"local AWS endpoint: running pid={pid} {aws_endpoint_url(_endpoint_port() or AWS_PORT.last_used())}"
        if pid
        else "local AWS endpoint: stopped"
    )
    for line in describe(AIRFLOW_HOME):
        print(line)
    return 0 if pg.running and pid else 3


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m local.stack", description=__doc__.split("\n")[0])
    parser.add_argument("command", choices=["up", "down", "status"])
    parser.add_argument("--no-airflow", action="store_true", help="up: leave Airflow's services stopped")
    args = parser.parse_args(argv)
    if args.command == "up":
        try:
            env = up(airflow=not args.no_airflow)
        except PortTaken as taken:
            print(f"make up: {taken}", file=sys.stderr)
            return 1
        postgres = env["LAKEHOUSE_PG_DSN"].rsplit("@", 1)[-1]
        print(f"local stack up: Postgres {postgres}, AWS {env['AWS_ENDPOINT_URL']}")
        if not args.no_airflow:
            login = f"{env['AIRFLOW_ADMIN_USER']} / {env['AIRFLOW_ADMIN_PASSWORD']}"
            print(f"airflow: {env['AIRFLOW_UI_URL']}  login: {login}")
            print(f"  logs: {AIRFLOW_HOME / 'services'}")
        print(f"environment: source {LOCAL_DIR / 'env'}")
        return 0
    if args.command == "down":
        down()
        return 0
    return status()


if __name__ == "__main__":
    sys.exit(main())
