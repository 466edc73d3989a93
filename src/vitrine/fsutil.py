"""Files written so that a crash never leaves a half-written one, and cheap change stamps."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside `path`; on success it replaces `path`, on failure it is removed.

    For writers that want a file name or object (numpy, PIL, faiss, csv). The temporary file is
    flushed to disk before the rename, so after a crash `path` holds either the old or the new
    content, never part of it.
    """
    # A random name, not `path.tmp`: two workers writing the same thumbnail must not share one.
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        yield tmp
        _fsync(tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_atomic(path: Path, data: bytes | str) -> None:
    """Write `data` (text as UTF-8) to `path` atomically: the old content stays until it is complete."""
    with atomic_path(path) as tmp:
        if isinstance(data, str):
            tmp.write_text(data, encoding="utf-8")
        else:
            tmp.write_bytes(data)


def file_stamp(location: str | Path) -> str | None:
    """size:mtime of a local file, to notice changes without reading it (None for a URL or a missing file)."""
    if isinstance(location, str) and "://" in location:
        return None
    try:
        st = Path(location).stat()
    except OSError:
        return None
    return f"{st.st_size}:{st.st_mtime_ns}"


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
