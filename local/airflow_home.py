"""The local Airflow home (`.local/airflow`) and the environment of the local stack.

Airflow's connections come from the environment (`AIRFLOW_CONN_*`), built
here from the running embedded Postgres and the local AWS endpoint's address;
nothing with a password is committed. The same variables are written to
`.local/env` (shell exports) so a newcomer can `source .local/env` and use the
Airflow CLI, psql or the AWS CLI against the local stack.

Its addresses are those the services bound (AWS_ENDPOINT_URL, AIRFLOW_UI_URL,
the connections): `make up` may have moved a service off a port that another
process held, and every client must use the port it actually bound. The
variables that *ask* for a port (LAKEHOUSE_AWS_PORT, LAKEHOUSE_AIRFLOW_PORT)
are not exported: a shell that sourced the file would ask the next `make up`
for the same ports and stop it when one is taken, where a remembered port
(local/ports.py) moves to a free one.

The metadata database is a second database (`airflow`) on the embedded
Postgres server rather than SQLite, so the local scheduler can use the
LocalExecutor as a real deployment does.

Usage: python -m local.airflow_home init|env|compose-env
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shlex
import subprocess
import sys
from pathlib import Path

from local.airflow_services import admin_password, api_server_port, ui_env
from local.aws.sessions import ADMIN_ACCESS_KEY, ADMIN_SECRET_KEY, MWAA_EXECUTION, LocalSession
from local.paths import DAGS_DIR, INCLUDE_DIR, LOCAL_DIR, PLUGINS_DIR
from local.ports import ServicePort
from local.postgres import EmbeddedPostgres

AIRFLOW_HOME = LOCAL_DIR / "airflow"
ENV_FILE = LOCAL_DIR / "env"
METADATA_DATABASE = "airflow"
# An empty metadata database at the migration heads, that new ones are copied from
MIGRATED_TEMPLATE = "airflow_migrated_template"
DEFAULT_AWS_PORT = 4566
AWS_REGION = "us-east-1"
AWS_PORT = ServicePort(
    "the local AWS endpoint", "LAKEHOUSE_AWS_PORT", DEFAULT_AWS_PORT, LOCAL_DIR / "aws" / "endpoint.port"
)


def aws_endpoint_url(port: int | None = None) -> str:
    return f"http://127.0.0.1:{port or AWS_PORT.configured()}"


def _fernet_key() -> str:
    """A per-checkout key, generated once and kept out of git under .local/."""
    key_file = AIRFLOW_HOME / "fernet.key"
    if not key_file.exists():
        from cryptography.fernet import Fernet

        AIRFLOW_HOME.mkdir(parents=True, exist_ok=True)
        key_file.write_text(Fernet.generate_key().decode())
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def _secret(name: str) -> str:
    path = AIRFLOW_HOME / name
    if not path.exists():
        AIRFLOW_HOME.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(24))
        path.chmod(0o600)
    return path.read_text().strip()


def aws_connection(endpoint: str, session: LocalSession | None = MWAA_EXECUTION) -> dict:
    """The `aws_default` connection for the local endpoint: the MWAA execution role's session.

    The DAG's tasks run with exactly the permissions Terraform gives that role, as they do on
    MWAA; only the endpoint differs from AWS. ``session=None`` gives the account's administrator
    instead, for tests of an operator's mechanics on a bucket of their own.
    """
    login, password = (
        (session.access_key_id, session.secret_access_key)
        if session
        else (ADMIN_ACCESS_KEY, ADMIN_SECRET_KEY)
    )
    extra: dict = {"aws_session_token": session.session_token} if session else {}
    return {
        "conn_type": "aws",
        "login": login,
        "password": password,
        "extra": {
            **extra,
            "region_name": AWS_REGION,
            "endpoint_url": endpoint,
            "config_kwargs": {"s3": {"addressing_style": "path"}},
        },
    }


def sqlalchemy_url(dsn: str) -> str:
    """A Postgres DSN as Airflow's SQL_ALCHEMY_CONN names it (the psycopg2 driver)."""
    return dsn.replace("postgresql://", "postgresql+psycopg2://", 1)


