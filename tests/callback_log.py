"""What lakehouse_daily's failure callback logs, captured for tests (it logs to the `lakehouse` logger)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@contextmanager
def failure_reports() -> Iterator[list[str]]:
    """The lines the failure callback logs while the block runs (the tasks run in this process)."""
    handler = _Lines()
    logger = logging.getLogger("lakehouse")
    logger.addHandler(handler)
    try:
        yield handler.lines
    finally:
        logger.removeHandler(handler)
