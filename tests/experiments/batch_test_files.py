"""Test inputs of the batch tests: the data folder and a helper that writes an experiment file."""

from __future__ import annotations

import shutil
from pathlib import Path

DATA = Path(__file__).parent / "data"

# ``python -c`` code of a CLI driver that Ctrl-C stops as at a terminal: a process started from a background job
# inherits SIGINT ignored, and Python then installs no KeyboardInterrupt handler, so the test would wait for a
# Ctrl-C the driver never sees (tests run by ``cmd &`` or ``nohup cmd &``)
CLI_DRIVER_CODE = "import signal; signal.signal(signal.SIGINT, signal.default_int_handler); from freight_sim.cli import main; main()"


def copy_mini(folder: Path) -> Path:
    """Copy mini_scenario.yaml and mini_experiment.yaml (5 variants x 3 replications) into ``folder``."""
    for name in ("mini_scenario.yaml", "mini_experiment.yaml"):
        shutil.copy(DATA / name, folder / name)
    return folder


def write_experiment(folder: Path, text: str, name: str = "exp.yaml") -> Path:
    """An experiment file beside the mini scenario (copied into ``folder`` if missing)."""
    if not (folder / "mini_scenario.yaml").exists():
        shutil.copy(DATA / "mini_scenario.yaml", folder / "mini_scenario.yaml")
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path
