"""`make package`: dist/ holds exactly what MWAA takes, and nothing of the offline stack.

    dist/dags/              the DAG files, with include/ inside (lakehouse.paths looks
                            there on MWAA, which syncs only this folder) and
                            constraints.txt, the lock requirements.txt's --constraint names
    dist/plugins.zip        the lakehouse package, lakehouse_plugin.py and .airflowignore at its root
                            (MWAA unzips it into its plugins folder, which is on sys.path)
    dist/requirements.txt   the repository's, as is

Sources are named one by one rather than filtered out of the whole checkout,
so local/, tests/, bench/, docker/ and terraform/ cannot leak in.

Usage: python -m deploy.package [--dist DIR]
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from deploy.archive import write_deterministic_zip
from deploy.digest import sha256_file
from deploy.layout import (
    CONSTRAINTS,
    DAGS,
    DIST,
    INCLUDE,
    MWAA_CONSTRAINTS,
    PLUGINS_ZIP,
    REPO_ROOT,
    REQUIREMENTS,
    shipped_files,
)

PLUGIN_PACKAGE = "lakehouse"
PLUGIN_MODULE = "lakehouse_plugin.py"
# Airflow executes every .py file under its plugins folder as a plugin module, named by its
# stem; this file keeps it to the plugin module, the package being imported as a package
PLUGIN_IGNORE = ".airflowignore"
CONSTRAINT_LINE = re.compile(r"^(?:-c|--constraint)(?:\s+|\s*=\s*)(?P<target>\S+)")


class PackageError(Exception):
    """The sources cannot make a package MWAA would accept; the message says why."""


@dataclass(frozen=True)
class Package:
    """What a build wrote."""

    dist: Path
    dag_files: list[Path]
    plugin_entries: list[str]

    @property
    def dags(self) -> Path:
        return self.dist / DAGS

    @property
    def plugins_zip(self) -> Path:
        return self.dist / PLUGINS_ZIP

    @property
    def requirements(self) -> Path:
        return self.dist / REQUIREMENTS


def constraint_target(requirements: str) -> str:
    """The file requirements.txt's --constraint line names, which must be the lock we ship.

    MWAA refuses a requirements.txt without a constraint; one pointing anywhere
    but our dags folder would install a different set than the one we tested.
    """
    targets = [
        match.group("target").strip("'\"")
        for line in requirements.splitlines()
        if (match := CONSTRAINT_LINE.match(line.strip()))
    ]
    if not targets:
        raise PackageError(
            f"requirements.txt has no --constraint line; MWAA requires one: "
            f'add --constraint "{MWAA_CONSTRAINTS}"'
        )
    if targets != [MWAA_CONSTRAINTS]:
        raise PackageError(
            f"requirements.txt constrains with {', '.join(targets)}; "
            f"make package ships the lock as {MWAA_CONSTRAINTS} and only there"
        )
    return targets[0]


def _clear(dist: Path, repo: Path) -> None:
    """Remove a previous build, so a file deleted from the sources leaves dist/ too."""
    dist, repo = dist.resolve(), repo.resolve()
    if dist == repo or dist in repo.parents:
        raise PackageError(f"refusing to use {dist} as dist: it holds the repository")
    if dist.exists():
        shutil.rmtree(dist)
    dist.mkdir(parents=True)


def _copy(source: Path, target: Path) -> None:
    if target.exists():
        raise PackageError(f"{target} would be written twice: dags/ must not hold {target.name} itself")
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)


def _copy_tree(source: Path, target: Path) -> None:
    for path in shipped_files(source):
        _copy(path, target / path.relative_to(source))


def build(dist: Path = DIST, repo: Path = REPO_ROOT) -> Package:
    """Build dist/ from the repository at `repo`, replacing whatever dist/ held."""
    constraint_target((repo / REQUIREMENTS).read_text())  # before anything is removed
    _clear(dist, repo)
    dags = dist / DAGS
    _copy_tree(repo / "dags", dags)
    _copy_tree(repo / "include", dags / INCLUDE)
    _copy(repo / CONSTRAINTS, dags / CONSTRAINTS)

    plugins = repo / "plugins"
    entries = {path.relative_to(plugins).as_posix(): path for path in shipped_files(plugins / PLUGIN_PACKAGE)}
    entries[PLUGIN_MODULE] = plugins / PLUGIN_MODULE
    entries[PLUGIN_IGNORE] = plugins / PLUGIN_IGNORE
    write_deterministic_zip(dist / PLUGINS_ZIP, entries)
    shutil.copyfile(repo / REQUIREMENTS, dist / REQUIREMENTS)
    return Package(dist=dist, dag_files=shipped_files(dags), plugin_entries=sorted(entries))


def summary(package: Package) -> str:
    dags = package.dags
    dag_modules = [path for path in package.dag_files if path.parent == dags and path.suffix == ".py"]
    included = [path for path in package.dag_files if (dags / INCLUDE) in path.parents]
    zip_path, requirements = package.plugins_zip, package.requirements
    rows = [
        (
            f"{DAGS}/",
            f"{len(package.dag_files)} files",
            sum(path.stat().st_size for path in package.dag_files),
            f"{len(dag_modules)} DAG files, {INCLUDE}/ {len(included)} files, {CONSTRAINTS}",
        ),
        (
            PLUGINS_ZIP,
            f"{len(package.plugin_entries)} entries",
            zip_path.stat().st_size,
            f"sha256 {sha256_file(zip_path)}",
        ),
        (REQUIREMENTS, "", requirements.stat().st_size, f"sha256 {sha256_file(requirements)}"),
    ]
    lines = [f"package: {package.dist}"]
    lines += [f"  {name:<18}{count:<12}{size:>9,} bytes  {detail}" for name, count, size, detail in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deploy.package", description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=DIST, help=f"output folder (default {DIST})")
    args = parser.parse_args(argv)
    try:
        package = build(args.dist)
    except PackageError as error:
        print(f"package: error: {error}", file=sys.stderr)
        return 1
    print(summary(package))
    return 0


if __name__ == "__main__":
    sys.exit(main())
