"""The embedded source Postgres: a real server in `.local/postgres`, for the demo and tests.

Why not a mock or SQLite: the export operator streams with COPY, reads in a
REPEATABLE READ snapshot and maps catalog types to Arrow, all of which only a
real server exercises.

Where the binaries come from, in this order:
1. `LAKEHOUSE_PG_BINDIR`, if set;
2. the system's server (`pg_ctl` on PATH, Debian's /usr/lib/postgresql/N/bin,
   RHEL's /usr/pgsql-N/bin);
3. the `pgserver` wheel, which ships a complete server, installed into the
   virtualenv on first use. A wheel needs no root and leaves no system service
   behind, which is why it is preferred over apt.

Postgres refuses to run as root. When we are root (sessions and CI are), the
server runs as an unprivileged user (`postgres` if Debian's package made one,
otherwise a `lakehouse-pg` system user we create) and owns its data directory.
If that user cannot reach `.local/` (a checkout under /root, say), the server's
files live under /var/tmp and `.local/postgres/server` is a symlink to them; and
if it cannot run the binaries (the wheel's, inside that checkout's .venv), it
runs a copy of their installation under /var/tmp.

Usage: python -m local.postgres start|stop|status|dsn|env
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import os
import pwd
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from lakehouse.polling import Backoff, WaitTimedOut, poll
from local.paths import LOCAL_DIR
from local.ports import can_bind

if TYPE_CHECKING:
    import psycopg  # for annotations; the methods import it where they use it

PGSERVER_WHEEL = "pgserver==0.1.4"
DEFAULT_DATABASE = "shop"
DEFAULT_USER = "lakehouse"
FALLBACK_OS_USER = "lakehouse-pg"

# A development server sized for a 2-core laptop. fsync is off: the WAL still
# reaches the OS at every commit, so a crashed or killed server loses nothing;
# only a crash of the machine itself could. Not advice for a real database.
SERVER_SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "unix_socket_directories": "''",
    "fsync": "off",
    "full_page_writes": "off",
    "shared_buffers": "256MB",
    "work_mem": "32MB",
    "maintenance_work_mem": "256MB",
    "max_wal_size": "2GB",
    "max_connections": "100",
    "timezone": "'UTC'",
    "log_timezone": "'UTC'",
}


class PostgresError(RuntimeError):
    """The embedded server could not be found, installed, started or stopped."""


@dataclass(frozen=True)
class Status:
    running: bool
    pid: int | None
    port: int | None
    dsn: str | None
    data_dir: Path

    def describe(self) -> str:
        if not self.running:
            return f"postgres: stopped (data {self.data_dir})"
        return f"postgres: running pid={self.pid} port={self.port} data={self.data_dir}\n{self.dsn}"


# --------------------------------------------------------------------------- binaries


def _version_key(path: Path) -> tuple[int, ...]:
    digits = "".join(ch if ch.isdigit() else " " for ch in str(path))
    return tuple(int(part) for part in digits.split()) or (0,)


def system_bindir() -> Path | None:
    """The newest system Postgres server binaries, or None."""
    candidates: list[Path] = []
    on_path = shutil.which("pg_ctl")
    if on_path:
        candidates.append(Path(on_path).resolve().parent)
    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=_version_key, reverse=True)
    candidates += sorted(Path("/usr").glob("pgsql-*/bin"), key=_version_key, reverse=True)
    for bindir in candidates:
        if all((bindir / tool).is_file() for tool in ("initdb", "pg_ctl", "postgres")):
            return bindir
    return None


def wheel_bindir(install: bool) -> Path | None:
    """Binaries of the `pgserver` wheel, installing it into this interpreter if asked."""
    try:
        import pgserver  # type: ignore[import-not-found]
    except ImportError:
        if not install:
            return None
        print(f"postgres: no server binaries found; installing {PGSERVER_WHEEL}", flush=True)
        uv = Path(sys.executable).with_name("uv")
        if uv.exists():
            cmd = [str(uv), "pip", "install", "--python", sys.executable, PGSERVER_WHEEL]
        else:
            cmd = [sys.executable, "-m", "pip", "install", PGSERVER_WHEEL]
        subprocess.run(cmd, check=True)
        import importlib

        importlib.invalidate_caches()
        import pgserver  # type: ignore[import-not-found]
    bindir = Path(pgserver.__file__).parent / "pginstall" / "bin"
    return bindir if (bindir / "pg_ctl").is_file() else None


def find_bindir(prefer_wheel: bool = False) -> Path:
    override = os.environ.get("LAKEHOUSE_PG_BINDIR")
    if override:
        bindir = Path(override)
        if not (bindir / "pg_ctl").is_file():
            raise PostgresError(f"LAKEHOUSE_PG_BINDIR={override} has no pg_ctl")
        return bindir
    if not prefer_wheel:
        found = system_bindir() or wheel_bindir(install=False)
        if found:
            return found
    found = wheel_bindir(install=True)
    if not found:
        raise PostgresError(f"{PGSERVER_WHEEL} installed but ships no pg_ctl")
    return found


# --------------------------------------------------------------------------- OS user


def _server_os_user() -> str | None:
    """The user the server runs as, or None to run as ourselves (not root)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", FALLBACK_OS_USER):
        with contextlib.suppress(KeyError):
            pwd.getpwnam(name)
            return name
    subprocess.run(
        ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", FALLBACK_OS_USER],
        check=True,
    )
    return FALLBACK_OS_USER


