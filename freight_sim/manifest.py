"""The manifest of an output folder: the one record that says a result is finished and what it holds.

Every folder the tool writes results into (a run, a run of a batch, a batch, a records audit) gets a
``manifest.json``. While files are written it says ``status: writing`` and lists the files about to be
written; when they are all in place it is rewritten with ``status: finished`` (or ``failed``) and the
SHA-256 of every file. A folder is finished only when its manifest says so and every listed file still
has the listed hash (:func:`file_problems`). The list is also what a later command may remove: the tool
never deletes a file that no manifest of it lists.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from freight_sim import atomic
from freight_sim.provenance import Provenance

MANIFEST_NAME = "manifest.json"
TOOL_NAME = "freight-sim"
WRITING = "writing"
FINISHED = "finished"
FAILED = "failed"
_HASH_CHUNK_BYTES = 1 << 20


def now_iso() -> str:
    """UTC time to the millisecond, as manifests record it."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        while chunk := handle.read(_HASH_CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest()


def _relative(folder: Path, path: Path | str) -> str:
    """A file's name inside ``folder``: from an absolute path, a path that starts with ``folder``, or a bare name."""
    path = Path(path)
    if path.is_absolute():
        return path.resolve().relative_to(folder.resolve()).as_posix()
    if folder.parts and path.parts[: len(folder.parts)] == folder.parts:
        return Path(*path.parts[len(folder.parts) :]).as_posix()
    return path.as_posix()


def write_manifest(
    folder: Path | str,
    *,
    kind: str,
    status: str,
    files: Iterable[Path | str],
    provenance: Provenance,
    fields: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Write ``folder/manifest.json`` (atomically) and return it.

    ``files`` are paths inside ``folder`` (absolute or relative to it). With ``status`` writing they are
    the files about to be written (no hashes); otherwise each is hashed as it is now.
    """
    folder = Path(folder)
    names = sorted({_relative(folder, f) for f in files})
    hashes = {name: None if status == WRITING else file_sha256(folder / name) for name in names if name != MANIFEST_NAME}
    manifest = {"tool": TOOL_NAME, "kind": kind, "status": status, **(fields or {}), **provenance.as_dict(), "files": hashes}
    atomic.write_json(folder / MANIFEST_NAME, manifest)
    return manifest


def read_manifest(folder: Path | str) -> dict[str, Any] | None:
    """The tool's manifest in ``folder``; None when there is none (or the file is not one of the tool's)."""
    try:
        manifest = json.loads((Path(folder) / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    if not isinstance(manifest, dict) or manifest.get("tool") != TOOL_NAME or not isinstance(manifest.get("files"), dict):
        return None
    return manifest


def listed_files(folder: Path | str, manifest: dict[str, Any]) -> list[Path]:
    """The files a manifest lists, as paths; entries pointing outside ``folder`` are ignored."""
    root = Path(folder).resolve()
    paths = []
    for name in manifest.get("files", {}):
        path = (root / str(name)).resolve()
        if path != root and path.is_relative_to(root):
            paths.append(path)
    return paths


def file_problems(folder: Path | str, manifest: dict[str, Any]) -> list[str]:
    """Why the files of ``folder`` do not match its manifest (missing, changed, not hashed); empty when they do."""
    problems = []
    for name, expected in manifest.get("files", {}).items():
        path = Path(folder) / str(name)
        if expected is None:
            problems.append(f"{name}: not finished")
        elif not path.is_file():
            problems.append(f"{name}: missing")
        elif file_sha256(path) != expected:
            problems.append(f"{name}: changed since it was written")
    return problems


def remove_listed(folder: Path | str, manifest: dict[str, Any]) -> None:
    """Delete the files ``manifest`` lists and then the manifest itself; prune folders this leaves empty."""
    root = Path(folder).resolve()
    parents = set()
    for path in listed_files(root, manifest):
        path.unlink(missing_ok=True)
        parents.add(path.parent)
    (root / MANIFEST_NAME).unlink(missing_ok=True)
    for parent in sorted(parents, key=lambda p: len(p.parts), reverse=True):
        while parent != root and parent.is_relative_to(root):
            try:
                parent.rmdir()
            except OSError:
                break
            parent = parent.parent


def update_hashes(folder: Path | str, paths: Iterable[Path | str]) -> None:
    """Record the current hash of ``paths`` (files inside ``folder``) in its finished manifest, if it has one."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    if manifest is None or manifest.get("status") == WRITING:
        return
    root = folder.resolve()
    for path in paths:
        path = Path(path).resolve()
        if path.is_relative_to(root) and path.is_file():
            manifest["files"][path.relative_to(root).as_posix()] = file_sha256(path)
    atomic.write_json(folder / MANIFEST_NAME, manifest)
