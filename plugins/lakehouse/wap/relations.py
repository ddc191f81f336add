"""A dataset as it will be once this run publishes, for what reads it before that publish.

Gold is staged from silver's staged rows, beside silver's audits rather than after silver's
publishes, and what is built from other gold from that gold's staged rows: a run's levels are
what a quiet day costs, each a round of task processes. Audits read their lookups the same
way. A reader sees the staged rows of the partitions this run rewrites and the published rows of
the others (include/sql/relation.sql), which is what the table holds once the run publishes;
a reader that starts after the publish sees the same rows, because the staged files are
what the published partitions point at and the temp tables stay until the run's teardown.

Readers that need only some partitions name them: each side is filtered on the partition
column by literals (the rewritten ones from the staged table, the rest from the published
one), which is how Athena prunes the partitions each side reads.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from lakehouse.sql import identifier, render, sql_list, sql_string
from lakehouse.wap.plan import StagePlan


def _in(column: str, values: Iterable[str], negate: bool = False) -> str:
    return f"{identifier(column)} {'not in' if negate else 'in'} ({sql_list(values)})"


@dataclass(frozen=True)
class Pending:
    """This run's staged plans by (layer, name): the datasets whose published rows are not final yet."""

    databases: Any  # config.lake.databases: the live database of each layer
    staged: Mapping[tuple[str, str], StagePlan] = field(default_factory=dict)

    def __call__(
        self,
        layer: str,
        name: str,
        columns: list[str],
        partitions: Iterable[str] | None = None,
        partition_column: str | None = None,
        *,
        since: str | None = None,
        live: bool = True,
        live_filter: str | None = None,
    ) -> str:
        """SQL selecting `columns` of <layer>.<name> as it will be after this run publishes.

        `partitions` (with the `partition_column` they are values of): read only those, each
        from where it will be; `since`: only those from that value on. `live`: whether a
        published table exists to read beside the staged rows. `live_filter`: a predicate on
        the published rows only (a key range).
        """
        plan = self.staged.get((layer, name))
        wanted = None if partitions is None else sorted(set(partitions))
        if wanted is not None and (partition_column is None or not wanted):
            raise ValueError(f"{layer}.{name}: partitions to read need a column and at least one value")
        if since is not None and (partition_column is None or wanted is not None):
            raise ValueError(f"{layer}.{name}: `since` needs a partition column, and no partitions beside")
        if plan is None:
            staged_where, live_where, read_live = [], [_in(partition_column, wanted)] if wanted else [], live
        else:
            plan, staged_where, live_where, read_live = _sides(plan, wanted, partition_column, live)
        if since is not None:
            bound = f"{identifier(partition_column)} >= {sql_string(since)}"
            staged_where.append(bound)
            live_where.append(bound)
        if read_live and live_filter:
            live_where.append(live_filter)
        return render(
            "relation.sql",
            columns=columns,
            live=read_live,
            live_db=getattr(self.databases, identifier(layer)),
            table=identifier(name),
            staging_db=plan.staging_database if plan else None,
            temp_table=plan.temp_table if plan else None,
            staged_where=" and ".join(staged_where),
            live_where=" and ".join(live_where),
        )


def _sides(
    plan: StagePlan, wanted: list[str] | None, partition_column: str | None, live: bool
) -> tuple[StagePlan | None, list[str], list[str], bool]:
    """The staged side's and the published side's predicates when the run stages the dataset, and
    whether each is read (the plan, or None when the staged side holds none of `wanted`)."""
    # a complete or unpartitioned staging is the whole dataset: nothing published beside it
    rewritten = None if plan.complete or not plan.partition_column else set(plan.partitions)
    read_live = live and rewritten is not None
    if wanted is None or rewritten is None or plan.partition_column != partition_column:
        staged_where = [] if wanted is None else [_in(partition_column, wanted)]
        live_where = []
        if read_live:
            live_where.append(_in(plan.partition_column, sorted(rewritten), negate=True))
            if wanted is not None:
                live_where.append(_in(partition_column, wanted))
        return plan, staged_where, live_where, read_live
    from_stage = [p for p in wanted if p in rewritten]
    from_live = [p for p in wanted if p not in rewritten]
    read_live = read_live and bool(from_live)
    live_where = [_in(partition_column, from_live)] if read_live else []
    if not from_stage and read_live:
        return None, [], live_where, True  # every partition it reads is one this run does not rewrite
    return plan, [_in(partition_column, from_stage) if from_stage else "false"], live_where, read_live
