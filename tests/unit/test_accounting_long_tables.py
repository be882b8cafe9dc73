"""Accounting of long leg tables: a grid factor per row (a pathway's years in one pass) and chunked arithmetic.

Both must give exactly the numbers of the plain pass (the same arithmetic value by value), and the memory the
accounting uses beyond its result must not grow with the rows (a multi-year run has a year's rows per year).
"""

from __future__ import annotations

import tracemalloc

import numpy as np
import pandas as pd
import pytest

from freight_sim.config.scenario import GridSetting
from freight_sim.emissions import account, account_legs, grid_factor, load_factors, load_grid_table
from freight_sim.emissions.grid import RowGridFactors
from freight_sim.fleet import load_catalog

VEHICLES = (("diesel-cn5", "road"), ("bev-swap", "road"), ("lng-cn6", "road"), ("rail-electric", "rail"), ("conveyor-belt", "conveyor"))


@pytest.fixture(scope="module")
def tables():
    return load_catalog(), load_factors(), load_grid_table()


@pytest.fixture(scope="module")
def two_grids(tables):
    table = tables[2]
    return [grid_factor(GridSetting(factor="shanxi-2023"), table), grid_factor(GridSetting(new_energy_share=0.3), table)]


def mixed_legs(n: int, seed: int = 1) -> pd.DataFrame:
    """``n`` leg rows of road, rail and conveyor vehicles with varied loads, km and trips."""
    rng = np.random.default_rng(seed)
    pick = rng.integers(0, len(VEHICLES), n)
    trips = rng.integers(1, 40, n)
    return pd.DataFrame(
        {
            "mode": pd.Categorical([VEHICLES[i][1] for i in pick]),
            "vehicle_type": pd.Categorical([VEHICLES[i][0] for i in pick]),
            "tonnes": rng.uniform(0.0, 40.0, n) * trips,
            "loaded_km": rng.uniform(1.0, 120.0, n) * trips,
            "empty_km": rng.uniform(0.0, 120.0, n) * trips,
            "electrified_share": rng.uniform(0.0, 1.0, n),
            "shunting_share": rng.uniform(0.0, 0.2, n),
            "trips": trips,
        }
    )


def test_rows_with_their_own_grid_equal_each_grid_on_its_rows(tables, two_grids):
    catalog, factors, _ = tables
    legs = mixed_legs(500)
    which = np.random.default_rng(2).integers(0, 2, len(legs))
    one_pass = account_legs(legs, catalog, factors, RowGridFactors.pick(two_grids, which))
    assert "grid" not in one_pass.attrs  # the rows' grids differ: no single label
    assert one_pass["co2_upstream_electricity_kg"].gt(0).any()
    for k, grid in enumerate(two_grids):
        rows = which == k
        alone = account_legs(legs.loc[rows].reset_index(drop=True), catalog, factors, grid)
        pd.testing.assert_frame_equal(one_pass.loc[rows].reset_index(drop=True), alone, check_exact=True, check_categorical=False)


def test_one_grid_for_every_row_keeps_its_label(tables, two_grids):
    catalog, factors, _ = tables
    legs = mixed_legs(50)
    by_row = account_legs(legs, catalog, factors, RowGridFactors.pick(two_grids[:1], np.zeros(len(legs), dtype=int)))
    plain = account_legs(legs, catalog, factors, two_grids[0])
    assert by_row.attrs == plain.attrs == {"grid": two_grids[0].label}
    pd.testing.assert_frame_equal(by_row, plain, check_exact=True)


def test_chunks_give_the_numbers_of_one_pass(tables, two_grids, monkeypatch):
    catalog, factors, _ = tables
    legs = mixed_legs(1000)
    which = np.random.default_rng(3).integers(0, 2, len(legs))
    whole = account_legs(legs, catalog, factors, RowGridFactors.pick(two_grids, which))
    monkeypatch.setattr(account, "CHUNK_ROWS", 7)  # many chunks, the last one short
    chunked = account_legs(legs, catalog, factors, RowGridFactors.pick(two_grids, which))
    pd.testing.assert_frame_equal(chunked, whole, check_exact=True)


def _memory_beyond_result_mb(legs: pd.DataFrame, catalog, factors, grid) -> tuple[float, float]:
    """(peak traced memory of accounting minus the memory it keeps, the memory it keeps), MB."""
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        out = account_legs(legs, catalog, factors, grid)
        kept, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(out) == len(legs)
    return (peak - kept) / 2**20, (kept - before) / 2**20


def test_the_memory_beyond_the_result_does_not_grow_with_the_rows(tables, two_grids):
    catalog, factors, _ = tables
    extra_small, _ = _memory_beyond_result_mb(mixed_legs(20_000), catalog, factors, two_grids[0])
    extra_large, kept_large = _memory_beyond_result_mb(mixed_legs(200_000), catalog, factors, two_grids[0])
    # temporaries of the arithmetic are per chunk; what grows with the rows is a few bytes a row of codes and masks
    assert extra_large < extra_small + 0.2 * kept_large, (extra_small, extra_large, kept_large)
