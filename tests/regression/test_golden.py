"""Regression: a short seeded run of the bundled scenario against golden files.

These pin behaviour, they do not validate it (the validation tests compare with theory). When a change is
meant to alter results, regenerate and review the diff of tests/regression/golden/:

    FREIGHT_SIM_REGENERATE_GOLDEN=1 python -m pytest tests/regression
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

import pandas as pd
import pytest

from freight_sim.config import load_scenario
from freight_sim.paths import default_scenario_path
from freight_sim.runner import run_scenario

GOLDEN = Path(__file__).parent / "golden"
REGENERATE = os.environ.get("FREIGHT_SIM_REGENERATE_GOLDEN") == "1"
OVERRIDES = ["simulation.days=12", "simulation.warmup_days=2", "simulation.seed=7"]
# timings and versions change from machine to machine, and the config hash with every new schema field
# (defaults are part of the hashed scenario); everything else must not change
VOLATILE = {"wall_s", "sim_wall_s", "package_version", "description", "config_sha256", "inputs_sha256"}
REL_TOL = 1e-9


@pytest.fixture(scope="module")
def output():
    return run_scenario(load_scenario(default_scenario_path(), OVERRIDES))


def _stable_summary(summary: dict) -> dict:
    return {k: v for k, v in summary.items() if k not in VOLATILE}


def _compare(actual, expected, path="summary"):
    if isinstance(expected, dict):
        assert isinstance(actual, dict) and sorted(actual) == sorted(expected), f"{path}: keys differ"
        for key in expected:
            _compare(actual[key], expected[key], f"{path}.{key}")
    elif isinstance(expected, list):
        assert isinstance(actual, list) and len(actual) == len(expected), f"{path}: lengths differ"
        for i, (a, e) in enumerate(zip(actual, expected, strict=True)):
            _compare(a, e, f"{path}[{i}]")
    elif isinstance(expected, float) and not isinstance(expected, bool):
        assert isinstance(actual, (int, float)), f"{path}: {actual!r} is not a number"
        assert math.isclose(actual, expected, rel_tol=REL_TOL, abs_tol=1e-9) or (math.isnan(actual) and math.isnan(expected)), (
            f"{path}: {actual!r} != golden {expected!r}"
        )
    else:
        assert actual == expected, f"{path}: {actual!r} != golden {expected!r}"


def test_summary_matches_golden(output):
    path = GOLDEN / "summary.json"
    actual = json.loads(json.dumps(_stable_summary(output.summary), default=str))
    if REGENERATE:
        path.write_text(json.dumps(actual, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    _compare(actual, json.loads(path.read_text(encoding="utf-8")))


@pytest.mark.parametrize("table", ["enterprises", "tonnage", "emissions_by_vehicle"])
def test_table_matches_golden(output, table):
    path = GOLDEN / f"{table}.csv"
    frame = output.tables[table].copy()
    for column in frame.columns:
        if isinstance(frame[column].dtype, pd.CategoricalDtype):
            frame[column] = frame[column].astype(str)
    if REGENERATE:
        frame.to_csv(path, index=False, float_format="%.17g")
    expected = pd.read_csv(path)
    actual = pd.read_csv(__import__("io").StringIO(frame.to_csv(index=False, float_format="%.17g")))
    pd.testing.assert_frame_equal(actual, expected, check_exact=False, rtol=REL_TOL, atol=1e-9)


def test_regenerate_switch_is_off_in_ci():
    assert not (REGENERATE and os.environ.get("CI")), "golden files must not be regenerated in CI"
