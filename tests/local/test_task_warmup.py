"""The forkserver's warm-up: every session a task process creates reads botocore's data from one
loader decoded beforehand, and its clients still talk to the local endpoint over HTTP."""

from __future__ import annotations

import importlib

import boto3
import botocore.loaders
import botocore.session
import pytest

from local import task_warmup


def _session() -> boto3.session.Session:
    return boto3.session.Session(
        aws_access_key_id="test", aws_secret_access_key="testtest", region_name="us-east-1"
    )


@pytest.fixture
def installed(monkeypatch: pytest.MonkeyPatch):
    """The module imported as the forkserver imports it; botocore's own factory back afterwards."""
    monkeypatch.setattr(botocore.session, "create_loader", botocore.session.create_loader)
    return importlib.reload(task_warmup)


def test_every_session_shares_the_warmed_loader_and_its_clients_read_no_model_file(
    installed, monkeypatch: pytest.MonkeyPatch, endpoint_url: str
) -> None:
    first, second = _session(), _session()
    loaders = {id(s._session.get_component("data_loader")) for s in (first, second)}
    assert loaders == {id(installed.shared_loader)}

    def no_file(*args, **kwargs):
        raise AssertionError(f"read a data file after the warm-up: {args}")

    monkeypatch.setattr(botocore.loaders.JSONFileLoader, "load_file", no_file)
    for service in ("s3", "glue", "athena"):
        second.client(service, endpoint_url=endpoint_url)
    assert "Buckets" in first.client("s3", endpoint_url=endpoint_url).list_buckets()


def test_a_session_with_a_data_path_of_its_own_gets_a_loader_of_its_own(installed, tmp_path) -> None:
    own = installed.create_loader(str(tmp_path))
    assert own is not installed.shared_loader
    assert str(tmp_path) in own.search_paths
