"""Change counters for the Glue catalog and S3, so caches of derived state know when to look again.

The query engine caches what it derives from the catalog and the object store (translated SQL,
partition file lists, Parquet footers). Every write to either store in this process is reported
here *after* it has been applied: the endpoint's own catalog/S3 writes (``catalog.py``,
``storage.py``) and every mutating request passed through to moto (``server.py``). A cache entry
remembers the generations it was computed at (read *before* computing) and is reused only while
nothing it depends on changed since, so a query started after a write returns sees the write.

S3 changes are logged with their bucket and key, so a result file written under
``s3://bucket/athena-results/`` does not invalidate a table under ``s3://bucket/orders/``.
Anything whose scope is unknown is logged as a change to every bucket. A Glue change names the
table it wrote, (database, table), where the writer knows it: the lake's files then compare that
table alone with what they hold, not the whole catalog; None means anything may have changed.

Being the one place every write passes, the log also tells listeners (the lake's files,
persistence.py) what changed, in the writer's thread before its request answers, so a write is
on disk when its client hears it succeeded. Writers report after releasing BACKEND_LOCK: a
listener takes its own locks and then BACKEND_LOCK, and must never be entered the other way.
"""

from __future__ import annotations

import threading
from collections import deque
from typing import Protocol

# (database, table) of the Glue table a write changed, in whichever account and region wrote it
GlueTable = tuple[str, str]


class ChangeListener(Protocol):
    def s3_changed(self, bucket: str | None, key: str) -> None: ...

    def glue_changed(self, table: GlueTable | None) -> None: ...


class ChangeLog:
    """Generations of the Glue catalog and of S3, with a bounded log of recent S3 writes."""

    def __init__(self, keep: int = 4096) -> None:
        self._lock = threading.Lock()
        self.glue = 0
        self.s3 = 0
        self._s3_log: deque[tuple[int, str | None, str]] = deque(maxlen=keep)
        self._listeners: tuple[ChangeListener, ...] = ()

    def subscribe(self, listener: ChangeListener) -> None:
        with self._lock:
            self._listeners = (*self._listeners, listener)

    def unsubscribe(self, listener: ChangeListener) -> None:
        with self._lock:
            self._listeners = tuple(x for x in self._listeners if x is not listener)

    def glue_changed(self, table: GlueTable | None = None) -> None:
        """Record a catalog write: to `table` (database, table) alone, or to anything (None)."""
        with self._lock:
            self.glue += 1
            listeners = self._listeners
        for listener in listeners:
            listener.glue_changed(table)

    def s3_changed(self, bucket: str | None, key: str = "") -> None:
        """Record a write to ``bucket``/``key``; key '' means the whole bucket, bucket None any bucket."""
        with self._lock:
            self.s3 += 1
            self._s3_log.append((self.s3, bucket, key))
            listeners = self._listeners
        for listener in listeners:
            listener.s3_changed(bucket, key)

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
