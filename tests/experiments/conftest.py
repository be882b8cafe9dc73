"""Fixtures for the batch tests: a small scenario and experiment copied into a temporary folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    """A folder with mini_scenario.yaml and mini_experiment.yaml (3 reps x 5 variants = 15 runs)."""
    for name in ("mini_scenario.yaml", "mini_experiment.yaml"):
        shutil.copy(DATA / name, tmp_path / name)
    return tmp_path


def write_experiment(folder: Path, text: str, name: str = "exp.yaml") -> Path:
    """An experiment file beside the mini scenario (copied into ``folder`` if missing)."""
    if not (folder / "mini_scenario.yaml").exists():
        shutil.copy(DATA / "mini_scenario.yaml", folder / "mini_scenario.yaml")
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path
