"""Replay what MWAA does with a package: install its requirements on the image, then load and run the DAGs.

A worker of MWAA's 3.3.1 image starts with Airflow and the image's packages
installed (deploy/mwaa_image/: the image's own bootstrap installs
`required_packages.txt` under `airflow_constraints.txt`), syncs the dags
folder, unzips plugins.zip into its plugins folder, and then runs

    pip3 install --constraint <mwaa_essential_constraints.txt> -r requirements.txt

within 9 minutes. If pip fails, nothing of requirements.txt is installed and
every DAG that needs it fails to import. This module does the same on this
machine, in that order, so a lock MWAA would refuse fails here first:

1. the image: a Python 3.12 virtualenv with the image's package set, built once
   per set of inputs (Python version, the two image files) and kept under
   `.local/mwaa-replay/`, since building it takes minutes and its inputs
   change only with the image;
2. the worker: a fresh copy of that virtualenv for every replay (MWAA's workers
   start from the image every time), with `dist/` laid out as MWAA lays it out;
3. MWAA's pip command, timed against MWAA's limit;
4. the DAGs and the plugin, imported by that worker's interpreter with MWAA's
   folders, and a day of lakehouse_daily run by it (`run_day`).

The one difference from MWAA: requirements.txt names the lock at MWAA's path
(/usr/local/airflow/dags/constraints.txt); here the dags folder is elsewhere,
so that one line is pointed at the same file in the replay's dags folder.

Usage: python -m deploy.mwaa_replay   (builds dist/, replays the install and the imports)
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from deploy.layout import (
    CONSTRAINTS,
    DAGS,
    MWAA_ESSENTIAL_CONSTRAINTS,
    MWAA_IMAGE_PACKAGES,
    MWAA_INSTALL_LIMIT_S,
    MWAA_PYTHON,
    MWAA_REQUIRED_PACKAGES,
    PLUGINS_ZIP,
    REPO_ROOT,
    REQUIREMENTS,
)
from deploy.lock import find_uv
from deploy.package import CONSTRAINT_LINE, PackageError, build, constraint_target

CACHE_DIR = REPO_ROOT / ".local" / "mwaa-replay"
PYTHON_OVERRIDE = "LAKEHOUSE_MWAA_PYTHON"
# the pip that runs the install: a release of the image's time, fixed so the replay is repeatable
PIP_VERSION = "26.2.1"
# Variables that point Airflow or Python at this checkout rather than at MWAA's folders
_LOCAL_ONLY_ENV = ("LAKEHOUSE_INCLUDE_DIR", "PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PIP_CONSTRAINT")

IMPORT_PROBE = """
import json, sys
from airflow import plugins_manager
from airflow.dag_processing.dagbag import DagBag
bag = DagBag(dag_folder=sys.argv[1])
plugins_manager.ensure_plugins_loaded()
print(json.dumps({
    "dags": sorted(bag.dag_ids),
    "dag_import_errors": bag.import_errors,
    "plugins": sorted(plugin["name"] for plugin in plugins_manager.get_plugin_info()),
    "plugin_import_errors": plugins_manager.get_import_errors(),
}))
"""


class ReplayError(Exception):
    """The replay could not be carried out, or MWAA would fail the same way; the message says which."""


@dataclass(frozen=True)
class Install:
    """What MWAA's pip command did on the replayed worker."""

    command: list[str]
    seconds: float
    returncode: int
    output: str

    @property
    def within_limit(self) -> bool:
        return self.seconds <= MWAA_INSTALL_LIMIT_S

    def figure(self) -> str:
        return (
            f"mwaa replay: pip install of requirements.txt took {self.seconds:.1f} s "
            f"(MWAA's limit {MWAA_INSTALL_LIMIT_S} s, {self.seconds / MWAA_INSTALL_LIMIT_S:.0%} of it)"
        )


