"""The executor imports what our tasks import before it forks its workers, so that no task
imports it again."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PLUGINS = Path(__file__).resolve().parents[3] / "plugins"

PROBE = """
import json, sys
from airflow.executors.local_executor import LocalExecutor

def heavy():
    return sorted(m for m in ("great_expectations", "pandas", "lakehouse.quality.gate") if m in sys.modules)

forked_with = []
LocalExecutor.start = lambda self: forked_with.append(heavy())  # where the workers would be forked
from lakehouse.warm_executor import WarmLocalExecutor

imported = heavy()
WarmLocalExecutor(parallelism=1).start()
print(json.dumps({"imported": imported, "forked with": forked_with}))
"""


@pytest.mark.slow  # a fresh interpreter importing Great Expectations: make test runs it, test-fast not
def test_the_workers_are_forked_with_the_heavy_imports_done_and_not_before_start() -> None:
    env = {**os.environ, "PYTHONPATH": str(PLUGINS)}
    done = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=180, check=True
    )
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["imported"] == []  # the scheduler pays for it when it starts the executor, not on import
    assert seen["forked with"] == [["great_expectations", "lakehouse.quality.gate", "pandas"]]


def test_the_imports_to_warm_are_read_from_inside_functions_only(tmp_path: Path) -> None:
    from lakehouse.warm_executor import lazy_imports

    (tmp_path / "tasks.py").write_text(
        "import json\n"
        "from . import sibling\n"
        "def run():\n"
        "    import pandas as pd\n"
        "    from pyarrow import parquet\n"
        "    from .helpers import thing\n"
        "    class Inner:\n"
        "        def go(self):\n"
        "            import great_expectations\n"
    )
    assert lazy_imports(tmp_path) == {"pandas", "pyarrow", "great_expectations"}


def test_every_module_our_tasks_import_lazily_is_warmed() -> None:
    from lakehouse.warm_executor import modules_to_warm

    warmed = modules_to_warm()
    assert {"great_expectations", "pandas", "pyarrow.parquet", "adbc_driver_postgresql"} <= set(warmed)
    assert {"lakehouse.operators.expectation_audit", "lakehouse.wap.tasks"} <= set(warmed)
