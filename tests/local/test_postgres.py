"""Lifecycle of the embedded Postgres: start, stop, status, idempotence, stale pid files.

Each test runs its own server in its own directory under .local/ (not pytest's
tmp_path: as root the server runs as another user, who cannot enter /tmp/pytest-of-root).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from local import postgres as postgres_module
from local.paths import LOCAL_DIR
from local.postgres import EmbeddedPostgres, PostgresError


@pytest.fixture
def server_dir() -> Iterator[Path]:
    path = LOCAL_DIR / "test-postgres" / uuid.uuid4().hex[:8]
    yield path
    EmbeddedPostgres(path).stop()
    shutil.rmtree(path, ignore_errors=True)


def _query(server: EmbeddedPostgres, sql: str):
    with psycopg.connect(server.dsn(), autocommit=True) as conn:
        return (
            conn.execute(sql).fetchall() if sql.lstrip().lower().startswith("select") else conn.execute(sql)
        )


def test_first_start_initialises_a_server_that_accepts_password_connections(server_dir: Path) -> None:
    server = EmbeddedPostgres(server_dir)
    status = server.start()

    assert status.running and status.pid and status.port
    assert _query(server, "select current_database(), current_setting('TimeZone')") == [("shop", "UTC")]
    assert (server_dir / "password").stat().st_mode & 0o077 == 0, "password file must be private"
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(server.dsn().replace(server.password, "wrong-password")).close()


def test_second_start_is_a_no_op_and_keeps_data(server_dir: Path) -> None:
    server = EmbeddedPostgres(server_dir)
    first = server.start()
    _query(server, "create table kept (x int); insert into kept values (42)")

    again = EmbeddedPostgres(server_dir).start()

    assert again.pid == first.pid
    assert _query(server, "select x from kept") == [(42,)]


def test_restart_after_stop_keeps_data_port_and_password(server_dir: Path) -> None:
    server = EmbeddedPostgres(server_dir)
    first = server.start()
    _query(server, "create table kept (x int); insert into kept values (7)")
    password = server.password

    assert server.stop() is True
    assert server.status().running is False
    assert server.stop() is False, "stopping a stopped server reports it was not running"
    second = server.start()

    assert second.port == first.port and second.pid != first.pid
    assert server.password == password
    assert _query(server, "select x from kept") == [(7,)]


def test_start_recovers_from_a_crash_that_left_a_stale_pid_file(server_dir: Path) -> None:
    server = EmbeddedPostgres(server_dir)
    crashed = server.start()
    _query(server, "create table kept (x int); insert into kept values (1)")
    os.kill(crashed.pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while server.status().running and time.monotonic() < deadline:
        time.sleep(0.1)
    assert server.pid_file.exists(), "a killed postmaster leaves its pid file behind"

    recovered = server.start()

    assert recovered.running and recovered.pid != crashed.pid
    assert _query(server, "select x from kept") == [(1,)]


def test_pid_file_naming_a_live_non_postgres_process_is_treated_as_stale(server_dir: Path) -> None:
    server = EmbeddedPostgres(server_dir)
    server.start()
    server.stop()
    lines = ["1", str(server.data_dir)]  # pid 1 is alive but is not postgres
    server.pid_file.write_text("\n".join(lines) + "\n")

    assert server.status().running is False
    assert server.start().running


def test_configured_port_is_used_and_a_busy_one_is_a_clear_error(server_dir: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        busy_port = sock.getsockname()[1]
        sock.listen()
        with pytest.raises(PostgresError, match=f"port {busy_port} is already in use"):
            EmbeddedPostgres(server_dir, port=busy_port).start()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        free_port = sock.getsockname()[1]

    status = EmbeddedPostgres(server_dir, port=free_port).start()

    assert status.port == free_port


def test_status_of_a_never_started_server_is_stopped(server_dir: Path) -> None:
    status = EmbeddedPostgres(server_dir).status()

    assert status.running is False and status.pid is None
    assert "stopped" in status.describe()


def test_server_from_the_pip_wheel_when_system_binaries_are_not_used(server_dir: Path) -> None:
    """The fallback for machines without a system Postgres: the pgserver wheel."""
    server = EmbeddedPostgres(server_dir, prefer_wheel=True)
    server.start()

    assert "pgserver" in str(server.bindir)
    version = _query(server, "select current_setting('server_version_num')::int")[0][0]
    assert version >= 140000


@pytest.mark.skipif(os.geteuid() != 0, reason="only root runs the server as another user")
def test_a_checkout_the_server_user_cannot_enter_keeps_its_data_under_var_tmp(server_dir: Path) -> None:
    private = server_dir / "private"
    private.mkdir(parents=True)
    server_dir.chmod(0o700)  # like a checkout under /root: the postgres user cannot pass
    server = EmbeddedPostgres(private)
    try:
        server.start()
        assert (private / "server").is_symlink()
        assert str(server.data_dir).startswith("/var/tmp/airflow-lakehouse-pg-")
        assert _query(server, "select 1") == [(1,)]
    finally:
        server.stop()
        shutil.rmtree(server.server_dir, ignore_errors=True)
        server_dir.chmod(0o755)


@pytest.mark.skipif(os.geteuid() != 0, reason="only root runs the server as another user")
def test_a_private_checkout_with_the_wheels_server_in_its_venv_starts_from_a_reachable_copy(
    server_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A root user's checkout under a 0700 directory, no system Postgres: binaries and data both move."""
    wheel = postgres_module.wheel_bindir(install=True)
    assert wheel is not None
    checkout = server_dir / "checkout"
    # the wheel as it sits in such a checkout's virtualenv: the package and its bundled libraries
    site_packages = checkout / ".venv" / "site-packages"
    installed = wheel.parent.parent.parent
    for name in ("pgserver", "pgserver.libs"):
        shutil.copytree(installed / name, site_packages / name, symlinks=True)
    server_dir.chmod(0o700)
    monkeypatch.setenv("LAKEHOUSE_PG_BINDIR", str(site_packages / "pgserver" / "pginstall" / "bin"))
    server = EmbeddedPostgres(checkout / ".local" / "postgres")
    try:
        server.start()
        assert str(server.bindir).startswith("/var/tmp/airflow-lakehouse-pgbin-")
        assert str(server.data_dir).startswith("/var/tmp/airflow-lakehouse-pg-")
        assert _query(server, "select 1") == [(1,)]
        server.stop()
        server.start()  # a restart runs the same copy
        assert _query(server, "select 2") == [(2,)]
    finally:
        server.stop()
        shutil.rmtree(server.server_dir, ignore_errors=True)
        copy = Path(*server.bindir.parts[:4])  # /var/tmp/airflow-lakehouse-pgbin-*
        shutil.rmtree(copy, ignore_errors=True)
        copy.with_name(f"{copy.name}.lock").unlink(missing_ok=True)
        server_dir.chmod(0o755)


def test_a_new_server_takes_a_port_no_outgoing_connection_can_take_while_it_is_stopped(
    server_dir: Path,
) -> None:
    """Ports from the ephemeral range are handed to clients' sockets; the saved port
    must not be one of them, or a restart finds it taken and moves."""
    low, high = postgres_module._ephemeral_range()
    status = EmbeddedPostgres(server_dir).start()
    assert status.port is not None and 1024 <= status.port < low <= high
