"""Loading networks: CSV with FILE:LINE: column errors, GraphML, scenario-relative paths, bundled names."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import networkx as nx
import pytest

from freight_sim.config import load_scenario
from freight_sim.config.scenario import NetworkSource
from freight_sim.errors import ConfigError
from freight_sim.network import load_network, load_network_source
from freight_sim.network.defaults import load_defaults
from freight_sim.network.load import load_csv_network, load_graphml_network

DATA = Path(__file__).resolve().parents[1] / "data" / "network"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def error_lines(excinfo) -> list[str]:
    return excinfo.value.lines


def test_toy_csv_loads_with_default_speeds():
    net = load_csv_network(DATA / "nodes.csv", DATA / "edges.csv")
    defaults = load_defaults()
    assert len(net.nodes) == 11 and len(net.edges) == 10
    edge = net.edges[(net.edges["u"] == "J1") & (net.edges["v"] == "J2")].iloc[0]
    assert edge["speed_kph"] == defaults.road_speed_kph["trunk"]
    assert edge["hours"] == pytest.approx(10 / defaults.road_speed_kph["trunk"])
    rail = net.edges[net.edges["mode"] == "rail"].set_index("u")
    assert rail.at["ST2", "speed_kph"] == defaults.rail_speed_kph["heavy_haul"]
    assert rail.at["ST2", "paths_per_day"] == 84 and bool(rail.at["ST2", "electrified"])
    assert all(math.isinf(p) for p in net.edges.loc[net.edges["mode"] == "road", "paths_per_day"])
    assert bool(net.nodes.at["ST1", "freight_station"]) and not bool(net.nodes.at["ST2", "freight_station"])
    assert net.nodes.at["SW1", "swap_bays"] == 2


def test_unknown_node_in_edge_csv_is_reported_with_file_line_and_column():
    with pytest.raises(ConfigError) as excinfo:
        load_csv_network(DATA / "nodes.csv", DATA / "edges_unknown_node.csv")
    assert error_lines(excinfo) == [
        f"{DATA / 'edges_unknown_node.csv'}:3: v: unknown node 'J_TYPO'",
        f"{DATA / 'edges_unknown_node.csv'}:4: distance_km: must be > 0, got -3",
    ]


def test_bad_node_rows_each_get_a_line(tmp_path):
    nodes = write(
        tmp_path / "nodes.csv",
        "id,kind,name,lon,lat\nA,plant,a,113,36\nB,depot,b,113,36\nA,junction,a2,113,36\nC,junction,c,east,36\nD,junction,d,113,95\n",
    )
    edges = write(tmp_path / "edges.csv", "u,v,mode,distance_km\n")
    with pytest.raises(ConfigError) as excinfo:
        load_csv_network(nodes, edges)
    assert error_lines(excinfo) == [
        f"{nodes}:3: kind: unknown node kind 'depot'; expected one of plant, station, yard, siding, gateway, swap_station, junction",
        f"{nodes}:4: id: duplicate node id 'A' (first at {nodes}:2)",
        f"{nodes}:5: lon: not a number: 'east'",
        f"{nodes}:6: lat: must be within [-90, 90], got 95",
    ]


def test_missing_columns_and_ragged_rows(tmp_path):
    nodes = write(tmp_path / "nodes.csv", "id,kind,name,lon\nA,plant,a,113\n")
    with pytest.raises(ConfigError) as excinfo:
        load_csv_network(nodes, tmp_path / "edges.csv")
    assert error_lines(excinfo) == [f"{nodes}:1: lat: missing column"]
    nodes = write(tmp_path / "nodes.csv", "id,kind,name,lon,lat\nA,plant,a,113,36\nB,plant,b\n")
    with pytest.raises(ConfigError, match=r"nodes.csv:3: \(row\): expected 5 cells, got 3"):
        load_csv_network(nodes, tmp_path / "edges.csv")


def test_bad_edge_cells(tmp_path):
    nodes = write(tmp_path / "nodes.csv", "id,kind,name,lon,lat\nA,plant,a,113,36\nB,junction,b,113.1,36\n")
    edges = write(
        tmp_path / "edges.csv",
        "u,v,mode,distance_km,road_class,electrified,speed_kph\n"
        "A,B,road,1,motorway,,\nA,A,road,1,,,\nA,B,ferry,1,,,\nA,B,rail,1,,maybe,\nA,B,road,1,,,0\n",
    )
    with pytest.raises(ConfigError) as excinfo:
        load_csv_network(nodes, edges)
    lines = error_lines(excinfo)
    assert lines[0] == f"{edges}:2: road_class: unknown road class 'motorway'; expected one of expressway, trunk, county, urban, access"
    assert lines[1] == f"{edges}:3: v: edge from 'A' to itself"
    assert lines[2].startswith(f"{edges}:4: mode: unknown edge mode 'ferry'")
    assert lines[3] == f"{edges}:5: electrified: expected true or false, got 'maybe'"
    assert lines[4] == f"{edges}:6: speed_kph: must be > 0, got 0"


def _toy_graphml(path: Path, kind_of_p1: str = "plant") -> Path:
    graph = nx.MultiGraph()
    with (DATA / "nodes.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            node_id = row.pop("id")
            if node_id == "P1":
                row["kind"] = kind_of_p1
            graph.add_node(node_id, **row)
    with (DATA / "edges.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            graph.add_edge(row.pop("u"), row.pop("v"), **row)
    nx.write_graphml(graph, path)
    return path


def test_graphml_loads_the_same_network_as_csv(tmp_path):
    from_csv = load_csv_network(DATA / "nodes.csv", DATA / "edges.csv")
    from_graphml = load_graphml_network(_toy_graphml(tmp_path / "toy.graphml"))
    assert from_graphml.summary() == from_csv.summary()
    assert sorted(from_graphml.edges["hours"].round(9)) == sorted(from_csv.edges["hours"].round(9))


def test_graphml_error_points_at_the_node_line(tmp_path):
    path = _toy_graphml(tmp_path / "bad.graphml", kind_of_p1="factory")
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1) if '<node id="P1"' in text)
    with pytest.raises(ConfigError) as excinfo:
        load_graphml_network(path)
    assert error_lines(excinfo)[0].startswith(f"{path}:{line}: kind: unknown node kind 'factory'")


def test_scenario_paths_resolve_relative_to_the_scenario_file(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    net = load_network(load_scenario(DATA / "scenario_ok.yaml"))
    assert "P1" in net.nodes.index and len(net.edges) == 10


def test_missing_network_file_is_located_in_the_scenario(tmp_path):
    scenario = write(
        tmp_path / "s.yaml",
        (DATA / "scenario_unknown_edge_node.yaml").read_text().replace("edges_unknown_node.csv", "absent.csv")
        .replace("nodes.csv", str(DATA / "nodes.csv")),
    )  # fmt: skip
    with pytest.raises(ConfigError) as excinfo:
        load_network(load_scenario(scenario))
    assert error_lines(excinfo) == [f"{scenario}:4: network.edges_csv: file not found: {tmp_path / 'absent.csv'}"]


def test_unknown_bundled_network():
    with pytest.raises(ConfigError, match=r"no bundled network 'atlantis' \(available: .*changzhi"):
        load_network_source(NetworkSource(bundled="atlantis"))


def test_csv_source_relative_to_base_dir():
    net = load_network_source(NetworkSource(nodes_csv="nodes.csv", edges_csv="edges.csv"), base_dir=DATA)
    assert net.summary()["edges_by_mode"] == {"rail": 2, "road": 8}
