"""Decide an identity-based IAM request the way AWS does, for the local endpoint.

A request is one action on one or more resources with a context of condition keys. Every
resource must be allowed; a matching Deny anywhere wins over any Allow; nothing matching is an
implicit deny. Conditions follow AWS's rules: a key missing from the context makes a positive
operator false and a negated one true, ``...IfExists`` passes on a missing key, ``Null`` tests
presence, and ``ForAnyValue:``/``ForAllValues:`` qualify multi-valued keys. An operator or a
policy variable this module does not implement raises ``PolicyError`` instead of being read as
a match or a miss: a policy the local stack cannot judge must not pass, nor fail for a wrong
reason.

Resource-based policies (bucket policies, key policies), permission boundaries, SCPs and
session policies are not evaluated; the identity policies Terraform attaches to a role are.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from typing import Any

ContextValue = str | Sequence[str]
Context = Mapping[str, ContextValue]


class PolicyError(ValueError):
    """A policy uses something this evaluator does not implement (it is never guessed)."""


class Decision(Enum):
    ALLOWED = "allowed"
    IMPLICIT_DENY = "implicit deny"
    EXPLICIT_DENY = "explicit deny"


@dataclass(frozen=True)
class Verdict:
    decision: Decision
    action: str
    resource: str
    granted_by: tuple[str, ...] = ()  # the Sids of the Allow statements that applied, when allowed

    @property
    def allowed(self) -> bool:
        return self.decision is Decision.ALLOWED


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


@lru_cache(maxsize=4096)
def _wildcard(pattern: str, ignore_case: bool) -> re.Pattern[str]:
    """`*` and `?` as IAM reads them in actions, resources and *Like conditions."""
    if "${" in pattern:
        raise PolicyError(f"policy variables are not supported by the local endpoint: {pattern!r}")
    body = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.compile(f"^{body}$", re.IGNORECASE | re.DOTALL if ignore_case else re.DOTALL)


def _action_matches(patterns: Iterable[str], action: str) -> bool:
    return any(_wildcard(p, True).match(action) for p in patterns)


def _resource_matches(patterns: Iterable[str], resource: str) -> bool:
    return any(_wildcard(p, False).match(resource) for p in patterns)


def _arn_like(pattern: str, value: str) -> bool:
    """ArnLike: each of the six colon-separated parts matched on its own, wildcards within."""
    p_parts, v_parts = pattern.split(":", 5), value.split(":", 5)
    if len(p_parts) != 6 or len(v_parts) != 6:
        return False
    return all(_wildcard(p, False).match(v) for p, v in zip(p_parts, v_parts, strict=True))


def _bool(value: str) -> str:
    return value.strip().lower()


def _number(value: str) -> float:
    try:
        return float(value)
    except ValueError as err:
        raise PolicyError(f"not a number in a Numeric condition: {value!r}") from err


# operator (without IfExists, qualifiers or Not) -> (compare(policy value, context value), negated)
_COMPARATORS: dict[str, Any] = {
    "StringEquals": lambda p, v: p == v,
    "StringEqualsIgnoreCase": lambda p, v: p.lower() == v.lower(),
    "StringLike": lambda p, v: bool(_wildcard(p, False).match(v)),
    "ArnEquals": lambda p, v: p == v,
    "ArnLike": _arn_like,
    "Bool": lambda p, v: _bool(p) == _bool(v),
    "NumericEquals": lambda p, v: _number(v) == _number(p),
    "NumericLessThan": lambda p, v: _number(v) < _number(p),
    "NumericLessThanEquals": lambda p, v: _number(v) <= _number(p),
    "NumericGreaterThan": lambda p, v: _number(v) > _number(p),
    "NumericGreaterThanEquals": lambda p, v: _number(v) >= _number(p),
}
_NEGATIONS = {
    "StringNotEquals": "StringEquals",
    "StringNotEqualsIgnoreCase": "StringEqualsIgnoreCase",
    "StringNotLike": "StringLike",
    "ArnNotEquals": "ArnEquals",
    "ArnNotLike": "ArnLike",
    "NumericNotEquals": "NumericEquals",
}


@dataclass(frozen=True)
class _Operator:
    base: str
    negated: bool
    if_exists: bool
    qualifier: str | None  # "ForAnyValue" / "ForAllValues"


def _parse_operator(name: str) -> _Operator:
    qualifier, _, rest = name.rpartition(":")
    if qualifier not in ("", "ForAnyValue", "ForAllValues"):
        raise PolicyError(f"unknown condition set operator {qualifier!r} in {name!r}")
    if_exists = rest.endswith("IfExists") and rest != "IfExists"
    base = rest.removesuffix("IfExists") if if_exists else rest
    if base == "Null":
        if if_exists or qualifier:
            raise PolicyError(f"Null takes no IfExists or set operator: {name!r}")
        return _Operator("Null", False, False, None)
    negated = base in _NEGATIONS
    base = _NEGATIONS.get(base, base)
    if base not in _COMPARATORS:
        raise PolicyError(f"condition operator {name!r} is not supported by the local endpoint")
    return _Operator(base, negated, if_exists, qualifier or None)


def _lookup(context: Context, key: str) -> list[str] | None:
    """Context values for a key (condition keys are case-insensitive); None when absent."""
    lowered = key.lower()
    for name, value in context.items():
        if name.lower() == lowered:
            return [str(v) for v in _as_list(value)]
    return None


def _missing_key_holds(operator: _Operator) -> bool:
    """A key absent from the request: IfExists and ForAllValues pass, ForAnyValue has nothing to
    match, a negated operator holds and a positive one does not."""
    if operator.if_exists or operator.qualifier == "ForAllValues":
        return True
    if operator.qualifier == "ForAnyValue":
        return False
    return operator.negated


def _condition_holds(operator_name: str, key: str, policy_values: list[Any], context: Context) -> bool:
    operator = _parse_operator(operator_name)
    values = _lookup(context, key)
    if operator.base == "Null":
        wants_absent = [_bool(str(p)) for p in policy_values]
        return ("true" if values is None or values == [] else "false") in wants_absent
    if values is None:
        return _missing_key_holds(operator)
    compare = _COMPARATORS[operator.base]
    policy_strings = [str(p) for p in policy_values]
    if any("${" in p for p in policy_strings):
        raise PolicyError(f"policy variables are not supported by the local endpoint: {policy_strings!r}")

    def matches(value: str) -> bool:
        hit = any(compare(p, value) for p in policy_strings)
        return not hit if operator.negated else hit

    if operator.qualifier == "ForAllValues":
        return all(matches(v) for v in values)
    if operator.qualifier == "ForAnyValue":
        return any(matches(v) for v in values)
    if len(values) != 1:
        raise PolicyError(f"{key} has several values: use ForAnyValue or ForAllValues with {operator_name}")
    return matches(values[0])


def _conditions_hold(condition: Mapping[str, Any] | None, context: Context) -> bool:
    if not condition:
        return True
    return all(
        _condition_holds(operator, key, _as_list(values), context)
        for operator, keys in condition.items()
        for key, values in keys.items()
    )


def _element_matches(
    statement: Mapping[str, Any], element: str, matches: Callable[[Iterable[str], str], bool], value: str
) -> bool:
    """Whether `value` satisfies the statement's `element` (Action, Resource) or its Not- form."""
    if element in statement:
        return matches(_as_list(statement[element]), value)
    if f"Not{element}" in statement:
        return not matches(_as_list(statement[f"Not{element}"]), value)
    raise PolicyError(f"statement {statement.get('Sid', '')!r} has neither {element} nor Not{element}")


