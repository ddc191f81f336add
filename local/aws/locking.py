"""One lock around moto's backends.

moto's S3 and Glue stores are plain dicts that HTTP handler threads and the query engine's
worker threads both touch; iterating one while another thread inserts raises
``RuntimeError: dictionary changed size``. Every access from the endpoint, including the
pass-through of S3/Glue requests to moto, holds this lock for the (short) duration of the
backend call; query execution in DuckDB happens outside it.
"""

from __future__ import annotations

import threading

BACKEND_LOCK = threading.RLock()
