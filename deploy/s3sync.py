"""Put files into S3 only when their content changed, judged by a SHA-256 kept in object metadata.

ETags cannot be used for that: under SSE-KMS (MWAA's bucket) they are not the
MD5 of the content. Metadata is set at upload and read back with head_object.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from deploy.digest import sha256_file
from deploy.layout import shipped_files

SHA256 = "sha256"
_DELETE_BATCH = 1000  # delete_objects' limit


class SyncError(Exception):
    """The bucket cannot take a deployment; the message says why."""


@dataclass
class FolderSync:
    """What syncing a folder did, by key."""

    uploaded: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ObjectPut:
    """An object after put_if_changed: its version, and whether this call wrote it."""

    key: str
    version_id: str
    uploaded: bool


def _is_missing(error: Any) -> bool:
    return error.response["Error"]["Code"] in ("404", "NoSuchKey", "NoSuchBucket", "NotFound")


def check_bucket(s3: Any, bucket: str) -> None:
    """Fail before uploading anything if the bucket is not there yet.

    Versioning is judged by the version ids of the uploads themselves: the
    deploy role Terraform grants may not read the bucket's configuration.
    """
    try:
        s3.head_bucket(Bucket=bucket)
    except s3.exceptions.ClientError as error:
        if _is_missing(error):
            raise SyncError(
                f"bucket {bucket} does not exist: Terraform creates it (see terraform/README.md)"
            ) from error
        raise


def _head(s3: Any, bucket: str, key: str) -> dict[str, Any] | None:
    try:
        return s3.head_object(Bucket=bucket, Key=key)
    except s3.exceptions.ClientError as error:
        if _is_missing(error):
            return None
        raise


def put_if_changed(
    s3: Any, bucket: str, key: str, path: Path, extra_metadata: Mapping[str, str] | None = None
) -> ObjectPut:
    """Upload `path` to `key` unless the object there has the same digests; returns its version.

    `extra_metadata` adds digests that also count as the object's identity
    (requirements.txt is only as fixed as the lock it names).
    """
    metadata = {SHA256: sha256_file(path), **(extra_metadata or {})}
    current = _head(s3, bucket, key)
    if current is not None and all(current["Metadata"].get(k) == v for k, v in metadata.items()):
        return ObjectPut(key, _version_of(current, bucket, key), uploaded=False)
    written = s3.put_object(Bucket=bucket, Key=key, Body=path.read_bytes(), Metadata=metadata)
    return ObjectPut(key, _version_of(written, bucket, key), uploaded=True)


def _version_of(response: Mapping[str, Any], bucket: str, key: str) -> str:
    """The object's version id; MWAA pins plugins.zip and requirements.txt by it."""
    version = response.get("VersionId")
    if not version or version == "null":
        raise SyncError(
            f"s3://{bucket}/{key} has no version id: bucket {bucket} is not versioned, "
            "and MWAA pins plugins.zip and requirements.txt by object version"
        )
    return version


def _keys_under(s3: Any, bucket: str, prefix: str) -> set[str]:
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
    return {item["Key"] for page in pages for item in page.get("Contents", [])}


def sync_folder(s3: Any, bucket: str, prefix: str, folder: Path) -> FolderSync:
    """Make s3://bucket/prefix/ hold exactly `folder`'s files, writing only what changed.

    Keys ending in "/" (folder markers, which the console or Terraform may
    create for the dags path) are left alone.
    """
    prefix = prefix.strip("/") + "/"
    remote = _keys_under(s3, bucket, prefix)
    result = FolderSync()
    wanted: set[str] = set()
    for path in shipped_files(folder):
        key = prefix + path.relative_to(folder).as_posix()
        wanted.add(key)
        digest = sha256_file(path)
        current = _head(s3, bucket, key) if key in remote else None
        if current is not None and current["Metadata"].get(SHA256) == digest:
            result.unchanged.append(key)
            continue
        written = s3.put_object(Bucket=bucket, Key=key, Body=path.read_bytes(), Metadata={SHA256: digest})
        _version_of(written, bucket, key)  # an unversioned bucket fails at its first upload
        result.uploaded.append(key)
    stale = sorted(key for key in remote - wanted if not key.endswith("/"))
    for start in range(0, len(stale), _DELETE_BATCH):
        batch = stale[start : start + _DELETE_BATCH]
        response = s3.delete_objects(
            Bucket=bucket, Delete={"Objects": [{"Key": key} for key in batch], "Quiet": True}
        )
        if response.get("Errors"):
            failed = ", ".join(f"{e['Key']}: {e.get('Message', e.get('Code'))}" for e in response["Errors"])
            raise SyncError(f"could not delete stale DAG files: {failed}")
        result.deleted += batch
    return result
