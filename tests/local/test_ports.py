"""Ports of the local stack: who holds one, and which one a service uses when its own is taken."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from local.ports import PortTaken, ServicePort, holder, ports_of, serves

VARIABLE = "LAKEHOUSE_TEST_SERVICE_PORT"


@pytest.fixture
def foreign_listener() -> Iterator[int]:
    """A port held by a plain listening socket: someone else's service, as far as the stack can tell."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


def _setting(tmp_path: Path, default: int) -> ServicePort:
    return ServicePort("the test service", VARIABLE, default, tmp_path / "service.port")


def test_a_port_held_by_a_foreign_listener_is_named_by_pid_and_command(foreign_listener: int) -> None:
    taken = holder(foreign_listener)
    assert taken is not None and taken.pid == os.getpid()
    assert taken.command == Path("/proc/self/cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
    assert taken.describe().startswith(f"pid {os.getpid()} (")
    assert str(Path.cwd()) in taken.describe()


def test_a_free_port_has_no_holder(foreign_listener: int) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        free = sock.getsockname()[1]  # bound, never listening: released when closed
    assert holder(free) is None


def test_a_taken_default_moves_to_a_free_port_and_says_who_holds_it(
    tmp_path: Path, foreign_listener: int, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.delenv(VARIABLE, raising=False)
    setting = _setting(tmp_path, foreign_listener)
    chosen = setting.choose()
    assert chosen != foreign_listener and holder(chosen) is None
    said = capsys.readouterr().out
    assert f"port {foreign_listener} is held by pid {os.getpid()}" in said
    assert f"using {chosen} instead" in said
    setting.save(chosen)  # as the stack does once its service listens: it sticks
    assert setting.last_used() == chosen and setting.choose() == chosen


def test_a_port_asked_for_and_taken_is_refused_naming_who_holds_it_and_a_free_one(
    tmp_path: Path, foreign_listener: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(VARIABLE, str(foreign_listener))
    with pytest.raises(
        PortTaken, match=rf"port {foreign_listener} \({VARIABLE}\) is held by pid {os.getpid()}"
    ):
        _setting(tmp_path, 1).choose()


def test_a_variable_that_is_no_port_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(VARIABLE, "eighty")
    with pytest.raises(ValueError, match=f"{VARIABLE}='eighty' is not a port number"):
        _setting(tmp_path, 8080).requested()


def test_a_service_is_recognised_by_the_process_group_listening_on_its_port() -> None:
    """What the stack's health checks rely on: the answer comes from its own process, not the port."""
    listener = (
        "import socket, sys, time; s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen();"
        " print(s.getsockname()[1], flush=True); time.sleep(60)"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", listener], stdout=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        assert child.stdout is not None
        port = int(child.stdout.readline())
        assert ports_of(child.pid) == {port}
        assert serves(port, child.pid)
        assert not serves(port, os.getpgrp())  # this process answers nothing there
    finally:
        child.kill()
        child.wait()
