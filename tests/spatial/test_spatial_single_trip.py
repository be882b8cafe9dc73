"""One truck trip on a two-edge route lands in the right hours and grid cells, by hand arithmetic.

Route P -> J -> Q: edge P-J 10 km, 0.5 h, due east across three 0.01-degree cells; edge J-Q 20 km, 1 h,
due north across three cells. The truck starts loading at 10.0 h (0.5 h), runs loaded 10.5-12.0 h
(P-J 10.5-11.0, J-Q 11.0-12.0), unloads 0.5 h and is back at 14.0 h: the empty return runs 12.5-14.0 h
(Q-J 12.5-13.5, J-P 13.5-14.0). Equal loaded and empty km split the 6 kg of NOx 3 + 3; by km P-J
takes 1/3 and J-Q 2/3 of each.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from freight_sim.network.model import MultimodalNetwork
from freight_sim.sim.spec import Segment
from freight_sim.spatial.allocate import allocate
from freight_sim.spatial.gridding import cell_matrix, grid_around
from freight_sim.spatial.places import Places
from freight_sim.spatial.segments import place_segment


@pytest.fixture
def two_edges():
    nodes = pd.DataFrame(
        {"kind": ["plant", "junction", "plant"], "lon": [113.005, 113.025, 113.025], "lat": [36.005, 36.005, 36.025]},
        index=pd.Index(["P", "J", "Q"], name="id"),
    )
    edges = pd.DataFrame(
        [("P", "J", "road", 10.0, 0.5, "urban"), ("J", "Q", "road", 20.0, 1.0, "expressway")],
        columns=["u", "v", "mode", "distance_km", "hours", "road_class"],
    )
    places = Places(MultimodalNetwork.from_frames(nodes, edges), ["urban"])
    segment = Segment(
        kind="direct",
        mode="road",
        origin="P",
        destination="Q",
        loaded_km=30.0,
        loaded_h=1.5,
        empty_km=30.0,
        empty_h=1.5,
        load_h=0.5,
        unload_h=0.5,
    )
    return places, place_segment(segment, places.path_edges(("P", "J", "Q"), "road"), places)


def _trip(**changes) -> pd.DataFrame:
    row = {
        "enterprise": "E1", "flow": "f1", "chain": "road", "segment": "direct", "mode": "road", "vehicle_type": "diesel-cn5",
        "start_h": 10.0, "end_h": 14.0, "loaded_km": 30.0, "empty_km": 30.0, "trips": 1,
        "nox_g": 6000.0, "pm_g": 60.0, "so2_g": 0.0, "co2_ttw_kg": 90.0,
    }  # fmt: skip
    row.update(changes)
    return pd.DataFrame([row])


def test_a_trip_lands_in_the_right_hours(two_edges):
    places, segment = two_edges
    result = allocate(_trip(), {("E1", "f1", "road", "direct"): segment}, len(places.table()), per_trip=True, horizon_h=24.0)
    nox = result.kg[0]
    expected = np.zeros_like(nox)
    expected[0, 10] = 1.0  # P-J loaded
    expected[1, 11] = 2.0  # J-Q loaded
    expected[1, 12] = expected[1, 13] = 1.0  # Q-J empty, half in each hour
    expected[0, 13] = 1.0  # J-P empty
    assert nox == pytest.approx(expected, abs=1e-12)
    assert result.kg[1].sum() == pytest.approx(0.06) and result.kg[3].sum() == pytest.approx(90.0)
    assert result.kg[1][0].sum() == pytest.approx(0.02)  # PM by km too: a third on P-J


def test_a_trip_lands_in_the_right_cells(two_edges):
    places, segment = two_edges
    table = places.table()
    result = allocate(_trip(), {("E1", "f1", "road", "direct"): segment}, len(table), per_trip=True, horizon_h=24.0)
    grid = grid_around(table, 0.01)
    shares, cells = cell_matrix(table, grid)
    per_cell = shares @ result.kg[0].sum(axis=1)
    got = {(int(c % grid.n_lon + grid.lon_first), int(c // grid.n_lon + grid.lat_first)): v for c, v in zip(cells, per_cell, strict=True)}
    assert got == pytest.approx({(11300, 3600): 0.5, (11301, 3600): 1.0, (11302, 3600): 0.5 + 1.0, (11302, 3601): 2.0, (11302, 3602): 1.0})


def test_a_trip_open_at_the_horizon_returns_right_after_unloading(two_edges):
    _, segment = two_edges
    result = allocate(_trip(end_h=np.nan), {("E1", "f1", "road", "direct"): segment}, 2, per_trip=True, horizon_h=24.0)
    assert (
        result.kg[0][1, 12] == pytest.approx(1.0)
        and result.kg[0][1, 13] == pytest.approx(1.0)
        and result.kg[0][0, 13] == pytest.approx(1.0)
    )


def test_aggregated_rows_spread_evenly_over_their_period(two_edges):
    _, segment = two_edges
    rows = _trip(start_h=0.0, end_h=24.0, trips=4)
    result = allocate(rows, {("E1", "f1", "road", "direct"): segment}, 2, per_trip=False, horizon_h=24.0)
    assert result.kg[0][0] == pytest.approx(np.full(24, 2.0 / 24))
    assert result.kg[0][1] == pytest.approx(np.full(24, 4.0 / 24))


def test_rows_without_a_segment_are_an_error():
    from freight_sim.errors import ModelError

    with pytest.raises(ModelError, match="E1/f1/road/direct"):
        allocate(_trip(), {}, 2, per_trip=True, horizon_h=24.0)


def test_a_train_runs_back_from_its_return(two_edges):
    """A train's row: loading from 0 h; it leaves when a path is free, so its runs are placed back from
    end_h = 20: empty return 15-20 h (5 h), unloading 13-15 h, loaded run 8-13 h."""
    places, _ = two_edges
    segment = Segment(
        kind="long_haul",
        mode="rail",
        origin="P",
        destination="Q",
        loaded_km=30.0,
        loaded_h=5.0,
        empty_km=30.0,
        empty_h=5.0,
        rail_unload_h=2.0,
    )
    place = place_segment(segment, places.path_edges(("P", "J", "Q"), "road"), places)
    rows = _trip(chain="drayage_rail", segment="long_haul", mode="rail", start_h=0.0, end_h=20.0)
    result = allocate(rows, {("E1", "f1", "drayage_rail", "long_haul"): place}, 2, per_trip=True, horizon_h=24.0)
    hours_with_mass = np.flatnonzero(result.kg[0].sum(axis=0) > 0).tolist()
    assert hours_with_mass == [8, 9, 10, 11, 12, 15, 16, 17, 18, 19]
    assert result.kg[0][0, 8:10].sum() == pytest.approx(1.0)  # P-J: first third of the loaded run's hours (8-9.67 h)
