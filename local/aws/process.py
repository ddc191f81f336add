"""Start the endpoint as a child process on a free port: for tests, benchmarks and `make up`.

One place that knows how the endpoint announces itself (its first line of
output), so callers never race its start-up.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def start_endpoint(port: int = 0, env: dict[str, str] | None = None) -> tuple[subprocess.Popen[str], str]:
    """Start `python -m local.aws --port PORT`; return the process and its URL once it listens."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "local.aws", "--port", str(port)],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if "listening on" not in line:
        proc.kill()
        raise RuntimeError(f"local AWS endpoint did not start on port {port}: {line!r}")
    return proc, line.split()[-1]


def stop_endpoint(proc: subprocess.Popen[str], timeout_s: float = 10) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        proc.kill()
