"""Writing a file so that no reader ever sees half of it."""

from __future__ import annotations

import contextlib
import os
import uuid
from pathlib import Path

from index.errors import DiskError


def write_atomically(path: Path, data: bytes) -> None:
    """Replace the content of ``path`` with ``data`` in one step: a reader sees the old content or the new.

    The bytes go to a temporary file beside it (its folder is made when missing),
    reach the disk, and are renamed over it. When the disk refuses (full,
    read-only, not permitted), the temporary file is removed, ``path`` keeps its
    old content, and DiskError names the file and the reason.
    """
    # Unique per writer: two threads (two app sessions) may store the same file at once.
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex[:12]}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with temporary.open("wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except OSError as err:
        with contextlib.suppress(OSError):  # on a read-only disk even removing it fails
            temporary.unlink(missing_ok=True)
        kept = "; its earlier content is kept" if path.exists() else ""
        raise DiskError(f"cannot write {path}: {err.strerror or err}{kept}") from err