@dataclass(frozen=True)
class Worker:
    """A replayed MWAA worker: its virtualenv and its Airflow folders."""

    venv: Path
    root: Path  # stands for /usr/local/airflow

    @property
    def python(self) -> Path:
        return self.venv / "bin" / "python"

    @property
    def dags(self) -> Path:
        return self.root / DAGS

    @property
    def plugins(self) -> Path:
        return self.root / "plugins"

    @property
    def requirements(self) -> Path:
        return self.root / "requirements" / REQUIREMENTS

    def env(self, base: dict[str, str]) -> dict[str, str]:
        """`base` (the stack's connections) with MWAA's folders and nothing of this checkout's."""
        env = {key: value for key, value in base.items() if key not in _LOCAL_ONLY_ENV}
        env.update(
            AIRFLOW__CORE__DAGS_FOLDER=str(self.dags),
            AIRFLOW__CORE__PLUGINS_FOLDER=str(self.plugins),
            AIRFLOW__CORE__LOAD_EXAMPLES="False",
            # as MWAA sets it on its workers
            AIRFLOW__CORE__EXECUTE_TASKS_NEW_PYTHON_INTERPRETER="True",
            PATH=f"{self.venv / 'bin'}:{base.get('PATH', os.defpath)}",
        )
        return env

    def import_dags(self, env: dict[str, str]) -> dict:
        """The DAGs and plugins this worker's interpreter loads from its folders, and any import errors."""
        result = subprocess.run(
            [str(self.python), "-c", IMPORT_PROBE, str(self.dags)],
            env=self.env(env),
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise ReplayError(f"importing the DAGs failed on the replayed worker:\n{result.stderr[-4000:]}")
        return json.loads(result.stdout.strip().splitlines()[-1])

    def run_day(self, day: date, env: dict[str, str], *, full_refresh: bool = False) -> dict:
        """One lakehouse_daily run for business day `day`, by this worker's interpreter (local/run_dag.py).

        Only the runner comes from this checkout (the `local` package, which
        imports nothing but Airflow); the DAG, the plugin and every package
        are the worker's.
        """
        command = [str(self.python), "-m", "local.run_dag", day.isoformat()]
        if full_refresh:
            command.append("--full-refresh")
        result = subprocess.run(
            command,
            env={**self.env(env), "PYTHONPATH": str(REPO_ROOT)},
            cwd=self.root,
            capture_output=True,
            text=True,
            check=False,
        )
        lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
        if not lines:
            raise ReplayError(
                f"lakehouse_daily on the replayed worker printed no result (exit {result.returncode}):\n"
                f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
            )
        return json.loads(lines[-1])


def _python_version(python: str) -> tuple[int, int] | None:
    try:
        out = subprocess.run(
            [python, "-c", "import sys; print(*sys.version_info[:2])"],
            capture_output=True,
            text=True,
            check=True,
            timeout=30,
        ).stdout.split()
    except (OSError, subprocess.SubprocessError):
        return None
    return (int(out[0]), int(out[1])) if len(out) == 2 else None


def find_python() -> str:
    """An interpreter of MWAA's Python (3.12): $LAKEHOUSE_MWAA_PYTHON, this one, PATH, or pyenv's."""
    wanted = ".".join(map(str, MWAA_PYTHON))
    candidates = [os.environ.get(PYTHON_OVERRIDE, ""), sys.executable, shutil.which(f"python{wanted}") or ""]
    pyenv = Path("~/.pyenv/versions").expanduser()
    candidates += sorted(str(path) for path in pyenv.glob(f"{wanted}*/bin/python{wanted}"))
    candidates += [f"/usr/local/bin/python{wanted}", f"/usr/bin/python{wanted}"]
    for candidate in filter(None, candidates):
        if _python_version(candidate) == MWAA_PYTHON:
            return candidate
    raise ReplayError(
        f"MWAA runs Python {wanted} and none was found (looked at ${PYTHON_OVERRIDE}, this interpreter, "
        f"python{wanted} on PATH, pyenv's versions, /usr/local/bin and /usr/bin): install Python {wanted} "
        f"or set {PYTHON_OVERRIDE} to one"
    )


def image_key(python: str, repo: Path = REPO_ROOT) -> str:
    """What the image virtualenv is built from: the Python version and the image's two files."""
    digest = hashlib.sha256()
    version = subprocess.run([python, "-V"], capture_output=True, text=True, check=True).stdout.strip()
    digest.update(f"{version}\npip {PIP_VERSION}\n".encode())
    for name in (MWAA_REQUIRED_PACKAGES, MWAA_IMAGE_PACKAGES):
        digest.update((repo / name).read_bytes())
    return digest.hexdigest()[:16]


def image_venv(cache: Path = CACHE_DIR, repo: Path = REPO_ROOT) -> Path:
    """The image's virtualenv, built once per `image_key` (a half-built one is never reused)."""
    python = find_python()
    try:
        uv = find_uv()
    except FileNotFoundError as error:
        raise ReplayError(str(error)) from error
    target = cache / f"image-{image_key(python, repo)}"
    if (target / ".complete").exists():
        return target
    cache.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix="image-building-", dir=cache))
    try:
        # relocatable: every worker is a copy of it in another folder
        _run([uv, "venv", "--quiet", "--relocatable", "--python", python, str(building / "venv")])
        _run(
            [
                uv,
                "pip",
                "install",
                "--quiet",
                "--python",
                str(building / "venv" / "bin" / "python"),
                f"pip=={PIP_VERSION}",
                "-r",
                str(repo / MWAA_REQUIRED_PACKAGES),
                "--constraint",
                str(repo / MWAA_IMAGE_PACKAGES),
            ],
            what="installing MWAA's image package set (psycopg2 builds from source: it needs pg_config)",
        )
        shutil.rmtree(target, ignore_errors=True)
        (building / "venv").rename(target)
        (target / ".complete").write_text(f"{python}\n")
    finally:
        shutil.rmtree(building, ignore_errors=True)
    return target


