"""``python -m local.aws --port 4566``: run the local AWS endpoint in the foreground.

Prints one line ``local-aws listening on http://HOST:PORT`` once the socket is bound and the lake
is restored and bootstrapped (tests read it to learn the port when started with ``--port 0``),
then serves until interrupted. The lake (S3 objects, the Glue catalog) is kept in a state
directory, so stopping or killing the endpoint loses nothing; ``--ephemeral`` keeps it in memory.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
from pathlib import Path
from types import FrameType

from .persistence import STATE_DIR_ENV, StateDirInUse, default_state_dir
from .server import LocalAwsServer


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m local.aws", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=4566, help="port; 0 picks a free one (default 4566)")
    parser.add_argument("--work-dir", type=Path, help="local mirror and scratch files (default: a temp dir)")
    parser.add_argument("--workers", type=int, default=8, help="Athena queries run concurrently (default 8)")
    state = parser.add_mutually_exclusive_group()
    state.add_argument(
        "--state-dir",
        type=Path,
        help=f"where S3 objects and the Glue catalog are kept across restarts (default ${STATE_DIR_ENV}, "
        "else .local/aws/lake)",
    )
    state.add_argument("--ephemeral", action="store_true", help="keep the lake in memory only")
    parser.add_argument(
        "--no-bootstrap",
        action="store_true",
        help="do not create the lake's buckets, Glue databases, workgroup and crawler on start",
    )
    parser.add_argument("--verbose", action="store_true", help="log every HTTP request")
    args = parser.parse_args(argv)
    if not args.verbose:
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
    state_dir = None if args.ephemeral else (args.state_dir or default_state_dir())
    try:
        server = LocalAwsServer(
            args.host, args.port, work_dir=args.work_dir, workers=args.workers, state_dir=state_dir
        )
    except StateDirInUse as err:
        print(f"local-aws: {err}", file=sys.stderr, flush=True)
        return 1

    def _stop(signum: int, _frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _stop)
    try:
        if not args.no_bootstrap:
            server.create_lake_resources()
        print(f"local-aws listening on {server.url}", flush=True)
        print(
            f"  export AWS_ENDPOINT_URL={server.url} AWS_DEFAULT_REGION=us-east-1 "
            "AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test",
            flush=True,
        )
        restored = server.restored
        if restored is None:
            print("  lake: in memory (--ephemeral)", flush=True)
        else:
            counts = f"{restored.objects} objects, {restored.tables} tables restored"
            print(f"  lake: {state_dir.resolve()} ({counts})", flush=True)
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
