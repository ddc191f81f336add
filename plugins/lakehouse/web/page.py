"""The HTML both report pages are made of: the api-server's /lakehouse/report and make demo's report.

One page frame, one table and one audits table, so the two pages look and
escape alike: every value that comes from data or config goes through
html.escape here, never in the callers.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

STYLE = (
    "body{font-family:sans-serif;margin:2em;max-width:72em}"
    "table{border-collapse:collapse;margin-bottom:1.5em}"
    "td,th{border:1px solid #ccc;padding:.25em .6em}th{background:#eef}"
)


@dataclass(frozen=True)
class AuditRow:
    """One dataset's latest audit, as both pages list it; `links` are (label, href) pairs."""

    dataset: str
    day: str
    passed: bool
    warnings: int
    rows: int
    links: Sequence[tuple[str, str]]


def page(title: str, body: str) -> str:
    """A whole page: `title` is text, `body` is HTML made by this module's functions."""
    return (
        f'<!doctype html><html><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        f"<style>{STYLE}</style></head><body><h1>{html.escape(title)}</h1>{body}</body></html>\n"
    )


def section(heading: str, content: str) -> str:
    return f"<h2>{html.escape(heading)}</h2>{content}"


def table(columns: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A table of text cells; None shows empty."""
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape('' if v is None else str(v))}</td>" for v in row) + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def audits_table(audits: Iterable[AuditRow]) -> str:
    """The latest audit per dataset: verdict, warnings, rows and links to its reports."""
    rows = "".join(
        f"<tr><td>{html.escape(a.dataset)}</td><td>{html.escape(a.day)}</td>"
        f"<td>{'passed' if a.passed else 'FAILED'}</td><td>{a.warnings}</td><td>{a.rows}</td><td>"
        + " ".join(f'<a href="{html.escape(href)}">{html.escape(label)}</a>' for label, href in a.links)
        + "</td></tr>"
        for a in audits
    )
    head = "".join(f"<th>{c}</th>" for c in ("dataset", "day", "verdict", "warnings", "rows", "reports"))
    return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def note(text: str) -> str:
    return f"<p>{html.escape(text)}</p>"
