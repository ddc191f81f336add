"""`make up` beside someone else's services: a port another process holds is named and avoided,
every client of the stack gets the ports its services actually bound, and a service counts as up
only when its own process answers, not whatever answers on its port.

The stack's own files go to a temporary folder (the endpoint's lake too, whatever the developer's
environment says) and its default ports are ports the test holds, so these tests neither touch
this checkout's `.local/` nor the real defaults another stack may use.
"""

from __future__ import annotations

import json
import os
import shlex
import socket
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from stand_ins import JsonReplies, named_process, serving

from local import airflow_home, airflow_services, stack
from local.aws.persistence import STATE_DIR_ENV
from local.ports import PortTaken, ServicePort, ports_of
from local.postgres import EmbeddedPostgres

pytestmark = pytest.mark.slow  # starts the stack's Postgres and endpoint processes

PORT_VARIABLES = ("LAKEHOUSE_AWS_PORT", "LAKEHOUSE_AIRFLOW_PORT", "LAKEHOUSE_PG_PORT")


@pytest.fixture
def hold() -> Iterator[Callable[[], int]]:
    """Hold ports with plain listening sockets, as another checkout's services or LocalStack would."""
    sockets: list[socket.socket] = []

    def held() -> int:
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        sockets.append(sock)
        return sock.getsockname()[1]

    yield held
    for sock in sockets:
        sock.close()


@dataclass
class IsolatedStack:
    tmp: Path
    aws_port: ServicePort
    ui_default: int
    started: list[tuple[dict[str, str], Path, int]] = field(default_factory=list)


@pytest.fixture
def isolated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hold: Callable[[], int]
) -> Iterator[IsolatedStack]:
    """The stack's files under tmp_path, both default ports held by someone else, Airflow not started.

    Airflow's services are replaced by a recorder of what they would be started with: the ports and
    environment are the point here, and the shared Postgres and metadata database are used as they are.
    """
    aws_dir = tmp_path / "aws"
    aws_port = ServicePort("the local AWS endpoint", "LAKEHOUSE_AWS_PORT", hold(), aws_dir / "endpoint.port")
    isolated = IsolatedStack(tmp_path, aws_port, hold())
    for module in (airflow_home, stack):
        monkeypatch.setattr(module, "AWS_PORT", aws_port)
        monkeypatch.setattr(module, "AIRFLOW_HOME", tmp_path / "airflow")
    monkeypatch.setattr(stack, "AWS_DIR", aws_dir)
    monkeypatch.setattr(stack, "PID_FILE", aws_dir / "endpoint.pid")
    monkeypatch.setattr(stack, "LOG_FILE", aws_dir / "endpoint.log")
    monkeypatch.setattr(airflow_home, "ENV_FILE", tmp_path / "env")
    monkeypatch.setenv("LAKEHOUSE_LOCAL_DIR", str(tmp_path / "local"))
    monkeypatch.setattr(airflow_services, "DEFAULT_UI_PORT", isolated.ui_default)
    monkeypatch.setattr(
        stack, "start_all", lambda env, home, port: isolated.started.append((env, home, port))
    )
    for variable in PORT_VARIABLES:
        monkeypatch.delenv(variable, raising=False)
    # a developer's lake elsewhere: the stack's endpoint would keep its lake there, not in tmp_path
    monkeypatch.delenv(STATE_DIR_ENV, raising=False)
    try:
        yield isolated
    finally:
        stack.stop_endpoint()


