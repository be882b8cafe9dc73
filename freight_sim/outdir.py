"""Output folders you can trust: one command at a time, no user file overwritten, no stale results.

:func:`claim_out_dir` is the one entry every writing command (run, batch, ratio, ...) goes through:

* it holds an exclusive lock (``filelock``) on the folder for as long as the command writes, so a second
  command on the same folder fails at once instead of mixing its results in;
* it refuses a folder holding files that no manifest of the tool lists (the user's own files), unless
  ``overwrite`` is given;
* it removes what a previous run of the tool listed in its manifest (``clean``), and leftover temp files of
  an interrupted write, and never anything else.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from freight_sim.errors import FreightSimError
from freight_sim.manifest import FINISHED, MANIFEST_NAME, WRITING, listed_files, now_iso, read_manifest, remove_listed, write_manifest
from freight_sim.provenance import Provenance

LOCK_NAME = ".freight-sim.lock"
TEMP_SUFFIX = ".tmp"  # atomic.py writes ``.<name>.<random>.tmp`` beside the file it replaces
# The sub-folder holding the nested results of a kind (one folder with its own manifest per run of a batch).
# Inside a folder whose top manifest is of that kind, it is the tool's: its runs are redone or resumed there.
NESTED_RESULTS = {"batch": "runs", "optimisation": "runs", "pathway": "replications"}
MAX_NAMES_SHOWN = 3


class OutputFolderError(FreightSimError):
    """An output folder cannot be used (locked, holds someone else's files, is a file)."""


def is_temp_file(path: Path) -> bool:
    return path.name.startswith(".") and path.name.endswith(TEMP_SUFFIX)


def remove_temp_files(folder: Path | str) -> list[Path]:
    """Delete leftover temp files of interrupted atomic writes anywhere under ``folder``; return them."""
    removed = []
    for path in Path(folder).rglob(f".*{TEMP_SUFFIX}"):
        if path.is_file() and is_temp_file(path):
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def _manifest_folders(folder: Path, kind: str) -> list[Path]:
    """The top folder and the nested result folders of ``kind`` that hold a manifest of the tool."""
    folders = [folder] if read_manifest(folder) is not None else []
    nested = NESTED_RESULTS.get(kind)
    if nested is not None:
        folders += sorted(p.parent for p in folder.glob(f"{nested}/*/{MANIFEST_NAME}") if read_manifest(p.parent) is not None)
    return folders


def _foreign_files(folder: Path, kind: str) -> tuple[list[Path], list[Path]]:
    """(files no manifest of the tool lists, folders holding the tool's manifests)."""
    manifest_folders = _manifest_folders(folder, kind)
    known: set[Path] = set()
    for manifest_folder in manifest_folders:
        known.add((manifest_folder / MANIFEST_NAME).resolve())
        known.update(listed_files(manifest_folder, read_manifest(manifest_folder) or {}))
    top = read_manifest(folder)
    nested = NESTED_RESULTS.get(kind) if top is not None and top.get("kind") == kind else None
    foreign = []
    for root, _dirs, files in os.walk(folder):
        for name in files:
            path = Path(root) / name
            if path == folder / LOCK_NAME or is_temp_file(path) or path.resolve() in known:
                continue
            if nested is not None and path.relative_to(folder).parts[0] == nested:
                continue
            foreign.append(path)
    return sorted(foreign), manifest_folders


def _check_kind(folder: Path, kind: str) -> str | None:
    top = read_manifest(folder)
    if top is not None and top.get("kind") != kind:
        return f"it holds the result of a {top.get('kind')!r} command, not of {kind!r}"
    return None


def _refusal(folder: Path, kind: str, foreign: list[Path]) -> str | None:
    reason = _check_kind(folder, kind)
    if reason is None and foreign:
        names = ", ".join(p.relative_to(folder).as_posix() for p in foreign[:MAX_NAMES_SHOWN])
        more = f" and {len(foreign) - MAX_NAMES_SHOWN} more" if len(foreign) > MAX_NAMES_SHOWN else ""
        reason = f"it holds files freight-sim did not write ({names}{more})"
    if reason is None:
        return None
    return (
        f"{folder}: --out: {reason}; choose a new or empty folder, or add --overwrite to write into it "
        "(files with an output's name are replaced, others are kept)"
    )


@contextmanager
def claim_out_dir(folder: Path | str, *, kind: str, overwrite: bool = False, clean: bool = True) -> Iterator[Path]:
    """Create or reuse ``folder`` for a result of ``kind`` and hold its lock while the body writes.

    ``clean`` removes every file the tool's manifests in the folder list (a fresh result); without it
    (resuming a batch) only temp files are removed. A folder this call created is removed again if the
    body fails before writing anything into it.
    """
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise OutputFolderError(f"{folder}: --out: names an existing file, not a folder; give a folder path")
    created = not folder.exists()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputFolderError(f"{folder}: --out: cannot create the folder: {exc.strerror or exc}") from None
    try:
        with locked_out_dir(folder):
            foreign, manifest_folders = _foreign_files(folder, kind)
            refusal = _refusal(folder, kind, foreign)
            if refusal is not None and not overwrite:
                raise OutputFolderError(refusal)
            if clean or refusal is not None:
                for manifest_folder in reversed(manifest_folders):
                    remove_listed(manifest_folder, read_manifest(manifest_folder) or {})
            remove_temp_files(folder)
            yield folder
    except BaseException:
        if created:
            _remove_if_empty(folder)
        raise


def _remove_if_empty(folder: Path) -> None:
    """Remove a folder that holds nothing, or only a lock file left behind."""
    try:
        if [p.name for p in folder.iterdir()] == [LOCK_NAME]:
            (folder / LOCK_NAME).unlink()
        folder.rmdir()
    except OSError:
        pass


@contextmanager
def locked_out_dir(folder: Path | str) -> Iterator[Path]:
    """Hold the exclusive lock of an existing folder; fail at once when another command holds it."""
    folder = Path(folder)
    lock = FileLock(folder / LOCK_NAME, timeout=0)
    try:
        lock.acquire()
    except Timeout:
        raise OutputFolderError(
            f"{folder}: --out: another freight-sim command is writing into this folder (it holds {LOCK_NAME}); "
            "wait for it to finish or choose another folder"
        ) from None
    try:
        yield folder
    finally:
        # unlinked while still held: filelock's acquire notices a lock file replaced under it and retries
        (folder / LOCK_NAME).unlink(missing_ok=True)
        lock.release()


def write_result_folder(
    folder: Path | str,
    *,
    kind: str,
    planned: list[str],
    write: Callable[[Path], list[Path]],
    overwrite: bool = False,
    fields: dict[str, Any] | None = None,
) -> list[Path]:
    """Claim ``folder``, then ``write(folder)`` between a ``writing`` manifest listing ``planned`` and a finished one
    listing (with hashes) the paths ``write`` returns. For commands whose result is a handful of files."""
    folder = Path(folder).resolve()
    provenance = Provenance.detect()
    started = now_iso()
    with claim_out_dir(folder, kind=kind, overwrite=overwrite):
        write_manifest(folder, kind=kind, status=WRITING, files=planned, provenance=provenance)
        paths = write(folder)
        done = {"started": started, "ended": now_iso(), **(fields or {})}
        write_manifest(folder, kind=kind, status=FINISHED, files=paths, provenance=provenance, fields=done)
    return paths
