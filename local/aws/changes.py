"""Change counters for the Glue catalog and S3, so caches of derived state know when to look again.

The query engine caches what it derives from the catalog and the object store (translated SQL,
partition file lists, Parquet footers). Every write to either store in this process is reported
here *after* it has been applied: the endpoint's own catalog/S3 writes (``catalog.py``,
``storage.py``) and every mutating request passed through to moto (``server.py``). A cache entry
remembers the generations it was computed at (read *before* computing) and is reused only while
nothing it depends on changed since, so a query started after a write returns sees the write.

S3 changes are logged with their bucket and key, so a result file written under
``s3://bucket/athena-results/`` does not invalidate a table under ``s3://bucket/orders/``.
Anything whose scope is unknown is logged as a change to every bucket.
"""

from __future__ import annotations

import threading
from collections import deque


class ChangeLog:
    """Generations of the Glue catalog and of S3, with a bounded log of recent S3 writes."""

    def __init__(self, keep: int = 4096) -> None:
        self._lock = threading.Lock()
        self.glue = 0
        self.s3 = 0
        self._s3_log: deque[tuple[int, str | None, str]] = deque(maxlen=keep)

    def glue_changed(self) -> None:
        with self._lock:
            self.glue += 1

    def s3_changed(self, bucket: str | None, key: str = "") -> None:
        """Record a write to ``bucket``/``key``; key '' means the whole bucket, bucket None any bucket."""
        with self._lock:
            self.s3 += 1
            self._s3_log.append((self.s3, bucket, key))

    def s3_touched(self, since: int, prefixes: tuple[tuple[str, str], ...]) -> bool:
        """Whether an S3 write after generation ``since`` may affect any (bucket, key prefix)."""
        with self._lock:
            if since == self.s3:
                return False
            if not self._s3_log or self._s3_log[0][0] > since + 1:
                return True  # older changes fell out of the log: assume the worst
            for gen, bucket, key in reversed(self._s3_log):
                if gen <= since:
                    break
                if bucket is None:
                    return True
                for p_bucket, p_key in prefixes:
                    if bucket == p_bucket and (key.startswith(p_key) or p_key.startswith(key)):
                        return True
            return False


CHANGES = ChangeLog()