def test_make_up_moves_off_ports_others_hold_and_its_clients_get_the_ports_it_bound(
    isolated: IsolatedStack, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    env = stack.up(airflow=True)

    said = capsys.readouterr().out
    for default in (isolated.aws_port.default, isolated.ui_default):
        assert f"port {default} is held by pid {os.getpid()}" in said
    endpoint_pid = int(stack.PID_FILE.read_text())
    aws_port = isolated.aws_port.saved()
    assert aws_port and aws_port != isolated.aws_port.default
    assert ports_of(endpoint_pid) == {aws_port}  # the port the endpoint really listens on
    [(airflow_env, _home, ui_port)] = isolated.started
    assert ui_port != isolated.ui_default

    url = f"http://127.0.0.1:{aws_port}"
    for client in (env, airflow_env):
        assert client["AWS_ENDPOINT_URL"] == url
        assert json.loads(client["AIRFLOW_CONN_AWS_DEFAULT"])["extra"]["endpoint_url"] == url
        assert client["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"] == f"http://127.0.0.1:{ui_port}/execution/"
        assert client["AIRFLOW_UI_URL"] == f"http://localhost:{ui_port}"
    exported = _exports(isolated.tmp / "env")
    assert exported["AWS_ENDPOINT_URL"] == url
    assert exported["AIRFLOW_UI_URL"] == f"http://localhost:{ui_port}"
    assert json.loads(exported["AIRFLOW_CONN_AWS_DEFAULT"])["extra"]["endpoint_url"] == url
    assert not set(exported) & {"LAKEHOUSE_AWS_PORT", "LAKEHOUSE_AIRFLOW_PORT"}  # they ask for ports
    assert (isolated.tmp / "aws" / "lake" / "s3").is_dir()  # the endpoint's lake, with its buckets

    # the stack's own running endpoint is kept, on its port, whatever is asked for now
    monkeypatch.setenv("LAKEHOUSE_AWS_PORT", str(isolated.aws_port.default))
    again = stack.up(airflow=False)
    assert again["AWS_ENDPOINT_URL"] == url and int(stack.PID_FILE.read_text()) == endpoint_pid
    assert f"already running on port {aws_port}" in capsys.readouterr().out


def _exports(env_file: Path) -> dict[str, str]:
    """What `source .local/env` sets."""
    exports = {}
    for line in env_file.read_text().splitlines():
        if line.startswith("export "):
            key, _, value = shlex.split(line)[1].partition("=")
            exports[key] = value
    return exports


def test_a_shell_that_sourced_the_env_file_moves_off_a_port_taken_since(
    isolated: IsolatedStack, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    """.local/env gives the addresses the stack bound, and asks the next `make up` for no port."""
    first = stack.up(airflow=False)
    for key, value in _exports(isolated.tmp / "env").items():
        monkeypatch.setenv(key, value)  # `source .local/env`, as the README says
    port = isolated.aws_port.saved()
    assert port and first["AWS_ENDPOINT_URL"] == f"http://127.0.0.1:{port}"
    stack.stop_endpoint()
    with socket.socket() as someone_else:
        someone_else.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        someone_else.bind(("127.0.0.1", port))
        someone_else.listen()
        capsys.readouterr()
        again = stack.up(airflow=False)
    moved = isolated.aws_port.saved()
    assert moved != port and again["AWS_ENDPOINT_URL"] == f"http://127.0.0.1:{moved}"
    assert f"port {port} is held by pid {os.getpid()}" in capsys.readouterr().out


def test_the_developers_own_lake_is_not_the_one_the_tests_stack_uses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    developers = tmp_path / "developers-lake"
    monkeypatch.setenv(STATE_DIR_ENV, str(developers))  # set in the shell the tests run from
    isolated: IsolatedStack = request.getfixturevalue("isolated")
    stack.up(airflow=False)
    assert not developers.exists()
    assert (isolated.tmp / "aws" / "lake" / "s3").is_dir()


_SLOW_ENDPOINT = """
import sys, time
from http.server import BaseHTTPRequestHandler, HTTPServer

class Answer(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

server = HTTPServer(("127.0.0.1", int(sys.argv[1])), Answer)  # bound and listening
time.sleep(float(sys.argv[2]))  # restoring the lake: the port is held, nothing answers yet
server.serve_forever()
"""


def test_the_endpoint_is_waited_for_by_asking_it_and_only_then_asking_proc_whose_it_is(
    isolated: IsolatedStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its start grows with the lake it restores: each poll until it answers costs one request,
    not a walk of every process's sockets."""
    restoring_s = 2.0
    monkeypatch.setattr(
        stack,
        "endpoint_command",
        lambda port, _state_dir, bootstrap: [
            sys.executable,
            "-c",
            _SLOW_ENDPOINT,
            str(port),
            str(restoring_s),
        ],
    )
    asked: list[float] = []
    real_serves = stack.serves

    def serves(port: int, group: int) -> bool:
        asked.append(time.monotonic())
        return real_serves(port, group)

    monkeypatch.setattr(stack, "serves", serves)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    started = time.monotonic()
    try:
        url = stack.start_endpoint(port)
        assert url == f"http://127.0.0.1:{port}" and time.monotonic() - started >= restoring_s
        assert len(asked) == 1 and asked[0] - started >= restoring_s
        assert ports_of(int(stack.PID_FILE.read_text())) == {port}
    finally:  # the stand-in is no `local.aws` process: stop_endpoint would not take it for ours
        if stack.PID_FILE.exists():
            airflow_services.stop_process_group(int(stack.PID_FILE.read_text()), timeout_s=10)


def test_make_up_stops_before_starting_anything_when_a_port_asked_for_is_held(
    isolated: IsolatedStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LAKEHOUSE_AIRFLOW_PORT", str(isolated.ui_default))
    with pytest.raises(
        PortTaken, match=rf"port {isolated.ui_default} \(LAKEHOUSE_AIRFLOW_PORT\) is held by pid"
    ):
        stack.up(airflow=True)
    assert not stack.PID_FILE.exists() and not isolated.started


def test_the_cli_says_who_holds_a_port_asked_for_instead_of_a_traceback(
    isolated: IsolatedStack, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setenv("LAKEHOUSE_AWS_PORT", str(isolated.aws_port.default))
    assert stack.main(["up", "--no-airflow"]) == 1
    error = capsys.readouterr().err
    assert f"port {isolated.aws_port.default} (LAKEHOUSE_AWS_PORT) is held by pid {os.getpid()}" in error
    assert "LAKEHOUSE_AWS_PORT=" in error.split("ask for another port:")[1]


class _Answers(JsonReplies):
    """Whatever a foreign service on our port might say: a healthy answer to every GET, and
    "Invalid credentials" to this checkout's login."""

    def do_GET(self) -> None:
        self.reply(200, {"metadatabase": {"status": "healthy"}})

    def do_POST(self) -> None:
        self.reply(401, {"detail": "Invalid credentials"})


@pytest.fixture
def foreign_service() -> Iterator[int]:
    with serving(_Answers) as port:
        yield port


def test_the_endpoint_is_not_taken_for_started_because_something_answers_on_its_port(
    isolated: IsolatedStack, foreign_service: int
) -> None:
    """Ours cannot bind a port another service holds: that service's answers must not pass for it."""
    with pytest.raises(
        RuntimeError, match=f"local AWS endpoint exited on start \\(port {foreign_service}\\)"
    ):
        stack.start_endpoint(foreign_service)


def test_an_api_server_that_refuses_this_checkouts_login_is_not_taken_for_ours(foreign_service: int) -> None:
    env = {"AIRFLOW_ADMIN_USER": "admin", "AIRFLOW_ADMIN_PASSWORD": "this checkout's"}
    with pytest.raises(RuntimeError, match=f"api-server on port {foreign_service} does not accept"):
        airflow_services.check_login(env, foreign_service)


def test_a_fixed_postgres_port_held_by_another_process_is_named(
    tmp_path: Path, hold: Callable[[], int]
) -> None:
    port = hold()
    with pytest.raises(
        PortTaken, match=rf"postgres: port {port} \(LAKEHOUSE_PG_PORT\) is held by pid {os.getpid()}"
    ):
        stack.check_postgres_port(EmbeddedPostgres(base_dir=tmp_path, port=port))


def test_an_airflow_service_started_for_other_addresses_is_restarted(tmp_path: Path) -> None:
    """A scheduler started when the endpoint was elsewhere would keep sending its tasks there."""
    old = dict.fromkeys(airflow_services.ADDRESS_SETTINGS, "before")
    with named_process("scheduler") as sleeper:
        service = airflow_services.Service("scheduler", tmp_path)
        service.pid_file.parent.mkdir(parents=True)
        service.pid_file.write_text(str(sleeper.pid))
        service.record_settings(old)  # as Service.start does
        assert "before" not in service.settings_file.read_text()  # digests: no password on disk
        assert service.stale_settings(old) == []
        now = {**old, "AIRFLOW_CONN_AWS_DEFAULT": "after"}
        assert service.stale_settings(now) == ["AIRFLOW_CONN_AWS_DEFAULT"]
        airflow_services.restart_stale(now, tmp_path)
        assert sleeper.wait(timeout=10) is not None and service.pid() is None