def _can_reach(os_user: str, path: Path, test: str = "-w") -> bool:
    """Whether `os_user` can write `path` (`-w`), or run it (`-x`), through every directory above it."""
    probe = subprocess.run(
        ["runuser", "-u", os_user, "--", "test", test, str(path)], capture_output=True, check=False
    )
    return probe.returncode == 0


def runnable_bindir(bindir: Path, os_user: str | None) -> Path:
    """`bindir`, or a copy of its installation that `os_user` can run.

    The binaries find share/ and lib/ relative to themselves, and the wheel's
    find their shared libraries in `<package>.libs` two levels up (auditwheel's
    RPATH), so the copy keeps that layout: the installation (bin/ and its
    siblings) and its package's `.libs`, once per source path, under a
    directory in /var/tmp that every user can enter.
    """
    if os_user is None or _can_reach(os_user, bindir / "postgres", "-x"):
        return bindir
    install = bindir.resolve().parent
    base = install.parent.parent
    inside = install.relative_to(base)
    libs = base / f"{inside.parts[0]}.libs"
    digest = hashlib.sha256(str(install).encode()).hexdigest()[:12]
    copy = Path("/var/tmp") / f"airflow-lakehouse-pgbin-{digest}"
    with _exclusive(copy.with_name(f"{copy.name}.lock")):  # one copier; the others wait and reuse it
        if not (copy / inside / "bin" / "postgres").is_file():
            _copy_installation(install, inside, libs, copy)
            print(f"postgres: {bindir} cannot be run by {os_user}; running a copy in {copy}", flush=True)
    return copy / inside / "bin"


@contextlib.contextmanager
def _exclusive(lock_file: Path):
    import fcntl

    with lock_file.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _copy_installation(install: Path, inside: Path, libs: Path, copy: Path) -> None:
    """Copy `install` to `copy / inside` (and `libs` beside), readable and runnable by every user."""
    partial = copy.with_name(f"{copy.name}.partial-{os.getpid()}")
    shutil.rmtree(partial, ignore_errors=True)
    shutil.copytree(install, partial / inside, symlinks=True)
    if libs.is_dir():
        shutil.copytree(libs, partial / libs.name, symlinks=True)
    for directory in (partial / inside, *(partial / inside).parents, partial / libs.name):
        if directory.is_relative_to(partial) and directory.is_dir():
            directory.chmod(0o755)
    shutil.rmtree(copy, ignore_errors=True)
    partial.rename(copy)