def _run(command: list[str], what: str = "") -> None:
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        output = f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        raise ReplayError(f"{what or ' '.join(command)} failed:\n{output}")


def mwaa_requirements(requirements: str, lock: Path) -> str:
    """requirements.txt with its --constraint line (which must name MWAA's path) pointed at `lock`."""
    try:
        constraint_target(requirements)
    except PackageError as error:
        raise ReplayError(str(error)) from error
    return "".join(
        f'--constraint "{lock}"\n' if CONSTRAINT_LINE.match(line.strip()) else f"{line}\n"
        for line in requirements.splitlines()
    )


def lay_out(dist: Path, root: Path) -> None:
    """dist/ as MWAA lays it out: dags synced, plugins.zip unzipped, requirements.txt beside them."""
    shutil.copytree(dist / DAGS, root / DAGS)
    with zipfile.ZipFile(dist / PLUGINS_ZIP) as archive:
        archive.extractall(root / "plugins")
    requirements = root / "requirements" / REQUIREMENTS
    requirements.parent.mkdir(parents=True)
    requirements.write_text(mwaa_requirements((dist / REQUIREMENTS).read_text(), root / DAGS / CONSTRAINTS))


def new_worker(dist: Path, root: Path, image: Path) -> Worker:
    """A fresh worker in `root`: a copy of the image's virtualenv and dist/ laid out as MWAA does."""
    worker = Worker(venv=root / "venv", root=root)
    shutil.copytree(image, worker.venv, symlinks=True)
    lay_out(dist, root)
    return worker


def install_requirements(worker: Worker, repo: Path = REPO_ROOT) -> Install:
    """MWAA's pip command on the worker, with MWAA's time limit; no pip configuration of this machine's."""
    command = [
        str(worker.python),
        "-m",
        "pip",
        "install",
        "--constraint",
        str(repo / MWAA_ESSENTIAL_CONSTRAINTS),
        "-r",
        str(worker.requirements),
    ]
    env = worker.env(dict(os.environ))
    env.update(PIP_CONFIG_FILE=os.devnull, PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_INPUT="1")
    started = time.monotonic()
    try:
        result = subprocess.run(
            command, env=env, capture_output=True, text=True, check=False, timeout=MWAA_INSTALL_LIMIT_S
        )
    except subprocess.TimeoutExpired as expired:
        output = expired.stdout.decode() if isinstance(expired.stdout, bytes) else expired.stdout or ""
        return Install(command, time.monotonic() - started, -1, output + "\n(killed at MWAA's limit)")
    return Install(command, time.monotonic() - started, result.returncode, result.stdout + result.stderr)


def prepare_worker(root: Path) -> tuple[Worker, Install]:
    """`make package` into `root`/dist, a fresh worker in `root`/worker, and MWAA's install on it."""
    package = build(root / "dist")
    worker = new_worker(package.dist, root / "worker", image_venv())
    return worker, install_requirements(worker)


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="mwaa-replay-") as tmp:
        worker, install = prepare_worker(Path(tmp))
        print(install.figure())
        if install.returncode != 0:
            print(install.output[-4000:], file=sys.stderr)
            return 1
        loaded = worker.import_dags(dict(os.environ))
        print(f"mwaa replay: DAGs {loaded['dags']}, plugins {loaded['plugins']}")
        errors = {**loaded["dag_import_errors"], **loaded["plugin_import_errors"]}
        for path, error in errors.items():
            print(f"mwaa replay: import error in {path}:\n{error}", file=sys.stderr)
        return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
