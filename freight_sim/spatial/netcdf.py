"""The gridded inventory as a CF-1.8 NetCDF file through xarray (extra ``spatial``).

Dimensions (time, lat, lon); one variable per pollutant in kg per cell and time step, with bounds for
every coordinate. Times are UTC (the simulation clock runs on local time, ``spatial.utc_offset_h`` ahead).
"""

from __future__ import annotations

import datetime as dt
import importlib.util
from pathlib import Path

import numpy as np

from freight_sim import __version__
from freight_sim.errors import FreightSimError
from freight_sim.spatial.compute import SpatialResult
from freight_sim.spatial.tables import gridded

MAX_VALUES_PER_POLLUTANT = 50_000_000  # ~400 MB of float64 in memory per pollutant


def netcdf_engine() -> str:
    for module, engine in (("netCDF4", "netcdf4"), ("h5netcdf", "h5netcdf")):
        if importlib.util.find_spec(module) is not None:
            return engine
    raise FreightSimError("writing NetCDF needs netCDF4 or h5netcdf: pip install 'freight-sim[spatial]'")


def grid_dataset(result: SpatialResult):
    """The xarray Dataset of the gridded inventory."""
    import xarray as xr

    grid = result.grid
    n_steps = _n_steps(result)
    size = n_steps * grid.n_lat * grid.n_lon
    if size > MAX_VALUES_PER_POLLUTANT:
        raise FreightSimError(
            f"spatial: a {result.time_step}ly grid of {n_steps} x {grid.n_lat} x {grid.n_lon} cells ({size:,} values per pollutant) is too"
            f" large; choose spatial.time_step day or month, or a larger spatial.grid_deg"
        )
    values, labels, bounds = gridded(result)
    reference = dt.datetime.combine(result.start_date, dt.time())
    units = f"hours since {reference:%Y-%m-%d %H:%M:%S}"
    time_bounds = bounds - result.utc_offset_h
    lon, lat = grid.lon_centres(), grid.lat_centres()
    half = grid.deg / 2.0
    data_vars: dict[str, tuple] = {
        "time_bnds": (("time", "nv"), time_bounds),
        "lat_bnds": (("lat", "nv"), np.stack([lat - half, lat + half], axis=1)),
        "lon_bnds": (("lon", "nv"), np.stack([lon - half, lon + half], axis=1)),
        "crs": (
            (),
            np.int32(0),
            {"grid_mapping_name": "latitude_longitude", "semi_major_axis": 6378137.0, "inverse_flattening": 298.257223563},
        ),
    }
    for pollutant, array in zip(result.hours.pollutants, values, strict=True):
        data_vars[pollutant.name] = (
            ("time", "lat", "lon"),
            array,
            {
                "units": "kg",
                "long_name": f"emission of {pollutant.long_name} per grid cell and time step",
                "cell_methods": "time: sum area: sum",
                "grid_mapping": "crs",
                "coverage_content_type": "modelResult",
            },
        )
    ds = xr.Dataset(
        data_vars=data_vars,
        coords={
            "time": (
                "time",
                time_bounds[:, 0],
                {
                    "standard_name": "time",
                    "long_name": "start of time step",
                    "units": units,
                    "calendar": "standard",
                    "axis": "T",
                    "bounds": "time_bnds",
                },
            ),
            "lat": (
                "lat",
                lat,
                {
                    "standard_name": "latitude",
                    "long_name": "latitude of cell centre",
                    "units": "degrees_north",
                    "axis": "Y",
                    "bounds": "lat_bnds",
                },
            ),
            "lon": (
                "lon",
                lon,
                {
                    "standard_name": "longitude",
                    "long_name": "longitude of cell centre",
                    "units": "degrees_east",
                    "axis": "X",
                    "bounds": "lon_bnds",
                },
            ),
        },
        attrs={
            "Conventions": "CF-1.8",
            "title": f"Freight transport emissions on a {grid.deg:g} degree grid: scenario {result.scenario}",
            "institution": "freight_sim",
            "source": f"freight_sim {__version__}: discrete-event simulation of bulk freight; tailpipe emissions placed along routes",
            "history": f"written by freight_sim {__version__}",
            "references": "docs/spatial.md",
            "comment": (
                f"kg per cell and {result.time_step}; local time = UTC + {result.utc_offset_h:g} h. Electricity's pollutants at power"
                " plants are not on this grid (emissions_upstream.csv)."
            ),
            "time_step": result.time_step,
            "time_labels_local": ", ".join(labels[:3]) + (" ..." if len(labels) > 3 else ""),
        },
    )
    return ds


def _n_steps(result: SpatialResult) -> int:
    from freight_sim.spatial.timeaxis import hour_steps

    return len(hour_steps(result.start_date, result.hours.n_hours, result.time_step)[1])


def save_dataset(ds, path: Path, encoding: dict | None = None) -> Path:
    """Write an xarray Dataset to NetCDF-4 atomically (temp file beside ``path``, then rename)."""
    import os
    import tempfile

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        ds.to_netcdf(tmp, engine=netcdf_engine(), encoding=encoding, format="NETCDF4")
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_netcdf(result: SpatialResult, path: Path) -> Path:
    """Write the gridded inventory (compressed) to ``path``."""
    return save_dataset(grid_dataset(result), path, {p.name: {"zlib": True, "complevel": 4} for p in result.hours.pollutants})
