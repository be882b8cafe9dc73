"""Leg tables: hand-checked toy networks, error messages, nearest-node ties, detour factors on Changzhi."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from freight_sim.config.scenario import NetworkSource
from freight_sim.errors import NetworkError
from freight_sim.network import MultimodalNetwork, build_leg_table, load_network_source, nearest
from freight_sim.network.geo import great_circle_km


def toy(edges: list[tuple], nodes: dict[str, str] | None = None) -> MultimodalNetwork:
    """Nodes A, B, C, ... on a line of longitudes; edges (u, v, mode, km, kph, electrified, paths)."""
    names = sorted({e[0] for e in edges} | {e[1] for e in edges} | set(nodes or {}))
    node_frame = pd.DataFrame(
        {
            "kind": [(nodes or {}).get(n, "junction") for n in names],
            "name": names,
            "lon": [113.0 + 0.1 * i for i in range(len(names))],
            "lat": [36.0] * len(names),
            "freight_station": [False] * len(names),
        },
        index=pd.Index(names, name="id"),
    )
    edge_frame = pd.DataFrame(edges, columns=["u", "v", "mode", "distance_km", "speed_kph", "electrified", "paths_per_day"])
    edge_frame["hours"] = edge_frame["distance_km"] / edge_frame["speed_kph"]
    return MultimodalNetwork.from_frames(node_frame, edge_frame)


def test_hours_are_the_sum_of_km_over_speed():
    net = toy([("A", "B", "road", 30.0, 60.0, False, math.inf), ("B", "C", "road", 20.0, 40.0, False, math.inf)])
    leg = build_leg_table(net, [("A", "C", "road")]).get("A", "C", "road")
    assert leg.distance_km == pytest.approx(50.0)
    assert leg.hours == pytest.approx(30 / 60 + 20 / 40)  # 1.0 h by hand
    assert leg.electrified_share == 0.0 and leg.paths_per_day == math.inf
    assert leg.path == ("A", "B", "C")


def test_fastest_route_wins_over_shortest():
    net = toy(
        [
            ("A", "C", "road", 40.0, 40.0, False, math.inf),  # 1.0 h
            ("A", "B", "road", 25.0, 100.0, False, math.inf),  # 0.25 h
            ("B", "C", "road", 25.0, 100.0, False, math.inf),  # 0.25 h
        ]
    )
    leg = build_leg_table(net, [("C", "A", "road")]).get("C", "A", "road")
    assert (leg.distance_km, leg.hours, leg.path) == (pytest.approx(50.0), pytest.approx(0.5), ("C", "B", "A"))


def test_electrified_share_and_tightest_paths_on_rail_with_a_spur():
    net = toy(
        [
            ("A", "B", "spur", 5.0, 20.0, False, math.inf),
            ("B", "C", "rail", 60.0, 60.0, True, 84.0),
            ("C", "D", "rail", 35.0, 50.0, True, 70.0),
            ("D", "E", "road", 1.0, 20.0, False, math.inf),
        ]
    )
    leg = build_leg_table(net, [("A", "D", "rail")]).get("A", "D", "rail")
    assert leg.distance_km == pytest.approx(100.0)
    assert leg.electrified_share == pytest.approx(95.0 / 100.0)
    assert leg.paths_per_day == 70.0
    assert leg.hours == pytest.approx(5 / 20 + 60 / 60 + 35 / 50)


def test_parallel_edges_keep_the_fastest():
    net = toy([("A", "B", "road", 10.0, 20.0, False, math.inf), ("A", "B", "road", 12.0, 60.0, False, math.inf)])
    leg = build_leg_table(net, [("A", "B", "road")]).get("A", "B", "road")
    assert leg.distance_km == pytest.approx(12.0) and leg.hours == pytest.approx(0.2)


def test_no_path_names_both_nodes_and_the_mode():
    net = toy([("A", "B", "road", 1.0, 10.0, False, math.inf), ("B", "C", "rail", 1.0, 10.0, True, 50.0)])
    with pytest.raises(NetworkError, match=r"no road route from 'A' to 'C'"):
        build_leg_table(net, [("A", "C", "road")])
    with pytest.raises(NetworkError, match=r"unknown node 'Z'"):
        build_leg_table(net, [("A", "Z", "rail")])


def test_unrequested_leg_and_self_leg():
    net = toy([("A", "B", "road", 1.0, 10.0, False, math.inf)])
    table = build_leg_table(net, [("A", "A", "road"), ("B", "A", "road")])
    assert table.get("A", "A", "road").distance_km == 0.0
    with pytest.raises(NetworkError, match="A -> B by road was not requested"):
        table.get("A", "B", "road")
    frame = table.to_frame()
    assert list(frame[["origin", "destination"]].itertuples(index=False, name=None)) == [("A", "A"), ("B", "A")]


def test_nearest_breaks_distance_ties_by_id_and_filters():
    net = toy(
        [
            ("P", "S2", "road", 4.0, 40.0, False, math.inf),
            ("P", "S1", "road", 4.0, 40.0, False, math.inf),
            ("P", "S0", "road", 3.0, 20.0, False, math.inf),
        ],
        nodes={"P": "plant", "S0": "swap_station", "S1": "station", "S2": "station"},
    )
    assert nearest(net, "P", "station") == ("S1", pytest.approx(4.0), pytest.approx(0.1))
    assert nearest(net, "P", ["station", "swap_station"])[0] == "S0"
    assert nearest(net, "P", "station", where=lambda row: row.name != "S1")[0] == "S2"
    with pytest.raises(NetworkError, match="no gateway reachable by road from 'P'"):
        nearest(net, "P", "gateway")


@pytest.fixture(scope="module")
def changzhi():
    return load_network_source(NetworkSource(bundled="changzhi"))


REGIONAL_PAIRS = [  # (origin, destination, mode): main corridors of the region
    ("E01", "GW_HANDAN", "road"),
    ("E13", "GW_TAIYUAN", "road"),
    ("E08", "GW_WAZHAI", "road"),
    ("E35", "E36", "road"),
    ("E02", "GW_JIAOZUO", "road"),
    ("ST_CZ_NORTH", "GW_HANDAN", "rail"),
    ("ST_WUXIANG", "GW_TAIYUAN", "rail"),
    ("ST_TUNLIU", "GW_RIZHAO", "rail"),
    ("ST_XIANGYUAN", "GW_JIAOZUO", "rail"),
    ("E01", "GW_JIAOZUO", "rail"),
    ("E20", "GW_RIZHAO", "rail"),
]


@pytest.mark.parametrize("origin,destination,mode", REGIONAL_PAIRS)
def test_changzhi_leg_is_great_circle_times_a_plausible_detour(changzhi, origin, destination, mode):
    leg = build_leg_table(changzhi, [(origin, destination, mode)]).get(origin, destination, mode)
    a, b = changzhi.nodes.loc[origin], changzhi.nodes.loc[destination]
    straight_km = great_circle_km(a["lon"], a["lat"], b["lon"], b["lat"])
    assert 1.0 <= leg.distance_km / straight_km <= 1.6
    if mode == "rail":
        assert leg.electrified_share > 0.9


def test_changzhi_no_leg_is_shorter_than_the_straight_line(changzhi):
    plants, gateways = changzhi.nodes_of_kind("plant"), changzhi.nodes_of_kind("gateway")
    table = build_leg_table(changzhi, [(p, g, "road") for p in plants for g in gateways]).to_frame()
    nodes = changzhi.nodes
    straight = great_circle_km(
        nodes.loc[table["origin"], "lon"].to_numpy(), nodes.loc[table["origin"], "lat"].to_numpy(),
        nodes.loc[table["destination"], "lon"].to_numpy(), nodes.loc[table["destination"], "lat"].to_numpy(),
    )  # fmt: skip
    ratio = table["distance_km"].to_numpy() / straight
    assert ratio.min() >= 1.0
    assert 1.0 <= float(pd.Series(ratio).median()) <= 1.6


def test_changzhi_nearest_freight_station_and_swap_station(changzhi):
    station, km, hours = nearest(changzhi, "E04", ["station", "yard"], where={"freight_station": True})
    assert station == "ST_LUCHENG" and 0 < km < 10 and hours > 0
    assert nearest(changzhi, "E33", "swap_station")[0] == "SW_PINGSHUN"
    assert nearest(changzhi, "GW_HANDAN", ["station", "yard"], mode="rail")[0] == "ST_LICHENG"
