"""One exclusive lock per folder, shared by processes: how writers of the corpus and the index take turns."""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from index.errors import DiskError


@contextmanager
def exclusive_lock(folder: Path) -> Iterator[None]:
    """Hold the folder's lock (``folder/.lock``) for the block; other holders wait their turn.

    DiskError when the folder cannot be made or written in (read-only, not permitted).
    """
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle = (folder / ".lock").open("w")
    except OSError as err:
        raise DiskError(f"cannot use the folder {folder}: {err.strerror or err}") from err
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