def stack_env(
    pg: EmbeddedPostgres | None = None, *, aws_port: int | None = None, ui_port: int | None = None
) -> dict[str, str]:
    """Environment variables that point Airflow, boto3 and the CLIs at the local stack.

    The ports default to the configured ones (the environment's, else the
    defaults docker-compose.yaml uses too); `make up` passes those it bound.
    """
    pg = pg or EmbeddedPostgres()
    endpoint = aws_endpoint_url(aws_port)
    postgres_conn = {
        "conn_type": "postgres",
        "host": "127.0.0.1",
        "port": pg.port,
        "login": pg.user,
        "password": pg.password,
        "schema": pg.database,
    }
    metadata = sqlalchemy_url(pg.dsn(METADATA_DATABASE))
    return {
        "LAKEHOUSE_PG_DSN": pg.dsn(),
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_DEFAULT_REGION": AWS_REGION,
        "AWS_REGION": AWS_REGION,
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AIRFLOW_HOME": str(AIRFLOW_HOME),
        "AIRFLOW__CORE__DAGS_FOLDER": str(DAGS_DIR),
        "AIRFLOW__CORE__PLUGINS_FOLDER": str(PLUGINS_DIR),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__LAKEHOUSE__ENVIRONMENT": "airflow-lakehouse-local",  # names the topics and metrics
        "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
        "AIRFLOW__CORE__FERNET_KEY": _fernet_key(),
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": metadata,
        "AIRFLOW__API_AUTH__JWT_SECRET": _secret("jwt.secret"),
        "AIRFLOW__API__SECRET_KEY": _secret("api.secret"),
        "AIRFLOW_CONN_POSTGRES_OLTP": json.dumps(postgres_conn),
        "AIRFLOW_CONN_AWS_DEFAULT": json.dumps(aws_connection(endpoint)),
        "LAKEHOUSE_INCLUDE_DIR": str(INCLUDE_DIR),
        # the key of the HMAC that hides PII columns on export ("secret" in the name: Airflow masks it)
        "AIRFLOW_VAR_LAKEHOUSE_PII_SECRET": _secret("pii.secret"),
        # the web UI (make up): its address and the admin login
        **ui_env(AIRFLOW_HOME, ui_port or api_server_port(AIRFLOW_HOME).configured()),
    }


def write_env_file(env: dict[str, str], path: Path = ENV_FILE) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [
        "# Generated by `python -m local.airflow_home init`: `source .local/env` to use the local stack."
    ]
    lines += [f"export {key}={shlex.quote(value)}" for key, value in sorted(env.items())]
    path.write_text("\n".join(lines) + "\n")
    path.chmod(0o600)
    return path


def migration_heads() -> set[str]:
    """The revisions the installed Airflow's migrations end at, read from their files, not imported."""
    import importlib.util
    import re

    spec = importlib.util.find_spec("airflow")
    if spec is None or not spec.submodule_search_locations:
        return set()
    versions = Path(next(iter(spec.submodule_search_locations))) / "migrations" / "versions"
    revisions: set[str] = set()
    parents: set[str] = set()
    for script in versions.glob("*.py"):
        text = script.read_text()
        # revision ids are quoted strings (not always hex); down_revision may be a tuple over lines
        if found := re.search(r"^revision\s*=\s*[\"']([^\"']+)[\"']", text, re.MULTILINE):
            revisions.add(found[1])
        if found := re.search(r"^down_revision\s*=\s*(\([^)]*\)|[^\n]*)", text, re.MULTILINE):
            parents.update(re.findall(r"[\"']([^\"']+)[\"']", found[1]))
    return revisions - parents


def is_migrated(dsn: str) -> bool:
    """Whether the metadata database is already at the installed Airflow's migration heads.

    `airflow db migrate` starts Airflow's CLI to find that out, seconds for every
    `make up`, `make demo` and test session; a database at the heads needs nothing.
    """
    import psycopg

    heads = migration_heads()
    try:
        with psycopg.connect(dsn, autocommit=True) as conn:
            current = {row[0] for row in conn.execute("select version_num from alembic_version")}
    except psycopg.Error:  # no alembic_version table yet: never migrated
        return False
    return bool(heads) and current == heads


