"""The MWAA environment as deploy sees it: where it reads its sources, and which versions it runs.

Updating an environment restarts every scheduler, worker and web server
(20-30 minutes), and MWAA only reads a new plugins.zip or requirements.txt
through one, so the update carries exactly the versions that changed, and
there is none when nothing did. DAG files need no update: MWAA syncs its dags
folder on its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from deploy.layout import DAGS, PLUGINS_ZIP, REQUIREMENTS


@dataclass(frozen=True)
class SourceLocation:
    """Where an environment reads its dags folder, plugins.zip and requirements.txt."""

    bucket: str
    dags_path: str = DAGS
    plugins_path: str = PLUGINS_ZIP
    requirements_path: str = REQUIREMENTS


@dataclass(frozen=True)
class Environment:
    """What an existing environment runs; a path is None where the environment has none set."""

    name: str
    status: str
    bucket: str
    dags_path: str
    plugins_path: str | None
    plugins_version: str | None
    requirements_path: str | None
    requirements_version: str | None

    @classmethod
    def from_api(cls, described: dict[str, Any]) -> Environment:
        """From get_environment's `Environment`."""
        return cls(
            name=described["Name"],
            status=described.get("Status", "UNKNOWN"),
            bucket=described["SourceBucketArn"].rsplit(":", 1)[-1],
            dags_path=described["DagS3Path"],
            plugins_path=described.get("PluginsS3Path"),
            plugins_version=described.get("PluginsS3ObjectVersion"),
            requirements_path=described.get("RequirementsS3Path"),
            requirements_version=described.get("RequirementsS3ObjectVersion"),
        )

    @property
    def source(self) -> SourceLocation:
        return SourceLocation(
            bucket=self.bucket,
            dags_path=self.dags_path.strip("/"),
            plugins_path=self.plugins_path or PLUGINS_ZIP,
            requirements_path=self.requirements_path or REQUIREMENTS,
        )


def find_environment(mwaa: Any, name: str) -> Environment | None:
    """The environment called `name`, or None before Terraform has created it."""
    try:
        return Environment.from_api(mwaa.get_environment(Name=name)["Environment"])
    except mwaa.exceptions.ResourceNotFoundException:
        return None


def environment_update(
    environment: Environment, plugins_version: str, requirements_version: str
) -> dict[str, str]:
    """update_environment's arguments (Name aside) for these object versions; empty when current.

    A path goes along with its version only where the environment has none set
    yet, since MWAA cannot pin a version of an object it has no path for.
    """
    changes: dict[str, str] = {}
    if plugins_version != environment.plugins_version:
        if environment.plugins_path is None:
            changes["PluginsS3Path"] = PLUGINS_ZIP
        changes["PluginsS3ObjectVersion"] = plugins_version
    if requirements_version != environment.requirements_version:
        if environment.requirements_path is None:
            changes["RequirementsS3Path"] = REQUIREMENTS
        changes["RequirementsS3ObjectVersion"] = requirements_version
    return changes
