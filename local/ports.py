"""Which port a service of the local stack listens on, and who holds a port when it is not ours.

The stack's services have well-known ports (the AWS endpoint LocalStack's, the
api-server Airflow's) that another checkout's stack, LocalStack itself or any
web server may hold already. A client that trusts whatever answers there ends
up writing our lake into someone else's service, so the stack looks before it
starts anything, and afterwards checks that what answers is its own process:
Linux's /proc names the process behind each listening socket.

A port taken by someone else is either refused, naming who holds it (when it
was asked for explicitly), or replaced by a free one nearby that is remembered
beside the service's pid file, so that the stack keeps its addresses from one
`make up` to the next.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

TCP_LISTEN = "0A"  # the st column of /proc/net/tcp for a listening socket
NEARBY = 100  # how far above a taken port a replacement is looked for


class PortTaken(RuntimeError):
    """A port the stack was told to use is held by another process; the message names it."""


@dataclass(frozen=True)
class Holder:
    """Who listens on a port: a pid and command line where /proc shows them, else only a user."""

    port: int
    pid: int | None = None
    uid: int | None = None
    command: str | None = None
    cwd: str | None = None

    def describe(self) -> str:
        if self.pid is None:
            user = f" of user {_user_name(self.uid)}" if self.uid is not None else ""
            return f"another process{user} (its pid is not visible from here; `ss -ltnp` as root may show it)"
        described = f"pid {self.pid}"
        if self.command:
            described += f" ({self.command})"
        if self.cwd:
            described += f", working in {self.cwd}"
        return described


def _user_name(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid {uid}"


def _listening_sockets() -> dict[int, tuple[int, int]]:
    """Every listening TCP socket of this network namespace: inode -> (port, uid).

    Any address counts, IPv6 too: clients reach the stack as `localhost`, which
    may resolve to ::1 before 127.0.0.1.
    """
    sockets: dict[int, tuple[int, int]] = {}
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            rows = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            fields = row.split()
            if len(fields) > 9 and fields[3] == TCP_LISTEN:
                sockets[int(fields[9])] = (int(fields[1].rsplit(":", 1)[1], 16), int(fields[7]))
    return sockets


def _socket_inodes(pid: int) -> set[int]:
    inodes: set[int] = set()
    with contextlib.suppress(OSError):
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            with contextlib.suppress(OSError):
                target = str(fd.readlink())
                if target.startswith("socket:["):
                    inodes.add(int(target[len("socket:[") : -1]))
    return inodes


def _pids() -> list[int]:
    return sorted(int(entry.name) for entry in Path("/proc").iterdir() if entry.name.isdigit())


def _process_group(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[2])  # after "pid (comm) state ppid"


def _command_line(pid: int) -> str | None:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None
    return raw.replace(b"\0", b" ").decode(errors="replace").strip() or None


def _cwd(pid: int) -> str | None:
    try:
        return str(Path(f"/proc/{pid}/cwd").readlink())
    except OSError:
        return None


def can_bind(port: int) -> bool:
    """Whether a server could listen on `port` of the loopback address, binding as servers do.

    With SO_REUSEADDR, as Postgres and our servers bind: connections of a server
    just stopped linger in TIME_WAIT and do not hold its port.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def holder(port: int) -> Holder | None:
    """Who listens on `port`, or None when it is free."""
    listening = {inode: uid for inode, (bound, uid) in _listening_sockets().items() if bound == port}
    if not listening:
        return None if can_bind(port) else Holder(port)
    for pid in _pids():
        if _socket_inodes(pid) & listening.keys():
            return Holder(port, pid, None, _command_line(pid), _cwd(pid))
    return Holder(port, uid=next(iter(listening.values())))


def free_port_near(port: int) -> int:
    """The first free port above `port`, else one the kernel picks.

    Nearby rather than any: a user can guess it, and it stays below the ephemeral
    range, where an outgoing connection could take it while the service is stopped.
    """
    taken = {bound for bound, _uid in _listening_sockets().values()}
    for candidate in range(port + 1, min(port + NEARBY, 65536)):
        if candidate not in taken and can_bind(candidate):
            return candidate
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ports_of(group: int) -> set[int]:
    """The ports that the processes of process group `group` listen on.

    The stack starts every service in a session of its own, so its pid is its
    group's, and a listener in a worker it forked still counts as the service's.
    """
    members = [pid for pid in _pids() if _process_group(pid) == group]
    inodes: set[int] = set()
    for pid in members:
        inodes |= _socket_inodes(pid)
    sockets = _listening_sockets()
    return {sockets[inode][0] for inode in inodes if inode in sockets}


def serves(port: int, group: int) -> bool:
    """Whether the process listening on `port` is the service whose process group is `group`."""
    return port in ports_of(group)


def first_port(ports: Iterable[int], preferred: int | None) -> int | None:
    """`preferred` if the service listens there, else its lowest port, else None."""
    found = set(ports)
    if preferred in found:
        return preferred
    return min(found) if found else None


@dataclass(frozen=True)
class ServicePort:
    """The port one of the stack's services listens on.

    `variable` asks for a port; otherwise the stack uses the one it used last
    (kept in `saved_file`, so that a port picked because the default was taken
    sticks), else the default.
    """

    service: str
    variable: str
    default: int
    saved_file: Path

    def requested(self) -> int | None:
        value = os.environ.get(self.variable, "").strip()
        if not value:
            return None
        if not value.isdigit() or not 0 < int(value) < 65536:
            raise ValueError(f"{self.variable}={value!r} is not a port number")
        return int(value)

    def saved(self) -> int | None:
        try:
            return int(self.saved_file.read_text().strip())
        except (OSError, ValueError):
            return None

    def configured(self) -> int:
        """What the environment asks for, else the default: what a fresh checkout uses."""
        return self.requested() or self.default

    def last_used(self) -> int:
        """Where this checkout's service listens (or last listened): what its clients use."""
        return self.saved() or self.configured()

    def save(self, port: int) -> None:
        self.saved_file.parent.mkdir(parents=True, exist_ok=True)
        self.saved_file.write_text(f"{port}\n")

    def choose(self) -> int:
        """The port to start the service on, checked free; the caller saves it once it listens.

        A port asked for through `variable` and held by another process is refused,
        naming the holder; a remembered or default one moves to a free port nearby.
        """
        requested = self.requested()
        wanted = requested or self.saved() or self.default
        taken = holder(wanted)
        if taken is None:
            return wanted
        free = free_port_near(wanted)
        if requested is not None:
            raise PortTaken(
                f"{self.service}: port {wanted} ({self.variable}) is held by {taken.describe()}. "
                f"Stop that process, or ask for another port: {self.variable}={free} (free now)."
            )
        print(
            f"{self.service}: port {wanted} is held by {taken.describe()}; using {free} instead"
            f" (remembered in {self.saved_file}; {self.variable}=N asks for another)",
            flush=True,
        )
        return free
