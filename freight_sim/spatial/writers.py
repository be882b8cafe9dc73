"""Files of the spatial outputs of a run, each written atomically.

``emissions_edges.parquet``  kg per edge by month x hour of day (or per clock hour with time_step hour)
``emissions_edges.geojson``  every edge as a line with its totals and kg per km per pollutant (QGIS)
``emissions_grid.nc``        the gridded inventory, CF-1.8 NetCDF (freight_sim.spatial.netcdf)
``emissions_profiles.*``     kg and shares by hour of day, day and month, per mode, zone and pollutant
``emissions_upstream.*``     pollutants at power plants and fuel supply by mode and vehicle type
(``emissions_cells.*``, the non-empty cells, is one of the run's KPI tables: see ``spatial_tables``.)
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from freight_sim import atomic
from freight_sim.spatial.compute import SpatialResult
from freight_sim.spatial.tables import cells_table, edge_totals, edges_by_time, profiles


def spatial_tables(result: SpatialResult) -> dict[str, pd.DataFrame]:
    """The small spatial tables kept with a run's KPI tables (also in batch run folders)."""
    return {"emissions_cells": cells_table(result)}


def edges_geojson(result: SpatialResult) -> dict:
    """A GeoJSON FeatureCollection (lon/lat, WGS 84) of every place with its totals."""
    table = edge_totals(result)
    value_columns = [c for c in table.columns if c.endswith("_kg") or c.endswith("_kg_per_km")]
    features = []
    for row in table.itertuples(index=False):
        r = row._asdict()
        properties = {k: r[k] for k in ("edge_id", "u", "v", "mode", "road_class", "zone", "distance_km")}
        properties.update({k: float(r[k]) for k in value_columns})
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": [[r["lon_u"], r["lat_u"]], [r["lon_v"], r["lat_v"]]]},
                "properties": {k: (None if isinstance(v, float) and np.isnan(v) else v) for k, v in properties.items()},
            }
        )
    return {
        "type": "FeatureCollection",
        "name": f"emissions_edges_{result.scenario}",
        "description": f"tailpipe emissions per edge over the simulated {result.horizon_h / 24:g} days (kg, kg per km)",
        "features": features,
    }


def write_spatial(result: SpatialResult, out_dir: Path | str) -> list[Path]:
    """Write the spatial files (module docstring) into ``out_dir``; return their paths."""
    from freight_sim.spatial.netcdf import write_netcdf

    out = Path(out_dir)
    written = []
    path = out / "emissions_edges.parquet"
    atomic.write_parquet(path, edges_by_time(result))
    written.append(path)
    path = out / "emissions_edges.geojson"
    atomic.write_text(path, json.dumps(edges_geojson(result), ensure_ascii=False) + "\n")
    written.append(path)
    for name, frame in (("emissions_profiles", profiles(result)), ("emissions_upstream", result.upstream)):
        atomic.write_parquet(out / f"{name}.parquet", frame)
        atomic.write_csv(out / f"{name}.csv", frame)
        written += [out / f"{name}.parquet", out / f"{name}.csv"]
    written.append(write_netcdf(result, out / "emissions_grid.nc"))
    return written
