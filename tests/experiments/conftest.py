"""Fixtures for the batch tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from batch_test_files import copy_mini


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    """A folder with mini_scenario.yaml and mini_experiment.yaml (3 reps x 5 variants = 15 runs)."""
    return copy_mini(tmp_path)
