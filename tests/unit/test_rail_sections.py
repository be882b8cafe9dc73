"""The network's rail data file: schema and network checks with FILE:LINE errors, the bundled sections,
the grouping of rail edges into sections, and the crossings of a routed leg."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from freight_sim.config import load_scenario
from freight_sim.config.scenario import NetworkSource
from freight_sim.errors import ConfigError
from freight_sim.network import build_leg_table, load_network_source
from freight_sim.network.rail_data import load_rail_data, rail_data_problems
from freight_sim.network.rail_layout import rail_layout
from freight_sim.paths import bundled_network_dir, default_scenario_path
from freight_sim.scenario_checks import all_problems
from freight_sim.sim.rail_paths import RailPaths

BUNDLED_RAIL = bundled_network_dir("changzhi") / "rail.yaml"


@pytest.fixture(scope="module")
def net():
    return load_network_source(NetworkSource(bundled="changzhi"))


def _line_of(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1) if text in line)


def test_bundled_rail_data_fits_the_network_and_covers_every_rail_edge(net):
    assert net.rail is not None and list(rail_data_problems(net.rail, net)) == []
    layout = rail_layout(net)
    assert {"TJ_NORTH", "TJ_SOUTH", "HANDAN_CHANGZHI", "WARI", "CZ_SOUTH_LINK"} <= set(layout.sections)
    rail_rows = set(net.edges.index[net.edges["mode"] == "rail"])
    assert set(layout.hop_section) == rail_rows
    assert all(plan.from_data for plan in layout.sections.values())  # no edge left to a default section
    assert layout.sections["TJ_NORTH"].single_track and "ST_CZ_NORTH" in layout.yards


def test_schema_errors_name_file_line_and_field(tmp_path):
    bad = tmp_path / "rail.yaml"
    text = BUNDLED_RAIL.read_text(encoding="utf-8").replace("      value: 96\n", "      value: 9600\n", 1)
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_rail_data(bad)
    line = _line_of(bad, "paths_per_day:")
    assert str(err.value).startswith(f"{bad}:{line}: sections.TJ_NORTH.paths_per_day: 9600 trains/day is outside")


def test_network_errors_name_file_line_and_field(net, tmp_path):
    bad = tmp_path / "rail.yaml"
    text = BUNDLED_RAIL.read_text(encoding="utf-8")
    text = text.replace("nodes: [ST_CZ_NORTH, ST_CZ, ST_XIAOSONG, GW_JIAOZUO]", "nodes: [ST_CZ_NORTH, ST_CZ, GW_JIAOZUO]")
    text = text.replace("      value: 58\n", "      value: 95\n", 1).replace("range: [40, 75]", "range: [40, 100]")
    bad.write_text(text, encoding="utf-8")
    problems = list(rail_data_problems(load_rail_data(bad), net))
    assert problems[0].startswith(
        f"{bad}:{_line_of(bad, 'background_trains_per_day:')}: sections.TJ_NORTH.background_trains_per_day: 95 trains/day"
    )
    assert "leave no path free (88 paths a day" in problems[0]
    nodes_line = _line_of(bad, "nodes: [ST_CZ_NORTH, ST_CZ, GW_JIAOZUO]")
    assert f"{bad}:{nodes_line}: sections.TJ_SOUTH.nodes.2: no rail edge ST_CZ-GW_JIAOZUO of line 'Taiyuan-Jiaozuo'" in problems[1]


def test_validate_and_run_share_the_rail_check(tmp_path):
    # a scenario whose CSV network points at a broken rail file: validate's problems name it, and the
    # assembly refuses the same file (the one home of the check)
    folder = bundled_network_dir("changzhi")
    bad = tmp_path / "rail.yaml"
    bad.write_text(BUNDLED_RAIL.read_text(encoding="utf-8").replace("ST_QINXIAN, ST_XIANGYUAN", "ST_QINXIAN, ST_NOWHERE, ST_XIANGYUAN"))
    scenario = tmp_path / "scenario.yaml"
    scenario.write_text(
        f"base: {default_scenario_path()}\nnetwork:\n  bundled: null\n  nodes_csv: {folder / 'nodes.csv'}\n"
        f"  edges_csv: {folder / 'edges.csv'}\n  rail_yaml: {bad}\n",
        encoding="utf-8",
    )
    loaded = load_scenario(scenario)
    problems = all_problems(loaded)
    assert any("sections.TJ_NORTH.nodes.3: unknown network node 'ST_NOWHERE'" in p for p in problems)
    from freight_sim.network import load_network

    with pytest.raises(ConfigError, match="unknown network node 'ST_NOWHERE'"):
        rail_layout(load_network(loaded))


def test_edges_without_rail_data_form_sections_between_junctions(net):
    plain = dataclasses.replace(net, rail=None)
    layout = rail_layout(plain)
    assert set(layout.hop_section) == set(net.edges.index[net.edges["mode"] == "rail"])
    by_line = {plan.line: plan for plan in layout.sections.values()}
    # the Wari line meets another line only at Changzhi South: two sections, each ending there
    wari = sorted(plan.nodes for plan in layout.sections.values() if plan.line == "Wari heavy haul")
    assert len(wari) == 2 and all("ST_CZ_SOUTH" in (nodes[0], nodes[-1]) for nodes in wari)
    assert not by_line["Handan-Changzhi"].single_track and by_line["Handan-Changzhi"].background_trains_per_day == 0


def test_crossings_of_a_leg_follow_its_route_with_yard_dwell(net):
    layout = rail_layout(net)
    legs = build_leg_table(net, [("ST_XIANGYUAN", "GW_JIAOZUO", "rail")])
    leg = legs.get("ST_XIANGYUAN", "GW_JIAOZUO", "rail")
    paths = RailPaths(layout, net.edges, 0.0, 0.0)
    crossings, dwell_h = paths.crossings(leg.path, leg.edge_rows, 0.5, home="ST_XIANGYUAN")
    names = [c.section for c in crossings]
    assert names[0] == "TJ_NORTH" and "yard ST_CZ_NORTH" in names and names[-1] == "TJ_SOUTH to GW_JIAOZUO"
    assert dwell_h == layout.yards["ST_CZ_NORTH"].dwell_h
    offsets = [c.offset_h for c in crossings]
    assert offsets[0] == 0.5 and offsets == sorted(offsets)
    # the last crossing starts where the run to the gateway has that section's hours left
    hours = net.edges["hours"]
    tail = sum(float(hours[r]) for r, n in zip(leg.edge_rows, leg.path, strict=False) if layout.hop_section[r][0] == "TJ_SOUTH")
    assert offsets[-1] == pytest.approx(0.5 + leg.hours + dwell_h - tail)
    assert paths.sections["TJ_NORTH"].background_per_day == 58.0
