"""Clients and a per-test lake (bucket + Glue database) for tests of the local AWS endpoint."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

import boto3


def client(service: str, url: str) -> Any:
    return boto3.client(
        service,
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )


@dataclass
class QueryOutcome:
    """A finished Athena query: final state, failure reason, and the full result set."""

    query_id: str
    state: str
    reason: str | None
    header: list[str] = field(default_factory=list)
    types: list[str] = field(default_factory=list)
    rows: list[list[str | None]] = field(default_factory=list)
    execution: dict[str, Any] = field(default_factory=dict)


@dataclass
class Lake:
    """Clients plus a private bucket and Glue database for one test."""

    url: str
    bucket: str
    database: str
    s3: Any
    glue: Any
    athena: Any

    @classmethod
    def create(cls, url: str, bucket_prefix: str = "lake", database_prefix: str = "db") -> Lake:
        """A new bucket and Glue database with unique names on the endpoint at `url`."""
        import uuid

        suffix = uuid.uuid4().hex[:10]
        lake = cls(
            url=url,
            bucket=f"{bucket_prefix}-{suffix}",
            database=f"{database_prefix}_{suffix}",
            s3=client("s3", url),
            glue=client("glue", url),
            athena=client("athena", url),
        )
        lake.s3.create_bucket(Bucket=lake.bucket)
        lake.glue.create_database(DatabaseInput={"Name": lake.database})
        return lake

    def crawler_role(self, *, read_s3: bool = True) -> str:
        """The ARN of a new role a Glue crawler may assume, allowed to crawl this lake (its S3
        reads left out with ``read_s3=False``): the endpoint crawls as the crawler's role."""
        import json
        import uuid

        iam = client("iam", self.url)
        name = f"crawler-{uuid.uuid4().hex[:12]}"
        trust = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "glue.amazonaws.com"},
                    "Action": "sts:AssumeRole",
                }
            ],
        }
        glue = "arn:aws:glue:us-east-1:123456789012"
        statements = [
            {
                "Effect": "Allow",
                "Action": "glue:*",
                "Resource": [
                    f"{glue}:catalog",
                    f"{glue}:database/{self.database}",
                    f"{glue}:table/{self.database}/*",
                ],
            }
        ]
        if read_s3:
            statements += [
                {"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{self.bucket}/*"},
                {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": f"arn:aws:s3:::{self.bucket}"},
            ]
        role = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]
        policy = {"Version": "2012-10-17", "Statement": statements}
        iam.put_role_policy(RoleName=name, PolicyName="crawl", PolicyDocument=json.dumps(policy))
        return role["Arn"]

    def role_session(self, statements: list[dict[str, Any]]) -> Any:
        """A boto3 session of a new role whose only policy is `statements` (none: no grant at all),
        had through the administrator's AssumeRole; the endpoint judges its calls by that policy."""
        import json
        import uuid

        iam, sts = client("iam", self.url), client("sts", self.url)
        trust = {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}],
        }
        name = f"role-{uuid.uuid4().hex[:12]}"
        arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
        if statements:
            policy = {"Version": "2012-10-17", "Statement": statements}
            iam.put_role_policy(RoleName=name, PolicyName="p", PolicyDocument=json.dumps(policy))
        credentials = sts.assume_role(RoleArn=arn, RoleSessionName="test")["Credentials"]
        return boto3.session.Session(
            aws_access_key_id=credentials["AccessKeyId"],
            aws_secret_access_key=credentials["SecretAccessKey"],
            aws_session_token=credentials["SessionToken"],
            region_name="us-east-1",
        )

    def role_connection(self, statements: list[dict[str, Any]]) -> dict[str, Any]:
        """An Airflow AWS connection holding a session of a new role with `statements` as its policy."""
        credentials = self.role_session(statements).get_credentials()
        return {
            "conn_type": "aws",
            "login": credentials.access_key,
            "password": credentials.secret_key,
            "extra": {
                "aws_session_token": credentials.token,
                "region_name": "us-east-1",
                "endpoint_url": self.url,
            },
        }

    def as_role(self, statements: list[dict[str, Any]]) -> Lake:
        """This lake, its clients calling as a new role whose policy is `statements`."""
        from dataclasses import replace

        session = self.role_session(statements)
        made = {name: session.client(name, endpoint_url=self.url) for name in ("s3", "glue", "athena")}
        return replace(self, **made)

    @property
    def output(self) -> str:
        return f"s3://{self.bucket}/athena-results/"

    def queued_workgroup(self, seconds: int, matching: str | None = None) -> str:
        """A new workgroup whose SELECTs (those matching `matching`) the endpoint keeps QUEUED `seconds`."""
        from local.aws.athena_api import SELECT_QUEUE_MATCH_TAG, SELECT_QUEUE_TAG

        name = f"queued-{self.database}-{seconds}"
        tags = {SELECT_QUEUE_TAG: str(seconds)} | ({SELECT_QUEUE_MATCH_TAG: matching} if matching else {})
        self.athena.create_work_group(
            Name=name,
            Configuration={"ResultConfiguration": {"OutputLocation": self.output}},
            Tags=[{"Key": key, "Value": value} for key, value in tags.items()],
        )
        return name

    def start(self, sql: str, database: str | None = None, **kwargs: Any) -> str:
        return self.athena.start_query_execution(
            QueryString=sql,
            QueryExecutionContext={"Database": database or self.database},
            ResultConfiguration={"OutputLocation": self.output},
            **kwargs,
        )["QueryExecutionId"]

    def wait(self, query_id: str, timeout: float = 30) -> dict[str, Any]:
        """The finished execution; past `timeout` the query is cancelled and named (the pipeline's wait)."""
        from lakehouse.athena_wait import wait_for_query

        return wait_for_query(self.athena, query_id, timeout)

    def query(self, sql: str, database: str | None = None) -> QueryOutcome:
        query_id = self.start(sql, database)
        execution = self.wait(query_id)
        status = execution["Status"]
        outcome = QueryOutcome(
            query_id, status["State"], status.get("StateChangeReason"), execution=execution
        )
        if outcome.state != "SUCCEEDED":
            return outcome
        pages = self.athena.get_paginator("get_query_results").paginate(QueryExecutionId=query_id)
        rows: list[list[str | None]] = []
        for page in pages:
            if not outcome.types:
                info = page["ResultSet"]["ResultSetMetadata"]["ColumnInfo"]
                outcome.types = [c["Type"] for c in info]
                outcome.header = [c["Name"] for c in info]
            rows += [[d.get("VarCharValue") for d in r["Data"]] for r in page["ResultSet"]["Rows"]]
        if execution["StatementType"] == "DML" and rows:
            rows = rows[1:]  # Athena repeats the column names as the first row of a SELECT
        outcome.rows = rows
        return outcome

    def ok(self, sql: str, database: str | None = None) -> QueryOutcome:
        """Run a statement that must succeed."""
        outcome = self.query(sql, database)
        assert outcome.state == "SUCCEEDED", f"{sql!r} failed: {outcome.reason}"
        return outcome

    def put_parquet(self, key: str, columns: dict[str, list[Any]]) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        buffer = io.BytesIO()
        pq.write_table(pa.table(columns), buffer)
        self.s3.put_object(Bucket=self.bucket, Key=key, Body=buffer.getvalue())

    def orders_by_day(self) -> None:
        """A small partitioned external table, `orders` (id, amount) by dt, its partitions repaired."""
        for day, ids in (("2024-01-01", [1, 2]), ("2024-01-02", [3])):
            amounts = [1.5 * i for i in ids]
            self.put_parquet(f"raw/orders/dt={day}/part-0.parquet", {"id": ids, "amount": amounts})
        self.ok(
            "CREATE EXTERNAL TABLE orders (id bigint, amount double) PARTITIONED BY (dt string) "
            f"STORED AS PARQUET LOCATION 's3://{self.bucket}/raw/orders/'"
        )
        self.ok("MSCK REPAIR TABLE orders")

    def keys(self, prefix: str) -> list[str]:
        pages = self.s3.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix)
        return [o["Key"] for page in pages for o in page.get("Contents", [])]
