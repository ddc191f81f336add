"""Stand-ins the tests put where a real service would be: an HTTP server answering in JSON
(a fake Airflow API, a foreign server on one of our ports) and a process named like one of
Airflow's services."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class JsonReplies(BaseHTTPRequestHandler):
    """Answers in JSON, as Airflow's REST API does, and keeps the test's output quiet."""

    def reply(self, status: int, body: Any) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *_args: Any) -> None:
        pass


@contextmanager
def serving(handler: type[BaseHTTPRequestHandler]) -> Iterator[int]:
    """`handler` served on a free loopback port (yielded) until the block ends."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def named_process(service: str) -> Iterator[subprocess.Popen[str]]:
    """A process whose command line names `service` (as Service.pid() checks) and that listens
    nowhere; yielded once it runs, killed when the block ends."""
    process = subprocess.Popen(
        [sys.executable, "-c", "import time; print('up', flush=True); time.sleep(60)", service],
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        assert process.stdout is not None and process.stdout.readline()  # its command line is set by now
        yield process
    finally:
        process.kill()
        process.wait()
