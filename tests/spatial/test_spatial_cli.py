"""`freight-sim run --spatial` and `spatial:` in a scenario, through typer's CliRunner."""

from __future__ import annotations

import importlib.util

from typer.testing import CliRunner

from freight_sim.cli import app

SHORT = ["--set", "simulation.days=3", "--no-report", "--no-legs"]
SPATIAL_FILES = (
    "emissions_edges.parquet",
    "emissions_edges.geojson",
    "emissions_grid.nc",
    "emissions_cells.csv",
    "emissions_profiles.csv",
    "emissions_upstream.csv",
)


def test_run_spatial_writes_the_spatial_files(tmp_path):
    result = CliRunner().invoke(app, ["run", *SHORT, "--spatial", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    for name in SPATIAL_FILES:
        assert (tmp_path / name).is_file(), name


def test_without_the_flag_nothing_spatial_is_written(tmp_path):
    result = CliRunner().invoke(app, ["run", *SHORT, "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert not any((tmp_path / name).exists() for name in SPATIAL_FILES)


def test_spatial_without_the_extra_is_a_clear_error_before_the_run(tmp_path, monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name in ("xarray", "netCDF4", "h5netcdf") else real(name, *a))
    result = CliRunner().invoke(app, ["run", *SHORT, "--set", "spatial=true", "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert "error: spatial outputs need the optional extra: pip install 'freight-sim[spatial]'" in result.output
    assert "Traceback" not in result.output and not (tmp_path / "summary.json").exists()


def test_spatial_settings_are_validated(tmp_path):
    result = CliRunner().invoke(app, ["run", *SHORT, "--set", "spatial.grid_deg=1000", "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert "--set:1: spatial.grid_deg:" in result.output
    result = CliRunner().invoke(app, ["run", *SHORT, "--set", "spatial.time_step=week", "--out", str(tmp_path)])
    assert result.exit_code == 1 and "spatial.time_step" in result.output
