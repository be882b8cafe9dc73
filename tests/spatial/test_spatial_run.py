"""A short run of the bundled scenario with spatial outputs: totals kept over edges, hours and cells (in
every file written), CF attributes of the NetCDF read back, and grids that nest."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from freight_sim.config import load_scenario
from freight_sim.paths import default_scenario_path
from freight_sim.runner import run_scenario, write_run
from freight_sim.spatial.gridding import cell_matrix, grid_around
from freight_sim.spatial.pollutants import ALONG_LINE, UPSTREAM

RTOL = 1e-9
DAYS = "simulation.days=6"


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    out = tmp_path_factory.mktemp("spatial")
    loaded = load_scenario(default_scenario_path(), [DAYS, "spatial=true"])
    output = run_scenario(loaded)
    write_run(output, out, report=True)
    return output, out


def _totals(legs: pd.DataFrame) -> dict[str, float]:
    return {p.name: float(legs[p.leg_column].sum()) * p.to_kg for p in ALONG_LINE}


def test_edges_hours_and_cells_each_keep_the_run_total(run):
    output, _ = run
    result = output.spatial
    totals = _totals(output.legs)
    assert totals["nox"] == pytest.approx(output.summary["nox_kg"], rel=RTOL) and totals["nox"] > 0
    by_place = result.place_totals()
    by_hour = result.hours.kg.sum(axis=1)
    by_cell = result.cell_totals()
    for i, pollutant in enumerate(result.hours.pollutants):
        assert by_place[i].sum() == pytest.approx(totals[pollutant.name], rel=RTOL)
        assert by_hour[i].sum() == pytest.approx(totals[pollutant.name], rel=RTOL)
        assert by_cell[i].sum() == pytest.approx(totals[pollutant.name], rel=RTOL)
    assert (result.hours.kg >= 0).all()


def test_the_written_files_keep_the_run_total(run):
    output, out = run
    totals = _totals(output.legs)
    edges = pd.read_parquet(out / "emissions_edges.parquet")
    assert list(edges.columns) == ["edge_id", "mode", "month", "hour_of_day", "pollutant", "kg"]
    cells = pd.read_csv(out / "emissions_cells.csv", encoding="utf-8-sig")
    profiles = pd.read_csv(out / "emissions_profiles.csv", encoding="utf-8-sig")
    geojson = json.loads((out / "emissions_edges.geojson").read_text(encoding="utf-8"))
    for name, total in totals.items():
        assert edges.loc[edges["pollutant"] == name, "kg"].sum() == pytest.approx(total, rel=RTOL)
        assert cells[f"{name}_kg"].sum() == pytest.approx(total, rel=RTOL)
        assert sum(f["properties"][f"{name}_kg"] for f in geojson["features"]) == pytest.approx(total, rel=RTOL)
        for profile in ("hour_of_day", "day", "month"):
            part = profiles[(profiles["profile"] == profile) & (profiles["pollutant"] == name)]
            assert part["kg"].sum() == pytest.approx(total, rel=RTOL), profile
    assert (cells[[f"{p.name}_kg" for p in ALONG_LINE]] != 0).any(axis=1).all()  # only non-empty cells
    upstream = pd.read_csv(out / "emissions_upstream.csv", encoding="utf-8-sig")
    assert upstream.loc[upstream["pollutant"] == "nox_upstream", "kg"].sum() == pytest.approx(output.summary["nox_upstream_kg"], rel=RTOL)
    assert {p.name for p in UPSTREAM} >= set(upstream["pollutant"])
    assert "NOx and PM along the network" in (out / "report.html").read_text(encoding="utf-8")


def test_electric_traction_puts_only_its_diesel_part_on_the_line(run):
    """Electric trains emit at the power plants (upstream, not placed); on a partly electrified route their
    diesel part lies on the non-electrified edges only."""
    output, _ = run
    legs, result = output.legs, output.spatial
    electric = legs[legs["factor_id"] == "rail.electric+diesel"]
    assert len(electric) and electric["nox_upstream_g"].sum() > 0
    assert (electric.loc[electric["electrified_share"] == 1.0, "nox_g"] == 0).all()
    placed_rail = result.place_totals()[0][(result.places["mode"] != "road").to_numpy()]
    assert placed_rail.sum() == pytest.approx(legs.loc[legs["mode"] == "rail", "nox_g"].sum() / 1e3, rel=RTOL)
    electrified = result.places["electrified"].to_numpy()
    if not (legs.loc[legs["mode"] == "rail", "factor_id"] == "rail.diesel").any():
        assert result.place_totals()[0][electrified].sum() == 0.0


def test_the_netcdf_reads_back_with_cf_attributes(run):
    xr = pytest.importorskip("xarray")
    output, out = run
    with xr.open_dataset(out / "emissions_grid.nc", decode_times=False) as ds:
        assert ds.attrs["Conventions"] == "CF-1.8" and ds.attrs["title"] and ds.attrs["source"].startswith("freight_sim")
        assert ds["nox"].dims == ("time", "lat", "lon")
        for name in ("nox", "pm", "so2", "co2"):
            assert ds[name].attrs["units"] == "kg" and ds[name].attrs["long_name"]
            assert ds[name].attrs["cell_methods"] == "time: sum area: sum"
        assert ds["lat"].attrs["standard_name"] == "latitude" and ds["lat"].attrs["units"] == "degrees_north"
        assert ds["lon"].attrs["standard_name"] == "longitude" and ds["lon"].attrs["units"] == "degrees_east"
        assert ds["time"].attrs["standard_name"] == "time" and ds["time"].attrs["calendar"] == "standard"
        assert ds["time"].attrs["units"] == "hours since 2025-01-01 00:00:00" and ds["time"].attrs["bounds"] == "time_bnds"
        assert float(ds["time"][0]) == -8.0  # 00:00 local (UTC+8) on the start date
        assert np.diff(ds["lat"].values) == pytest.approx(0.01) and np.diff(ds["lon"].values) == pytest.approx(0.01)
        assert float(ds["nox"].sum()) == pytest.approx(output.summary["nox_kg"], rel=RTOL)
    with xr.open_dataset(out / "emissions_grid.nc") as decoded:
        assert str(decoded["time"].values[0]).startswith("2024-12-31T16:00")


def test_grids_nest_a_coarse_cell_holds_its_fine_cells(run):
    """Metamorphic: every 0.02-degree cell line is a 0.01-degree cell line, so the fine cells summed into
    coarse cells give the coarse grid."""
    output, _ = run
    result = output.spatial
    totals = result.place_totals()[0]
    coarse = {}
    for deg in (0.01, 0.02):
        grid = grid_around(result.places, deg)
        shares, cells = cell_matrix(result.places, grid)
        values = shares @ totals
        columns, rows = cells % grid.n_lon + grid.lon_first, cells // grid.n_lon + grid.lat_first
        if deg == 0.01:
            columns, rows = columns // 2, rows // 2
        frame = pd.DataFrame({"c": columns, "r": rows, "kg": values}).groupby(["c", "r"])["kg"].sum()
        coarse[deg] = frame[frame > 0]
    pd.testing.assert_series_equal(coarse[0.01], coarse[0.02], rtol=1e-9, check_names=False)


def test_aggregated_leg_rows_keep_the_totals_too():
    loaded = load_scenario(default_scenario_path(), ["simulation.days=3", "simulation.record_legs=false", "spatial=true"])
    output = run_scenario(loaded)
    totals = _totals(output.legs)
    by_hour = output.spatial.hours.kg.sum(axis=1)
    for i, pollutant in enumerate(output.spatial.hours.pollutants):
        assert by_hour[i].sum() == pytest.approx(totals[pollutant.name], rel=RTOL)
    assert output.spatial.cell_totals()[0].sum() == pytest.approx(totals["nox"], rel=RTOL)


def test_an_hourly_time_step_gives_clock_hours_in_the_edge_table_and_the_netcdf(tmp_path, monkeypatch):
    xr = pytest.importorskip("xarray")
    loaded = load_scenario(default_scenario_path(), ["simulation.days=2", "spatial.enabled=true", "spatial.time_step=hour"])
    output = run_scenario(loaded)
    write_run(output, tmp_path, legs=False, report=False)
    edges = pd.read_parquet(tmp_path / "emissions_edges.parquet")
    assert list(edges.columns) == ["edge_id", "mode", "hour", "time", "pollutant", "kg"]
    assert edges.loc[edges["pollutant"] == "nox", "kg"].sum() == pytest.approx(output.summary["nox_kg"], rel=RTOL)
    first = edges.sort_values("hour").iloc[0]
    assert pd.Timestamp(first["time"]) == pd.Timestamp("2025-01-01") + pd.Timedelta(hours=int(first["hour"]))
    with xr.open_dataset(tmp_path / "emissions_grid.nc", decode_times=False) as ds:
        assert ds.sizes["time"] == output.spatial.hours.n_hours
        assert np.diff(ds["time"].values) == pytest.approx(1.0)
        assert float(ds["nox"].sum()) == pytest.approx(output.summary["nox_kg"], rel=RTOL)
        by_hour = ds["nox"].sum(dim=("lat", "lon")).values
        assert by_hour == pytest.approx(output.spatial.hours.kg[0].sum(axis=0), rel=1e-9, abs=1e-12)
    from freight_sim.errors import FreightSimError
    from freight_sim.spatial import netcdf

    monkeypatch.setattr(netcdf, "MAX_VALUES_PER_POLLUTANT", 1000)
    with pytest.raises(FreightSimError, match=r"choose spatial\.time_step day or month, or a larger spatial\.grid_deg"):
        netcdf.grid_dataset(output.spatial)
