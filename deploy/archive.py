"""A zip whose bytes depend only on its files' names and contents.

Deploy compares plugins.zip's SHA-256 with the object in S3 and updates the
MWAA environment (a restart of every container, 20-30 minutes) only when it
differs, so a rebuild of unchanged sources must give the same bytes: entries
sorted, one fixed timestamp and mode, and no compression, because deflate's
output can differ between zlib builds (a laptop's and a CI runner's).
"""

from __future__ import annotations

import zipfile
from collections.abc import Mapping
from pathlib import Path

FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest a zip can record
FILE_MODE = 0o100644  # a regular file, rw-r--r--
UNIX = 3  # "made by" system, whatever the platform that builds


def write_deterministic_zip(target: Path, files: Mapping[str, Path]) -> int:
    """Write `files` (name in the archive -> source file) to `target`; returns the entry count."""
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_STORED) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.create_system = UNIX
            info.external_attr = FILE_MODE << 16
            info.compress_type = zipfile.ZIP_STORED
            archive.writestr(info, files[name].read_bytes())
    return len(files)
