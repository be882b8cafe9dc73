"""Locate the bundled data folders (networks/, fleets/, experiments/).

In an installed wheel they live in ``freight_sim/_data``; in a source checkout (editable install) they
are the top-level folders of the repository.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def data_root() -> Path:
    """Folder holding ``networks/``, ``fleets/`` and ``experiments/``."""
    installed = _PACKAGE_DIR / "_data"
    if (installed / "networks").is_dir():
        return installed
    return _PACKAGE_DIR.parent


def bundled_network_dir(name: str) -> Path:
    return data_root() / "networks" / name


def fleets_dir() -> Path:
    return data_root() / "fleets"


def experiments_dir() -> Path:
    return data_root() / "experiments"


def default_scenario_path() -> Path:
    """The bundled Changzhi baseline scenario."""
    return bundled_network_dir("changzhi") / "scenario.yaml"


def bundled_scenarios() -> dict[str, Path]:
    """Name -> scenario file of every bundled network that ships one (``bundled:NAME`` in experiment files)."""
    root = data_root() / "networks"
    found = sorted(p.parent.name for p in root.glob("*/scenario.yaml")) if root.is_dir() else []
    return {name: bundled_network_dir(name) / "scenario.yaml" for name in found}
