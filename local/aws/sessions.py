"""The local endpoint's fixed credentials, for the places AWS hands a role's session out.

On MWAA a worker receives its execution role's session from the environment, and GitHub's
deploy workflow gets the deploy role's through its OIDC exchange; locally those sessions have
fixed keys that the endpoint (principals.py) knows belong to those roles. ``test`` is the
account's administrator. None of these is a secret: they open nothing but the local endpoint,
which does not verify signatures and listens on 127.0.0.1 only. Kept free of moto imports, so
the Airflow side can read them cheaply.
"""

from __future__ import annotations

from dataclasses import dataclass

ADMIN_ACCESS_KEY = "test"
ADMIN_SECRET_KEY = "test"


@dataclass(frozen=True)
class LocalSession:
    access_key_id: str
    secret_access_key: str
    session_token: str
    session_name: str
    role: str  # the Terraform address of the role it is a session of

    @property
    def role_name(self) -> str:
        from .iam_render import local_roles

        return local_roles()[self.role].name


MWAA_EXECUTION = LocalSession(
    "ASIALOCALMWAAEXECUTE",
    "local-mwaa-execution-role",
    "local-mwaa-session",
    "mwaa-worker",
    "module.mwaa.aws_iam_role.execution",
)
GITHUB_DEPLOY = LocalSession(
    "ASIALOCALGITHUBDEPLY",
    "local-github-deploy-role",
    "local-deploy-session",
    "github-actions",
    "module.github_deploy[0].aws_iam_role.deploy",
)
LOCAL_SESSIONS = {session.access_key_id: session for session in (MWAA_EXECUTION, GITHUB_DEPLOY)}
