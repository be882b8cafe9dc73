"""Places -> cells of a regular lon/lat grid: each place's straight line is cut at the grid lines and its
mass shared among the cells by the length of line in each (a place of no length lies in one cell).

Cells are numbered on a global grid aligned at lon 0, lat 0 (cell i covers [i * deg, (i + 1) * deg)), so
grids of different runs on one network line up cell for cell. Coordinates are taken in grid units rounded
to 1e-9 of a cell, so a node on a grid line (113.10 on a 0.01 or 0.02 degree grid) falls in the cell east
or north of it whatever the rounding of the division.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.sparse import csr_matrix


@dataclass(frozen=True, kw_only=True)
class Grid:
    """A lon/lat grid: cell size and the global indices of its first and last column and row."""

    deg: float
    lon_first: int
    lon_last: int
    lat_first: int
    lat_last: int

    @property
    def n_lon(self) -> int:
        return self.lon_last - self.lon_first + 1

    @property
    def n_lat(self) -> int:
        return self.lat_last - self.lat_first + 1

    def lon_centres(self) -> np.ndarray:
        return (np.arange(self.lon_first, self.lon_last + 1) + 0.5) * self.deg

    def lat_centres(self) -> np.ndarray:
        return (np.arange(self.lat_first, self.lat_last + 1) + 0.5) * self.deg


def grid_units(degrees, deg: float) -> np.ndarray:
    """Degrees in cell units, rounded to 1e-9 of a cell (see the module docstring)."""
    return np.round(np.asarray(degrees, dtype=float) / deg, 9)


def grid_around(places: pd.DataFrame, deg: float) -> Grid:
    """The smallest grid of cell size ``deg`` holding every place's ends."""
    x = grid_units(np.concatenate([places["lon_u"], places["lon_v"]]), deg)
    y = grid_units(np.concatenate([places["lat_u"], places["lat_v"]]), deg)
    return Grid(
        deg=deg,
        lon_first=math.floor(x.min()),
        lon_last=math.floor(x.max()),
        lat_first=math.floor(y.min()),
        lat_last=math.floor(y.max()),
    )


def line_cells(x0: float, y0: float, x1: float, y1: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cells (column, row) a straight line crosses, in grid units (cell i spans [i, i + 1)), and the share of
    the line in each; the shares sum to one."""
    ts = [0.0, 1.0]
    for a, b in ((x0, x1), (y0, y1)):
        if b != a:
            lo, hi = sorted((a, b))
            lines = np.arange(math.floor(lo) + 1, math.ceil(hi))
            ts.extend(((lines - a) / (b - a)).tolist())
    t = np.unique(np.clip(ts, 0.0, 1.0))
    if len(t) == 1:  # no length
        return np.array([math.floor(x0)]), np.array([math.floor(y0)]), np.array([1.0])
    share = np.diff(t)
    mid = 0.5 * (t[:-1] + t[1:])
    col = np.floor(x0 + mid * (x1 - x0)).astype(np.int64)
    row = np.floor(y0 + mid * (y1 - y0)).astype(np.int64)
    keep = share > 0
    col, row, share = col[keep], row[keep], share[keep]
    return col, row, share / share.sum()


def cell_matrix(places: pd.DataFrame, grid: Grid) -> tuple[csr_matrix, np.ndarray]:
    """(sparse matrix cells x places of shares, flat cell index of each matrix row: row * n_lon + column)."""
    rows, cols, values = [], [], []
    ends = grid_units(places[["lon_u", "lat_u", "lon_v", "lat_v"]].to_numpy(dtype=float), grid.deg)
    for p, (x0, y0, x1, y1) in enumerate(ends):
        c, r, share = line_cells(x0, y0, x1, y1)
        flat = (r - grid.lat_first) * grid.n_lon + (c - grid.lon_first)
        rows.append(flat)
        cols.append(np.full(len(flat), p))
        values.append(share)
    flat = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
    cells, inverse = np.unique(flat, return_inverse=True)
    matrix = csr_matrix(
        (np.concatenate(values) if values else np.zeros(0), (inverse, np.concatenate(cols) if cols else np.zeros(0, dtype=np.int64))),
        shape=(len(cells), len(places)),
    )
    return matrix, cells
