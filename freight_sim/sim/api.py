"""Public entry: run a scenario file (or a loaded scenario) through the engine."""

from __future__ import annotations

from pathlib import Path

from freight_sim.config import Loaded, load_scenario, resolve_path
from freight_sim.sim.assemble import assemble, build_leg_requests
from freight_sim.sim.engine import simulate as run_spec
from freight_sim.sim.result import SimResult
from freight_sim.sim.spec import ModelSpec


def _data_path(loaded: Loaded, field: tuple[str, ...], value: str) -> str | Path:
    return value if value == "bundled" else resolve_path(loaded, field, value)


def build_spec(loaded: Loaded, seed: int | None = None) -> ModelSpec:
    """Network -> leg table -> catalog and mixes -> ModelSpec for a loaded scenario."""
    from freight_sim.fleet import load_catalog, load_mixes
    from freight_sim.network import build_leg_table, load_network

    scenario = loaded.model
    network = load_network(loaded)
    legs = build_leg_table(network, build_leg_requests(loaded, network))
    catalog = load_catalog(_data_path(loaded, ("fleet", "catalog"), scenario.fleet.catalog))
    mixes = load_mixes(_data_path(loaded, ("fleet", "mixes"), scenario.fleet.mixes), catalog)
    return assemble(loaded, network, legs, catalog, mixes, seed=seed)


def simulate(scenario: Loaded | str | Path, seed: int | None = None, progress=None) -> SimResult:
    """Run a scenario (a ``freight_sim.config.Loaded`` or a scenario file path); ``seed`` defaults to the scenario's.

    ``progress(done_fraction)`` is called once per simulated day if given."""
    loaded = scenario if isinstance(scenario, Loaded) else load_scenario(Path(scenario))
    seed = loaded.model.simulation.seed if seed is None else seed
    return run_spec(build_spec(loaded, seed), seed, progress=progress)
