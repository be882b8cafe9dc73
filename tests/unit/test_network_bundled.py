"""The bundled Changzhi network: required ids, connectivity, and lengths that match their stated source."""

from __future__ import annotations

import csv
import re

import pytest

from freight_sim.config.scenario import NetworkSource
from freight_sim.network import check_network, load_network_source
from freight_sim.network.geo import great_circle_km
from freight_sim.network.legs import ModeRouter
from freight_sim.paths import bundled_network_dir

STATIONS = [
    "ST_CZ_NORTH", "ST_CZ", "ST_CZ_SOUTH", "ST_LUCHENG", "ST_XIANGYUAN", "ST_WUXIANG", "ST_QINXIAN",
    "ST_TUNLIU", "ST_LICHENG", "ST_HUGUAN", "ST_PINGSHUN", "ST_XIAOSONG",
]  # fmt: skip
GATEWAY_MODES = {  # gateway -> modes that must reach it
    "GW_TAIYUAN": ("road", "rail"),
    "GW_JIAOZUO": ("road", "rail"),
    "GW_HANDAN": ("road", "rail"),
    "GW_RIZHAO": ("road", "rail"),
    "GW_WAZHAI": ("road", "rail"),
}
EXISTING_SIDINGS = ("E01", "E12", "E13", "E19", "E20", "E23")


@pytest.fixture(scope="module")
def net():
    return load_network_source(NetworkSource(bundled="changzhi"))


def test_plants_are_the_enterprise_sites(net):
    with (bundled_network_dir("changzhi") / "enterprise_sites.csv").open(encoding="utf-8") as handle:
        sites = {row["id"]: row for row in csv.DictReader(handle)}
    plants = net.nodes_of_kind("plant")
    quarries = [p for p in plants if net.nodes.loc[p, "subkind"] == "quarry"]
    assert quarries == ["Q33", "Q34"]  # captive limestone quarries, not enterprises
    assert [p for p in plants if p not in quarries] == sorted(sites) == [f"E{i:02d}" for i in range(1, 41)]
    for plant_id, site in sites.items():
        row = net.nodes.loc[plant_id]
        assert row["subkind"] == site["kind"]
        assert (row["lon"], row["lat"]) == (float(site["lon"]), float(site["lat"]))


def test_required_stations_gateways_and_swap_stations(net):
    assert net.kind("ST_CZ_NORTH") == "yard"
    assert all(net.kind(s) in ("station", "yard") for s in STATIONS)
    assert sum(bool(net.nodes.at[s, "freight_station"]) for s in STATIONS) >= len(STATIONS) - 2
    assert net.nodes_of_kind("gateway") == sorted(GATEWAY_MODES)
    swaps = net.nodes_of_kind("swap_station")
    assert 6 <= len(swaps) <= 16 and all(s.startswith("SW_") for s in swaps)
    assert net.nodes.loc[swaps, "swap_bays"].between(1, 4).all()
    assert (net.nodes.loc[swaps, "charge_points"] > 0).all()


def test_check_network_is_clean(net):
    assert check_network(net) == []


def test_every_edge_names_its_source(net):
    assert (net.edges["source"].str.len() > 0).all()


def test_lengths_follow_their_stated_detour_factor(net):
    """Edges labelled 'great circle x F' have distance_km = great circle x F (to the 0.01 km written)."""
    checked = 0
    for row in net.edges.itertuples(index=False):
        m = re.match(r"estimate: great circle x ([0-9.]+)", row.source)
        if not m:
            continue
        u, v = net.nodes.loc[row.u], net.nodes.loc[row.v]
        expected = great_circle_km(u["lon"], u["lat"], v["lon"], v["lat"]) * float(m.group(1))
        assert row.distance_km == pytest.approx(expected, abs=0.006), (row.u, row.v)
        checked += 1
    assert checked >= 0.9 * len(net.edges)


def test_rail_lines_are_electrified_with_their_capacities(net):
    rail = net.edges[net.edges["mode"] == "rail"]
    assert rail["electrified"].all()
    paths = rail.groupby("line")["paths_per_day"].first()
    assert paths["Wari heavy haul"] == 84  # FACTS 5: 84 train pairs/day in 2025
    assert 60 <= paths["Taiyuan-Jiaozuo"] <= 80


def test_existing_sidings_are_spurs_to_stations(net):
    spurs = net.edges[net.edges["mode"] == "spur"]
    assert sorted(spurs["u"]) == sorted(EXISTING_SIDINGS)
    assert all(net.kind(v) in ("station", "yard") for v in spurs["v"])


def test_every_station_on_the_rail_graph_and_rail_connected_to_every_gateway(net):
    rail = ModeRouter(net, "rail")
    for station in STATIONS:
        reachable = rail.reachable(station)
        assert all(g in reachable for g in GATEWAY_MODES), station


def test_every_plant_reaches_every_gateway_and_a_freight_station_by_road(net):
    road = ModeRouter(net, "road")
    stations = {s for s in STATIONS if net.nodes.at[s, "freight_station"]}
    swaps = set(net.nodes_of_kind("swap_station"))
    for plant in net.nodes_of_kind("plant"):
        reachable = road.reachable(plant)
        assert all(g in reachable for g, modes in GATEWAY_MODES.items() if "road" in modes), plant
        assert stations & set(reachable), plant
        assert swaps & set(reachable), plant
