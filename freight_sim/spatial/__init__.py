"""Emissions where and when they happen: per network edge, per hour and on a lon/lat grid.

Computed after a run from the accounted leg table and the routes the leg table was built from (nothing
runs inside the event loop): ``places`` (edges as places), ``segments`` (each model segment's edge path
and phase timing), ``allocate`` (leg rows -> edge x hour), ``gridding`` (edges -> grid cells),
``profiles`` (hour-of-day, daily, monthly), ``compute`` (all of it for one run), ``writers`` (Parquet,
GeoJSON, NetCDF, CSV), ``difference`` (variant minus baseline grids of a batch), ``report_section``
(charts for the run report). Electricity's pollutants at the power plants stay upstream, not on the line.
"""

from freight_sim.spatial.compute import SpatialResult, compute_spatial, require_spatial_extra

__all__ = ["SpatialResult", "compute_spatial", "require_spatial_extra"]
