"""Where the offline stack keeps its state.

Everything generated lives under `.local/` in the repository so that `make clean`
(or `rm -rf .local`) returns a checkout to a fresh clone, and nothing is written
to the user's home directory.
"""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
LOCAL_DIR = Path(os.environ.get("LAKEHOUSE_LOCAL_DIR", REPO_ROOT / ".local"))
INCLUDE_DIR = REPO_ROOT / "include"
DAGS_DIR = REPO_ROOT / "dags"
PLUGINS_DIR = REPO_ROOT / "plugins"
