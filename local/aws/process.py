"""Start the endpoint as a child process on a free port: for tests, benchmarks and `make up`.

One place that knows how the endpoint announces itself (its first line of
output), so callers never race its start-up. Unless given a state directory the
child keeps its lake in memory and creates nothing on start: a test or a
benchmark must neither read nor write the developer's lake in .local/aws/lake.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def endpoint_command(port: int = 0, state_dir: Path | None = None, bootstrap: bool = False) -> list[str]:
    """`python -m local.aws` on `port`, kept in `state_dir` (None: in memory)."""
    command = [sys.executable, "-m", "local.aws", "--port", str(port)]
    command += ["--ephemeral"] if state_dir is None else ["--state-dir", str(state_dir)]
    return command if bootstrap else [*command, "--no-bootstrap"]


def start_endpoint(
    port: int = 0,
    env: dict[str, str] | None = None,
    state_dir: Path | None = None,
    bootstrap: bool = False,
) -> tuple[subprocess.Popen[str], str]:
    """Start the endpoint (see `endpoint_command`); return the process and its URL once it listens."""
    proc = subprocess.Popen(
        endpoint_command(port, state_dir, bootstrap),
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if "listening on" not in line:
        proc.kill()
        proc.wait()
        raise RuntimeError(f"local AWS endpoint did not start on port {port}: {line!r}")
    return proc, line.split()[-1]


def stop_endpoint(proc: subprocess.Popen[str], timeout_s: float = 10) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        proc.kill()
