"""Leg rows -> kg per place and hour of the simulation clock (hour 0 starts at the scenario's start date).

Space: a row's pollutant mass is spread over the places of its segment's route by their share of the
route's km (loaded run and empty return take the same route, the return in reverse; a swap detour's km,
which the row counts as empty km, are spread with them). Time: with one row per trip, the loaded run
starts when loading ends (``start_h + load_h``) and lasts the route's nominal hours, each place taking its
share of them by its own hours (distance / speed); the empty return ends at ``end_h`` (a trip still open
at the horizon returns right after unloading). A train's runs are placed back from ``end_h`` (return,
unloading, loaded run), as the engine times them. The mass is split between the two runs by their km;
within a place it is spread evenly over the time the vehicle is on it, and split between clock hours by
overlap. Conveyor rows and aggregated rows (``record_legs: false``: one row per segment, vehicle type and
month) are spread evenly over their interval. A row of electric traction (``factor_id`` rail.electric+diesel)
has tailpipe pollutants only from its diesel part, which is placed on the non-electrified edges of its
routed leg. Every fraction of a row sums to one, so the total per
pollutant is kept exactly (to rounding).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from freight_sim.errors import ModelError
from freight_sim.spatial.pollutants import ALONG_LINE, Pollutant
from freight_sim.spatial.segments import SegmentPlace

KEY_COLUMNS = ["enterprise", "flow", "chain", "segment"]
ELECTRIC_TRACTION = "rail.electric+diesel"  # factor_id of accounted rows hauled electrically where the line is electrified


@dataclass(frozen=True, kw_only=True)
class PlaceHours:
    """kg[pollutant, place, hour]: mass per place and clock hour (hour 0 = simulation start)."""

    pollutants: tuple[Pollutant, ...]
    kg: np.ndarray

    @property
    def n_hours(self) -> int:
        return self.kg.shape[2]


def split_hours(t0: np.ndarray, t1: np.ndarray, weight: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Spread each ``weight`` evenly over [t0, t1] (hours) and cut it at whole hours.

    Returns (index of the input piece, hour, weight part); the parts of a piece sum to its weight. A piece
    of no duration lies wholly in the hour that holds ``t0``.
    """
    first = np.floor(t0)
    last = np.maximum(np.ceil(t1) - 1.0, first)
    count = (last - first).astype(np.int64) + 1
    single = np.flatnonzero(count == 1)
    if len(single) == len(t0):
        return single, first.astype(np.int64), weight
    several = np.flatnonzero(count > 1)
    n = count[several]
    index = np.repeat(several, n)
    step = np.arange(len(index)) - np.repeat(np.cumsum(n) - n, n)
    hour = first[index] + step
    lo, hi = t0[index], t1[index]
    overlap = np.minimum(hi, hour + 1.0) - np.maximum(lo, hour)
    part = weight[index] * (overlap / (hi - lo))  # several hours: the piece has a duration
    return (
        np.concatenate([single, index]),
        np.concatenate([first[single], hour]).astype(np.int64),
        np.concatenate([weight[single], part]),
    )


