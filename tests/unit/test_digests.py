"""Digests of a scenario and of the data files it reads."""

from __future__ import annotations

import shutil

from freight_sim.config import load_scenario
from freight_sim.config.digests import config_sha256, input_files, inputs_sha256
from freight_sim.paths import bundled_network_dir, data_root

SCENARIO = """\
name: digest-test
network: {nodes_csv: net/nodes.csv, edges_csv: net/edges.csv}
accounting: {costs: costs.yaml}
enterprises:
  E01:
    name: steel works
    kind: steel
    node: E01
    stockyard_capacity_t: 40000
    flows:
      steel_out: {commodity: steel, direction: out, tonnes_per_year: 1000000, counterpart: GW_HANDAN}
"""


def _folder(path):
    """A scenario with its own network CSVs and cost file, as a user would keep them."""
    (path / "net").mkdir(parents=True)
    for name in ("nodes.csv", "edges.csv"):
        shutil.copy(bundled_network_dir("changzhi") / name, path / "net" / name)
    shutil.copy(data_root() / "fleets" / "costs.yaml", path / "costs.yaml")
    (path / "scenario.yaml").write_text(SCENARIO)
    return load_scenario(path / "scenario.yaml")


def test_inputs_are_the_bundled_data_and_the_files_the_scenario_names(tmp_path):
    names = dict(input_files(_folder(tmp_path)))
    assert names["accounting.costs"] == tmp_path / "costs.yaml"
    assert names["network.nodes_csv"] == tmp_path / "net" / "nodes.csv" and names["network.edges_csv"] == tmp_path / "net" / "edges.csv"
    assert "fleets/catalog.yaml" in names and "networks/defaults.yaml" in names
    assert "networks/changzhi/edges.csv" not in names  # a bundled network's folder counts for scenarios on it only
    assert "freight_sim/policy/rule_profiles.yaml" in names and "fleet.catalog" not in names  # bundled: counted once


def test_a_bundled_network_counts_for_its_own_scenarios_only():
    from freight_sim.config import load_scenario
    from freight_sim.paths import default_scenario_path

    names = dict(input_files(load_scenario(default_scenario_path())))
    assert "networks/changzhi/edges.csv" in names and "networks/operations.yaml" in names
    assert not [
        name for name in names if name.startswith("networks/") and name.count("/") > 1 and not name.startswith("networks/changzhi/")
    ]


def test_inputs_digest_follows_content_not_location(tmp_path):
    here, there = _folder(tmp_path / "a"), _folder(tmp_path / "b")
    assert inputs_sha256(here) == inputs_sha256(there)
    assert config_sha256(here.model) == config_sha256(there.model)
    edges = tmp_path / "b" / "net" / "edges.csv"
    edges.write_text(edges.read_text().replace(",", ", ", 1))
    assert inputs_sha256(here) != inputs_sha256(there)
    assert config_sha256(here.model) == config_sha256(there.model)


def test_a_missing_input_file_changes_the_digest(tmp_path):
    loaded = _folder(tmp_path)
    before = inputs_sha256(loaded)
    (tmp_path / "costs.yaml").unlink()
    assert inputs_sha256(loaded) != before