def _statement_applies(statement: Mapping[str, Any], action: str, resource: str, context: Context) -> bool:
    if "Principal" in statement or "NotPrincipal" in statement:
        raise PolicyError("an identity policy statement names a principal (is this a resource policy?)")
    return (
        _element_matches(statement, "Action", _action_matches, action)
        and _element_matches(statement, "Resource", _resource_matches, resource)
        and _conditions_hold(statement.get("Condition"), context)
    )


def _statements(policies: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    found: list[Mapping[str, Any]] = []
    for policy in policies:
        for statement in _as_list(policy.get("Statement")):
            effect = statement.get("Effect")
            if effect not in ("Allow", "Deny"):
                raise PolicyError(f"statement {statement.get('Sid', '')!r} has Effect {effect!r}")
            found.append(statement)
    return found


def decide(
    policies: Iterable[Mapping[str, Any]],
    action: str,
    resources: Sequence[str],
    context: Context | None = None,
) -> Verdict:
    """The verdict on `action` over every resource: the first one not allowed, else allowed."""
    statements = _statements(policies)
    context = context or {}
    if not resources:
        raise PolicyError(f"{action} was asked about no resource")
    granted_by: dict[str, None] = {}
    for resource in resources:
        applying = [s for s in statements if _statement_applies(s, action, resource, context)]
        if any(s["Effect"] == "Deny" for s in applying):
            return Verdict(Decision.EXPLICIT_DENY, action, resource)
        allowing = [s for s in applying if s["Effect"] == "Allow"]
        if not allowing:
            return Verdict(Decision.IMPLICIT_DENY, action, resource)
        granted_by.update(dict.fromkeys(str(s.get("Sid", "")) for s in allowing))
    return Verdict(Decision.ALLOWED, action, resources[-1], tuple(granted_by))


def denial_message(principal_arn: str, verdict: Verdict) -> str:
    """AWS's wording of an access denied by identity policies."""
    why = (
        "with an explicit deny in an identity-based policy"
        if verdict.decision is Decision.EXPLICIT_DENY
        else f"because no identity-based policy allows the {verdict.action} action"
    )
    return (
        f"User: {principal_arn} is not authorized to perform: {verdict.action} "
        f"on resource: {verdict.resource} {why}"
    )
