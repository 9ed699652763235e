"""Writing a file an operator asked for (an export, a return): whole or not at all, and an
error they can act on (a full disk, a folder that does not exist, no permission), never a
traceback.

The content goes to a hidden `.NAME.partial` beside the file and replaces it only once
complete, so a full disk leaves the previous file (or none), never half an export. A target
that is not a regular file (a device such as /dev/stdout) is written directly.
"""

from __future__ import annotations

import contextlib
import errno
import os
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any, TypeVar

T = TypeVar("T")


class WriteProblem(Exception):
    """The file could not be written; the message says where and why."""


def why_not(error: OSError) -> str:
    """An operating system error in words an operator can act on."""
    if error.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return "the disk is full (No space left on device); free some space or choose another place"
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "Sightline may not write there; choose another place or fix its permissions"
    if error.errno == errno.ENOENT:
        return "the folder does not exist"
    if error.errno == errno.EISDIR:
        return "it is a folder; name a file"
    return error.strerror or str(error)


def file_write(output: Path, write: Callable[[IO[Any]], T], *, text: bool = False) -> T:
    """Call `write` with a stream for `output` and keep the file only if it completes."""
    mode = "w" if text else "wb"
    encoding = "utf-8" if text else None
    direct = output.exists() and not output.is_file() and not output.is_dir()
    target = output if direct else output.with_name(f".{output.name}.partial")
    if not direct and output.is_dir():
        raise WriteProblem(f"Could not write {output}: it is a folder; name a file.")
    try:
        with target.open(mode, encoding=encoding) as stream:
            result = write(stream)
        if not direct:
            os.replace(target, output)
    except OSError as error:
        if not direct:
            with contextlib.suppress(OSError):
                target.unlink(missing_ok=True)
        raise WriteProblem(f"Could not write {output}: {why_not(error)}.") from error
    return result
