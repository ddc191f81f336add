"""plugins.zip's bytes depend only on its entries' names and contents, so deploy can compare digests."""

from __future__ import annotations

import os
import stat
import zipfile
from pathlib import Path

from deploy.archive import FIXED_TIME, write_deterministic_zip


def _files(folder: Path, contents: dict[str, bytes], mtime: int, mode: int) -> dict[str, Path]:
    files = {}
    for name, data in contents.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        os.utime(path, (mtime, mtime))
        path.chmod(mode)
        files[name] = path
    return files


CONTENTS = {"pkg/__init__.py": b"", "pkg/mod.py": b"x = 1\n", "plugin.py": b"import pkg\n"}


def test_the_same_contents_give_the_same_bytes_whatever_the_files_times_modes_and_order(
    tmp_path: Path,
) -> None:
    one = _files(tmp_path / "one", CONTENTS, mtime=1_000_000_000, mode=0o644)
    other = _files(tmp_path / "other", CONTENTS, mtime=1_700_000_000, mode=0o755)
    write_deterministic_zip(tmp_path / "one.zip", one)
    write_deterministic_zip(tmp_path / "other.zip", dict(reversed(list(other.items()))))
    assert (tmp_path / "one.zip").read_bytes() == (tmp_path / "other.zip").read_bytes()


def test_a_changed_content_changes_the_bytes(tmp_path: Path) -> None:
    before = _files(tmp_path / "before", CONTENTS, mtime=1_000_000_000, mode=0o644)
    after = _files(
        tmp_path / "after", {**CONTENTS, "pkg/mod.py": b"x = 2\n"}, mtime=1_000_000_000, mode=0o644
    )
    write_deterministic_zip(tmp_path / "before.zip", before)
    write_deterministic_zip(tmp_path / "after.zip", after)
    assert (tmp_path / "before.zip").read_bytes() != (tmp_path / "after.zip").read_bytes()


def test_entries_are_sorted_uncompressed_with_one_time_and_a_plain_file_mode(tmp_path: Path) -> None:
    files = _files(tmp_path / "src", CONTENTS, mtime=1_700_000_000, mode=0o700)
    assert write_deterministic_zip(tmp_path / "out.zip", dict(reversed(list(files.items())))) == 3
    with zipfile.ZipFile(tmp_path / "out.zip") as archive:
        infos = archive.infolist()
        assert [info.filename for info in infos] == sorted(CONTENTS)
        for info in infos:
            assert info.date_time == FIXED_TIME
            assert info.compress_type == zipfile.ZIP_STORED
            assert stat.S_IMODE(info.external_attr >> 16) == 0o644
            assert archive.read(info) == CONTENTS[info.filename]
