"""Both report pages are built from one frame and escape whatever comes from data."""

from __future__ import annotations

from lakehouse.web import page


def test_values_from_data_are_escaped_in_tables_links_and_notes() -> None:
    html = page.page(
        "report <1>",
        page.table(["a<b"], [["<script>", None]])
        + page.audits_table([page.AuditRow("silver.x", "2026-11-02", False, 2, 9, [("Docs", 'r/"x".html')])])
        + page.note("not available: <err>"),
    )
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<th>a&lt;b</th>" in html and "<td></td>" in html  # None shows empty
    assert '<a href="r/&quot;x&quot;.html">Docs</a>' in html
    assert "<td>FAILED</td><td>2</td><td>9</td>" in html
    assert html.startswith("<!doctype html>") and "<title>report &lt;1&gt;</title>" in html
