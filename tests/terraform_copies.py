"""A copy of terraform/ with one IAM statement taken out: what a policy missing a grant renders to."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from local.aws.iam_render import TERRAFORM_DIR


def terraform_without_statement(directory: Path, module_file: str, sid: str) -> Path:
    """terraform/ copied under `directory`, with the `statement` block whose sid is `sid` removed
    from `module_file` (relative to terraform/); fails unless exactly one block was."""
    copy = directory / "terraform"
    shutil.copytree(TERRAFORM_DIR, copy, ignore=shutil.ignore_patterns(".terraform*", "*.tfstate*"))
    path = copy / module_file
    edited, removed = re.subn(
        rf'\n  statement \{{\n    sid\s+= "{re.escape(sid)}".*?\n  \}}\n', "\n", path.read_text(), flags=re.S
    )
    assert removed == 1, f"{module_file} has no single statement {sid}"
    path.write_text(edited)
    return copy
