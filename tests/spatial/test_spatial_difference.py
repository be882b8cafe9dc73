"""A siding variant's NOx difference grid is negative along its enterprise's former truck route.

A reduced batch (8 days, one replication) of the bundled scenario and the candidate siding of coking
plant E04 with spatial outputs; `freight-sim report` writes the difference grids.
"""

from __future__ import annotations

import pandas as pd
import pytest
from typer.testing import CliRunner

from freight_sim.cli import app
from freight_sim.config import load_scenario
from freight_sim.experiments.batch import run_batch
from freight_sim.network import load_network
from freight_sim.paths import default_scenario_path
from freight_sim.spatial.gridding import cell_matrix, grid_around
from freight_sim.spatial.places import Places
from freight_sim.spatial.segments import segment_places

EXPERIMENT = """\
name: e04-siding-spatial
base: bundled:changzhi
variants:
  e04-siding:
    enterprises: {E04: {siding: {enabled: true}}}
replications: 1
seed: 20261124
simulation: {days: 8}
"""
DEG = 0.01


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    folder = tmp_path_factory.mktemp("batch")
    path = folder / "experiment.yaml"
    path.write_text(EXPERIMENT, encoding="utf-8")
    out = folder / "out"
    result = run_batch(path, out, executor="inprocess", overrides=["spatial=true"])
    assert not result.failures, [r.error for r in result.failures]
    report = CliRunner().invoke(app, ["report", str(out)])
    assert report.exit_code == 0, report.output
    assert "difference grid:" in report.output
    return out


def _route_cells(overrides: tuple[str, ...] = (), chain: str = "road") -> set:
    """Cells (column, row) of the edges E04's ``chain`` segments run on (road-chain trucks in the baseline by default)."""
    loaded = load_scenario(default_scenario_path(), list(overrides))
    network = load_network(loaded)
    places = Places(network, ["urban"])
    segments = segment_places(loaded, network, places)
    table = places.table()
    grid = grid_around(table, DEG)
    shares, cells = cell_matrix(table, grid)
    shares = shares.tocsc()
    e04 = sorted(
        {
            int(p)
            for key, s in segments.items()
            if key[0] == "E04" and key[2] == chain and (chain != "road" or s.mode == "road")
            for p in s.places
        }
    )
    assert e04, f"E04 has {chain} segments"
    found = set()
    for p in e04:
        for i in shares.indices[shares.indptr[p] : shares.indptr[p + 1]]:
            found.add((int(cells[i] % grid.n_lon + grid.lon_first), int(cells[i] // grid.n_lon + grid.lat_first)))
    return found


def test_difference_grid_is_negative_along_the_former_truck_route(batch):
    table = pd.read_parquet(batch / "emissions_cells_difference.parquet")
    assert set(table["variant"]) == {"e04-siding"} and set(table["reference"]) == {"baseline"}
    assert (table["pairs"] == 1).all()
    route = _route_cells()
    along = table.set_index(["column", "row"]).reindex(sorted(route))
    assert along["nox_kg_reference"].notna().all() and (along["nox_kg_reference"] > 0).all()  # trucks ran there
    assert along["nox_kg"].sum() < 0
    # the siding's own trains (diesel shunting on its unelectrified spur) emit in the cells they share with the
    # former truck route; every other cell of that route loses NOx
    siding_rail = _route_cells(("enterprises.E04.siding.enabled=true",), chain="rail_siding")
    elsewhere = along.loc[sorted(route - siding_rail)]
    assert len(elsewhere) > len(along) // 2  # rail and road share a valley in part of the route
    assert (elsewhere["nox_kg"] < 0).all(), elsewhere[elsewhere["nox_kg"] >= 0]
    assert table["nox_kg"].sum() < 0


def test_difference_equals_variant_minus_baseline_totals(batch):
    table = pd.read_parquet(batch / "emissions_cells_difference.parquet")
    runs = {p.parent.parent.name: pd.read_parquet(p) for p in (batch / "runs").glob("*/tables/emissions_cells.parquet")}
    assert len(runs) == 2
    variant = next(v for k, v in runs.items() if "e04" in k)
    baseline = next(v for k, v in runs.items() if "baseline" in k)
    assert table["nox_kg"].sum() == pytest.approx(variant["nox_kg"].sum() - baseline["nox_kg"].sum(), rel=1e-9)
    assert table["nox_kg_reference"].sum() == pytest.approx(baseline["nox_kg"].sum(), rel=1e-9)


def test_difference_netcdf_reads_back(batch):
    xr = pytest.importorskip("xarray")
    with xr.open_dataset(batch / "emissions_difference.nc") as ds:
        assert ds["nox"].dims == ("variant", "lat", "lon") and ds["nox"].attrs["units"] == "kg"
        assert list(ds["variant"].values) == ["e04-siding"] and ds.attrs["Conventions"] == "CF-1.8"
        table = pd.read_parquet(batch / "emissions_cells_difference.parquet")
        assert float(ds["nox"].sum()) == pytest.approx(table["nox_kg"].sum(), rel=1e-9)
