"""Who may open the report pages: a user signed in to Airflow who may read lakehouse_daily's task logs.

Airflow mounts a plugin's FastAPI app beside its own API but authenticates none
of its routes: a mounted app inherits none of the core API's dependencies, and
no middleware of the api-server rejects an anonymous request. So the report app
declares its own dependency, made of the core API's own
(`airflow.api_fastapi.core_api.security`): the login is read and checked exactly
as /api/v2 checks it (the `Authorization: Bearer` header, else the `_token`
cookie the UI sets at sign-in, validated and turned into a user by whichever
auth manager the deployment runs: the simple one locally, FAB on MWAA), and the
user is authorized with `requires_access_dag`, the check /api/v2 makes before
it serves a task's log.

Why read access to lakehouse_daily's task logs: everything the pages show is
what that DAG produced. The audit verdicts and their Data Docs (which quote
values that failed an expectation) are the audit tasks' output, which the
audit task also writes to its log, and the gold rows are what its publish
tasks wrote. A user who may read those logs already sees that kind of data in
the UI; one the auth manager keeps from the DAG (FAB's per-DAG access control,
a team in a multi-team deployment) must not see it here either. A bare login
would let any signed-in user of a shared Airflow read the lake's data.

Why a redirect for a browser and a 401 for everyone else: a person who opens a
bookmarked report, or whose login expired, should land on the sign-in page and
come back to the report afterwards, as Airflow's own UI does (it sends the
browser to /api/v2/auth/login with `next` on a 401 or an invalid token); a
script, or anything that sent a token of its own, gets the core API's status
and message, which it can act on. A signed-in user without the permission gets
a 403 either way: signing in again would not change it.

Airflow's API modules are imported inside the functions: every Airflow process
that loads plugins (each task's runner among them) imports this module, only the
api-server serves requests, and the security module pulls in hundreds of modules.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any
from urllib.parse import urlencode

from fastapi import Depends, HTTPException, Request, status
from fastapi.responses import RedirectResponse

from lakehouse.names import DAG_ID

if TYPE_CHECKING:
    from airflow.api_fastapi.auth.managers.models.base_user import BaseUser

# The path, under the api-server's base URL, that Airflow's UI sends a browser to for its login
LOGIN_PATH = "api/v2/auth/login"


class SignInRequired(Exception):
    """A browser asked for a page without a valid login; it is answered with a redirect to `url`."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.url = url


def _is_browser_page_request(request: Request) -> bool:
    """A browser navigating to a page (a tab or the UI's frame), not a script or an asset fetch.

    A request that carries its own Authorization header chose its token itself:
    a redirect to a login form would not help it.
    """
    return (
        request.method == "GET"
        and "authorization" not in request.headers
        and "text/html" in request.headers.get("accept", "")
    )


def _login_would_help(error: HTTPException) -> bool:
    """No token, an expired one, or one the auth manager refused: what Airflow's UI answers with its login."""
    return error.status_code == status.HTTP_401_UNAUTHORIZED or (
        error.status_code == status.HTTP_403_FORBIDDEN and error.detail == "Invalid JWT token"
    )


def sign_in_url(request: Request) -> str:
    """Airflow's login endpoint, asked to come back to this page once signed in.

    It is the endpoint the UI itself uses, so the auth manager picks its login
    page and the api-server checks `next`. Both are paths on the request's own
    host: the browser resolves them against the address it used, which behind a
    TLS proxy (MWAA) is not the scheme the api-server sees. `request.base_url` is
    the api-server's own root, with the prefix MWAA may serve it under.
    """
    back = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return f"{request.base_url.path}{LOGIN_PATH}?{urlencode({'next': back})}"


async def signed_in_user(request: Request) -> BaseUser:
    """The user of the request's token, checked by the core API's own `get_user`.

    `get_user`'s two token readers are FastAPI dependencies; they are called here
    as FastAPI would call them, because declaring them needs the security module
    at import.
    """
    from airflow.api_fastapi.core_api import security

    try:
        return await security.get_user(
            request, await security.oauth2_scheme(request), await security.bearer_scheme(request)
        )
    except HTTPException as error:
        if _is_browser_page_request(request) and _login_would_help(error):
            raise SignInRequired(sign_in_url(request)) from error
        raise


def require_reader(request: Request, user: Annotated[Any, Depends(signed_in_user)]) -> None:
    """403 unless the auth manager lets `user` read lakehouse_daily's task logs (see the module's docstring).

    A plain function: FastAPI runs it in its thread pool, since the check may
    read the DAG's team from the metadata database.
    """
    from airflow.api_fastapi.auth.managers.models.resource_details import DagAccessEntity
    from airflow.api_fastapi.core_api.security import requires_access_dag

    requires_access_dag("GET", DagAccessEntity.TASK_LOGS, param_dag_id=DAG_ID)(request, user)


async def redirect_to_sign_in(request: Request, error: SignInRequired) -> RedirectResponse:
    """The report app's handler of SignInRequired: a temporary redirect, so the page is asked again after."""
    return RedirectResponse(error.url, status_code=status.HTTP_307_TEMPORARY_REDIRECT)
