"""The lake kept across restarts: S3 objects and the Glue catalog, under a state directory.

In moto's memory alone, a restart of the endpoint (``make down`` and ``make up``, a crash, docker
compose restarting the container) empties the lake while Airflow keeps the runs that filled it.
Here every write goes through to files as it happens, following the change log (changes.py),
rather than in a snapshot taken at exit: a killed endpoint has no exit. What a file holds and
how a crash is survived is in s3_files.py, glue_files.py and state_files.py.

Kept: buckets, objects (latest version), Glue databases, tables and partitions. Not kept: Athena
query history, crawler runs, workgroups and crawlers; bootstrap.py re-creates the lake's workgroup
and crawler when the endpoint starts. The directory is locked while an endpoint uses it, since
two endpoints writing one directory would each overwrite the other's lake.
"""

from __future__ import annotations

import fcntl
import os
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from local.paths import LOCAL_DIR

from .changes import CHANGES, GlueTable
from .glue_files import GlueFiles
from .locking import BACKEND_LOCK
from .s3_files import S3Files

STATE_DIR_ENV = "LAKEHOUSE_AWS_STATE_DIR"
LOCK_FILE = ".lock"


def default_state_dir(aws_dir: Path | None = None) -> Path:
    """$LAKEHOUSE_AWS_STATE_DIR, else `lake` in the endpoint's folder (`aws_dir`, .local/aws).

    Under .local so `make clean` starts over; `aws_dir` lets the stack keep the lake beside the
    endpoint's pid file and log, wherever those are.
    """
    return Path(os.environ.get(STATE_DIR_ENV) or (aws_dir or LOCAL_DIR / "aws") / "lake")


@dataclass(frozen=True)
class Restored:
    objects: int
    tables: int


class StateDirInUse(RuntimeError):
    pass


class LakeState:
    """The state directory of one endpoint: restored by `open`, then kept current until `close`."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.s3 = S3Files(root / "s3", root / "trash")
        self.glue = GlueFiles(root / "glue", root / "trash")
        self._lock_file: IO[str] | None = None

    def open(self) -> Restored:
        """Lock the directory, load what it holds into moto, and write every change from now on."""
        self.root.mkdir(parents=True, exist_ok=True)
        self._lock()
        try:
            restored = Restored(objects=self.s3.restore(), tables=self.glue.restore())
        except BaseException:
            self._unlock()
            raise
        CHANGES.subscribe(self)
        return restored

    def close(self) -> None:
        CHANGES.unsubscribe(self)
        self._unlock()

    def _lock(self) -> None:
        handle = (self.root / LOCK_FILE).open("a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            handle.close()
            raise StateDirInUse(
                f"{self.root} is in use by another local AWS endpoint (pid {holder}); "
                "stop it, or give this one --state-dir elsewhere or --ephemeral"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self._lock_file = handle

    def _unlock(self) -> None:
        if self._lock_file is not None:
            self._lock_file.close()  # closing releases the flock
            self._lock_file = None

    # -- the change log's listener ---------------------------------------------------------
    def s3_changed(self, bucket: str | None, key: str) -> None:
        _not_under_backend_lock()
        self.s3.changed(bucket, key)

    def glue_changed(self, table: GlueTable | None) -> None:
        _not_under_backend_lock()
        self.glue.changed(table)


def _not_under_backend_lock() -> None:
    # The files' locks are taken before BACKEND_LOCK; entered under it, two writers could deadlock.
    if BACKEND_LOCK._is_owned():  # type: ignore[attr-defined]
        raise RuntimeError("a change was reported while holding BACKEND_LOCK; report it after releasing it")
