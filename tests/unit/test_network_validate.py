"""check_network on broken networks and check_scenario on small scenario files (FILE:LINE: field: message)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from freight_sim.cli import app
from freight_sim.config import load_scenario
from freight_sim.network import MultimodalNetwork, check_network, check_scenario, load_network
from freight_sim.network.load import load_csv_network

DATA = Path(__file__).resolve().parents[1] / "data" / "network"


def problems_of(name: str) -> list[str]:
    loaded = load_scenario(DATA / name)
    return check_scenario(loaded, load_network(loaded))


def test_consistent_scenario_has_no_problems():
    assert problems_of("scenario_ok.yaml") == []


def test_disconnected_enterprise():
    file = DATA / "scenario_disconnected.yaml"
    assert problems_of(file.name) == [
        f"{file}:3: enterprises.B: node 'P2' is not reachable by road from any gateway",
        f"{file}:13: enterprises.B.flows.coal_out.counterpart: 'P1' is not reachable by road from 'P2'",
    ]


def test_unknown_counterpart():
    file = DATA / "scenario_unknown_counterpart.yaml"
    assert problems_of(file.name) == [f"{file}:6: enterprises.A.flows.coke_out.counterpart: unknown network node 'GW_NOWHERE'"]


def test_siding_station_that_is_not_a_station():
    file = DATA / "scenario_bad_siding.yaml"
    assert problems_of(file.name) == [f"{file}:5: enterprises.C.siding.station: 'J2' is a junction, not a rail station or yard"]


def test_enterprise_node_unknown_or_not_a_plant():
    file = DATA / "scenario_bad_node.yaml"
    assert problems_of(file.name) == [
        f"{file}:4: enterprises.A.node: node 'ST1' is a station, not a plant",
        f"{file}:6: enterprises.C.node: unknown network node 'P_MISSING'",
    ]


def test_rail_chain_to_a_gateway_without_rail():
    problems = problems_of("scenario_rail_to_road_gateway.yaml")
    assert problems == [
        f"{DATA / 'scenario_ok.yaml'}:19: enterprises.A.flows.coke_out.chain_shares: rail chain requested but"
        " counterpart 'GW2' has no rail station reachable"
    ]


def test_battery_swap_trucks_without_a_reachable_swap_station():
    file = DATA / "scenario_swap_unreachable.yaml"
    assert f"{file}:8: enterprises.B.fleet_mix: battery-swap trucks used but no swap station is reachable by road from 'P2'" in problems_of(
        file.name
    )


def test_check_network_finds_islands_and_bad_edges():
    net = load_csv_network(DATA / "nodes.csv", DATA / "edges.csv")
    assert check_network(net) == ["node 'P2' (plant): on a road component separate from the main road network"]
    edges = net.edges.copy()
    edges.loc[len(edges)] = {**edges.iloc[0].to_dict(), "u": "GHOST", "distance_km": 0.0, "hours": 0.0}
    nodes = net.nodes.drop(index="ST2")
    broken = MultimodalNetwork(nodes=nodes, edges=edges, graph=net.graph)
    problems = check_network(broken)
    assert "edge 10 (GHOST-J1, road): unknown node 'GHOST'" in problems
    assert "edge 10 (GHOST-J1, road): distance_km must be > 0, got 0.0" in problems
    assert "edge 7 (ST1-ST2, rail): unknown node 'ST2'" in problems


def test_station_off_the_rail_graph():
    net = load_csv_network(DATA / "nodes.csv", DATA / "edges.csv")
    edges = net.edges[net.edges["mode"] != "rail"]
    assert "node 'ST1' (station): rail station not on the rail graph" in check_network(MultimodalNetwork.from_frames(net.nodes, edges))


@pytest.mark.parametrize(
    "name,expected_code",
    [("scenario_ok.yaml", 0), ("scenario_bad_siding.yaml", 1), ("scenario_unknown_edge_node.yaml", 1)],
)
def test_validate_command_reports_network_problems(name, expected_code):
    result = CliRunner().invoke(app, ["validate", str(DATA / name)])
    assert result.exit_code == expected_code, result.output
    if name == "scenario_unknown_edge_node.yaml":
        assert f"{DATA / 'edges_unknown_node.csv'}:3: v: unknown node 'J_TYPO'" in result.output
    if name == "scenario_bad_siding.yaml":
        assert "enterprises.C.siding.station: 'J2' is a junction" in result.output


@pytest.mark.parametrize("shares,flagged", [("{bev-swap: 0.7, diesel-cn6: 0.3}", True), ("{diesel-cn6: 1.0}", False)])
def test_named_mix_with_swap_trucks_needs_a_swap_station(tmp_path, shares, flagged):
    (tmp_path / "mixes.yaml").write_text(
        f"mixes:\n  mine-mix:\n    source: test\n    estimate: true\n    shares: {shares}\n", encoding="utf-8"
    )
    scenario = tmp_path / "s.yaml"
    scenario.write_text(
        f"base: {DATA / 'scenario_disconnected.yaml'}\nfleet:\n  mixes: mixes.yaml\nenterprises:\n  B:\n    fleet_mix: mine-mix\n",
        encoding="utf-8",
    )
    loaded = load_scenario(scenario)
    line = f"{scenario}:6: enterprises.B.fleet_mix: battery-swap trucks used but no swap station is reachable by road from 'P2'"
    assert (line in check_scenario(loaded, load_network(loaded))) is flagged


def test_rail_chain_without_a_common_rail_line(tmp_path):
    """Plant P1's freight station ST1 loses its line, so drayage + rail to GW1 has no rail route.

    C's siding flow from P1 is still fine: P1 reaches the rail-served gateway GW1 by road."""
    edges = (DATA / "edges.csv").read_text(encoding="utf-8").replace("ST1,ST2,rail,15,,,conventional,true,70,,test\n", "")
    (tmp_path / "edges.csv").write_text(edges, encoding="utf-8")
    scenario = tmp_path / "s.yaml"
    scenario.write_text(
        (DATA / "scenario_ok.yaml").read_text(encoding="utf-8").replace("nodes_csv: nodes.csv", f"nodes_csv: {DATA / 'nodes.csv'}"),
        encoding="utf-8",
    )
    loaded = load_scenario(scenario)
    assert check_scenario(loaded, load_network(loaded)) == [
        f"{scenario}:19: enterprises.A.flows.coke_out.chain_shares: rail chain requested but no rail route joins 'P1' and 'GW1'",
    ]
