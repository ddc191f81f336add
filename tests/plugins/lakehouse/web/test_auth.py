"""The report pages open only with the UI's login and read access to lakehouse_daily, as /api/v2 does.

Every request goes through the api-server's own app (see conftest.py): its
middlewares, its auth manager, the plugin mounted at /lakehouse.
"""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi import FastAPI, Request  # at the top: FastAPI resolves the test route's annotations here

REPORT = "/lakehouse/report"
REPORT_FILE = "/lakehouse/reports/lakehouse_daily/gold.daily_revenue/2026-10-31/run/index.html"
PAGES = [REPORT, REPORT_FILE]
BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


@pytest.fixture
def lake_never_read(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if a route reads the lake: a rejected request must not get that far."""
    from lakehouse.web import report_app

    def refuse() -> None:
        raise AssertionError("a rejected request reached the lake")

    monkeypatch.setattr(report_app, "_clients", refuse)


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _cookie(token: str) -> dict[str, str]:
    """The `_token` cookie the UI sets at sign-in, which a browser sends with every same-origin request."""
    return {"Cookie": f"_token={token}"}


@pytest.mark.usefixtures("lake_never_read")
@pytest.mark.parametrize("path", PAGES)
def test_an_anonymous_request_is_refused_with_401(api_server: Any, path: str) -> None:
    reply = api_server.get(path)
    assert reply.status_code == 401
    assert reply.json() == {"detail": "Not authenticated"}


@pytest.mark.usefixtures("lake_never_read")
@pytest.mark.parametrize("path", PAGES)
def test_a_browser_without_a_login_is_sent_to_sign_in_and_back_to_the_page(
    api_server: Any, path: str
) -> None:
    reply = api_server.get(path, headers=BROWSER)
    assert reply.status_code == 307
    login = urlsplit(reply.headers["location"])
    assert login.path == "/api/v2/auth/login"
    assert parse_qs(login.query) == {"next": [path]}

    # Airflow takes `next` as safe and hands it to the auth manager's sign-in page
    onwards = api_server.get(reply.headers["location"], headers=BROWSER)
    assert onwards.status_code == 307
    sign_in = urlsplit(onwards.headers["location"])
    assert sign_in.path == "/auth/login"
    assert parse_qs(sign_in.query) == {"next": [path]}


@pytest.mark.usefixtures("lake_never_read")
@pytest.mark.parametrize("path", PAGES)
def test_an_invalid_an_expired_or_a_revoked_token_is_refused(api_server: Any, mint: Any, path: str) -> None:
    expired = mint(os.environ["AIRFLOW_ADMIN_USER"], "admin", valid_for_s=-3600)
    valid = mint(os.environ["AIRFLOW_ADMIN_USER"], "admin")
    head, payload, signature = valid.split(".")
    forged = f"{head}.{payload}.{signature[::-1]}"
    revoked = mint(os.environ["AIRFLOW_ADMIN_USER"], "admin")
    assert api_server.get("/api/v2/auth/logout", headers=_cookie(revoked)).status_code == 307

    for token, status, detail in [
        ("not-a-jwt", 403, "Invalid JWT token"),
        (forged, 403, "Invalid JWT token"),
        (revoked, 403, "Invalid JWT token"),
        (expired, 401, "Token Expired"),
    ]:
        reply = api_server.get(path, headers=_bearer(token))
        assert (reply.status_code, reply.json()) == (status, {"detail": detail}), token
        # in the UI's cookie, from a browser: to the sign-in page, as the UI does
        reply = api_server.get(path, headers=BROWSER | _cookie(token))
        assert reply.status_code == 307, token
        assert reply.headers["location"].startswith("/api/v2/auth/login?next=")


@pytest.mark.usefixtures("lake_never_read")
@pytest.mark.parametrize("headers", [{}, BROWSER], ids=["api", "browser"])
def test_a_signed_in_user_who_may_not_read_lakehouse_daily_gets_403(
    api_server: Any, mint: Any, headers: dict[str, str]
) -> None:
    nobody = mint("nobody", None)  # a login without a role: the simple auth manager allows it nothing
    reply = api_server.get(REPORT, headers=headers | _cookie(nobody))
    assert (reply.status_code, reply.json()) == (403, {"detail": "Forbidden"})


def test_the_admins_token_from_the_api_server_opens_both_pages(
    api_server: Any, admin_token: str, endpoint_url: str
) -> None:
    import boto3

    from lakehouse.config import pipeline_config
    from local.aws.bootstrap import bootstrap_aws

    bootstrap_aws(endpoint_url)
    config = pipeline_config()
    key = f"{config.quality.reports_prefix}/{REPORT_FILE.removeprefix('/lakehouse/reports/')}"
    boto3.client("s3", endpoint_url=endpoint_url).put_object(
        Bucket=config.lake.bucket, Key=key, Body=b"<html>Expectation Validation Result</html>"
    )

    page = api_server.get(REPORT, headers=_bearer(admin_token))
    assert page.status_code == 200, page.text
    assert page.text.startswith("<!doctype html>") and "<h2>Latest audits</h2>" in page.text
    for dataset in config.gold:
        assert f"<h2>gold.{dataset.name}</h2>" in page.text

    report = api_server.get(REPORT_FILE, headers=_bearer(admin_token))
    assert report.status_code == 200, report.text
    assert report.headers["content-type"].startswith("text/html")
    assert report.text == "<html>Expectation Validation Result</html>"


def test_a_viewer_signed_in_to_the_ui_opens_the_page_in_the_ui_frame(
    api_server: Any, mint: Any, endpoint_url: str
) -> None:
    """The UI's frame at /plugin/lakehouse-report loads the page with the `_token` cookie alone."""
    from local.aws.bootstrap import bootstrap_aws

    bootstrap_aws(endpoint_url)
    viewer = mint("reader", "viewer")
    page = api_server.get(REPORT, headers=BROWSER | _cookie(viewer))
    assert page.status_code == 200, page.text
    assert "<h1>lakehouse report</h1>" in page.text


def test_under_a_base_path_the_way_to_sign_in_and_back_keeps_it() -> None:
    """Where the api-server is served under a path ([api] base_url with one), both URLs start with it."""
    from fastapi.testclient import TestClient

    from lakehouse.web.auth import sign_in_url

    plugin = FastAPI()

    @plugin.get("/report")
    def report(request: Request) -> str:
        return sign_in_url(request)

    server = FastAPI(root_path="/airflow")  # as Airflow's create_app sets it from base_url
    server.mount("/lakehouse", plugin)
    url = TestClient(server).get("/airflow/lakehouse/report?day=2026-10-31").json()
    login = urlsplit(url)
    assert login.path == "/airflow/api/v2/auth/login"
    assert parse_qs(login.query) == {"next": ["/airflow/lakehouse/report?day=2026-10-31"]}
