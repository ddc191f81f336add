"""Who a request to the local endpoint comes from, and which policies speak for them.

The access key of a request's signature names its principal, as on AWS:

- ``test`` is the account's administrator: what plays Terraform (bootstrap.py creates the lake's
  resources and roles with it) and what a person inspecting the lake uses. It may do anything.
- A role session's key, from the sessions below or from the endpoint's own STS AssumeRole,
  speaks for that role: the role's policies are read from the endpoint's IAM at each request,
  so a policy changed there (by bootstrap, from terraform/, or by a test) takes effect at once.
- Any other key is refused, as AWS refuses a key it never issued.

On MWAA a worker receives the execution role's session from the environment; locally the DAG's
``aws_default`` connection carries the fixed session ``MWAA_EXECUTION`` stands for. Signatures
are not verified: the endpoint only listens on 127.0.0.1.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from moto.iam.models import iam_backends
from moto.sts.models import sts_backends

from .iam_render import LOCAL_ACCOUNT_ID
from .locking import BACKEND_LOCK
from .sessions import ADMIN_ACCESS_KEY, LOCAL_SESSIONS


@dataclass(frozen=True)
class Principal:
    arn: str
    account: str
    role_name: str | None = None  # None: the account's administrator

    @property
    def admin(self) -> bool:
        return self.role_name is None


ADMIN = Principal(f"arn:aws:iam::{LOCAL_ACCOUNT_ID}:root", LOCAL_ACCOUNT_ID)


class UnknownAccessKey(Exception):
    """A key the local endpoint never issued (or whose role no longer exists)."""


def _role_exists(account: str, role_name: str) -> bool:
    with BACKEND_LOCK:
        return any(role.name == role_name for role in iam_backends[account]["aws"].get_roles())


def role_session(account: str, role_name: str, session_name: str) -> Principal:
    return Principal(f"arn:aws:sts::{account}:assumed-role/{role_name}/{session_name}", account, role_name)


def resolve(access_key: str | None) -> Principal:
    """The principal an access key speaks for; UnknownAccessKey when none."""
    if access_key == ADMIN_ACCESS_KEY:
        return ADMIN
    account = LOCAL_ACCOUNT_ID
    session = LOCAL_SESSIONS.get(access_key or "")
    if session is not None:
        if not _role_exists(account, session.role_name):
            raise UnknownAccessKey(access_key)
        return role_session(account, session.role_name, session.session_name)
    with BACKEND_LOCK:
        assumed = sts_backends[account]["aws"].get_assumed_role_from_access_key(access_key or "")
    if assumed is not None:
        role_name = assumed.role_arn.split("/")[-1]
        if _role_exists(account, role_name):
            return role_session(account, role_name, assumed.session_name)
    raise UnknownAccessKey(access_key)


_PARSED: dict[str, dict[str, Any]] = {}


def _parsed(document: str) -> dict[str, Any]:
    policy = _PARSED.get(document)
    if policy is None:
        policy = _PARSED[document] = json.loads(document)
    return policy


def policies_of(principal: Principal) -> list[dict[str, Any]]:
    """The identity policies of the principal's role: inline ones and attached managed ones."""
    if principal.role_name is None:
        return []
    with BACKEND_LOCK:
        backend = iam_backends[principal.account]["aws"]
        role = next((r for r in backend.get_roles() if r.name == principal.role_name), None)
        if role is None:
            return []
        documents = list(role.policies.values())
        documents += [policy.document for policy in role.managed_policies.values()]
    return [_parsed(doc) for doc in documents]


class CannotAssumeRole(Exception):
    """A service was given a role it may not assume (missing, or its trust policy says no)."""


def _trusts_service(trust_policy: dict[str, Any], service: str) -> bool:
    for statement in trust_policy.get("Statement") or []:
        services = (
            (statement.get("Principal") or {}).get("Service") if statement.get("Effect") == "Allow" else None
        )
        actions = statement.get("Action") or []
        services = [services] if isinstance(services, str) else services or []
        actions = [actions] if isinstance(actions, str) else actions
        if service in services and "sts:AssumeRole" in actions:
            return True
    return False


def service_role_session(role: str, account: str, service: str, session_name: str) -> Principal:
    """The session a service (a Glue crawler) runs as, when the role exists and trusts it.

    The trust policy's conditions (aws:SourceAccount and the like) are not evaluated: the
    service, not a caller, supplies their values.
    """
    role_name = role.rsplit("/", 1)[-1]
    with BACKEND_LOCK:
        found = next((r for r in iam_backends[account]["aws"].get_roles() if r.name == role_name), None)
        trust = json.loads(found.assume_role_policy_document) if found is not None else None
    if trust is None or not _trusts_service(trust, service):
        raise CannotAssumeRole(
            f"Service is unable to assume provided role {role}. Please verify role's TrustPolicy"
        )
    return role_session(account, role_name, session_name)
