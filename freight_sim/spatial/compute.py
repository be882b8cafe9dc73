"""Everything spatial of one run, computed from its accounted leg table after the run."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.sparse import csr_matrix

from freight_sim.errors import FreightSimError
from freight_sim.spatial.allocate import PlaceHours, allocate
from freight_sim.spatial.gridding import Grid, cell_matrix, grid_around
from freight_sim.spatial.places import Places
from freight_sim.spatial.pollutants import UPSTREAM
from freight_sim.spatial.segments import segment_places

EXTRA_HINT = "spatial outputs need the optional extra: pip install 'freight-sim[spatial]'"


def require_spatial_extra() -> None:
    """Raise a clear error when xarray or a NetCDF engine (netCDF4 or h5netcdf) is missing."""
    import importlib.util

    missing = [name for name in ("xarray",) if importlib.util.find_spec(name) is None]
    if not any(importlib.util.find_spec(engine) for engine in ("netCDF4", "h5netcdf")):
        missing.append("netCDF4")
    if missing:
        raise FreightSimError(f"{EXTRA_HINT} ({', '.join(missing)} not installed)")


@dataclass(frozen=True, kw_only=True)
class SpatialResult:
    """Mass per place and clock hour, the places, the grid and its cell shares, and upstream totals."""

    scenario: str
    start_date: dt.date
    horizon_h: float
    time_step: str
    utc_offset_h: float
    places: pd.DataFrame  # freight_sim.spatial.places.PLACE_COLUMNS
    hours: PlaceHours
    grid: Grid
    cell_shares: csr_matrix  # non-empty-able cells x places
    cells: np.ndarray  # flat grid index (row * n_lon + column) of each matrix row
    upstream: pd.DataFrame  # mode, vehicle_type, pollutant, kg: at power plants and fuel supply, not placed

    def place_totals(self) -> np.ndarray:
        """kg[pollutant, place] over the whole run."""
        return self.hours.kg.sum(axis=2)

    def cell_totals(self) -> np.ndarray:
        """kg[pollutant, cell row of ``cells``] over the whole run."""
        return np.stack([self.cell_shares @ totals for totals in self.place_totals()])


def compute_spatial(loaded, network, legs: pd.DataFrame, model=None) -> SpatialResult:
    """Place the accounted ``legs`` of a run of ``loaded`` on ``network`` (freight_sim.spatial); ``model``:
    the run's ``sim.api.BuiltModel`` (built here when not given)."""
    scenario = loaded.model
    settings = scenario.spatial
    places = Places(network, settings.town_road_classes)
    segments = segment_places(loaded, network, places, model)
    table = places.table()
    hours = allocate(legs, segments, len(table), per_trip=scenario.simulation.record_legs, horizon_h=scenario.simulation.days * 24.0)
    grid = grid_around(table, settings.grid_deg)
    shares, cells = cell_matrix(table, grid)
    return SpatialResult(
        scenario=scenario.name,
        start_date=scenario.simulation.start_date,
        horizon_h=scenario.simulation.days * 24.0,
        time_step=settings.time_step,
        utc_offset_h=settings.utc_offset_h,
        places=table,
        hours=hours,
        grid=grid,
        cell_shares=shares,
        cells=cells,
        upstream=upstream_totals(legs),
    )


def upstream_totals(legs: pd.DataFrame) -> pd.DataFrame:
    """kg of each upstream pollutant by mode and vehicle type (emitted at power plants and fuel supply)."""
    columns = [p.leg_column for p in UPSTREAM]
    if len(legs) == 0:
        return pd.DataFrame(columns=["mode", "vehicle_type", "pollutant", "kg"])
    sums = legs.groupby(["mode", "vehicle_type"], observed=True)[columns].sum().reset_index()
    rows = []
    for p in UPSTREAM:
        part = sums[["mode", "vehicle_type"]].astype(str).copy()
        part["pollutant"] = p.name
        part["kg"] = sums[p.leg_column].to_numpy(dtype=float) * p.to_kg
        rows.append(part)
    out = pd.concat(rows, ignore_index=True)
    return out[out["kg"] != 0].reset_index(drop=True)
