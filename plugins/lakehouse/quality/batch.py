"""The SQL of an audit: the batch a suite validates, and the baseline of its volume check.

A dataset is audited as it will be once this run publishes, and so are the
datasets its lookups read: for each of them this run stages, in its layer or
the one beneath (gold is audited before silver publishes), the staged rows
stand in for the partitions being rewritten (lakehouse.wap.relations).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from lakehouse.config import PipelineConfig
from lakehouse.quality.suite import SuiteSpec, load_suite
from lakehouse.sql import identifier, render
from lakehouse.wap.plan import StagePlan
from lakehouse.wap.relations import Pending


@dataclass
class AuditScope:
    """The dataset being audited, and this run's plans for the datasets its lookups may read."""

    config: PipelineConfig
    plan: StagePlan
    plans: dict[tuple[str, str], StagePlan]  # (layer, name) -> plan, for those this run stages
    published: Callable[[str], set[str]]  # layer -> names of its published tables
    # staged column -> (min, max) over the staged rows, None when none are staged (key_range_sql)
    key_ranges: dict[str, tuple[int, int] | None] = field(default_factory=dict)

    def in_staged_range(self, column: str) -> str:
        """A predicate keeping `column` within the staged rows' min and max of it (`true` when its
        range was not asked for): a lookup reads only the live rows its staged keys can match."""
        if column not in self.key_ranges:
            return "true"
        bounds = self.key_ranges[column]
        if bounds is None:
            return "false"
        return f"{identifier(column)} between {bounds[0]} and {bounds[1]}"

    def key_range_sql(self, columns: list[str]) -> str:
        return render("audit/key_ranges.sql", staged=self.staged, columns=columns)

    def set_key_ranges(self, columns: list[str], row: list[str | None]) -> None:
        """Record the staged min and max of `columns` from key_range_sql's one row."""
        for index, column in enumerate(columns):
            least, most = row[2 * index], row[2 * index + 1]
            self.key_ranges[column] = None if least is None or most is None else (int(least), int(most))

    def relation(self, layer: str, name: str, columns: list[str], within: str | None = None) -> str:
        """SQL selecting `columns` of <layer>.<name> as it will be after this run publishes.

        `within`: a column of both whose live rows are read only within the staged rows' range
        of it (in_staged_range); for lookups that keep only the rows matching staged keys.
        """
        staged = self.plans.get((layer, name))
        is_live = name in self.published(layer)
        if staged is None and not is_live:
            # neither published nor staged (a first run limited to other tables): no rows,
            # typed as its suite declares so that joins on it still type-check
            declared = load_suite(layer, name).columns
            return render("audit/empty_relation.sql", columns=columns, types=declared)
        pending = Pending(self.config.lake.databases, self.plans)
        live_filter = self.in_staged_range(within) if within in self.key_ranges else None
        return pending(layer, name, columns, live=is_live, live_filter=live_filter)

    @property
    def staged(self) -> str:
        return f"{identifier(self.plan.staging_database)}.{identifier(self.plan.temp_table)}"

    def _lookup_context(self) -> dict[str, object]:
        return {
            "relation": self.relation,
            "staged": self.staged,
            "in_staged_range": self.in_staged_range,
            "bronze_db": self.config.lake.databases.bronze,
        }

    def batch_sql(self, suite: SuiteSpec) -> str:
        lookups = [
            {
                "name": lookup.name,
                "on": lookup.join_on,
                "sql": render(lookup.template, **self._lookup_context()),
            }
            for lookup in suite.lookups
        ]
        return render(
            "audit/batch.sql",
            staging_db=self.plan.staging_database,
            temp_table=self.plan.temp_table,
            lookups=lookups,
        )

    def partition_count_sql(self, partition: str) -> str:
        column = self.plan.partition_column
        if column is None:
            raise ValueError(f"{self.plan.dataset} has no partitions to count")
        relation = self.relation(self.plan.layer, self.plan.name, [column])
        return render(
            "audit/partition_count.sql", relation=relation, partition_column=column, partition=partition
        )


def previous_day(day: str) -> str:
    return (date.fromisoformat(day) - timedelta(days=1)).isoformat()
