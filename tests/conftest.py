"""Test session setup: a real embedded Postgres, a migrated local Airflow home, the local AWS endpoint.

The environment is set before anything imports Airflow, exactly as `.local/env`
sets it for a developer, so tests run the same configuration the demo does.

The local AWS endpoint runs in a subprocess on a free port
(`python -m local.aws --port 0 --ephemeral --no-bootstrap`), as `make local-aws`
runs it but with its lake in memory, so tests exercise the real wire protocol
with boto3 and the Amazon provider, never moto's in-process mocks, and never
read or write the developer's lake in .local/aws/lake. Each test gets its own
bucket and Glue database.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import psycopg
import pytest
from aws_helpers import Lake
from figures import FIGURES

from local.airflow_home import aws_connection
from local.airflow_home import init as init_airflow_home

os.environ.update(init_airflow_home())

from local.postgres import EmbeddedPostgres


@pytest.fixture(scope="session")
def pg() -> EmbeddedPostgres:
    """The project's embedded server (started by the session setup above)."""
    return EmbeddedPostgres()


@pytest.fixture
def make_database(pg: EmbeddedPostgres) -> Iterator[Callable[[], str]]:
    """Create throw-away databases on the embedded server; returns their DSNs."""
    created: list[str] = []

    def make() -> str:
        name = f"test_{uuid.uuid4().hex[:12]}"
        pg.ensure_database(name)
        created.append(name)
        return pg.dsn(name)

    yield make
    with psycopg.connect(pg.dsn("postgres"), autocommit=True) as conn:
        for name in created:
            conn.execute(f'drop database if exists "{name}" with (force)')


@pytest.fixture
def shop_dsn(make_database: Callable[[], str]) -> str:
    """A fresh database holding a small seeded shop (3,000 orders, default seed)."""
    from local.shop.generate import generate_shop
    from local.shop.load import replace_shop
    from local.shop.model import ShopSpec

    dsn = make_database()
    with psycopg.connect(dsn, autocommit=True) as conn:
        replace_shop(conn, generate_shop(ShopSpec(orders=3_000)))
    return dsn


# Test files that share a session fixture too expensive to build twice: the shared
# end-to-end scenario (tests/dags/scenario.py) and the replayed MWAA worker it runs on.
SHARED_SESSION_FIXTURES = {
    "tests/dags/test_lakehouse_daily.py": "lakehouse_daily scenario",
    "tests/dags/test_lakehouse_daily_audits.py": "lakehouse_daily scenario",
    "tests/deploy/test_mwaa_replay.py": "lakehouse_daily scenario",
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The browser test, then the other slow tests, then the rest.

    Under pytest-xdist a file's place is where its first test is: the two longest
    units (the browser test's file, the shared scenario's files) start at once,
    one on each worker, and the short files fill in behind whichever ends first.
    """

    def rank(item: pytest.Item) -> tuple[bool, bool]:
        return item.get_closest_marker("browser") is None, item.get_closest_marker("slow") is None

    items.sort(key=rank)


def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """Under `--dist loadfile`, each test file on one worker, and the files of a shared
    session fixture on the same one (SHARED_SESSION_FIXTURES), so that it is built once.

    A file's tests share its module fixtures (a DAG run, Airflow's services), so a file is
    one unit of work. (xdist's own `loadgroup` cannot do this here: it renames test ids
    through an attribute pytest no longer reads.)
    """
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class FilesAndSharedFixtures(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            path = nodeid.split("::", 1)[0]
            return SHARED_SESSION_FIXTURES.get(path, path)

    return FilesAndSharedFixtures(config, log)


REPO_ROOT = Path(__file__).resolve().parents[1]
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "test",
    "AWS_SECRET_ACCESS_KEY": "test",
    "AWS_DEFAULT_REGION": "us-east-1",
}


@pytest.fixture(scope="session")
def endpoint_url() -> Iterator[str]:
    """URL of a local AWS endpoint subprocess (lake in memory), with dummy credentials exported for boto3."""
    from local.aws.process import start_endpoint, stop_endpoint

    proc, url = start_endpoint(0, env={**os.environ, **CREDENTIALS}, state_dir=None)
    saved = {k: os.environ.get(k) for k in [*CREDENTIALS, "AWS_ENDPOINT_URL", "AIRFLOW_CONN_AWS_DEFAULT"]}
    os.environ.update(CREDENTIALS)
    os.environ["AWS_ENDPOINT_URL"] = url
    # as the account's administrator: tests of operators and hooks work in buckets of their own,
    # which no role Terraform creates may touch; the scenario runs as the MWAA execution role
    os.environ["AIRFLOW_CONN_AWS_DEFAULT"] = json.dumps(aws_connection(url, session=None))
    try:
        yield url
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        stop_endpoint(proc)


@pytest.fixture
def lake(endpoint_url: str) -> Lake:
    """A bucket and Glue database of this test's own on the session's endpoint."""
    return Lake.create(endpoint_url)


@pytest.fixture(scope="session")
def mwaa_worker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReplayedWorker]:
    """A replayed MWAA 3.3.1 worker (deploy/mwaa_replay.py) with `make package`'s output installed.

    Session-scoped: the install is what MWAA does once per worker start, and the
    shared end-to-end scenario runs one of its days on this worker, so the check
    costs no extra DAG run. The install runs in a thread of its own from the
    moment the fixture is first asked for, so that the scenario's first days run
    meanwhile; whoever reads the worker waits for it. Its folder is removed at the end.
    """
    import shutil
    from concurrent.futures import ThreadPoolExecutor

    from deploy.mwaa_replay import prepare_worker

    root = tmp_path_factory.mktemp("mwaa")
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mwaa-replay")
    try:
        yield ReplayedWorker(pool.submit(prepare_worker, root))
    finally:
        pool.shutdown(wait=True)  # an install still running ends before its folder goes
        shutil.rmtree(root, ignore_errors=True)


class ReplayedWorker:
    """The worker and its install, once the install (started in the background) has ended."""

    def __init__(self, prepared: Future) -> None:
        self._prepared = prepared

    @property
    def worker(self) -> Any:  # deploy.mwaa_replay.Worker
        return self._ready()[0]

    @property
    def install(self) -> Any:  # deploy.mwaa_replay.Install
        return self._ready()[1]

    def _ready(self) -> tuple[Any, Any]:
        worker, install = self._prepared.result()
        figure = install.figure()
        if figure not in FIGURES:
            FIGURES.append(figure)
        return worker, install


def pytest_sessionfinish(session: pytest.Session) -> None:
    """On a pytest-xdist worker: hand this worker's figures to the controller."""
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["figures"] = list(FIGURES)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    """On the pytest-xdist controller: collect a finished worker's figures."""
    FIGURES.extend(getattr(node, "workeroutput", {}).get("figures", []))


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """The figures, printed whatever pytest captured (the README's Figures come from here)."""
    for figure in FIGURES:
        terminalreporter.write_line(figure)
