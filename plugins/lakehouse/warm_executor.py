"""LocalExecutor that imports, once, what our tasks import, so that every task it runs starts
with it already loaded.

With the LocalExecutor each task runs in a process forked from one of the executor's workers,
and the workers are forked from the scheduler when it starts its executor. A module the
scheduler has imported by then is in every task for free (the pages are shared, copy-on-write);
anything else each task imports again: the Amazon provider and boto3 for every task, pandas and
pyarrow for the exports and audits, Great Expectations for each of the nine audits of a run. On
a day of a few hundred changed rows that is most of what the run's tasks spend, and on two cores
the audits importing at once queue on the CPU.

`WarmLocalExecutor.start` imports, just before LocalExecutor forks its workers, every module of
the `lakehouse` package and every module those import inside a function (where they keep heavy
imports so that DAG parsing stays fast), read from the source so the list cannot fall behind the
code. A module that fails to import is logged and skipped: warming is an optimisation and must
never stop the scheduler. Nothing else pays for it: the DAG processor, the triggerer and the
api-server do not run our tasks, and MWAA runs them on Celery workers, not with this executor.

    AIRFLOW__CORE__EXECUTOR=lakehouse.warm_executor.WarmLocalExecutor
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
import time
from pathlib import Path

from airflow.executors.local_executor import LocalExecutor


def lazy_imports(package_dir: Path) -> set[str]:
    """The absolute modules the package's source imports inside functions."""
    found: set[str] = set()
    for path in package_dir.rglob("*.py"):
        tree = ast.parse(path.read_text(), filename=str(path))
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(function):
                if isinstance(node, ast.Import):
                    found |= {alias.name for alias in node.names}
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    found.add(node.module)
    return found


def modules_to_warm() -> list[str]:
    import lakehouse

    package_dir = Path(lakehouse.__file__).parent
    own = [info.name for info in pkgutil.walk_packages([str(package_dir)], prefix="lakehouse.")]
    return ["lakehouse", *sorted(own), *sorted(lazy_imports(package_dir) - set(own) - {"lakehouse"})]


def warm() -> tuple[int, list[str]]:
    """Import modules_to_warm(); (how many were imported, the names of those that failed)."""
    failed = []
    names = modules_to_warm()
    for name in names:
        try:
            importlib.import_module(name)
        except Exception:
            failed.append(name)
    return len(names) - len(failed), failed


class WarmLocalExecutor(LocalExecutor):
    """LocalExecutor whose workers, and so every task they fork, start with our imports done."""

    def start(self) -> None:
        started = time.monotonic()
        imported, failed = warm()
        self.log.info(
            "lakehouse: imported %d modules for the workers in %.1fs%s",
            imported,
            time.monotonic() - started,
            f"; could not import {', '.join(failed)}" if failed else "",
        )
        super().start()
