"""`make up` / `make down` / `make status`: the local stack in the background.

Up: the embedded Postgres, the local AWS endpoint (a background process with
its pid in .local/aws/endpoint.pid and its log beside it), the AWS resources
the DAG expects (what Terraform creates on AWS: buckets, Glue databases, the
Athena workgroup, the bronze crawler, all from pipeline.yaml), Airflow's
metadata database, and .local/env with the connections.

The endpoint keeps its state in memory, so a restart of it loses the lake;
Postgres keeps its data.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

from lakehouse.polling import Backoff, WaitTimedOut, poll
from local.airflow_home import AIRFLOW_HOME, DEFAULT_AWS_PORT, aws_endpoint_url
from local.airflow_home import init as init_airflow_home
from local.airflow_services import describe, start_all, stop_all, stop_process_group, ui_port
from local.aws.bootstrap import bootstrap_aws
from local.paths import LOCAL_DIR, REPO_ROOT
from local.postgres import EmbeddedPostgres

AWS_DIR = LOCAL_DIR / "aws"
PID_FILE = AWS_DIR / "endpoint.pid"
LOG_FILE = AWS_DIR / "endpoint.log"


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


def start_endpoint(port: int) -> str:
    url = f"http://127.0.0.1:{port}"
    if _endpoint_pid() is not None:
        return url
    AWS_DIR.mkdir(parents=True, exist_ok=True)
    with LOG_FILE.open("ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "local.aws", "--port", str(port)],
            cwd=REPO_ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    PID_FILE.write_text(str(process.pid))

    def ready() -> bool:
        if _endpoint_ready(url):
            return True
        if process.poll() is not None:
            raise RuntimeError(f"local AWS endpoint exited on start (port {port}); see {LOG_FILE}")
        return False

    try:
        poll(ready, bool, 30, backoff=Backoff(0.1, 1.5, 0.5))
    except WaitTimedOut:
        raise RuntimeError(f"local AWS endpoint did not start on port {port}; see {LOG_FILE}") from None
    return url


def stop_endpoint() -> bool:
    pid = _endpoint_pid()
    PID_FILE.unlink(missing_ok=True)
    if pid is None:
        return False
    stop_process_group(pid, timeout_s=10)
    return True


def up(*, airflow: bool = True) -> dict[str, str]:
    """Postgres, the AWS endpoint and its resources, the Airflow home, and (unless not wanted) Airflow."""
    port = int(os.environ.get("LAKEHOUSE_AWS_PORT", DEFAULT_AWS_PORT))
    url = start_endpoint(port)
    bootstrap_aws(url)
    env = init_airflow_home()
    assert env["AWS_ENDPOINT_URL"] == url == aws_endpoint_url()
    if airflow:
        start_all({**os.environ, **env}, AIRFLOW_HOME, ui_port())
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
        f"local AWS endpoint: running pid={pid} {aws_endpoint_url()}"
        if pid
        else "local AWS endpoint: stopped"
    )
    for line in describe(AIRFLOW_HOME, ui_port()):
        print(line)
    return 0 if pg.running and pid else 3


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m local.stack", description=__doc__.split("\n")[0])
    parser.add_argument("command", choices=["up", "down", "status"])
    parser.add_argument("--no-airflow", action="store_true", help="up: leave Airflow's services stopped")
    args = parser.parse_args(argv)
    if args.command == "up":
        env = up(airflow=not args.no_airflow)
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