def migrate(dsn: str, env: dict[str, str]) -> None:
    """`airflow db migrate` on the metadata database at `dsn`."""
    airflow = Path(sys.executable).with_name("airflow")
    result = subprocess.run(
        [str(airflow), "db", "migrate"],
        env={**os.environ, **env, "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": sqlalchemy_url(dsn)},
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"airflow db migrate failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")


def new_metadata_database(pg: EmbeddedPostgres, name: str, env: dict[str, str]) -> str:
    """Create metadata database `name`, already migrated; return its DSN.

    It is a copy of MIGRATED_TEMPLATE, an empty database at the migration heads:
    a copy takes a second, where `airflow db migrate` of an empty database starts
    Airflow's CLI and runs every migration. The template is migrated when it is
    missing or behind the installed Airflow.
    """
    import psycopg

    template = pg.dsn(MIGRATED_TEMPLATE)
    if not is_migrated(template):
        pg.ensure_database(MIGRATED_TEMPLATE)
        migrate(template, env)
    with psycopg.connect(pg.dsn("postgres"), autocommit=True) as admin:
        admin.execute(f'create database "{name}" template "{MIGRATED_TEMPLATE}"')
    return pg.dsn(name)


def write_stack_env(
    pg: EmbeddedPostgres | None = None, *, aws_port: int | None = None, ui_port: int | None = None
) -> dict[str, str]:
    """The stack's environment for the ports it listens on, written to .local/env; returns it.

    `make up` passes the ports it bound; anyone else gets the ones used last, so that
    .local/env keeps matching a stack that had to move off a taken port.
    """
    env = stack_env(
        pg,
        aws_port=aws_port or AWS_PORT.last_used(),
        ui_port=ui_port or api_server_port(AIRFLOW_HOME).last_used(),
    )
    write_env_file(env, ENV_FILE)
    return env


def init(aws_port: int | None = None, ui_port: int | None = None) -> dict[str, str]:
    """Start Postgres if needed, create and migrate Airflow's metadata database, write .local/env.

    The ports are those the stack listens on (see `write_stack_env`).
    """
    pg = EmbeddedPostgres()
    pg.start()
    AIRFLOW_HOME.mkdir(parents=True, exist_ok=True)
    env = write_stack_env(pg, aws_port=aws_port, ui_port=ui_port)
    dsn = pg.dsn(METADATA_DATABASE)
    if not pg.has_database(METADATA_DATABASE):
        new_metadata_database(pg, METADATA_DATABASE, env)
    elif not is_migrated(dsn):
        migrate(dsn, env)
    return env


def compose_env(path: Path) -> Path:
    """The .env docker-compose reads: this checkout's generated secrets, never committed."""
    values = {
        "AIRFLOW__CORE__FERNET_KEY": _fernet_key(),
        "AIRFLOW__API_AUTH__JWT_SECRET": _secret("jwt.secret"),
        "AIRFLOW__API__SECRET_KEY": _secret("api.secret"),
        "AIRFLOW_ADMIN_PASSWORD": admin_password(AIRFLOW_HOME),
        "AIRFLOW_VAR_LAKEHOUSE_PII_SECRET": _secret("pii.secret"),
        "LAKEHOUSE_SOURCE_PASSWORD": _secret("source.secret"),
        "AIRFLOW_UID": str(os.getuid()),
    }
    path.write_text("".join(f"{key}={value}\n" for key, value in values.items()))
    path.chmod(0o600)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m local.airflow_home", description=__doc__.split("\n")[0])
    parser.add_argument("command", choices=["init", "env", "compose-env"])
    args = parser.parse_args(argv)
    if args.command == "compose-env":
        path = compose_env(Path(".env"))
        print(f"docker compose: wrote {path.resolve()} (secrets for this checkout; not committed)")
        return 0
    if args.command == "init":
        init()
        print(f"airflow: home {AIRFLOW_HOME}, metadata database migrated; environment in {ENV_FILE}")
    else:
        if not ENV_FILE.exists():
            write_stack_env()
        print(ENV_FILE.read_text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
