"""Flows laid back on the network's edges: conservation of the legs' tonnes and NOx, routes as the engine's."""

from __future__ import annotations

from itertools import pairwise

import pandas as pd
import pytest

from freight_sim.config.scenario import NetworkSource
from freight_sim.network import load_network_source
from freight_sim.network.flows import edge_flows
from freight_sim.network.legs import ModeRouter


@pytest.fixture(scope="module")
def net():
    return load_network_source(NetworkSource(bundled="changzhi"))


def test_tonnes_and_nox_are_conserved_along_routes(net):
    legs = pd.DataFrame(
        {
            "origin": ["E01", "E01", "E04", "E19"],
            "destination": ["GW_JIAOZUO", "GW_JIAOZUO", "E01", "E19"],
            "mode": ["road", "road", "road", "road"],
            "tonnes": [30.0, 40.0, 33.0, 10.0],
            "trips": [1, 1, 1, 1],
            "nox_g": [1000.0, 2000.0, 500.0, 99.0],
        }
    )
    flows = edge_flows(net, legs)
    router = ModeRouter(net, "road")
    expected: dict[tuple[str, str], float] = {}
    for origin, destination, tonnes in (("E01", "GW_JIAOZUO", 70.0), ("E04", "E01", 33.0)):
        path = router.leg(origin, destination).path
        for a, b in pairwise(path):
            expected[(min(a, b), max(a, b))] = expected.get((min(a, b), max(a, b)), 0.0) + tonnes
    assert dict(zip(zip(flows["u"], flows["v"], strict=True), flows["tonnes"], strict=True)) == pytest.approx(expected)
    assert flows["nox_kg"].sum() == pytest.approx(3.5)  # every gram of the moving legs lands on some edge; E19->E19 moves nowhere
    km_weighted = (flows["tonnes"] * flows["distance_km"]).sum()
    routes = 70.0 * router.leg("E01", "GW_JIAOZUO").distance_km + 33.0 * router.leg("E04", "E01").distance_km
    assert km_weighted == pytest.approx(routes)  # tonne-km on edges = tonne-km of the routes


def test_a_built_siding_without_a_spur_edge_joins_rail_at_its_station(net):
    legs = pd.DataFrame(
        {"origin": ["E04"], "destination": ["GW_HANDAN"], "mode": ["rail"], "tonnes": [5000.0], "trips": [1], "nox_g": [0.0]}
    )
    flows = edge_flows(net, legs, {"E04": "ST_LUCHENG"})
    assert ((flows["u"] == "E04") & (flows["v"] == "ST_LUCHENG")).any()  # the spur, drawn straight
    assert (flows["tonnes"] == 5000.0).all()
