"""Files an operator asked for are written whole or not at all (sightline.core.files)."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from sightline.core.files import WriteProblem, file_write


def test_a_file_is_replaced_only_once_the_new_one_is_complete(tmp_path):
    target = tmp_path / "annex-a.xlsx"
    target.write_bytes(b"last month's export")

    def fails_half_way(stream):  # type: ignore[no-untyped-def]
        stream.write(b"half of this month's")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    with pytest.raises(WriteProblem, match=r"Could not write .*annex-a.xlsx: the disk is full"):
        file_write(target, fails_half_way)
    assert target.read_bytes() == b"last month's export"
    assert [path.name for path in tmp_path.iterdir()] == ["annex-a.xlsx"]

    assert file_write(target, lambda stream: stream.write(b"this month's")) == 12
    assert target.read_bytes() == b"this month's"
    assert [path.name for path in tmp_path.iterdir()] == ["annex-a.xlsx"]


@pytest.mark.parametrize(
    ("where", "says"),
    [("missing-folder/out.xml", "the folder does not exist"), (".", "it is a folder")],
)
def test_a_place_that_cannot_take_the_file_is_named_with_the_reason(tmp_path, where, says):
    with pytest.raises(WriteProblem, match=says):
        file_write(tmp_path / where, lambda stream: stream.write(b"x"))


def test_a_device_is_written_directly_and_a_full_one_is_reported():
    with pytest.raises(WriteProblem, match="Could not write /dev/full: the disk is full"):
        file_write(Path("/dev/full"), lambda stream: stream.write(b"x" * 10))
