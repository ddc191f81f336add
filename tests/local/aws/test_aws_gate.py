"""The endpoint judges the service that serves a request, and keeps its own API to the admin."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest
from aws_helpers import client

from local.aws.sessions import MWAA_EXECUTION

LAKE = "airflow-lakehouse-lake"


@pytest.fixture(scope="module")
def endpoint(endpoint_url: str) -> str:
    from local.aws.bootstrap import bootstrap_aws

    bootstrap_aws(endpoint_url)  # the execution role and the lake, as Terraform creates them
    client("s3", endpoint_url).put_object(Bucket=LAKE, Key="secret/victim.txt", Body=b"keep me")
    return endpoint_url


def send(url: str, method: str, path: str, headers: dict[str, str], body: bytes = b"") -> int:
    request = urllib.request.Request(f"{url}{path}", data=body or None, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as reply:
            return reply.status
    except urllib.error.HTTPError as err:
        return err.code


def signed(service: str, key: str = MWAA_EXECUTION.access_key_id) -> str:
    scope = f"{key}/20261202/us-east-1/{service}/aws4_request"
    return f"AWS4-HMAC-SHA256 Credential={scope}, SignedHeaders=host, Signature=0"


def victim_is_intact(url: str) -> bool:
    return client("s3", url).get_object(Bucket=LAKE, Key="secret/victim.txt")["Body"].read() == b"keep me"


def test_an_s3_request_naming_another_services_operation_is_refused(endpoint: str) -> None:
    headers = {"Authorization": signed("s3"), "X-Amz-Target": "AmazonAthena.GetNamedQuery"}
    assert send(endpoint, "DELETE", f"/{LAKE}/secret/victim.txt", headers) in (400, 403)
    assert victim_is_intact(endpoint)


def test_the_service_is_read_from_the_signature_as_moto_routes_it(endpoint: str) -> None:
    # moto routes on the first credential scope: s3, whatever a later Credential= says
    auth = (
        "AWS4-HMAC-SHA256 X/20261202/us-east-1/s3/aws4_request, "
        f"Credential={MWAA_EXECUTION.access_key_id}/20261202/us-east-1/sts/aws4_request, Signature=0"
    )
    status = send(
        endpoint, "DELETE", f"/{LAKE}/secret/victim.txt?Action=GetCallerIdentity", {"Authorization": auth}
    )
    assert status == 403
    assert victim_is_intact(endpoint)


def test_the_endpoints_own_api_is_the_administrators(endpoint: str) -> None:
    assert send(endpoint, "GET", "/moto-api/", {}) == 200  # the status page `make up` polls
    assert send(endpoint, "POST", "/moto-api/reset", {}) == 403
    assert send(endpoint, "POST", "/moto-api/reset", {"Authorization": signed("s3")}) == 403
    assert victim_is_intact(endpoint)


def test_a_role_may_do_in_the_lake_what_its_policy_grants(endpoint: str) -> None:
    headers = {"Authorization": signed("s3"), "X-Amz-Security-Token": MWAA_EXECUTION.session_token}
    assert send(endpoint, "GET", f"/{LAKE}/bronze/nothing-here", headers) == 404  # allowed, and absent
    assert send(endpoint, "GET", f"/{LAKE}/secret/victim.txt", headers) == 403  # outside its prefixes
