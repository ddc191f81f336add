"""A base for the tests' stand-in HTTP services (a fake Airflow API, a foreign server on our port)."""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler
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
