"""A large result is kept on disk and served page by page, the same rows as a small one."""

from __future__ import annotations

from pathlib import Path

from aws_helpers import Lake

from local.aws.result_rows import SpilledRows


def test_spilled_rows_read_back_by_index_slice_and_in_order(tmp_path: Path) -> None:
    rows = [[str(n), None if n % 7 == 0 else f"v{n}"] for n in range(2500)]
    spilled = SpilledRows(tmp_path / "r.jsonl")
    spilled.extend(rows[:1200])
    spilled.extend(rows[1200:])
    spilled.finish()
    assert len(spilled) == 2500 and list(spilled) == rows
    assert spilled[999:2001] == rows[999:2001] and spilled[2400:9999] == rows[2400:]
    assert spilled[-1] == rows[-1] and spilled[1000] == rows[1000] and spilled[5:5] == []


def test_a_result_larger_than_a_chunk_pages_through_every_row_in_order(lake: Lake) -> None:
    outcome = lake.ok(
        "select a * 1000 + b + 1 as n, cast((a * 1000 + b + 1) * 2 as varchar) as twice"
        " from unnest(sequence(0, 24)) as x(a) cross join unnest(sequence(0, 999)) as y(b) order by 1"
    )
    assert len(outcome.rows) == 25000
    assert outcome.rows[0] == ["1", "2"] and outcome.rows[-1] == ["25000", "50000"]
    assert all(int(row[1]) == 2 * int(row[0]) for row in outcome.rows[::997])
