"""Tables of a SpatialResult: per edge (totals; by month x hour of day, or by hour), per cell, profiles."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from freight_sim.spatial.compute import SpatialResult
from freight_sim.spatial.timeaxis import hour_steps, month_labels, step_matrix

PROFILE_COLUMNS = ["profile", "period", "mode", "zone", "pollutant", "kg", "share"]


def edge_totals(result: SpatialResult) -> pd.DataFrame:
    """One row per place with ``<pollutant>_kg`` and ``<pollutant>_kg_per_km`` over the whole run."""
    table = result.places.copy()
    km = table["distance_km"].to_numpy(dtype=float)
    for pollutant, totals in zip(result.hours.pollutants, result.place_totals(), strict=True):
        table[f"{pollutant.name}_kg"] = totals
        table[f"{pollutant.name}_kg_per_km"] = np.divide(totals, km, out=np.zeros_like(totals), where=km > 0)
    return table


def _long(values: np.ndarray, result: SpatialResult, period_columns: dict[str, list]) -> pd.DataFrame:
    """values[pollutant, place, period] -> rows (edge_id, mode, <period columns>, pollutant, kg) without zeros."""
    p_index, place, period = np.nonzero(values)
    frame = pd.DataFrame(
        {
            "edge_id": result.places["edge_id"].to_numpy()[place],
            "mode": result.places["mode"].to_numpy()[place],
        }
    )
    for name, labels in period_columns.items():
        frame[name] = np.asarray(labels)[period]
    frame["pollutant"] = np.array([p.name for p in result.hours.pollutants])[p_index]
    frame["kg"] = values[p_index, place, period]
    return frame


def edges_by_time(result: SpatialResult) -> pd.DataFrame:
    """kg per edge by month and hour of day (local clock), or per clock hour when the time step is ``hour``."""
    kg = result.hours.kg
    n_hours = kg.shape[2]
    if result.time_step == "hour":
        start = dt.datetime.combine(result.start_date, dt.time())
        times = [start + dt.timedelta(hours=h) for h in range(n_hours)]
        return _long(kg, result, {"hour": list(range(n_hours)), "time": times})
    by_day = month_labels(result.start_date, -(-n_hours // 24))
    months = list(dict.fromkeys(by_day))
    month_of_hour = np.array([months.index(m) for m in by_day])[np.arange(n_hours) // 24]
    key = month_of_hour * 24 + np.arange(n_hours) % 24
    matrix = step_matrix(key, len(months) * 24)
    values = np.stack([(matrix.T @ kg[p].T).T for p in range(kg.shape[0])])
    return _long(values, result, {"month": [m for m in months for _ in range(24)], "hour_of_day": list(range(24)) * len(months)})


def cells_table(result: SpatialResult) -> pd.DataFrame:
    """Non-empty grid cells: cell centre lon/lat, column and row on the global grid, kg per pollutant."""
    grid = result.grid
    totals = result.cell_totals()
    column = result.cells % grid.n_lon + grid.lon_first
    row = result.cells // grid.n_lon + grid.lat_first
    frame = pd.DataFrame({"lon": (column + 0.5) * grid.deg, "lat": (row + 0.5) * grid.deg, "column": column, "row": row})
    for pollutant, values in zip(result.hours.pollutants, totals, strict=True):
        frame[f"{pollutant.name}_kg"] = values
    kg_columns = [f"{p.name}_kg" for p in result.hours.pollutants]
    return frame[(frame[kg_columns] != 0).any(axis=1)].sort_values(["row", "column"]).reset_index(drop=True)


def gridded(result: SpatialResult) -> tuple[np.ndarray, list[str], np.ndarray]:
    """(kg[pollutant, step, lat row, lon column], step labels, step bounds in clock hours)."""
    grid = result.grid
    kg = result.hours.kg
    step_of_hour, labels, bounds = hour_steps(result.start_date, kg.shape[2], result.time_step)
    matrix = step_matrix(step_of_hour, len(labels))
    out = np.zeros((kg.shape[0], len(labels), grid.n_lat * grid.n_lon))
    for p in range(kg.shape[0]):
        by_step = (matrix.T @ kg[p].T).T  # places x steps
        out[p][:, result.cells] = (result.cell_shares @ by_step).T
    return out.reshape(kg.shape[0], len(labels), grid.n_lat, grid.n_lon), labels, bounds


def profiles(result: SpatialResult) -> pd.DataFrame:
    """kg by hour of day, by day and by month, per mode, zone and pollutant, with each period's share of the
    (mode, zone, pollutant) total."""
    kg = result.hours.kg
    n_hours = kg.shape[2]
    groups = result.places.groupby(["mode", "zone"], sort=True).indices
    by_day = month_labels(result.start_date, -(-n_hours // 24))
    months = list(dict.fromkeys(by_day))
    hour = np.arange(n_hours)
    keys: dict[str, tuple[np.ndarray, list]] = {
        "hour_of_day": (hour % 24, list(range(24))),
        "day": (hour // 24, [(result.start_date + dt.timedelta(days=d)).isoformat() for d in range(len(by_day))]),
        "month": (np.array([months.index(m) for m in by_day])[hour // 24], months),
    }
    frames = []
    for (mode, zone), rows in groups.items():
        series = kg[:, rows, :].sum(axis=1)  # pollutant x hour
        for pollutant, values in zip(result.hours.pollutants, series, strict=True):
            total = values.sum()
            if total == 0:
                continue
            for profile, (key, labels) in keys.items():
                sums = np.bincount(key, weights=values, minlength=len(labels))
                frames.append(
                    pd.DataFrame(
                        {
                            "profile": profile,
                            "period": [str(x) for x in labels],
                            "mode": mode,
                            "zone": zone,
                            "pollutant": pollutant.name,
                            "kg": sums,
                            "share": sums / total,
                        }
                    )
                )
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=PROFILE_COLUMNS)
