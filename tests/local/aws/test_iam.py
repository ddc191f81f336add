"""The local endpoint's policy evaluator decides as AWS does, and refuses what it cannot judge."""

from __future__ import annotations

import pytest

from local.aws.iam import Decision, PolicyError, decide, denial_message

LAKE = "arn:aws:s3:::lake"


def policy(*statements: dict) -> dict:
    return {"Version": "2012-10-17", "Statement": list(statements)}


READ_BRONZE = {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": [f"{LAKE}/bronze/*"]}
LIST_BRONZE = {
    "Effect": "Allow",
    "Action": "s3:ListBucket",
    "Resource": LAKE,
    "Condition": {"StringLike": {"s3:prefix": ["bronze/*"]}},
}


def test_an_action_on_a_resource_a_statement_names_is_allowed_and_anything_else_implicitly_denied() -> None:
    assert decide([policy(READ_BRONZE)], "s3:GetObject", [f"{LAKE}/bronze/x.parquet"]).allowed
    assert (
        decide([policy(READ_BRONZE)], "s3:GetObject", [f"{LAKE}/silver/x"]).decision is Decision.IMPLICIT_DENY
    )
    assert (
        decide([policy(READ_BRONZE)], "s3:PutObject", [f"{LAKE}/bronze/x"]).decision is Decision.IMPLICIT_DENY
    )


def test_actions_match_without_case_and_resources_with_it() -> None:
    wildcard = {"Effect": "Allow", "Action": "S3:Get*", "Resource": f"{LAKE}/bronze/*"}
    assert decide([policy(wildcard)], "s3:GetObjectVersion", [f"{LAKE}/bronze/a"]).allowed
    assert not decide([policy(wildcard)], "s3:GetObject", [f"{LAKE}/Bronze/a"]).allowed


def test_a_deny_anywhere_wins_over_any_allow() -> None:
    deny = {"Effect": "Deny", "Action": "s3:*", "Resource": f"{LAKE}/bronze/secret/*"}
    verdict = decide([policy(READ_BRONZE), policy(deny)], "s3:GetObject", [f"{LAKE}/bronze/secret/a"])
    assert verdict.decision is Decision.EXPLICIT_DENY
    assert "explicit deny" in denial_message("arn:aws:sts::1:assumed-role/r/s", verdict)


def test_every_resource_of_a_request_must_be_allowed_and_the_first_refused_is_named() -> None:
    glue = {"Effect": "Allow", "Action": "glue:GetTable", "Resource": ["arn:c", "arn:db/a"]}
    verdict = decide([policy(glue)], "glue:GetTable", ["arn:c", "arn:db/a", "arn:t/a/x"])
    assert not verdict.allowed and verdict.resource == "arn:t/a/x"


def test_a_listing_is_allowed_only_with_a_prefix_the_condition_admits() -> None:
    assert decide([policy(LIST_BRONZE)], "s3:ListBucket", [LAKE], {"s3:prefix": "bronze/orders/"}).allowed
    assert not decide([policy(LIST_BRONZE)], "s3:ListBucket", [LAKE], {"s3:prefix": "silver/"}).allowed
    # a listing of the whole bucket carries no prefix: a positive operator on a missing key is false
    assert not decide([policy(LIST_BRONZE)], "s3:ListBucket", [LAKE], {}).allowed


def test_missing_keys_make_negated_operators_true_if_exists_pass_and_null_test_presence() -> None:
    def allowed(condition: dict, context: dict) -> bool:
        statement = {"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": condition}
        return decide([policy(statement)], "s3:GetObject", ["arn:x"], context).allowed

    assert allowed({"StringNotEquals": {"aws:k": "v"}}, {})
    assert not allowed({"StringNotEquals": {"aws:k": "v"}}, {"aws:k": "v"})
    assert allowed({"StringEqualsIfExists": {"aws:k": "v"}}, {})
    assert not allowed({"StringEqualsIfExists": {"aws:k": "v"}}, {"aws:k": "w"})
    assert allowed({"Null": {"aws:k": "true"}}, {})
    assert not allowed({"Null": {"aws:k": "true"}}, {"AWS:K": "v"})  # keys are case-insensitive
    assert allowed(
        {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/r-*"}},
        {"aws:PrincipalArn": "arn:aws:iam::1:role/r-x"},
    )
    assert allowed({"ForAnyValue:StringEquals": {"aws:TagKeys": ["a"]}}, {"aws:TagKeys": ["b", "a"]})
    assert not allowed({"ForAllValues:StringEquals": {"aws:TagKeys": ["a"]}}, {"aws:TagKeys": ["b", "a"]})
    assert allowed({"Bool": {"aws:SecureTransport": "true"}}, {"aws:SecureTransport": "True"})
    assert not allowed({"ForAnyValue:StringNotLike": {"aws:TagKeys": ["a"]}}, {})  # nothing to match
    assert allowed(
        {"StringEquals": {"iam:PassedToService": ["glue.amazonaws.com", "x"]}},
        {"iam:PassedToService": "glue.amazonaws.com"},
    )


def test_what_the_evaluator_does_not_implement_raises_instead_of_deciding() -> None:
    def ask(statement: dict) -> None:
        decide([policy(statement)], "s3:GetObject", ["arn:x"], {"aws:SourceIp": "127.0.0.1"})

    with pytest.raises(PolicyError, match="IpAddress"):
        ask(
            {
                "Effect": "Allow",
                "Action": "*",
                "Resource": "*",
                "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}},
            }
        )
    with pytest.raises(PolicyError, match="policy variables"):
        ask({"Effect": "Allow", "Action": "*", "Resource": "arn:${aws:username}"})
    with pytest.raises(PolicyError, match="policy variables"):
        ask(
            {
                "Effect": "Allow",
                "Action": "*",
                "Resource": "*",
                "Condition": {"StringEquals": {"aws:SourceIp": "${aws:username}"}},
            }
        )
    with pytest.raises(PolicyError, match="principal"):
        ask({"Effect": "Allow", "Action": "*", "Resource": "*", "Principal": "*"})
    with pytest.raises(PolicyError, match="Effect"):
        ask({"Effect": "Maybe", "Action": "*", "Resource": "*"})


def test_the_denial_is_worded_as_aws_words_it() -> None:
    verdict = decide([policy(READ_BRONZE)], "s3:PutObject", [f"{LAKE}/bronze/x"])
    assert denial_message("arn:aws:sts::123456789012:assumed-role/r/s", verdict) == (
        "User: arn:aws:sts::123456789012:assumed-role/r/s is not authorized to perform: s3:PutObject "
        f"on resource: {LAKE}/bronze/x because no identity-based policy allows the s3:PutObject action"
    )
