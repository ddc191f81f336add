"""S3 buckets and objects written through to files, and read back into moto when the endpoint starts.

Each bucket is a folder with a ``bucket.json``; each object one file holding a JSON header line (key,
ETag, metadata, checksum) and then its bytes, so an object and what describes it are replaced by
one rename and can never disagree. Files are named by a hash of the key: keys may be as long, as
nested and as odd as S3 allows, which a file system does not.

Writing follows the change log (changes.py): after a write to a key, this compares the key's object
in moto with the one last written for it (by identity: moto makes a new object for every PUT, copy
and completed multipart upload) and writes or deletes its file. A bucket-wide change (a bucket
created or deleted, DeleteObjects, anything whose key is unknown) compares the whole bucket. Only
the latest version of a key is kept, and multipart uploads are not kept until completed, when they
become an object like any other.

Each key's compare-and-write is serialised (by a lock per slice of keys), so the last writer of a
file is the one that read moto last; bucket-wide work holds all the slices.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import logging
import shutil
import threading
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from moto.s3.models import FakeBucket, FakeKey, s3_backends

from .locking import BACKEND_LOCK
from .state_files import (
    empty_trash,
    entry_name,
    is_temporary,
    remove_folder,
    remove_temporaries,
    write_atomically,
    write_bytes_atomically,
)

LOG = logging.getLogger(__name__)
BUCKET_FILE = "bucket.json"
OBJECTS = "objects"
OBJECT_SUFFIX = ".obj"
_SLICES = 16
_COPY_CHUNK = 1 << 20


def _live_bucket(name: str) -> FakeBucket | None:
    """The bucket called `name` in whichever account owns it (call under BACKEND_LOCK)."""
    owner = s3_backends.bucket_accounts.get(name)
    if owner is None:
        return None
    partition, account = owner
    return s3_backends[account][partition].buckets.get(name)


def _latest(bucket: FakeBucket, key: str) -> FakeKey | None:
    versions = dict.get(bucket.keys, key)
    latest = versions[-1] if versions else None
    return latest if isinstance(latest, FakeKey) else None  # a delete marker is no object


def _header(obj: FakeKey) -> dict[str, Any]:
    """What describes an object besides its bytes (call under BACKEND_LOCK).

    Reading the ETag also caches it in the object: moto computes it by reading the object's
    buffer without the object's lock, which must not happen while the body is copied out.
    """
    return {
        "key": obj.name,
        "etag": obj.etag.strip('"'),
        "size": obj.size,
        "last_modified": obj.last_modified.isoformat(),
        "metadata": dict(obj.metadata),
        "storage_class": obj.storage_class,
        "encryption": obj.encryption,
        "kms_key_id": obj.kms_key_id,
        "bucket_key_enabled": obj.bucket_key_enabled,
        "checksum_algorithm": obj.checksum_algorithm,
        "checksum_value": obj.checksum_value,
        "checksum_type": obj.checksum_type,
        "checksum_parts": obj.checksum_parts,
        "website_redirect_location": obj.website_redirect_location,
    }


def _bucket_record(bucket: FakeBucket) -> dict[str, Any]:
    return {
        "name": bucket.name,
        "account": bucket.account_id,
        "partition": bucket.partition,
        "region": bucket.region_name,
        "created": bucket.creation_date.isoformat(),
        "versioning": bucket.versioning_status,
    }


class _Superseded(Exception):
    """The object was replaced or deleted while its bytes were copied: its successor is written."""


def _copy_body(obj: FakeKey, handle: BinaryIO) -> None:
    with obj.lock:
        if obj.disposed:
            raise _Superseded
        buffer = obj._value_buffer
        try:
            buffer.seek(0)
            shutil.copyfileobj(buffer, handle, _COPY_CHUNK)
        except ValueError as closed:  # disposed (closed) by the write that replaced it
            raise _Superseded from closed


class S3Files:
    """The S3 objects of every account, mirrored under `root` (one folder per bucket)."""

    def __init__(self, root: Path, trash: Path) -> None:
        self.root = root
        self.trash = trash
        self._slices = tuple(threading.RLock() for _ in range(_SLICES))
        # what the files hold, as the moto objects they were written from
        self._buckets: dict[str, weakref.ref[FakeBucket]] = {}
        self._records: dict[str, dict[str, Any]] = {}  # each bucket.json as last written
        self._objects: dict[str, dict[str, weakref.ref[FakeKey]]] = {}

    # -- paths -----------------------------------------------------------------------------
    def _bucket_dir(self, bucket: str) -> Path:
        return self.root / entry_name(bucket)

    def _object_path(self, bucket: str, key: str) -> Path:
        digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()
        return self._bucket_dir(bucket) / OBJECTS / digest[:2] / f"{digest}{OBJECT_SUFFIX}"

    # -- locks -----------------------------------------------------------------------------
    def _slice(self, bucket: str, key: str) -> threading.RLock:
        return self._slices[hash((bucket, key)) % _SLICES]

    @contextlib.contextmanager
    def _all_slices(self) -> Iterator[None]:
        with contextlib.ExitStack() as stack:
            for lock in self._slices:
                stack.enter_context(lock)
            yield

    # -- writing ---------------------------------------------------------------------------
    def changed(self, bucket: str | None, key: str) -> None:
        """Bring the files in line with moto after a write to `bucket`/`key` ('' the bucket, None all)."""
        if bucket is None:
            self._sync_everything()
        elif not key:
            self._sync_bucket(bucket)
        else:
            self._sync_key(bucket, key)

    def _recorded_bucket(self, name: str) -> FakeBucket | None:
        ref = self._buckets.get(name)
        return ref() if ref is not None else None

    def _sync_everything(self) -> None:
        with self._all_slices():
            with BACKEND_LOCK:
                names = set(s3_backends.bucket_accounts)
            for name in sorted(names | set(self._buckets)):
                self._sync_bucket(name)

    def _sync_bucket(self, name: str) -> None:
        with self._all_slices():
            record: dict[str, Any] = {}
            objects: dict[str, FakeKey | None] = {}
            with BACKEND_LOCK:
                live = _live_bucket(name)
                if live is not None:
                    record = _bucket_record(live)
                    objects = {k: _latest(live, k) for k in dict.keys(live.keys)}
            if live is None:
                if name in self._buckets or self._bucket_dir(name).exists():
                    remove_folder(self._bucket_dir(name), self.trash)
                self._buckets.pop(name, None)
                self._records.pop(name, None)
                self._objects.pop(name, None)
                return
            if self._recorded_bucket(name) is not live:
                # a new bucket, or one re-created under the name of a deleted one
                remove_folder(self._bucket_dir(name), self.trash)
                self._objects[name] = {}
                self._records.pop(name, None)
                self._buckets[name] = weakref.ref(live)
            if self._records.get(name) != record:
                # new, or its settings changed since (PutBucketVersioning): a restart restores them
                write_bytes_atomically(self._bucket_dir(name) / BUCKET_FILE, json.dumps(record).encode())
                self._records[name] = record
            written = self._objects.setdefault(name, {})
            stale = [k for k in written if objects.get(k) is None]
            changed = [k for k, o in objects.items() if o is not None and _ref(written.get(k)) is not o]
            for key in stale + changed:
                self._sync_recorded_key(name, key)

    def _sync_key(self, bucket: str, key: str) -> None:
        with self._slice(bucket, key):
            with BACKEND_LOCK:
                live = _live_bucket(bucket)
                known = live is not None and self._recorded_bucket(bucket) is live
            if known:
                self._sync_recorded_key(bucket, key)
                return
        self._sync_bucket(bucket)  # outside the slice: bucket-wide work takes every slice in order

    def _sync_recorded_key(self, bucket: str, key: str) -> None:
        """Write or delete one object's file; the bucket's folder is known to be current."""
        with self._slice(bucket, key):
            written = self._objects.setdefault(bucket, {})
            with BACKEND_LOCK:
                live = _live_bucket(bucket)
                obj = _latest(live, key) if live is not None else None
                if obj is not None and _ref(written.get(key)) is obj:
                    return
                header = _header(obj) if obj is not None else {}
            path = self._object_path(bucket, key)
            if obj is None:
                if written.pop(key, None) is not None:
                    path.unlink(missing_ok=True)
                return
            line = json.dumps(header, default=str).encode() + b"\n"

            def write(handle: BinaryIO) -> None:
                handle.write(line)
                _copy_body(obj, handle)

            try:
                write_atomically(path, write)
            except _Superseded:
                return
            written[key] = weakref.ref(obj)

    # -- reading back ----------------------------------------------------------------------
    def restore(self) -> int:
        """Load every bucket and object into moto (before serving); returns the number of objects."""
        empty_trash(self.trash)
        if not self.root.is_dir():
            return 0
        count = 0
        with self._all_slices(), BACKEND_LOCK:
            for folder in sorted(self.root.iterdir()):
                if not folder.is_dir():
                    continue
                if is_temporary(folder) or not (folder / BUCKET_FILE).is_file():
                    remove_folder(folder, self.trash)  # a crash before the bucket was recorded
                    continue
                count += self._restore_bucket(folder)
        return count

    def _restore_bucket(self, folder: Path) -> int:
        record = json.loads((folder / BUCKET_FILE).read_text())
        name = record["name"]
        backend = s3_backends[record["account"]][record["partition"]]
        bucket = backend.create_bucket(name, record["region"])
        bucket.creation_date = dt.datetime.fromisoformat(record["created"])
        bucket.versioning_status = record.get("versioning")
        self._buckets[name] = weakref.ref(bucket)
        self._records[name] = record
        written = self._objects[name] = {}
        remove_temporaries(folder)
        objects = folder / OBJECTS
        if not objects.is_dir():
            return 0
        for shard in sorted(objects.iterdir()):
            if not shard.is_dir():
                continue
            remove_temporaries(shard)
            for path in sorted(shard.glob(f"*{OBJECT_SUFFIX}")):
                obj = _restore_object(backend, name, path)
                if obj is not None:
                    written[obj.name] = weakref.ref(obj)
        return len(written)


def _read_object_file(path: Path) -> tuple[dict[str, Any], bytes] | None:
    try:
        with path.open("rb") as handle:
            header = json.loads(handle.readline())
            body = handle.read()
        if len(body) == header["size"]:
            return header, body
    except (OSError, ValueError, KeyError):
        pass
    # damaged by something other than the endpoint, which renames files whole: left for a person to see
    LOG.warning("skipped %s: not a whole object file", path)
    return None


def _restore_object(backend: Any, bucket: str, path: Path) -> FakeKey | None:
    read = _read_object_file(path)
    if read is None:
        return None
    header, body = read
    obj: FakeKey = backend.put_object(
        bucket,
        header["key"],
        body,
        storage=header.get("storage_class"),
        etag=header["etag"],
        encryption=header.get("encryption"),
        kms_key_id=header.get("kms_key_id"),
        bucket_key_enabled=header.get("bucket_key_enabled"),
        checksum_value=header.get("checksum_value"),
        disable_notification=True,
    )
    obj.last_modified = dt.datetime.fromisoformat(header["last_modified"])
    obj.metadata.clear()
    obj.metadata.update(header.get("metadata") or {})
    obj.checksum_algorithm = header.get("checksum_algorithm")
    obj.checksum_type = header.get("checksum_type")
    obj.checksum_parts = header.get("checksum_parts")
    obj.website_redirect_location = header.get("website_redirect_location")
    return obj


def _ref(ref: weakref.ref[FakeKey] | None) -> FakeKey | None:
    return ref() if ref is not None else None
