"""The endpoint's multipart completion answers exactly as moto's own does, and S3's rules still hold."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws
from moto.s3.exceptions import EntityTooSmall, InvalidPart, MalformedXML
from moto.s3.models import s3_backends

from local.aws.s3_multipart import complete, moto_complete

MIB = 1024 * 1024
BUCKET = "multipart"


@pytest.fixture
def s3(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """moto in-process: these tests call the completion directly on moto's upload object."""
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)  # the session points boto3 at the endpoint
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket=BUCKET)
        yield client


def _upload(s3: Any, sizes: list[int], **create: Any) -> tuple[Any, list[tuple[int, str]], bytes]:
    """Upload parts of `sizes` random bytes; return moto's upload, the part listing and the bytes."""
    upload_id = s3.create_multipart_upload(Bucket=BUCKET, Key="object", **create)["UploadId"]
    listing, data = [], b""
    for number, size in enumerate(sizes, start=1):
        body = os.urandom(size)
        extra = {"ChecksumAlgorithm": create["ChecksumAlgorithm"]} if "ChecksumAlgorithm" in create else {}
        etag = s3.upload_part(
            Bucket=BUCKET, Key="object", UploadId=upload_id, PartNumber=number, Body=body, **extra
        )["ETag"]
        listing.append((number, etag))
        data += body
    multipart = s3_backends["123456789012"]["aws"].buckets[BUCKET].multiparts[upload_id]
    return multipart, listing, data


@pytest.mark.parametrize(
    "create",
    [
        {},  # no checksum asked for: moto's default, CRC64NVME over the full object
        {"ChecksumAlgorithm": "CRC32"},  # composite: a checksum of the parts' checksums
        {"ChecksumAlgorithm": "SHA256"},
        {"ChecksumAlgorithm": "CRC32", "ChecksumType": "FULL_OBJECT"},
    ],
    ids=["default", "crc32-composite", "sha256-composite", "crc32-full-object"],
)
def test_completion_returns_what_moto_returns(s3: Any, create: dict[str, str]) -> None:
    multipart, listing, data = _upload(s3, [5 * MIB, 5 * MIB + 7, 1000], **create)

    ours = complete(multipart, iter(listing))
    theirs = moto_complete(multipart, iter(listing))

    assert bytes(ours[0]) == theirs[0] == data
    assert ours[1:] == theirs[1:]
    md5s = b"".join(bytes.fromhex(etag.strip('"')) for _, etag in listing)
    assert ours[1] == f"{hashlib.md5(md5s).hexdigest()}-3"  # S3's multipart ETag


@pytest.mark.parametrize(
    ("sizes", "listing_of", "error"),
    [
        ([5 * MIB, 10], lambda listing: [(1, listing[0][1]), (2, '"0123"')], InvalidPart),
        ([5 * MIB, 10], lambda listing: [(1, listing[0][1]), (3, listing[1][1])], InvalidPart),
        ([1000, 10], lambda listing: listing, EntityTooSmall),
        ([10], lambda listing: [], MalformedXML),
    ],
    ids=["wrong-etag", "unknown-part", "small-middle-part", "no-parts"],
)
def test_completion_rejects_what_moto_rejects(
    s3: Any, sizes: list[int], listing_of: Any, error: type
) -> None:
    multipart, listing, _ = _upload(s3, sizes)
    request = listing_of(listing)

    with pytest.raises(error):
        complete(multipart, iter(request))
    with pytest.raises(error):
        moto_complete(multipart, iter(request))


def test_object_completed_over_http_is_the_concatenated_parts(endpoint_url: str) -> None:
    client = boto3.client("s3", endpoint_url=endpoint_url, region_name="us-east-1")
    client.create_bucket(Bucket="multipart-http")
    upload_id = client.create_multipart_upload(Bucket="multipart-http", Key="k")["UploadId"]
    bodies = [os.urandom(5 * MIB), os.urandom(123)]
    parts = [
        {
            "PartNumber": number,
            "ETag": client.upload_part(
                Bucket="multipart-http", Key="k", UploadId=upload_id, PartNumber=number, Body=body
            )["ETag"],
        }
        for number, body in enumerate(bodies, start=1)
    ]

    done = client.complete_multipart_upload(
        Bucket="multipart-http", Key="k", UploadId=upload_id, MultipartUpload={"Parts": parts}
    )

    assert done["ETag"].endswith('-2"')
    assert client.get_object(Bucket="multipart-http", Key="k")["Body"].read() == b"".join(bodies)
    assert client.list_multipart_uploads(Bucket="multipart-http").get("Uploads", []) == []
