"""The lakehouse's report page, served by Airflow's api-server beside the UI: /lakehouse/report.

The audits' Data Docs live in S3, where a browser cannot open them; so a
small FastAPI app (mounted by plugins/lakehouse_plugin.py) shows each gold
table's first rows, read through Athena, and each dataset's latest audit
verdict, and serves the reports themselves from s3://<lake>/reports/. The UI's
Browse menu shows it (the plugin's external view), and lakehouse_daily's docs
link here.

It reads with the pipeline's AWS connection, as the DAG does. Every route
requires the UI's login and read access to lakehouse_daily's task logs
(lakehouse/web/auth.py): Airflow authenticates none of a plugin app's routes,
and the pages show the lake's data to whoever asks.
"""

from __future__ import annotations

from typing import Any

from fastapi import Depends, FastAPI, HTTPException, Response
from fastapi.responses import HTMLResponse

from lakehouse.names import DAG_ID
from lakehouse.web import auth

ROWS = 10


def _clients() -> tuple[Any, Any, Any]:
    from lakehouse.config import pipeline_config
    from lakehouse.hooks.aws import LakeAwsHook
    from lakehouse.wap.athena import runner_for

    config = pipeline_config()
    lake = config.lake
    s3 = LakeAwsHook(aws_conn_id=lake.aws_conn_id, client_type="s3").get_conn()
    timeout_s = config.athena.report_timeout_seconds
    return config, s3, runner_for(lake.aws_conn_id, lake.athena_output, lake.workgroup, timeout_s)


def _relative(report: str, bucket: str) -> str:
    """s3://<bucket>/reports/<dag_id>/... -> <dag_id>/..., the path under /lakehouse/reports/."""
    return report.removeprefix(f"s3://{bucket}/").split("/", 1)[1]


def create_app() -> FastAPI:
    """The report app; an app-wide dependency guards every route, present and future (see auth.py)."""
    app = FastAPI(
        title="lakehouse report",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        dependencies=[Depends(auth.require_reader)],
    )
    app.add_exception_handler(auth.SignInRequired, auth.redirect_to_sign_in)

    @app.get("/report", response_class=HTMLResponse)
    def report() -> str:
        from lakehouse.quality.report import latest_audits
        from lakehouse.sql import identifier
        from lakehouse.web import page

        config, s3, athena = _clients()
        prefix = f"{config.quality.reports_prefix}/{DAG_ID}/"
        audits = [
            page.AuditRow(
                dataset,
                v["day"],
                v["passed"],
                len(v["warnings"]),
                v["rows"],
                [("Data Docs", f"reports/{_relative(v['report'], config.lake.bucket)}")],
            )
            for dataset, (_, v) in latest_audits(s3, config.lake.bucket, prefix).items()
        ]
        sections = [page.section("Latest audits", page.audits_table(audits))]
        for dataset in config.gold:
            name = identifier(dataset.name)
            try:
                query_id = athena.execute(f"select * from {name} limit {ROWS}", config.lake.databases.gold)
                result = athena.hook.get_conn().get_query_results(QueryExecutionId=query_id)
                table_rows = [[c.get("VarCharValue") for c in r["Data"]] for r in result["ResultSet"]["Rows"]]
                body = page.table(table_rows[0], table_rows[1:]) if table_rows else page.note("empty")
            except Exception as err:  # a table not published yet, or a query past its limit: say so
                body = page.note(f"not available: {str(err).splitlines()[0]}")
            sections.append(page.section(f"gold.{name}", body))
        return page.page("lakehouse report", "".join(sections))

    @app.get("/reports/{key:path}")
    def report_file(key: str) -> Response:
        import mimetypes

        config, s3, _ = _clients()
        if ".." in key.split("/"):
            raise HTTPException(status_code=400, detail="bad report path")
        try:
            found = s3.get_object(Bucket=config.lake.bucket, Key=f"{config.quality.reports_prefix}/{key}")
        except s3.exceptions.NoSuchKey:
            raise HTTPException(status_code=404, detail=f"no report file {key}") from None
        media_type = mimetypes.guess_type(key)[0] or "application/octet-stream"
        return Response(found["Body"].read(), media_type=media_type)

    return app