def _pid_is_postgres(pid: int) -> bool:
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    return b"postgres" in cmdline


def _ephemeral_range() -> tuple[int, int]:
    try:
        low, high = Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()
        return int(low), int(high)
    except (OSError, ValueError):
        return 32768, 60999  # Linux's default


def _free_port() -> int:
    """A free port below the ephemeral range, to be saved and reused on every start.

    A port the kernel hands out (bind to 0) comes from the ephemeral range, where
    any outgoing connection may take it while the server is stopped, and the
    restart would then have to move. Below that range only listeners compete.
    """
    low, _ = _ephemeral_range()
    candidates = list(range(max(1024, low - 12000), low))
    random.shuffle(candidates)
    for port in candidates[:200]:
        if can_bind(port):
            return port
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --------------------------------------------------------------------------- server


class EmbeddedPostgres:
    """One server instance rooted at `base_dir` (default `.local/postgres`).

    State kept in `base_dir`: `server/` (data and log, owned by the server's OS
    user), `port` (the port chosen on first start, reused afterwards),
    `password` (generated at initdb, mode 0600) and `bindir`.
    """

    def __init__(
        self,
        base_dir: Path | None = None,
        port: int | None = None,
        database: str = DEFAULT_DATABASE,
        user: str = DEFAULT_USER,
        prefer_wheel: bool = False,
    ) -> None:
        self.base_dir = (base_dir or LOCAL_DIR / "postgres").resolve()
        self.requested_port = port or _env_port()
        self.database = database
        self.user = user
        self.prefer_wheel = prefer_wheel
        self.os_user = _server_os_user()

    # paths ---------------------------------------------------------------
    @property
    def server_dir(self) -> Path:
        # resolved: when it is a symlink to /var/tmp, the server's user must be
        # given the target, since it cannot pass through .local's parents
        return (self.base_dir / "server").resolve()

    @property
    def data_dir(self) -> Path:
        return self.server_dir / "data"

    @property
    def log_file(self) -> Path:
        return self.server_dir / "log" / "server.log"

    @property
    def pid_file(self) -> Path:
        return self.data_dir / "postmaster.pid"

    # persisted state -----------------------------------------------------
    def _read_state(self, name: str) -> str | None:
        path = self.base_dir / name
        return path.read_text().strip() if path.exists() else None

    def _write_state(self, name: str, value: str, private: bool = False) -> None:
        path = self.base_dir / name
        path.write_text(value + "\n")
        if private:
            path.chmod(0o600)

    @property
    def port(self) -> int | None:
        saved = self._read_state("port")
        return self.requested_port or (int(saved) if saved else None)

    @property
    def password(self) -> str:
        saved = self._read_state("password")
        if saved is None:
            raise PostgresError(f"no password in {self.base_dir}: the server was never initialised")
        return saved

    @property
    def bindir(self) -> Path:
        saved = self._read_state("bindir")
        if saved and (Path(saved) / "pg_ctl").is_file():
            return Path(saved)
        return runnable_bindir(find_bindir(self.prefer_wheel), self.os_user)

    def dsn(self, database: str | None = None) -> str:
        return f"postgresql://{self.user}:{self.password}@127.0.0.1:{self.port}/{database or self.database}"

    # commands ------------------------------------------------------------
    def _run_as_server(self, args: list[str], **kwargs) -> subprocess.CompletedProcess:
        cmd = args if self.os_user is None else ["runuser", "-u", self.os_user, "--", *args]
        return subprocess.run(cmd, capture_output=True, text=True, check=False, **kwargs)

    def _chown(self, path: Path) -> None:
        if self.os_user is not None:
            shutil.chown(path, self.os_user, self.os_user)

    def _prepare_server_dir(self) -> None:
        """Create `server/` where the server's OS user can write it."""
        self.base_dir.mkdir(parents=True, exist_ok=True)
        link = self.base_dir / "server"
        if link.exists():
            return
        link.mkdir()
        self._chown(link)
        if self.os_user is None or _can_reach(self.os_user, link):
            return
        link.rmdir()
        digest = hashlib.sha256(str(self.base_dir).encode()).hexdigest()[:12]
        elsewhere = Path("/var/tmp") / f"airflow-lakehouse-pg-{digest}"
        elsewhere.mkdir(mode=0o700, exist_ok=True)
        self._chown(elsewhere)
        link.symlink_to(elsewhere)
        print(f"postgres: {self.base_dir} is not reachable by {self.os_user}; data kept in {elsewhere}")

    def _initdb(self) -> None:
        bindir = runnable_bindir(find_bindir(self.prefer_wheel), self.os_user)
        self._prepare_server_dir()
        for directory in (self.data_dir, self.log_file.parent):
            directory.mkdir(mode=0o700, exist_ok=True)
            self._chown(directory)
        password = secrets.token_urlsafe(18)
        pwfile = self.server_dir / "initdb.pw"
        pwfile.write_text(password + "\n")
        pwfile.chmod(0o600)
        self._chown(pwfile)
        try:
            result = self._run_as_server(
                [
                    str(bindir / "initdb"),
                    "-D",
                    str(self.data_dir),
                    "-U",
                    self.user,
                    f"--pwfile={pwfile}",
                    "--auth-host=scram-sha-256",
                    "--auth-local=scram-sha-256",
                    "--encoding=UTF8",
                    "--locale=C",
                ]
            )
        finally:
            pwfile.unlink(missing_ok=True)
        if result.returncode != 0:
            shutil.rmtree(self.data_dir, ignore_errors=True)
            raise PostgresError(f"initdb failed:\n{result.stdout}\n{result.stderr}")
        settings = "".join(f"{key} = {value}\n" for key, value in SERVER_SETTINGS.items())
        conf = self.data_dir / "postgresql.conf"
        conf.write_text(conf.read_text() + "\n# airflow-lakehouse embedded server\n" + settings)
        self._write_state("password", password, private=True)
        self._write_state("bindir", str(bindir))

    def _running_pid(self) -> int | None:
        try:
            pid = int(self.pid_file.read_text().splitlines()[0])
        except (OSError, ValueError, IndexError):
            return None
        return pid if _pid_is_postgres(pid) else None

    def _orphans(self) -> list[int]:
        """Server processes still working in our data directory after their postmaster died."""
        found = []
        for proc in Path("/proc").iterdir():
            if not proc.name.isdigit():
                continue
            with contextlib.suppress(OSError):
                if Path(proc / "cwd").resolve() == self.data_dir.resolve() and _pid_is_postgres(
                    int(proc.name)
                ):
                    found.append(int(proc.name))
        return found

    def _clear_stale_pid_file(self, grace_s: float = 10.0) -> None:
        """Remove a pid file whose postmaster is gone, once its orphaned children are gone too.

        A postmaster killed with SIGKILL leaves its pid file and, for a moment,
        its child processes, still attached to shared memory and holding the
        port. Starting a new postmaster beside them would risk the data, so we
        wait for them to notice and exit (and end them after a grace period).
        """
        if not self.pid_file.exists() or self._running_pid() is not None:
            return
        try:
            orphans = poll(self._orphans, lambda left: not left, grace_s, backoff=Backoff(0.1, 1.5, 1))
        except WaitTimedOut as waited:
            orphans = waited.last  # type: ignore[assignment]
        for pid in orphans:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        print(f"postgres: removing stale {self.pid_file}")
        self.pid_file.unlink(missing_ok=True)

    def _choose_port(self) -> int:
        if self.requested_port:
            if not can_bind(self.requested_port):
                raise PostgresError(f"configured port {self.requested_port} is already in use")
            return self.requested_port
        saved = self._read_state("port")
        if saved and can_bind(int(saved)):
            return int(saved)
        port = _free_port()
        if saved:
            print(f"postgres: saved port {saved} is taken; using {port}")
        return port

    def status(self) -> Status:
        pid = self._running_pid()
        running = pid is not None
        return Status(
            running=running,
            pid=pid,
            port=self.port if running else None,
            dsn=self.dsn() if running else None,
            data_dir=self.data_dir,
        )

    def start(self, timeout_s: int = 60) -> Status:
        """Start the server; a no-op when it already runs. Never re-initialises data."""
        current = self.status()
        if current.running:
            return current
        if not (self.data_dir / "PG_VERSION").exists():
            self._initdb()
        self._clear_stale_pid_file()
        port = self._choose_port()
        result = self._run_as_server(
            [
                str(self.bindir / "pg_ctl"),
                "start",
                "-w",
                f"--timeout={timeout_s}",
                "-D",
                str(self.data_dir),
                "-l",
                str(self.log_file),
                "-o",
                f"-p {port}",
            ]
        )
        if result.returncode != 0:
            raise PostgresError(f"pg_ctl start failed:\n{result.stdout}{result.stderr}\n{self._log_tail()}")
        self._write_state("port", str(port))
        self.ensure_database(self.database)
        return self.status()

    def stop(self) -> bool:
        """Stop the server; returns False when it was not running."""
        if self._running_pid() is None:
            self._clear_stale_pid_file()
            return False
        result = self._run_as_server(
            [str(self.bindir / "pg_ctl"), "stop", "-w", "-m", "fast", "-D", str(self.data_dir)]
        )
        if result.returncode != 0:
            raise PostgresError(f"pg_ctl stop failed:\n{result.stdout}{result.stderr}")
        return True

    def _log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log_file.read_text().splitlines()[-lines:])
        except OSError:
            return "(no server log)"

    def _admin_connection(self) -> psycopg.Connection:
        """A connection to the `postgres` database, waiting out a server that is still starting."""
        import psycopg

        def connect() -> psycopg.Connection | psycopg.OperationalError:
            try:
                return psycopg.connect(self.dsn("postgres"), autocommit=True)
            except psycopg.OperationalError as error:  # a server still starting: try again
                return error

        try:
            return poll(connect, lambda got: isinstance(got, psycopg.Connection), 10)
        except WaitTimedOut as waited:
            raise waited.last from None  # type: ignore[misc]

    def has_database(self, name: str) -> bool:
        with self._admin_connection() as conn:
            return _database_exists(conn, name)

    def ensure_database(self, name: str) -> None:
        """Create database `name` unless it exists (the shop, Airflow's metadata, tests)."""
        with self._admin_connection() as conn:
            if not _database_exists(conn, name):
                conn.execute(f'create database "{name}"')


def _database_exists(conn: psycopg.Connection, name: str) -> bool:
    return conn.execute("select 1 from pg_database where datname = %s", (name,)).fetchone() is not None


def _env_port() -> int | None:
    value = os.environ.get("LAKEHOUSE_PG_PORT")
    return int(value) if value else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m local.postgres", description=__doc__.split("\n")[0])
    parser.add_argument("command", choices=["start", "stop", "status", "dsn", "env"])
    args = parser.parse_args(argv)
    server = EmbeddedPostgres()
    try:
        if args.command == "start":
            print(server.start().describe())
        elif args.command == "stop":
            print("postgres: stopped" if server.stop() else "postgres: was not running")
        elif args.command == "status":
            status = server.status()
            print(status.describe())
            return 0 if status.running else 3
        elif args.command == "dsn":
            print(server.dsn())
        elif args.command == "env":
            print(f"export LAKEHOUSE_PG_DSN='{server.dsn()}'")
    except PostgresError as exc:
        print(f"postgres: error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