def _groups(legs: pd.DataFrame) -> list[tuple[tuple[str, ...], np.ndarray]]:
    """(segment key, row positions) of the leg rows, by key."""
    codes, names = [], []
    for column in KEY_COLUMNS:
        values = legs[column]
        categorical = values.array if isinstance(values.dtype, pd.CategoricalDtype) else pd.Categorical(values.astype(str))
        codes.append(np.asarray(categorical.codes, dtype=np.int64))
        names.append(np.asarray(categorical.categories.astype(str)))
    combined = codes[0]
    for c, n in zip(codes[1:], names[1:], strict=True):
        combined = combined * (len(n) + 1) + c
    order = np.argsort(combined, kind="stable")
    ordered = combined[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    ends = np.r_[starts[1:], len(order)]
    out = []
    for a, b in zip(starts, ends, strict=True):
        row = order[a]
        out.append((tuple(str(names[i][codes[i][row]]) for i in range(len(KEY_COLUMNS))), order[a:b]))
    return out


def _runs(seg: SegmentPlace, start: np.ndarray, end: np.ndarray, loaded_km: np.ndarray, empty_km: np.ndarray, electric: np.ndarray):
    """(row, place position, t0, t1, weight) of the loaded run and the empty return of one trip per row."""
    km = loaded_km + empty_km
    loaded_share = np.divide(loaded_km, km, out=np.ones_like(km), where=km > 0)
    if seg.mode == "rail":
        returning = np.where(np.isnan(end), start + seg.loaded_h + seg.rail_unload_h, end - seg.empty_h)
        leaving = returning - seg.rail_unload_h - seg.loaded_h
    else:
        leaving = start + seg.load_h
        finished = np.where(np.isnan(end), leaving + seg.loaded_h + seg.unload_h + seg.empty_h, end)
        returning = finished - seg.empty_h
    b = seg.time_bounds
    loaded_t0 = leaving[:, None] + seg.loaded_h * b[None, :-1]
    loaded_t1 = leaving[:, None] + seg.loaded_h * b[None, 1:]
    empty_t0 = returning[:, None] + seg.empty_h * (1.0 - b[None, 1:])
    empty_t1 = returning[:, None] + seg.empty_h * (1.0 - b[None, :-1])
    share = np.where(electric[:, None], seg.diesel_share[None, :], seg.km_share[None, :])
    t0 = np.concatenate([loaded_t0.ravel(), empty_t0.ravel()])
    t1 = np.concatenate([loaded_t1.ravel(), empty_t1.ravel()])
    weight = np.concatenate([(loaded_share[:, None] * share).ravel(), ((1.0 - loaded_share)[:, None] * share).ravel()])
    n, k = loaded_t0.shape
    row = np.tile(np.repeat(np.arange(n), k), 2)
    position = np.tile(np.arange(k), 2 * n)
    return row, position, t0, t1, weight


def _spread(seg: SegmentPlace, start: np.ndarray, end: np.ndarray, electric: np.ndarray):
    """(row, place position, t0, t1, weight) of rows spread evenly over [start_h, end_h]."""
    n, k = len(start), len(seg.places)
    finish = np.where(np.isnan(end), start, end)
    row = np.repeat(np.arange(n), k)
    position = np.tile(np.arange(k), n)
    return row, position, start[row], finish[row], np.where(electric[:, None], seg.diesel_share[None, :], seg.km_share[None, :]).ravel()


def allocate(
    legs: pd.DataFrame,
    segments: dict,
    n_places: int,
    *,
    per_trip: bool,
    horizon_h: float,
    pollutants: Sequence[Pollutant] = ALONG_LINE,
) -> PlaceHours:
    """kg per place and hour of every pollutant in ``pollutants`` (see the module docstring).

    ``per_trip``: the rows are one per trip (``record_legs``), else aggregated rows spread over their span.
    """
    if len(legs) == 0:
        return PlaceHours(pollutants=tuple(pollutants), kg=np.zeros((len(pollutants), n_places, max(1, math.ceil(horizon_h)))))
    start = legs["start_h"].to_numpy(dtype=float)
    end = legs["end_h"].to_numpy(dtype=float)
    loaded_km = legs["loaded_km"].to_numpy(dtype=float)
    empty_km = legs["empty_km"].to_numpy(dtype=float)
    mass = np.stack([legs[p.leg_column].to_numpy(dtype=float) * p.to_kg for p in pollutants])
    electric = (legs["factor_id"] == ELECTRIC_TRACTION).to_numpy(dtype=bool) if "factor_id" in legs.columns else np.zeros(len(legs), bool)
    groups = _groups(legs)
    longest = max((s.load_h + s.loaded_h + s.unload_h + s.empty_h + s.rail_unload_h for s in segments.values()), default=0.0)
    bound = max(horizon_h, float(np.nanmax(end)) if np.isfinite(end).any() else 0.0, float(start.max()) + longest)
    n_hours = math.ceil(bound) + 2
    kg = np.zeros((len(pollutants), n_places, n_hours))
    for key, rows in groups:
        seg = segments.get(key)
        if seg is None:
            raise ModelError(f"leg rows of {'/'.join(map(str, key))} have no segment in the model")
        uniform = not per_trip or seg.mode == "conveyor"
        row, position, t0, t1, weight = (
            _spread(seg, start[rows], end[rows], electric[rows])
            if uniform
            else _runs(seg, start[rows], end[rows], loaded_km[rows], empty_km[rows], electric[rows])
        )
        t0 = np.maximum(t0, 0.0)
        t1 = np.maximum(t1, t0)
        piece, hour, part = split_hours(t0, t1, weight)
        first = int(hour.min())
        span = int(hour.max()) - first + 1
        flat = position[piece] * span + (hour - first)
        weights = mass[:, rows][:, row[piece]] * part
        k = len(seg.places)
        distinct = len(np.unique(seg.places)) == k
        for p in range(len(pollutants)):
            local = np.bincount(flat, weights=weights[p], minlength=k * span).reshape(k, span)
            if distinct:
                kg[p, seg.places, first : first + span] += local
            else:
                np.add.at(kg[p], (seg.places[:, None], np.arange(first, first + span)[None, :]), local)
    last = int(np.flatnonzero(kg.any(axis=(0, 1))).max()) + 1 if kg.any() else 0
    return PlaceHours(pollutants=tuple(pollutants), kg=kg[:, :, : max(last, math.ceil(horizon_h))])
