"""Write files atomically: temp file in the same folder, fsync, ``os.replace``.

A reader (or a resumed batch) therefore sees either the previous file or the complete new one, never a
half-written file that looks finished.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO


@contextmanager
def atomic_file(path: Path | str) -> Iterator[BinaryIO]:
    """Open a binary temp file beside ``path``; on success it replaces ``path``, on error it is removed."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, 0o644)  # mkstemp creates 0600; results are ordinary readable files
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def write_bytes(path: Path | str, data: bytes) -> None:
    with atomic_file(path) as handle:
        handle.write(data)


def write_text(path: Path | str, text: str, encoding: str = "utf-8") -> None:
    write_bytes(path, text.encode(encoding))


def write_json(path: Path | str, obj: Any) -> None:
    write_text(path, json.dumps(obj, indent=2, ensure_ascii=False, sort_keys=False, default=str) + "\n")


def write_with(path: Path | str, writer: Callable[[BinaryIO], None]) -> None:
    """Atomically write ``path`` with ``writer(handle)``, e.g. ``lambda h: df.to_parquet(h)``."""
    with atomic_file(path) as handle:
        writer(handle)


def write_csv(path: Path | str, frame: Any) -> None:
    """A pandas DataFrame as UTF-8 CSV with BOM (utf-8-sig) so Excel opens Chinese text correctly."""
    write_text(path, frame.to_csv(index=False), encoding="utf-8-sig")


def write_parquet(path: Path | str, frame: Any) -> None:
    write_with(path, lambda handle: frame.to_parquet(handle, index=False))
