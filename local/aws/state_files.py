"""Files and folders of the endpoint's state, changed so that a crash never leaves half of one.

A file is written under a temporary name in its own folder and renamed over its final name, so
the next start reads the old file or the new one, never part of either. Temporary names share a
prefix, so a restore can tell them from state and remove them; they end in the final name, so a
person looking at a crashed folder sees what each was to become, and so the prefix alone (not
the suffix a restore looks for) is what keeps them out. A folder is removed by renaming it
into the trash first: a crash half-way through deleting its files leaves nothing that looks like
state. Nothing is fsynced: the crash this must survive is a killed endpoint, whose written pages
the kernel still holds, not a lost machine; a sync per write would cost every PUT a disk flush.
"""

from __future__ import annotations

import contextlib
import hashlib
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO
from urllib.parse import quote

TEMPORARY_PREFIX = ".tmp-"
# Longest name kept readable in a folder; longer ones are hashed (file systems allow 255 bytes).
_READABLE_NAME = 120


def is_temporary(path: Path) -> bool:
    return path.name.startswith(TEMPORARY_PREFIX)


def entry_name(name: str) -> str:
    """A file or folder name for a bucket, database or table name: readable when it can be."""
    quoted = quote(name, safe="-_.=")
    if len(quoted) <= _READABLE_NAME and not quoted.startswith("."):
        return quoted
    return "_" + hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()


def temporary_path(path: Path) -> Path:
    """A new name, beside `path`, for writing what is then renamed to `path`."""
    return path.with_name(f"{TEMPORARY_PREFIX}{uuid.uuid4().hex}-{path.name}")


def write_atomically(path: Path, write: Callable[[BinaryIO], None]) -> None:
    """Write `path` through `write(handle)` to a temporary file, then rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = temporary_path(path)
    try:
        with temporary.open("wb") as handle:
            write(handle)
        temporary.replace(path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def write_bytes_atomically(path: Path, data: bytes) -> None:
    write_atomically(path, lambda handle: handle.write(data))


def remove_folder(folder: Path, trash: Path) -> None:
    """Remove `folder` at once as far as a restore can see: move it to the trash, then delete it."""
    trash.mkdir(parents=True, exist_ok=True)
    doomed = trash / uuid.uuid4().hex
    try:
        folder.replace(doomed)
    except FileNotFoundError:
        return
    shutil.rmtree(doomed, ignore_errors=True)


def empty_trash(trash: Path) -> None:
    """Finish removals a crash interrupted."""
    if trash.is_dir():
        for entry in trash.iterdir():
            shutil.rmtree(entry, ignore_errors=True)


def remove_temporaries(folder: Path) -> None:
    """Delete what crashed writes left in `folder` (not recursive)."""
    for entry in folder.iterdir():
        if is_temporary(entry):
            with contextlib.suppress(OSError):
                if entry.is_dir():
                    shutil.rmtree(entry)
                else:
                    entry.unlink()
