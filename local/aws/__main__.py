"""``python -m local.aws --port 4566``: run the local AWS endpoint in the foreground.

Prints one line ``local-aws listening on http://HOST:PORT`` once the socket is bound (tests
read it to learn the port when started with ``--port 0``), then serves until interrupted.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
from pathlib import Path
from types import FrameType

from .server import LocalAwsServer


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m local.aws", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=4566, help="port; 0 picks a free one (default 4566)")
    parser.add_argument("--work-dir", type=Path, help="local mirror and scratch files (default: a temp dir)")
    parser.add_argument("--workers", type=int, default=8, help="Athena queries run concurrently (default 8)")
    parser.add_argument("--verbose", action="store_true", help="log every HTTP request")
    args = parser.parse_args(argv)
    if not args.verbose:
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = LocalAwsServer(args.host, args.port, work_dir=args.work_dir, workers=args.workers)

    def _stop(signum: int, _frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _stop)
    print(f"local-aws listening on {server.url}", flush=True)
    print(
        f"  export AWS_ENDPOINT_URL={server.url} AWS_DEFAULT_REGION=us-east-1 "
        "AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test",
        flush=True,
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
