"""Replace one S3 partition with new files, invisibly until every file is complete.

Why multipart uploads held open instead of staging then copying: an object
written by a multipart upload does not exist until `CompleteMultipartUpload`,
so we upload every part of every file, reconcile the row count, and only then
complete them all; a failure anywhere before that aborts the uploads and the
partition still holds the previous run's files, untouched. Staging elsewhere
and copying would write every byte twice. The only non-atomic moment is the
short publish step (complete N uploads, then delete the previous run's extra
files), which is deterministic, so a retry converges.

A worker killed with SIGKILL cannot abort; its parts stay invisible until the
next try of the same partition aborts them (`abort_stale_uploads`) or the
bucket's AbortIncompleteMultipartUpload lifecycle rule removes them.
"""

from __future__ import annotations

import contextlib
import re
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

MIN_PART_BYTES = 5 * 1024 * 1024  # S3's minimum for every part but the last


@dataclass
class _Upload:
    key: str
    upload_id: str
    parts: list[Future] = field(default_factory=list)


class PartitionWriter:
    """Writes the files of one partition (`prefix`) as multipart uploads and publishes them together.

    :param client: a boto3 S3 client (from the provider's S3Hook).
    :param bucket: the lake bucket.
    :param prefix: the partition's key prefix, ending in "/".
    :param part_bytes: size of each uploaded part; memory held is about
        part_bytes * (max_in_flight + 1).
    :param max_in_flight: parts uploading concurrently before writers wait.
    """

    def __init__(
        self,
        client: Any,
        bucket: str,
        prefix: str,
        part_bytes: int = 16 * 1024 * 1024,
        max_in_flight: int = 2,
        *,
        own: str = "",
        siblings: str | None = None,
    ) -> None:
        if part_bytes < MIN_PART_BYTES:
            raise ValueError(f"part_bytes must be at least {MIN_PART_BYTES} (S3's minimum part size)")
        self.client = client
        self.bucket = bucket
        self.prefix = prefix
        # a slice of a split export writes the files named `own`...; the other slices' files,
        # named by the `siblings` pattern, are theirs to replace, not stale
        self.own = own
        self.siblings = re.compile(siblings) if siblings else None
        self.part_bytes = part_bytes
        self._slots = threading.BoundedSemaphore(max_in_flight)
        self._pool = ThreadPoolExecutor(max_in_flight, thread_name_prefix="s3-part")
        self._uploads: list[_Upload] = []
        self.bytes_uploaded = 0

    def abort_stale_uploads(self) -> int:
        """Abort multipart uploads left under the prefix by a killed earlier try; return how many."""
        aborted = 0
        paginator = self.client.get_paginator("list_multipart_uploads")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=self.prefix + self.own):
            for upload in page.get("Uploads", []):
                self.client.abort_multipart_upload(
                    Bucket=self.bucket, Key=upload["Key"], UploadId=upload["UploadId"]
                )
                aborted += 1
        return aborted

    def open(self, name: str) -> ObjectSink:
        key = self.prefix + self.own + name
        upload_id = self.client.create_multipart_upload(Bucket=self.bucket, Key=key)["UploadId"]
        upload = _Upload(key, upload_id)
        self._uploads.append(upload)
        return ObjectSink(self, upload)

    def _submit(self, upload: _Upload, body: bytearray) -> None:
        number = len(upload.parts) + 1
        self._slots.acquire()
        future = self._pool.submit(self._put_part, upload, number, body)
        future.add_done_callback(lambda _: self._slots.release())
        upload.parts.append(future)

    def _put_part(self, upload: _Upload, number: int, body: bytearray) -> dict[str, Any]:
        response = self.client.upload_part(
            Bucket=self.bucket, Key=upload.key, UploadId=upload.upload_id, PartNumber=number, Body=body
        )
        return {"PartNumber": number, "ETag": response["ETag"]}

    def existing_keys(self) -> list[str]:
        paginator = self.client.get_paginator("list_objects_v2")
        pages = paginator.paginate(Bucket=self.bucket, Prefix=self.prefix)
        return [obj["Key"] for page in pages for obj in page.get("Contents", [])]

    def publish(self) -> list[str]:
        """Complete every upload, then delete the partition's objects this run did not write."""
        completed = []
        for upload in self._uploads:
            parts = [future.result() for future in upload.parts]
            self.client.complete_multipart_upload(
                Bucket=self.bucket,
                Key=upload.key,
                UploadId=upload.upload_id,
                MultipartUpload={"Parts": parts},
            )
            completed.append(upload.key)
        self._uploads = []
        stale = sorted(
            key
            for key in set(self.existing_keys()) - set(completed)
            if not (self.siblings and self._is_sibling(key))
        )
        for start in range(0, len(stale), 1000):
            chunk = stale[start : start + 1000]
            self.client.delete_objects(
                Bucket=self.bucket, Delete={"Objects": [{"Key": key} for key in chunk], "Quiet": True}
            )
        return completed

    def _is_sibling(self, key: str) -> bool:
        name = key[len(self.prefix) :]
        return not name.startswith(self.own) and bool(self.siblings and self.siblings.match(name))

    def abort(self) -> None:
        """Abort every open upload: nothing this run wrote becomes visible."""
        for upload in self._uploads:
            for future in upload.parts:
                future.exception()  # wait, so no part lands after the abort and stays billed
            # Best effort: otherwise the next try or the bucket's lifecycle rule cleans up.
            with contextlib.suppress(Exception):
                self.client.abort_multipart_upload(
                    Bucket=self.bucket, Key=upload.key, UploadId=upload.upload_id
                )
        self._uploads = []

    def close(self) -> None:
        self._pool.shutdown(wait=True)


class ObjectSink:
    """A write-only file object that Parquet writes into; full parts go to S3 in the background."""

    def __init__(self, writer: PartitionWriter, upload: _Upload) -> None:
        self._writer = writer
        self._upload = upload
        self._buffer = bytearray()
        self._position = 0
        self.closed = False

    @property
    def key(self) -> str:
        return self._upload.key

    def writable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def tell(self) -> int:
        return self._position

    def write(self, data: Any) -> int:
        size = len(data) if not isinstance(data, memoryview) else data.nbytes
        self._buffer += data
        self._position += size
        if len(self._buffer) >= self._writer.part_bytes:
            self._ship()
        return size

    def _ship(self) -> None:
        # The buffer itself becomes the part's body (botocore takes a bytearray): no copy.
        body, self._buffer = self._buffer, bytearray()
        self._writer.bytes_uploaded += len(body)
        self._writer._submit(self._upload, body)

    def flush(self) -> None:
        """Parts are shipped when full or at close; S3 cannot take a smaller part mid-object."""

    def close(self) -> None:
        if self.closed:
            return
        if self._buffer or not self._upload.parts:
            self._ship()
        self.closed = True
