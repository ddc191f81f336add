"""Files reach S3 only when their content changed; stale DAG files are deleted (local AWS endpoint, HTTP)."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
from aws_helpers import client

from deploy.s3sync import SyncError, check_bucket, put_if_changed, sync_folder


@pytest.fixture
def s3(endpoint_url: str) -> Any:
    return client("s3", endpoint_url)


@pytest.fixture
def bucket(s3: Any) -> str:
    name = f"mwaa-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name)
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    return name


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "dags"
    (root / "include" / "sql").mkdir(parents=True)
    (root / "daily.py").write_text("dag = 1\n")
    (root / "include" / "pipeline.yaml").write_text("lake: {}\n")
    (root / "include" / "sql" / "q.sql").write_text("select 1\n")
    return root


def _keys(s3: Any, bucket: str, prefix: str = "") -> list[str]:
    listed = s3.list_objects_v2(Bucket=bucket, Prefix=prefix).get("Contents", [])
    return sorted(item["Key"] for item in listed)


def _versions(s3: Any, bucket: str, key: str) -> int:
    listed = s3.list_object_versions(Bucket=bucket, Prefix=key).get("Versions", [])
    return sum(1 for version in listed if version["Key"] == key)


def test_a_first_sync_uploads_every_file_under_the_prefix(s3: Any, bucket: str, folder: Path) -> None:
    result = sync_folder(s3, bucket, "dags", folder)
    expected = ["dags/daily.py", "dags/include/pipeline.yaml", "dags/include/sql/q.sql"]
    assert sorted(result.uploaded) == expected
    assert _keys(s3, bucket) == expected
    assert s3.get_object(Bucket=bucket, Key="dags/include/sql/q.sql")["Body"].read() == b"select 1\n"


def test_syncing_an_unchanged_folder_again_writes_nothing(s3: Any, bucket: str, folder: Path) -> None:
    sync_folder(s3, bucket, "dags", folder)
    again = sync_folder(s3, bucket, "dags/", folder)
    assert (again.uploaded, again.deleted, len(again.unchanged)) == ([], [], 3)
    assert _versions(s3, bucket, "dags/daily.py") == 1


def test_only_the_changed_file_is_uploaded(s3: Any, bucket: str, folder: Path) -> None:
    sync_folder(s3, bucket, "dags", folder)
    (folder / "include" / "sql" / "q.sql").write_text("select 2\n")
    result = sync_folder(s3, bucket, "dags", folder)
    assert result.uploaded == ["dags/include/sql/q.sql"]
    assert _versions(s3, bucket, "dags/include/sql/q.sql") == 2
    assert _versions(s3, bucket, "dags/daily.py") == 1


def test_an_object_changed_behind_deploys_back_is_put_back(s3: Any, bucket: str, folder: Path) -> None:
    sync_folder(s3, bucket, "dags", folder)
    s3.put_object(Bucket=bucket, Key="dags/daily.py", Body=b"edited in the console\n")
    result = sync_folder(s3, bucket, "dags", folder)
    assert result.uploaded == ["dags/daily.py"]
    assert s3.get_object(Bucket=bucket, Key="dags/daily.py")["Body"].read() == b"dag = 1\n"


def test_files_gone_from_the_folder_are_deleted_and_nothing_outside_the_prefix_is(
    s3: Any, bucket: str, folder: Path
) -> None:
    sync_folder(s3, bucket, "dags", folder)
    for key in ("dags/", "dags-archive/old.py", "plugins.zip"):
        s3.put_object(Bucket=bucket, Key=key, Body=b"")
    (folder / "include" / "sql" / "q.sql").unlink()
    (folder / "weekly.py").write_text("dag = 2\n")
    result = sync_folder(s3, bucket, "dags", folder)
    assert (result.uploaded, result.deleted) == (["dags/weekly.py"], ["dags/include/sql/q.sql"])
    assert _keys(s3, bucket) == [
        "dags-archive/old.py",
        "dags/",
        "dags/daily.py",
        "dags/include/pipeline.yaml",
        "dags/weekly.py",
        "plugins.zip",
    ]


def test_put_if_changed_keeps_the_current_version_until_the_content_changes(
    s3: Any, bucket: str, tmp_path: Path
) -> None:
    path = tmp_path / "plugins.zip"
    path.write_bytes(b"one")
    first = put_if_changed(s3, bucket, "plugins.zip", path)
    same = put_if_changed(s3, bucket, "plugins.zip", path)
    path.write_bytes(b"two")
    changed = put_if_changed(s3, bucket, "plugins.zip", path)
    assert first.uploaded and not same.uploaded and changed.uploaded
    assert same.version_id == first.version_id != changed.version_id
    assert changed.version_id == s3.head_object(Bucket=bucket, Key="plugins.zip")["VersionId"]


def test_extra_metadata_counts_as_part_of_the_objects_identity(s3: Any, bucket: str, tmp_path: Path) -> None:
    path = tmp_path / "requirements.txt"
    path.write_text("apache-airflow==3.3.1\n")
    first = put_if_changed(s3, bucket, "requirements.txt", path, {"constraints-sha256": "aaa"})
    same = put_if_changed(s3, bucket, "requirements.txt", path, {"constraints-sha256": "aaa"})
    new_lock = put_if_changed(s3, bucket, "requirements.txt", path, {"constraints-sha256": "bbb"})
    assert not same.uploaded and new_lock.uploaded
    assert new_lock.version_id != first.version_id


def test_a_missing_bucket_is_refused_saying_terraform_creates_it(s3: Any) -> None:
    with pytest.raises(SyncError, match="does not exist: Terraform creates it"):
        check_bucket(s3, f"missing-{uuid.uuid4().hex[:12]}")


def test_an_unversioned_bucket_is_refused_at_its_first_upload_since_mwaa_pins_object_versions(
    s3: Any, folder: Path, tmp_path: Path
) -> None:
    name = f"plain-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name)
    check_bucket(s3, name)
    with pytest.raises(SyncError, match="is not versioned"):
        sync_folder(s3, name, "dags", folder)
    assert len(_keys(s3, name)) == 1
    (tmp_path / "plugins.zip").write_bytes(b"zip")
    with pytest.raises(SyncError, match="is not versioned"):
        put_if_changed(s3, name, "plugins.zip", tmp_path / "plugins.zip")
