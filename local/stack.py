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
import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from local.airflow_home import DEFAULT_AWS_PORT, aws_endpoint_url
from local.airflow_home import init as init_airflow_home
from local.paths import LOCAL_DIR, REPO_ROOT
from local.postgres import EmbeddedPostgres

AWS_DIR = LOCAL_DIR / "aws"
PID_FILE = AWS_DIR / "endpoint.pid"
LOG_FILE = AWS_DIR / "endpoint.log"
LOCAL_CRAWLER_ROLE = "arn:aws:iam::123456789012:role/lakehouse-glue-crawler"


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
    deadline = time.monotonic() + 30
    while not _endpoint_ready(url):
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"local AWS endpoint did not start on port {port}; see {LOG_FILE}")
        time.sleep(0.2)
    return url


def stop_endpoint() -> bool:
    pid = _endpoint_pid()
    PID_FILE.unlink(missing_ok=True)
    if pid is None:
        return False
    os.killpg(pid, signal.SIGTERM)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except OSError:
            return True
        time.sleep(0.1)
    with contextlib.suppress(OSError):
        os.killpg(pid, signal.SIGKILL)
    return True


def bootstrap_aws(url: str) -> None:
    """Create what Terraform creates on AWS, from pipeline.yaml; idempotent."""
    import boto3

    from lakehouse.catalog_spec import buckets, crawler_spec, databases
    from lakehouse.config import pipeline_config

    config = pipeline_config()
    session = boto3.session.Session(
        aws_access_key_id="test", aws_secret_access_key="test", region_name="us-east-1"
    )
    s3 = session.client("s3", endpoint_url=url)
    glue = session.client("glue", endpoint_url=url)
    athena = session.client("athena", endpoint_url=url)
    existing_buckets = {b["Name"] for b in s3.list_buckets()["Buckets"]}
    for bucket in buckets(config):
        if bucket not in existing_buckets:
            s3.create_bucket(Bucket=bucket)
    for database in databases(config):
        with contextlib.suppress(glue.exceptions.AlreadyExistsException):
            glue.create_database(DatabaseInput={"Name": database})
    with contextlib.suppress(athena.exceptions.InvalidRequestException):
        athena.create_work_group(
            Name=config.lake.workgroup,
            Configuration={
                "ResultConfiguration": {"OutputLocation": config.lake.athena_output},
                "EnforceWorkGroupConfiguration": True,
            },
        )
    spec = crawler_spec(config, LOCAL_CRAWLER_ROLE)
    try:
        glue.get_crawler(Name=spec["Name"])
        glue.update_crawler(**spec)
    except glue.exceptions.EntityNotFoundException:
        glue.create_crawler(**spec)


def up() -> dict[str, str]:
    port = int(os.environ.get("LAKEHOUSE_AWS_PORT", DEFAULT_AWS_PORT))
    url = start_endpoint(port)
    bootstrap_aws(url)
    env = init_airflow_home()
    assert env["AWS_ENDPOINT_URL"] == url == aws_endpoint_url()
    return env


def down() -> None:
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
    return 0 if pg.running and pid else 3


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m local.stack", description=__doc__.split("\n")[0])
    parser.add_argument("command", choices=["up", "down", "status"])
    args = parser.parse_args(argv)
    if args.command == "up":
        env = up()
        postgres = env["LAKEHOUSE_PG_DSN"].rsplit("@", 1)[-1]
        print(f"local stack up: Postgres {postgres}, AWS {env['AWS_ENDPOINT_URL']}")
        print(f"environment: source {LOCAL_DIR / 'env'}")
        return 0
    if args.command == "down":
        down()
        return 0
    return status()


if __name__ == "__main__":
    sys.exit(main())
