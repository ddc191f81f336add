"""`make package`: dist/ holds exactly what MWAA takes, in the layout MWAA runs it from."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from deploy.digest import sha256_file
from deploy.layout import MWAA_DAGS_FOLDER, REPO_ROOT, shipped_files
from deploy.package import Package, PackageError, build, constraint_target, main

NEVER_SHIPPED = {"local", "tests", "bench", "docker", "terraform", "__pycache__"}


def test_dist_holds_exactly_the_dags_folder_plugins_zip_and_requirements(package: Package) -> None:
    assert sorted(p.name for p in package.dist.iterdir()) == ["dags", "plugins.zip", "requirements.txt"]


def test_the_dags_folder_holds_the_dag_files_include_and_the_lock(
    package: Package, source_repo: Path
) -> None:
    dag_files = {p.name for p in (source_repo / "dags").glob("*.py")}
    assert {p.name for p in package.dags.iterdir()} == dag_files | {"include", "constraints.txt"}
    include = source_repo / "include"
    expected = [p.relative_to(include) for p in shipped_files(include)]
    assert [
        p.relative_to(package.dags / "include") for p in shipped_files(package.dags / "include")
    ] == expected
    for relative in expected:
        assert (package.dags / "include" / relative).read_bytes() == (include / relative).read_bytes()
    assert (package.dags / "constraints.txt").read_bytes() == (REPO_ROOT / "constraints.txt").read_bytes()


def test_plugins_zip_has_the_lakehouse_package_and_the_plugin_module_at_its_root(package: Package) -> None:
    names = zipfile.ZipFile(package.plugins_zip).namelist()
    assert "lakehouse/__init__.py" in names
    assert "lakehouse_plugin.py" in names
    plugins = REPO_ROOT / "plugins"
    expected = [p.relative_to(plugins).as_posix() for p in shipped_files(plugins / "lakehouse")]
    assert sorted(names) == sorted([*expected, "lakehouse_plugin.py", ".airflowignore"])


def test_no_cache_and_nothing_of_the_offline_stack_is_shipped(package: Package) -> None:
    shipped = [p.relative_to(package.dist).parts for p in package.dist.rglob("*")]
    shipped += [tuple(name.split("/")) for name in zipfile.ZipFile(package.plugins_zip).namelist()]
    for parts in shipped:
        assert not NEVER_SHIPPED.intersection(parts), parts
        assert not parts[-1].endswith((".pyc", ".pyo")), parts


def test_requirements_txt_is_the_repositorys_and_its_constraint_is_a_file_in_the_dags_folder(
    package: Package,
) -> None:
    text = package.requirements.read_text()
    assert text == (REPO_ROOT / "requirements.txt").read_text()
    target = constraint_target(text)
    assert target.startswith(MWAA_DAGS_FOLDER + "/")
    assert (package.dags / target.removeprefix(MWAA_DAGS_FOLDER + "/")).is_file()


@pytest.mark.parametrize(
    ("requirements", "complaint"),
    [
        ("apache-airflow==3.3.1\n", "no --constraint line"),
        ('--constraint "https://raw.githubusercontent.com/apache/airflow/c.txt"\n', "ships the lock as"),
        ("# --constraint /usr/local/airflow/dags/constraints.txt\napache-airflow\n", "no --constraint"),
    ],
    ids=["no constraint", "upstream constraints", "commented out"],
)
def test_a_requirements_txt_without_our_constraint_line_is_refused(requirements: str, complaint: str) -> None:
    with pytest.raises(PackageError, match=complaint):
        constraint_target(requirements)


def test_both_spellings_of_the_constraint_option_are_understood() -> None:
    assert (
        constraint_target("-c /usr/local/airflow/dags/constraints.txt\n")
        == MWAA_DAGS_FOLDER + "/constraints.txt"
    )
    assert constraint_target("--constraint='/usr/local/airflow/dags/constraints.txt'") == (
        MWAA_DAGS_FOLDER + "/constraints.txt"
    )


def test_a_bad_requirements_txt_fails_the_build_before_dist_is_touched(
    source_repo: Path, tmp_path: Path
) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(source_repo, repo)
    (repo / "requirements.txt").write_text("apache-airflow==3.3.1\n")
    dist = tmp_path / "dist"
    (dist / "dags").mkdir(parents=True)
    (dist / "dags" / "previous.py").write_text("")
    with pytest.raises(PackageError, match="no --constraint line"):
        build(dist, repo=repo)
    assert (dist / "dags" / "previous.py").exists()


def test_two_builds_of_unchanged_sources_give_byte_identical_plugins_zip(
    source_repo: Path, tmp_path: Path
) -> None:
    first = build(tmp_path / "first", repo=source_repo).plugins_zip.read_bytes()
    for path in (source_repo / "plugins").rglob("*.py"):  # as a fresh checkout or another machine would
        os.utime(path, (1_900_000_000, 1_900_000_000))
        path.chmod(0o600)
    try:
        second = build(tmp_path / "second", repo=source_repo).plugins_zip.read_bytes()
    finally:
        for path in (source_repo / "plugins").rglob("*.py"):
            path.chmod(0o644)
    assert second == first


def test_a_rebuild_removes_what_a_previous_build_left(
    package: Package, source_repo: Path, tmp_path: Path
) -> None:
    dist = tmp_path / "dist"
    shutil.copytree(package.dist, dist)
    (dist / "dags" / "removed_dag.py").write_text("")
    (dist / "stale.txt").write_text("")
    build(dist, repo=source_repo)
    assert not (dist / "dags" / "removed_dag.py").exists()
    assert sorted(p.name for p in dist.iterdir()) == ["dags", "plugins.zip", "requirements.txt"]


def test_the_build_refuses_to_clear_the_repository_itself(source_repo: Path) -> None:
    with pytest.raises(PackageError, match="holds the repository"):
        build(source_repo, repo=source_repo)
    with pytest.raises(PackageError, match="holds the repository"):
        build(source_repo.parent, repo=source_repo)
    assert (source_repo / "dags").is_dir()


def test_the_command_prints_sizes_and_digests(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--dist", str(tmp_path / "dist")]) == 0
    printed = capsys.readouterr().out
    assert f"sha256 {sha256_file(tmp_path / 'dist' / 'plugins.zip')}" in printed
    assert f"sha256 {sha256_file(tmp_path / 'dist' / 'requirements.txt')}" in printed
    dag_files = len(list((REPO_ROOT / "dags").glob("*.py")))
    assert f"{dag_files} DAG files" in printed


# Run the way MWAA runs: plugins.zip unzipped into a plugins folder on sys.path,
# dist/dags as the dags folder, and neither the repository nor its plugins/ importable.
PROBE = """
import json, sys
from pathlib import Path
repo = Path(sys.argv[1]).resolve()
hidden = {repo, repo / "plugins"}
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() not in hidden]
from airflow import plugins_manager
from airflow.dag_processing.dagbag import DagBag
bag = DagBag(dag_folder=sys.argv[2])
import lakehouse
from lakehouse.paths import include_dir
plugins_manager.ensure_plugins_loaded()
print(json.dumps({
    "dags": sorted(bag.dag_ids),
    "errors": {path: str(error) for path, error in bag.import_errors.items()},
    "lakehouse": lakehouse.__file__,
    "include": str(include_dir()),
    "plugins": sorted(p["name"] for p in plugins_manager.get_plugin_info()),
    # modules Airflow executed from the plugins folder as plugin files, named by their stem
    "top_level_modules": sorted(
        name for name, module in sys.modules.items()
        if "." not in name and Path(getattr(module, "__file__", None) or "/").is_relative_to(sys.argv[3])
    ),
}))
"""


def test_the_dags_import_and_the_plugin_loads_from_the_packaged_layout(
    package: Package, tmp_path: Path
) -> None:
    plugins = tmp_path / "airflow" / "plugins"
    zipfile.ZipFile(package.plugins_zip).extractall(plugins)
    env = {
        key: value for key, value in os.environ.items() if key not in ("LAKEHOUSE_INCLUDE_DIR", "PYTHONPATH")
    }
    env |= {
        "AIRFLOW__CORE__DAGS_FOLDER": str(package.dags),
        "AIRFLOW__CORE__PLUGINS_FOLDER": str(plugins),
        "PYTHONPATH": str(plugins),
    }
    result = subprocess.run(
        [sys.executable, "-c", PROBE, str(REPO_ROOT), str(package.dags), str(plugins)],
        check=False,
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    probe = json.loads(result.stdout.strip().splitlines()[-1])
    assert probe["errors"] == {}
    assert {"lakehouse_daily", "source_activity_check"} <= set(probe["dags"])
    assert Path(probe["lakehouse"]).is_relative_to(plugins)
    assert Path(probe["include"]) == package.dags / "include"
    assert "lakehouse" in probe["plugins"]
    # the package's modules are not executed a second time as plugin files named by their stem
    assert probe["top_level_modules"] == ["lakehouse", "lakehouse_plugin"]
