"""Every file shipped in networks/, fleets/ and experiments/ loads against its schema.

A new data file must be given a loader here: an unknown file fails the test, so nothing ships unchecked.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from freight_sim.paths import data_root

ROOT = data_root()
DOCS = {".md"}


def _load(path: Path) -> None:
    import pandas as pd

    from freight_sim.config import load_scenario
    from freight_sim.cost import load_costs
    from freight_sim.emissions import load_factors, load_grid_table
    from freight_sim.experiments.spec import load_experiment
    from freight_sim.fleet import load_catalog, load_mixes
    from freight_sim.network.defaults import load_defaults
    from freight_sim.network.load import load_csv_network
    from freight_sim.sim.operations import load_operations
    from freight_sim.sim.variability import load_variability

    relative = path.relative_to(ROOT).as_posix()
    name = path.name
    if relative.startswith("experiments/"):
        from freight_sim.config.file_kind import EXPERIMENT, OPTIMISATION, SCENARIO, detect_kind
        from freight_sim.optimise.spec import load_optimisation

        kind = detect_kind(path)
        if kind is SCENARIO:  # pathways: scenario files with a pathway section
            assert relative.startswith("experiments/pathway-") and load_scenario(path).model.pathway is not None
        else:
            assert kind in (EXPERIMENT, OPTIMISATION), f"{relative} is {kind.name} file"
            load_experiment(path) if kind is EXPERIMENT else load_optimisation(path)
    elif relative == "fleets/catalog.yaml":
        load_catalog(path)
    elif relative == "fleets/mixes.yaml":
        load_mixes(path, load_catalog())
    elif relative == "fleets/emission_factors.yaml":
        load_factors(path)
    elif relative == "fleets/grid_factors.yaml":
        load_grid_table(path)
    elif relative == "fleets/costs.yaml":
        load_costs(path)
    elif relative == "networks/defaults.yaml":
        load_defaults(path)
    elif relative == "networks/operations.yaml":
        load_operations(path)
    elif relative == "networks/variability.yaml":
        load_variability(path)
    elif name == "scenario.yaml":
        load_scenario(path)
    elif name == "nodes.csv":
        load_csv_network(path, path.with_name("edges.csv"))
    elif name == "rail.yaml":
        from freight_sim.network.rail_data import load_rail_data, rail_data_problems

        net = load_csv_network(path.with_name("nodes.csv"), path.with_name("edges.csv"))
        assert list(rail_data_problems(load_rail_data(path), net)) == []
    elif name == "edges.csv":
        assert path.with_name("nodes.csv").is_file()  # loaded together with nodes.csv
    elif name == "enterprise_sites.csv":
        sites = pd.read_csv(path)
        assert list(sites.columns[:7]) == ["id", "name", "name_zh", "kind", "district", "lon", "lat"]
        assert sites["name_zh"].str.len().gt(0).all()
        assert sites["id"].is_unique
    else:
        raise AssertionError(f"no loader for shipped data file {relative}: add one to this test")


FILES = sorted(
    p for folder in ("networks", "fleets", "experiments") for p in (ROOT / folder).rglob("*") if p.is_file() and p.suffix not in DOCS
)


def test_data_folders_are_not_empty():
    assert len(FILES) >= 15


@pytest.mark.parametrize("path", FILES, ids=[p.relative_to(ROOT).as_posix() for p in FILES])
def test_shipped_file_loads(path):
    _load(path)
