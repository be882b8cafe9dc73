"""Which software produced a result: package version and, in a source checkout, the git commit."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from freight_sim import __version__


@dataclass(frozen=True)
class Provenance:
    """Software versions recorded in every manifest and in ``batch.json``."""

    package_version: str
    git_commit: str | None

    @classmethod
    def detect(cls) -> Provenance:
        return cls(__version__, git_commit())

    def as_dict(self) -> dict[str, Any]:
        return {"package_version": self.package_version, "git_commit": self.git_commit}


def git_commit() -> str | None:
    """Commit of the source checkout the package runs from, if it is one (None for an installed wheel)."""
    package_dir = Path(__file__).resolve().parent
    try:
        done = subprocess.run(["git", "rev-parse", "HEAD"], cwd=package_dir, capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    commit = done.stdout.strip()
    return commit if done.returncode == 0 and commit else None
