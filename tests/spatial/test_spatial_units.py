"""Pure parts of freight_sim.spatial: hour splitting, line-grid cutting, time steps, places."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from freight_sim.network.model import MultimodalNetwork
from freight_sim.spatial.allocate import split_hours
from freight_sim.spatial.gridding import line_cells
from freight_sim.spatial.places import Places
from freight_sim.spatial.timeaxis import hour_steps


def test_split_hours_by_overlap():
    piece, hour, part = split_hours(np.array([0.5, 3.0, 7.25]), np.array([2.25, 3.0, 7.75]), np.array([1.0, 2.0, 4.0]))
    got = sorted(zip(piece.tolist(), hour.tolist(), part.tolist(), strict=True))
    assert [(p, h) for p, h, _ in got] == [(0, 0), (0, 1), (0, 2), (1, 3), (2, 7)]
    assert [w for _, _, w in got] == pytest.approx([0.5 / 1.75, 1 / 1.75, 0.25 / 1.75, 2.0, 4.0])


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(0, 9000), st.floats(0, 30), st.floats(1e-6, 1e6)),
        min_size=1,
        max_size=30,
    )
)
def test_split_hours_keeps_each_weight_inside_its_interval(pieces):
    t0 = np.array([p[0] for p in pieces])
    t1 = t0 + np.array([p[1] for p in pieces])
    weight = np.array([p[2] for p in pieces])
    piece, hour, part = split_hours(t0, t1, weight)
    assert np.allclose(np.bincount(piece, weights=part, minlength=len(pieces)), weight, rtol=1e-12)
    assert (hour >= np.floor(t0[piece])).all() and (hour <= np.maximum(np.ceil(t1[piece]) - 1, np.floor(t0[piece]))).all()
    assert (part >= 0).all()


def test_line_cells_cut_by_length():
    col, row, share = line_cells(0.5, 0.5, 2.5, 0.5)  # three cells along a row
    assert col.tolist() == [0, 1, 2] and row.tolist() == [0, 0, 0]
    assert share == pytest.approx([0.25, 0.5, 0.25])
    col, row, share = line_cells(0.5, 0.5, 1.5, 1.5)  # diagonal through a corner: two cells
    assert list(zip(col.tolist(), row.tolist(), strict=True)) == [(0, 0), (1, 1)] and share == pytest.approx([0.5, 0.5])
    col, row, share = line_cells(3.2, 7.9, 3.2, 7.9)  # no length: one cell
    assert (col.tolist(), row.tolist(), share.tolist()) == ([3], [7], [1.0])


@settings(max_examples=200, deadline=None)
@given(st.floats(-50, 50), st.floats(-50, 50), st.floats(-50, 50), st.floats(-50, 50))
def test_line_cells_shares_sum_to_one_inside_the_box(x0, y0, x1, y1):
    col, row, share = line_cells(x0, y0, x1, y1)
    assert share.sum() == pytest.approx(1.0, rel=1e-12) and (share > 0).all()
    assert col.min() >= np.floor(min(x0, x1)) and col.max() <= np.floor(max(x0, x1))
    assert row.min() >= np.floor(min(y0, y1)) and row.max() <= np.floor(max(y0, y1))
    # the cells a line crosses touch one another: a walk with steps of one column or one row (or a corner)
    order = np.argsort(np.hypot(col + 0.5 - x0, row + 0.5 - y0))
    steps = np.abs(np.diff(col[order])) + np.abs(np.diff(row[order]))
    assert (steps <= 2).all()


def test_month_steps_follow_the_calendar():
    step, labels, bounds = hour_steps(dt.date(2025, 1, 30), 24 * 40, "month")
    assert labels == ["2025-01", "2025-02", "2025-03"]
    assert bounds.tolist() == [[0.0, 48.0], [48.0, 48.0 + 28 * 24], [48.0 + 28 * 24, 40 * 24.0]]
    assert np.bincount(step).tolist() == [48, 28 * 24, 10 * 24]
    step, labels, _ = hour_steps(dt.date(2025, 1, 1), 50, "day")
    assert labels == ["2025-01-01", "2025-01-02", "2025-01-03"] and step[-1] == 2
    with pytest.raises(ValueError, match="time step"):
        hour_steps(dt.date(2025, 1, 1), 5, "week")


def _network(edges: list[tuple]) -> MultimodalNetwork:
    nodes = pd.DataFrame(
        {"kind": ["plant", "junction", "plant"], "lon": [113.005, 113.025, 113.025], "lat": [36.005, 36.005, 36.025]},
        index=pd.Index(["P", "J", "Q"], name="id"),
    )
    frame = pd.DataFrame(edges, columns=["u", "v", "mode", "distance_km", "hours", "road_class"])
    return MultimodalNetwork.from_frames(nodes, frame)


def test_places_pick_the_edge_the_router_takes_and_name_parallel_edges():
    net = _network([("P", "J", "road", 10.0, 0.5, "county"), ("P", "J", "road", 9.0, 0.4, "urban"), ("J", "Q", "road", 20.0, 1.0, "urban")])
    places = Places(net, ["urban"])
    table = places.table()
    assert table["edge_id"].tolist() == ["road:P-J", "road:P-J#2", "road:J-Q"]
    assert places.path_edges(("P", "J", "Q"), "road") == [1, 2]  # the faster of the parallel edges
    assert table["zone"].tolist() == ["outside", "town", "town"]
    spur = places.spur("E9", "P", "Q", 2.0, 40.0)
    assert places.table().loc[spur, ["edge_id", "mode", "distance_km", "hours"]].tolist() == ["siding:E9", "spur", 2.0, 0.05]
