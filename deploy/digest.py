"""Content digests: how deploy decides what changed.

S3 ETags are not MD5s of the content under SSE-KMS (MWAA's bucket is
encrypted), so each uploaded object carries its own SHA-256 in its metadata.
"""

from __future__ import annotations

import hashlib
from pathlib import Path


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
