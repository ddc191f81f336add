"""CompleteMultipartUpload that passes over the object's bytes once, not six times.

Why: moto 5.2's `FakeMultipart.complete` reads every part twice from its spooled
file, appends them to one buffer, appends them again to a second buffer for the
checksum, copies that to bytes to checksum it and copies the first to bytes to
return it. For a large export file that is seconds of the endpoint's CPU
inside one request, serialised behind the backend lock, at the moment the
export publishes: a local cost S3 does not have (it assembles the object from
parts it already holds). Here the parts are read once into a buffer of the
object's final size and checksummed through views of it. The answer is moto's
to the byte: same object, ETag, checksum type and value, same errors
(tests/local/aws/test_s3_multipart.py compares the two).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from moto.s3.exceptions import EntityTooSmall, InvalidPart, MalformedXML
from moto.s3.models import FakeKey, FakeMultipart, MultipartChecksumBuilder
from moto.s3.utils import compute_checksum
from moto.settings import S3_UPLOAD_PART_MIN_SIZE
from moto.utilities.utils import md5_hash

_MOTO_COMPLETE = FakeMultipart.complete


def _bare(etag: str) -> str:
    return etag.replace('"', "")


def _listed_parts(multipart: FakeMultipart, body: Iterator[tuple[int, str]]) -> list[FakeKey]:
    """The parts the request lists, checked as S3 checks them: known, matching, big enough."""
    parts: list[FakeKey] = []
    for number, etag in body:
        part = multipart.parts.get(number)
        if part is None or _bare(part.etag) != _bare(etag):
            raise InvalidPart()
        if parts and parts[-1].contentsize < S3_UPLOAD_PART_MIN_SIZE:
            raise EntityTooSmall()
        parts.append(part)
    if not parts:
        raise MalformedXML
    return parts


def _read_into(stored: Any, span: memoryview) -> None:
    """Fill `span` from a part's stored bytes (moto's spooled file, in memory or on disk)."""
    stored.seek(0)
    filled = 0
    while filled < len(span):
        read = stored.readinto(span[filled:])
        if not read:
            raise InvalidPart()  # fewer bytes stored than the part's recorded size
        filled += read


def complete(
    self: FakeMultipart, body: Iterator[tuple[int, str]]
) -> tuple[bytearray, str, tuple[str, str, int] | None]:
    """The object, its multipart ETag and its checksum details, as moto's `complete` returns them."""
    parts = _listed_parts(self, body)
    value = bytearray(sum(part.contentsize for part in parts))
    view = memoryview(value)
    spans: list[memoryview] = []
    offset = 0
    for part in parts:
        span = view[offset : offset + part.contentsize]
        with part.lock:
            _read_into(part._value_buffer, span)
        spans.append(span)
        offset += part.contentsize

    # The builder resolves the defaults (CRC64NVME, FULL_OBJECT) exactly as moto does.
    checksum = MultipartChecksumBuilder(
        self.metadata.get("x-amz-checksum-algorithm"), self.metadata.get("x-amz-checksum-type")
    )
    algorithm = checksum.checksum_algorithm
    if checksum.checksum_type == "COMPOSITE":
        digests = b"".join(compute_checksum(span, algorithm, encode_base64=False) for span in spans)  # type: ignore[arg-type]
        details = (checksum.checksum_type, compute_checksum(digests, algorithm).decode(), len(parts))
    else:
        details = (checksum.checksum_type, compute_checksum(view, algorithm).decode(), 1)  # type: ignore[arg-type]

    md5s = b"".join(bytes.fromhex(_bare(part.etag)) for part in parts)
    return value, f"{md5_hash(md5s).hexdigest()}-{len(parts)}", details


def install() -> None:
    """Use `complete` for every multipart upload the endpoint completes (idempotent)."""
    FakeMultipart.complete = complete  # type: ignore[method-assign]


def moto_complete(
    multipart: FakeMultipart, body: Iterator[tuple[int, str]]
) -> tuple[bytes, str, tuple[str, str, int] | None]:
    """moto's own implementation, kept for the tests that compare the two."""
    return _MOTO_COMPLETE(multipart, body)
