"""What every task process loads before its first AWS call, loaded once in the local scheduler's
forkserver (`airflow_services.TASK_PRELOAD`), so that the tasks forked from it start with it.

botocore gives each session a data loader of its own, which reads and decodes the endpoint data
and each service's model again (S3's alone is megabytes of JSON), and the provider's hooks build
a session per client: a task paid that for each of its two to four clients. Here one loader,
with the models the tasks use already decoded, serves every session a task process creates;
the provider shares one loader between its async sessions for the same reason. A session given
a data path of its own (AWS_DATA_PATH) still gets a loader of its own. And inspect's index of
loaded modules, which the provider's user agent (inspect.stack(), on each client) builds on its
first call, is built here over the preloaded modules.

Local only, like the rest of the preload: MWAA's Celery workers fork tasks from processes that
preloaded none of it (README, "Figures").
"""

from __future__ import annotations

import contextlib
import inspect

import botocore.exceptions
import botocore.loaders
import botocore.session

# the services the DAGs' tasks call, and the model files a client of each reads
SERVICES = ("s3", "glue", "athena", "sts", "cloudwatch", "sns")
MODEL_FILES = ("service-2", "paginators-1", "waiters-2", "endpoint-rule-set-1")
SHARED_DATA = ("endpoints", "partitions", "sdk-default-configuration", "_retry")

_create_loader = botocore.loaders.create_loader
shared_loader = _create_loader()


def create_loader(search_path_string: str | None = None) -> botocore.loaders.Loader:
    """botocore's loader factory: the shared loader, unless a session asks for its own data path."""
    return _create_loader(search_path_string) if search_path_string else shared_loader


def warm(loader: botocore.loaders.Loader) -> None:
    """Decode what a task's clients read (the loader caches each file it loads)."""
    loader.list_available_services("service-2")
    for name in SHARED_DATA:
        loader.load_data(name)
    for service in SERVICES:
        # clients ask for some files with the model's version, some without: both are cached
        for version in (None, loader.determine_latest_version(service, "service-2")):
            for model in MODEL_FILES:
                with contextlib.suppress(botocore.exceptions.DataNotFoundError):
                    loader.load_service_model(service, model, api_version=version)


warm(shared_loader)
botocore.session.create_loader = create_loader
inspect.getmodule(inspect.currentframe())  # a frame is found by its file: builds inspect's index
