"""Command line for the sample shop: seed it, simulate days, count rows.

    python -m local.shop seed [--orders N] [--seed S] [--end-date YYYY-MM-DD] [--days D]
    python -m local.shop simulate-day [--date YYYY-MM-DD] [--seed S]
    python -m local.shop counts

The DSN comes from LAKEHOUSE_PG_DSN, else from the embedded server in .local/.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import date

import psycopg

from local.shop.model import DEFAULT_END_DATE, DEFAULT_HISTORY_DAYS, DEFAULT_ORDERS, DEFAULT_SEED, ShopSpec


def source_dsn() -> str:
    dsn = os.environ.get("LAKEHOUSE_PG_DSN")
    if dsn:
        return dsn
    from local.postgres import EmbeddedPostgres

    return EmbeddedPostgres().dsn()


def print_counts(conn: psycopg.Connection) -> None:
    from local.shop.load import row_counts

    for table, count in row_counts(conn).items():
        print(f"  {table:<12} {count:>12,}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m local.shop", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    seed = commands.add_parser("seed", help="replace the shop with a freshly generated history")
    seed.add_argument("--orders", type=int, default=DEFAULT_ORDERS)
    seed.add_argument("--seed", type=int, default=DEFAULT_SEED)
    seed.add_argument("--end-date", type=date.fromisoformat, default=DEFAULT_END_DATE)
    seed.add_argument("--days", type=int, default=DEFAULT_HISTORY_DAYS)
    day = commands.add_parser("simulate-day", help="apply one day of changes after the latest activity")
    day.add_argument("--date", type=date.fromisoformat, default=None)
    day.add_argument("--seed", type=int, default=DEFAULT_SEED)
    commands.add_parser("counts", help="rows per table")
    args = parser.parse_args(argv)

    with psycopg.connect(source_dsn(), autocommit=True) as conn:
        if args.command == "seed":
            from local.shop.generate import generate_shop
            from local.shop.load import replace_shop

            spec = ShopSpec(
                orders=args.orders, seed=args.seed, end_date=args.end_date, history_days=args.days
            )
            started = time.perf_counter()
            tables = generate_shop(spec)
            generated = time.perf_counter()
            replace_shop(conn, tables)
            print(
                f"seeded the shop: {spec.orders:,} orders from {spec.start_date} to {spec.end_date}"
                f" (seed {spec.seed}; generated in {generated - started:.1f}s,"
                f" loaded in {time.perf_counter() - generated:.1f}s)"
            )
            print_counts(conn)
        elif args.command == "simulate-day":
            from local.shop.simulate import simulate_day

            try:
                print(simulate_day(conn, args.date, args.seed).describe())
            except ValueError as exc:
                print(f"simulate-day: error: {exc}", file=sys.stderr)
                return 1
        else:
            print_counts(conn)
    return 0


if __name__ == "__main__":
    sys.exit(main())
