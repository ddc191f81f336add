"""The endpoint: moto's multi-service WSGI app, with Athena queries and Glue crawls taken over.

Requests are routed by their ``X-Amz-Target`` header. Athena query-execution actions go to
``AthenaService`` and the crawler lifecycle actions to ``CrawlerService``; everything else
(S3, STS, IAM, SNS, SQS, CloudWatch, Budgets, the rest of Glue and Athena) is served by moto,
whose multipart completion is replaced by one that copies the object once (s3_multipart.py).
Both extensions keep their data in moto's stores, so a table written by a CTAS is what
``glue.get_table`` returns; those stores live in memory, and persistence.py keeps the lake's
part of them in a state directory.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import threading
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from moto.s3.responses import S3Response
from moto.s3.utils import bucket_name_from_url
from werkzeug.serving import BaseWSGIServer, make_server
from werkzeug.wrappers import Request

from . import usage
from .access import acting_as, grants_used
from .athena_api import AthenaService, RawJson
from .changes import CHANGES, GlueTable
from .crawler import CrawlerService
from .errors import ApiError
from .gate import Gate, request_body, signature_scope
from .locking import BACKEND_LOCK
from .persistence import LakeState
from .s3_multipart import install as install_multipart_completion
from .storage import S3Store

JSON_CONTENT_TYPE = "application/x-amz-json-1.1"
# the endpoint's own report of the grants its role sessions used (not an AWS API)
# moto keeps an object's bytes in memory below this size and in a temporary file above it; its
# default (about 5 MB) holds nearly every file of the lake in memory, so the endpoint's memory
# would grow with the lake. Above a small buffer, objects live on disk, as they do in S3.
os.environ.setdefault("MOTO_S3_DEFAULT_KEY_BUFFER_SIZE", str(64 * 1024))

GRANTS_USED_PATH = "/_local/iam/grants-used"
USAGE_PATH = "/_local/usage"


def _named_query_workgroup(query_id: str) -> str | None:
    from moto.athena.models import athena_backends

    from .iam_render import LOCAL_ACCOUNT_ID, LOCAL_REGION

    with BACKEND_LOCK:
        named = athena_backends[LOCAL_ACCOUNT_ID][LOCAL_REGION].named_queries.get(query_id)
    workgroup = getattr(named, "workgroup", None)
    return getattr(workgroup, "name", workgroup) if workgroup is not None else None


def _account_for(access_key: str | None) -> str:
    from moto.iam.models import get_account_id_from

    return get_account_id_from(access_key or "")


_READ_ONLY_PREFIXES = ("Get", "BatchGet", "List", "Search", "Describe", "Query")
# JSON-protocol services that can't change a table's data or definition (SNS, SQS, CloudWatch
# and Budgets reach neither the lake nor the catalog: their calls must not invalidate its caches).
_NO_DATA_SERVICES = (
    "AmazonAthena",
    "AWSSecurityTokenServiceV20110615",
    "AmazonSQS",
    "GraniteServiceVersion20100801",
    "AWSBudgetServiceGateway",
)


def action_name(environ: dict[str, Any]) -> str:
    return str(environ.get("HTTP_X_AMZ_TARGET", "")).partition(".")[2]


def _may_write(environ: dict[str, Any], service: str, action: str, signed_service: str | None = None) -> bool:
    """Whether a request passed to moto may change the Glue catalog or S3 (errs towards yes)."""
    if service:
        if service in _NO_DATA_SERVICES:
            return False
        return not action.startswith(_READ_ONLY_PREFIXES)
    if signed_service and signed_service not in ("s3", "glue"):
        return False  # e.g. STS or IAM over the query protocol
    return environ.get("REQUEST_METHOD", "GET").upper() not in ("GET", "HEAD", "OPTIONS")


# Glue writes that change one table, and where their request names it (as moto reads it)
_TABLE_INPUT_NAMED = ("CreateTable", "UpdateTable")
_NAME_NAMED = ("DeleteTable",)


def _glue_table_named(environ: dict[str, Any], action: str) -> GlueTable | None:
    """The one table a Glue write names, read from its body (which is put back for moto), else None.

    Every Glue action that writes one table names it (a partition's, a version's, the table's
    own); one that names none (a database's, a batch of tables) leaves the whole catalog to check.
    """
    length = environ.get("CONTENT_LENGTH")
    if not length:
        return None  # no body, or one of unknown length: leave it to moto unread
    raw = request_body(environ)
    try:
        body = json.loads(raw or b"{}")
    except ValueError:
        return None
    if not isinstance(body, dict):
        return None
    if action in _TABLE_INPUT_NAMED:
        table_input = body.get("TableInput")
        name = table_input.get("Name") if isinstance(table_input, dict) else None
    elif action in _NAME_NAMED:
        name = body.get("Name")
    else:
        name = body.get("TableName")
    database = body.get("DatabaseName")
    return (database, name) if isinstance(database, str) and isinstance(name, str) else None


def _report_write(
    environ: dict[str, Any], service: str, signed_service: str | None, glue_table: GlueTable | None = None
) -> None:
    """Tell the change log what a passed-through write may have changed (the bucket/key, the Glue
    table, if known)."""
    if service == "AWSGlue" or signed_service == "glue":
        CHANGES.glue_changed(glue_table)
        return
    if service:
        CHANGES.glue_changed()
        CHANGES.s3_changed(None)
        return
    if signed_service == "s3" and _path_style(environ):
        bucket, _, key = _request_path(environ).lstrip("/").partition("/")
        query = str(environ.get("QUERY_STRING", ""))
        if bucket:
            # DeleteObjects names its keys in the body: treat it as a change to the whole bucket.
            CHANGES.s3_changed(bucket, "" if "delete" in query.split("&") or "delete=" in query else key)
            return
    CHANGES.s3_changed(None)
    if signed_service != "s3":
        CHANGES.glue_changed()


def _request_path(environ: dict[str, Any]) -> str:
    """The path as moto reads a bucket and key from it: the raw request path, decoded once.

    PATH_INFO is decoded already; decoding it again would name another key whenever a key has a
    '%' in it, and a change reported for the wrong key is a cache not invalidated and an object
    not written to the lake's files.
    """
    raw = str(environ.get("RAW_URI") or "")
    if not raw:
        return str(environ.get("PATH_INFO", ""))
    parsed = urlsplit(raw)
    return unquote(parsed.path if parsed.scheme else raw.split("?", 1)[0])


def _path_style(environ: dict[str, Any]) -> bool:
    """Whether moto reads this S3 request's bucket from its path rather than from its host.

    Asked of moto itself: its rule (localhost, IP addresses, any host without a dot such as
    docker compose's `local-aws`, Kubernetes services, custom endpoints, ...) decides which bucket
    a request writes, and a bucket guessed differently here is a write reported for every bucket.
    """
    return not S3Response.subdomain_based_buckets(Request(environ, populate_request=False))


def _s3_location(environ: dict[str, Any]) -> tuple[str, str]:
    """(bucket, key) of an S3 request, read as moto reads them (path or virtual-host style)."""
    path = _request_path(environ).lstrip("/")
    if _path_style(environ):
        bucket, _, key = path.partition("/")
        return bucket, key
    host = str(environ.get("HTTP_HOST") or environ.get("SERVER_NAME") or "")
    return bucket_name_from_url(f"http://{host}/") or "", path


class LocalAwsApp:
    """WSGI app: the IAM gate, then our Athena/Glue-crawler handlers in front of moto's dispatcher."""

    def __init__(self, work_dir: Path, workers: int = 8) -> None:
        install_multipart_completion()
        self.moto = DomainDispatcherApplication(create_backend_app)
        self.athena = AthenaService(work_dir, workers=workers)
        self.crawler = CrawlerService(self._store_for)
        self.gate = Gate(_s3_location, self.athena.workgroup_of, _named_query_workgroup)

    def _store_for(self, account: str) -> S3Store:
        return self.athena.engine(account, "us-east-1").store

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        diagnostics = {GRANTS_USED_PATH: grants_used, USAGE_PATH: usage.counts}
        if environ.get("PATH_INFO") in diagnostics and environ.get("REQUEST_METHOD") == "GET":
            body = json.dumps(diagnostics[environ["PATH_INFO"]]()).encode()
            start_response(
                "200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
            )
            return [body]
        principal, refusal = self.gate.admit(environ)
        if refusal is not None:
            return refusal.respond(start_response)
        _, _, signed_service = signature_scope(environ)
        usage.record(environ, signed_service, _s3_location(environ)[1] if signed_service == "s3" else "")
        with acting_as(principal):
            return self._serve(environ, start_response)

    def _serve(self, environ: dict[str, Any], start_response: Any) -> Any:
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        service, _, action = target.partition(".")
        if service == "AmazonAthena" and action in AthenaService.HANDLED:
            return self._json(
                environ, start_response, lambda body, acct, reg: self.athena.handle(action, body, acct, reg)
            )
        if service == "AWSGlue" and action in CrawlerService.HANDLED:
            return self._json(
                environ,
                start_response,
                lambda body, acct, reg: self.crawler.handle(action, body, acct, reg),
                fallback=True,
            )
        _, _, signed_service = signature_scope(environ)
        writes = _may_write(environ, service, action, signed_service)
        glue_table = _glue_table_named(environ, action) if writes and service == "AWSGlue" else None
        if signed_service in ("s3", "glue") or service == "AWSGlue" or writes:
            try:
                with BACKEND_LOCK:
                    return list(self.moto(environ, start_response))
            finally:
                if writes:
                    _report_write(environ, service, signed_service, glue_table)
        return self.moto(environ, start_response)

    def _json(
        self, environ: dict[str, Any], start_response: Any, handler: Any, fallback: bool = False
    ) -> Any:
        raw = request_body(environ)
        access_key, region, _ = signature_scope(environ)
        account = _account_for(access_key)
        region = region or "us-east-1"
        try:
            body = json.loads(raw or b"{}")
            result = handler(body, account, region)
            if result is None and fallback:
                try:
                    with BACKEND_LOCK:
                        return list(self.moto(environ, start_response))
                finally:
                    if _may_write(environ, "AWSGlue", action_name(environ)):
                        CHANGES.glue_changed()
            status, payload = "200 OK", result or {}
        except ApiError as err:
            status = f"{err.status} Bad Request"
            payload = {"__type": err.code, "message": err.message, "Message": err.message}
        except Exception as err:
            status = "500 Internal Server Error"
            payload = {"__type": "InternalServerException", "message": f"{type(err).__name__}: {err}"}
        data = payload if isinstance(payload, RawJson) else json.dumps(payload, default=str).encode()
        start_response(
            status,
            [
                ("Content-Type", JSON_CONTENT_TYPE),
                ("Content-Length", str(len(data))),
                ("x-amzn-RequestId", "local"),
            ],
        )
        return [data]


class LocalAwsServer:
    """One HTTP endpoint for S3, Glue, STS, IAM, Athena, SNS, SQS, CloudWatch and Budgets on host:port
    (port 0 picks a free one).

    With a `state_dir` the lake (S3 objects, the Glue catalog) is restored from it once the port
    is bound (a port in use fails before the state is touched) and before anything is served,
    and kept in it from then on (persistence.py); without one it lives in memory.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 4566,
        work_dir: Path | None = None,
        workers: int = 8,
        state_dir: Path | None = None,
    ):
        self._owns_work_dir = work_dir is None
        self.work_dir = Path(work_dir or tempfile.mkdtemp(prefix="local-aws-"))
        self.app = LocalAwsApp(self.work_dir, workers=workers)
        self._server: BaseWSGIServer = make_server(
            host, port, self.app, threaded=True, request_handler=MotoRequestHandler
        )
        self._thread: threading.Thread | None = None
        self._serving = False
        self.state = LakeState(state_dir) if state_dir is not None else None
        try:
            self.restored = self.state.open() if self.state is not None else None
        except BaseException:
            self.state = None
            self.stop()
            raise

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        host = self._server.server_address[0]
        return f"http://{host}:{self.port}"

    def create_lake_resources(self) -> None:
        """Create what bootstrap.py creates and is missing (after a restart, or the first start).

        Through a private socket, before this one serves: clients wait in its queue meanwhile, so
        none sees the lake without its buckets, and none races this to create them.
        """
        from .bootstrap import bootstrap_aws

        private = make_server("127.0.0.1", 0, self.app, threaded=True, request_handler=MotoRequestHandler)
        thread = threading.Thread(target=private.serve_forever, name="local-aws-bootstrap", daemon=True)
        thread.start()
        try:
            bootstrap_aws(f"http://127.0.0.1:{private.server_address[1]}")
        finally:
            private.shutdown()
            private.server_close()
            thread.join(timeout=5)

    def serve_forever(self) -> None:
        """Serve in this thread until interrupted, or until stop() is called from another thread."""
        self._serving = True
        try:
            self._server.serve_forever()
        finally:
            self._serving = False  # the loop is over (or never began): nothing for stop() to shut down

    def start(self) -> None:
        """Serve in a daemon thread (for tests and embedding).

        Marked as serving before the thread exists: stop() called before the thread reaches its
        loop must still shut the loop down, or it would close the socket the loop then polls.
        """
        self._serving = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="local-aws", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        # shutdown() waits for a serve_forever loop to end: for ever, if none was ever started;
        # one started but not yet looping ends at once, as the shutdown request is already made
        if self._serving:
            self._server.shutdown()
        self._server.server_close()
        self.app.athena.shutdown()
        if self._thread is not None:
            self._thread.join(timeout=5)
        if self._owns_work_dir:
            shutil.rmtree(self.work_dir, ignore_errors=True)
        if self.state is not None:
            self.state.close()
