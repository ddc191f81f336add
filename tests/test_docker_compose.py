"""docker-compose.yaml agrees with `make up`: same connections, ports, DAG folder and environment.

No Docker engine runs here, so the compose file is checked as data against
what the laptop stack uses (local/airflow_home.py, local/airflow_services.py).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from local.airflow_home import DEFAULT_AWS_PORT, aws_connection, stack_env
from local.airflow_services import DEFAULT_UI_PORT, SERVICES
from local.paths import REPO_ROOT

COMPOSE = REPO_ROOT / "docker-compose.yaml"
AIRFLOW_SERVICES = {f"airflow-{'apiserver' if s == 'api-server' else s}": s for s in SERVICES}
# what legitimately differs between a laptop and containers: where things are
PLACE_DEPENDENT = {"AIRFLOW_HOME", "AIRFLOW__CORE__DAGS_FOLDER", "AIRFLOW__CORE__PLUGINS_FOLDER"}


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE.read_text())


@pytest.fixture(scope="module")
def airflow_env(compose: dict[str, Any]) -> dict[str, str]:
    return compose["services"]["airflow-scheduler"]["environment"]


def test_every_service_has_an_image_or_a_build_that_exists(compose: dict[str, Any]) -> None:
    for name, service in compose["services"].items():
        assert "image" in service or "build" in service, name
        if "build" in service:
            dockerfile = REPO_ROOT / service["build"]["context"] / service["build"]["dockerfile"]
            assert dockerfile.is_file(), (name, dockerfile)


def test_the_airflow_image_is_the_version_requirements_txt_pins() -> None:
    pinned = re.search(r"^apache-airflow==(\S+)", (REPO_ROOT / "requirements.txt").read_text(), re.M)
    dockerfile = (REPO_ROOT / "docker/airflow.Dockerfile").read_text()
    assert pinned and f"FROM apache/airflow:{pinned.group(1)}-python3.12" in dockerfile


def test_airflow_runs_the_same_four_services_as_make_up(compose: dict[str, Any]) -> None:
    for compose_name, command in AIRFLOW_SERVICES.items():
        assert compose["services"][compose_name]["command"] == command


def test_long_running_services_have_health_checks(compose: dict[str, Any]) -> None:
    long_running = [*AIRFLOW_SERVICES, "postgres", "source-postgres", "local-aws"]
    for name in long_running:
        assert compose["services"][name]["healthcheck"]["test"], name


def test_ports_match_make_up(compose: dict[str, Any]) -> None:
    assert f"127.0.0.1:{DEFAULT_UI_PORT}:8080" in compose["services"]["airflow-apiserver"]["ports"]
    assert f"127.0.0.1:{DEFAULT_AWS_PORT}:4566" in compose["services"]["local-aws"]["ports"]
    assert compose["services"]["local-aws"]["command"][-1] == str(DEFAULT_AWS_PORT)


def _host_ip(entry: str | int | dict[str, Any]) -> str | None:
    """The host address a `ports:` entry binds (short or long syntax); None means every interface.

    Short syntax is ``[HOST_IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL]``; an unquoted entry YAML
    read as a number has no address either.
    """
    if isinstance(entry, dict):
        return entry.get("host_ip")
    parts = str(entry).split("/", 1)[0].rsplit(":", 2)
    return parts[0].strip("[]") if len(parts) == 3 else None


def test_every_published_port_is_bound_to_localhost(compose: dict[str, Any]) -> None:
    """Published ports answer this machine only, as `make up`'s services do.

    The AWS endpoint accepts any credentials, the databases only the .env passwords and the
    api-server a login; on every interface, anyone on the network could use them.
    """
    published = {name: s["ports"] for name, s in compose["services"].items() if s.get("ports")}
    assert {"source-postgres", "local-aws", "airflow-apiserver"} <= set(published)
    for name, service in compose["services"].items():
        assert service.get("network_mode") != "host", name  # would publish every port it listens on
    for name, entries in published.items():
        for entry in entries:
            assert _host_ip(entry) == "127.0.0.1", (name, entry)


@pytest.mark.parametrize(
    ("entry", "address"),
    [
        ("127.0.0.1:8080:8080", "127.0.0.1"),
        ("8080:8080", None),
        ("8080", None),
        (8080, None),
        ("0.0.0.0:5433:5432/tcp", "0.0.0.0"),
        ("[::1]:4566:4566", "::1"),
        ({"target": 8080, "published": 8080, "host_ip": "127.0.0.1"}, "127.0.0.1"),
        ({"target": 8080, "published": 8080}, None),
    ],
)
def test_host_ip_reads_both_port_syntaxes(entry: str | int | dict[str, Any], address: str | None) -> None:
    assert _host_ip(entry) == address


def test_the_endpoints_lake_is_kept_in_a_named_volume(compose: dict[str, Any]) -> None:
    """A restarted or re-created local-aws container finds the lake it had (local/aws/persistence.py)."""
    from local.aws.persistence import STATE_DIR_ENV

    service = compose["services"]["local-aws"]
    state_dir = Path(service["environment"][STATE_DIR_ENV])
    mounts = dict(v.split(":", 1) for v in service["volumes"])
    [volume] = [v for v, target in mounts.items() if state_dir.is_relative_to(target)]
    assert volume in compose["volumes"]
    assert "--ephemeral" not in service["command"]
    dockerfile = (REPO_ROOT / service["build"]["dockerfile"]).read_text()
    assert f"{STATE_DIR_ENV}={state_dir}" in dockerfile


def test_the_dag_folder_plugins_and_include_are_the_repositorys(compose: dict[str, Any], airflow_env) -> None:
    volumes = compose["services"]["airflow-scheduler"]["volumes"]
    mounts = dict(v.split(":", 1) for v in volumes if v.startswith("./"))
    assert mounts["./dags"] == airflow_env["AIRFLOW__CORE__DAGS_FOLDER"]
    assert mounts["./plugins"] == airflow_env["AIRFLOW__CORE__PLUGINS_FOLDER"]
    assert mounts["./include"] == airflow_env["LAKEHOUSE_INCLUDE_DIR"]
    for folder in ("dags", "plugins", "include"):
        assert (REPO_ROOT / folder).is_dir()


def test_every_airflow_service_gets_the_same_environment_as_make_up(compose: dict[str, Any]) -> None:
    laptop = set(stack_env())
    for name in [*AIRFLOW_SERVICES, "airflow-init", "shop-seed"]:
        environment = compose["services"][name]["environment"]
        assert laptop <= set(environment) | PLACE_DEPENDENT, (name, sorted(laptop - set(environment)))


def test_the_same_settings_have_the_same_values(airflow_env: dict[str, str]) -> None:
    laptop = stack_env()
    same = [
        "AIRFLOW__CORE__EXECUTOR",
        "AIRFLOW__CORE__LOAD_EXAMPLES",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS",
        "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION",
        "AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE",
        "AIRFLOW__SCHEDULER__SCHEDULER_IDLE_SLEEP_TIME",
        "AIRFLOW__SCHEDULER__MP_START_METHOD",
        "AIRFLOW__SCHEDULER__MP_FORKSERVER_PRELOAD",
        "AIRFLOW__API__PORT",
        "AIRFLOW__API__WORKERS",
        "AIRFLOW__API__BASE_URL",
        "AIRFLOW__API_AUTH__JWT_ISSUER",
        "AIRFLOW_UI_URL",
        "AIRFLOW_ADMIN_USER",
        "AWS_DEFAULT_REGION",
    ]
    for key in same:
        assert airflow_env[key] == laptop[key], key


def test_the_connections_have_the_same_ids_and_shape(airflow_env: dict[str, str]) -> None:
    laptop = stack_env()
    from lakehouse.config import pipeline_config

    config = pipeline_config()
    for conn_id in (config.source.conn_id, config.lake.aws_conn_id):
        assert f"AIRFLOW_CONN_{conn_id.upper()}" in airflow_env
    aws = json.loads(airflow_env["AIRFLOW_CONN_AWS_DEFAULT"])
    assert aws == aws_connection(f"http://local-aws:{DEFAULT_AWS_PORT}")
    source = json.loads(
        airflow_env["AIRFLOW_CONN_POSTGRES_OLTP"].replace(
            "${LAKEHOUSE_SOURCE_PASSWORD:?run make compose-env first}", "x"
        )
    )
    local = json.loads(laptop["AIRFLOW_CONN_POSTGRES_OLTP"])
    assert set(source) == set(local)
    assert (source["conn_type"], source["login"], source["schema"]) == (
        local["conn_type"],
        local["login"],
        local["schema"],
    )


def test_no_secret_is_written_into_the_compose_file(
    compose: dict[str, Any], airflow_env: dict[str, str]
) -> None:
    for key in (
        "AIRFLOW__CORE__FERNET_KEY",
        "AIRFLOW__API_AUTH__JWT_SECRET",
        "AIRFLOW__API__SECRET_KEY",
        "AIRFLOW_ADMIN_PASSWORD",
        "AIRFLOW_VAR_LAKEHOUSE_PII_SECRET",
    ):
        assert airflow_env[key].startswith("${"), key
    assert compose["services"]["source-postgres"]["environment"]["POSTGRES_PASSWORD"].startswith("${")


def test_make_compose_env_writes_every_variable_the_compose_file_requires(tmp_path: Path) -> None:
    from local.airflow_home import compose_env

    required = set(re.findall(r"\$\{(\w+):\?", COMPOSE.read_text()))
    written = dict(line.split("=", 1) for line in compose_env(tmp_path / ".env").read_text().splitlines())
    assert required <= set(written)
    assert (tmp_path / ".env").stat().st_mode & 0o077 == 0
