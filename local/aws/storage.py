"""Object access to moto's in-process S3 store, and a local mirror DuckDB can read natively.

DuckDB's httpfs extension cannot be downloaded here, and pointing DuckDB at the endpoint
over HTTP would cost a round-trip per range request anyway. Instead each object a query
needs is copied once to a local file named by its ETag, so repeated queries on unchanged
data read plain local Parquet at full speed and a rewritten object is picked up at once.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from pathlib import Path

from moto.s3.models import s3_backends

from .access import check, check_list, check_read, s3_object_arn
from .changes import CHANGES
from .errors import AthenaError
from .locking import BACKEND_LOCK
from .state_files import write_bytes_atomically


@dataclass(frozen=True)
class S3Object:
    bucket: str
    key: str
    size: int
    etag: str

    @property
    def uri(self) -> str:
        return f"s3://{self.bucket}/{self.key}"


def split_uri(uri: str) -> tuple[str, str]:
    """('bucket', 'key/prefix') from 's3://bucket/key/prefix' (also accepts s3a:// and s3n://)."""
    for scheme in ("s3://", "s3a://", "s3n://"):
        if uri.startswith(scheme):
            rest = uri[len(scheme) :]
            bucket, _, key = rest.partition("/")
            return bucket, key
    raise AthenaError("INVALID_TABLE_PROPERTY", f"Location '{uri}' is not an s3:// URI")


def as_prefix(uri: str) -> str:
    """A location with exactly one trailing slash, so prefix matching never crosses folders."""
    return uri.rstrip("/") + "/"


def is_hidden(relative_key: str) -> bool:
    """Hive and Athena skip files and folders whose name starts with '_' or '.'."""
    parts = [p for p in relative_key.split("/") if p]
    return any(p.startswith(("_", ".")) for p in parts) or relative_key.endswith("$folder$")


class S3Store:
    """The S3 objects of one account, read and written through moto's backend."""

    def __init__(self, account_id: str, mirror_dir: Path) -> None:
        self.account_id = account_id
        self.mirror_dir = mirror_dir
        self._mirror_lock = threading.Lock()

    @property
    def _backend(self):  # type: ignore[no-untyped-def]
        return s3_backends[self.account_id]["aws"]

    def bucket_exists(self, bucket: str) -> bool:
        with BACKEND_LOCK:
            return bucket in self._backend.buckets

    def list(self, location: str, include_hidden: bool = False) -> list[S3Object]:
        """Data objects under a location, recursively, sorted by key; empty folders excluded."""
        bucket_name, key_prefix = split_uri(location)
        prefix = as_prefix(key_prefix) if key_prefix else ""
        check_list(bucket_name, prefix)
        with BACKEND_LOCK:
            bucket = self._backend.buckets.get(bucket_name)
            if bucket is None:
                return []
            found = []
            for name in list(bucket.keys.keys()):
                if not name.startswith(prefix) or name.endswith("/"):
                    continue
                if not include_hidden and is_hidden(name[len(prefix) :]):
                    continue
                key = bucket.keys.get(name)
                if key is None or not hasattr(key, "etag"):
                    continue
                found.append(S3Object(bucket_name, name, key.size, key.etag))
        return sorted(found, key=lambda o: o.key)

    def list_many(self, locations: list[str]) -> dict[str, list[S3Object]]:
        """``list`` for many locations at once, walking each bucket's keys once (not per location)."""
        wanted: dict[str, list[tuple[str, str]]] = {}
        for location in dict.fromkeys(locations):
            bucket_name, key_prefix = split_uri(location)
            prefix = as_prefix(key_prefix) if key_prefix else ""
            check_list(bucket_name, prefix)
            wanted.setdefault(bucket_name, []).append((location, prefix))
        found: dict[str, list[S3Object]] = {location: [] for location in locations}
        with BACKEND_LOCK:
            for bucket_name, prefixes in wanted.items():
                bucket = self._backend.buckets.get(bucket_name)
                if bucket is None:
                    continue
                for name in list(bucket.keys.keys()):
                    if name.endswith("/"):
                        continue
                    for location, prefix in prefixes:
                        if not name.startswith(prefix) or is_hidden(name[len(prefix) :]):
                            continue
                        key = bucket.keys.get(name)
                        if key is None or not hasattr(key, "etag"):
                            continue
                        found[location].append(S3Object(bucket_name, name, key.size, key.etag))
        return {location: sorted(objects, key=lambda o: o.key) for location, objects in found.items()}

    def read(self, bucket: str, key: str) -> bytes:
        check_read(bucket, key)
        with BACKEND_LOCK:
            obj = self._backend.get_object(bucket, key)
            if obj is None:
                raise AthenaError("HIVE_CANNOT_OPEN_SPLIT", f"Error opening Hive split s3://{bucket}/{key}")
            return obj.value

    def write(self, uri: str, data: bytes) -> None:
        bucket, key = split_uri(uri)
        check("s3:PutObject", [s3_object_arn(bucket, key)])
        try:
            with BACKEND_LOCK:
                if bucket not in self._backend.buckets:
                    raise AthenaError(
                        "HIVE_WRITER_OPEN_ERROR",
                        f"Unable to write to s3://{bucket}/: the bucket does not exist",
                    )
                self._backend.put_object(bucket, key, data)
        finally:
            CHANGES.s3_changed(bucket, key)  # after releasing the lock, as the change log asks

    def local_copy(self, obj: S3Object) -> Path:
        """A local file with the object's bytes, reused while the ETag is unchanged (and the acting
        principal may still read the object)."""
        check_read(obj.bucket, obj.key)
        digest = hashlib.sha1(f"{obj.bucket}/{obj.key}/{obj.etag}".encode()).hexdigest()
        suffix = Path(obj.key).suffix or ".bin"
        path = self.mirror_dir / digest[:2] / f"{digest}{suffix}"
        if path.exists():
            return path
        data = self.read(obj.bucket, obj.key)
        with self._mirror_lock:
            if not path.exists():
                write_bytes_atomically(path, data)
        return path
