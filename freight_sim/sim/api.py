"""Public entry: run a scenario file (or a loaded scenario) through the engine."""

from __future__ import annotations

from pathlib import Path

from freight_sim.config import Loaded, data_path, load_scenario
from freight_sim.errors import ConfigError, NetworkError
from freight_sim.sim.assemble import assemble, build_leg_requests
from freight_sim.sim.engine import simulate_spec
from freight_sim.sim.result import SimResult
from freight_sim.sim.spec import ModelSpec


def build_spec(loaded: Loaded, seed: int | None = None, network=None) -> ModelSpec:
    """Network -> leg table -> catalog and mixes -> ModelSpec for a loaded scenario (``network``: already loaded)."""
    from freight_sim.fleet import load_catalog, load_mixes
    from freight_sim.network import build_leg_table, load_network

    scenario = loaded.model
    network = network if network is not None else load_network(loaded)
    try:
        legs = build_leg_table(network, build_leg_requests(loaded, network))
    except NetworkError:
        raise ConfigError(*_unroutable_lanes(loaded, network)) from None
    catalog = load_catalog(data_path(loaded, ("fleet", "catalog"), scenario.fleet.catalog), scenario.inputs)
    mixes = load_mixes(data_path(loaded, ("fleet", "mixes"), scenario.fleet.mixes), catalog)
    return assemble(loaded, network, legs, catalog, mixes, seed=seed)


def _unroutable_lanes(loaded: Loaded, network) -> list[str]:
    """``FILE:LINE: field: message`` for each flow with a segment the network cannot route."""
    from freight_sim.network import build_leg_table
    from freight_sim.sim.routes import Routing, lane_routes

    lines = []
    for route in lane_routes(loaded.model, Routing(network), loaded.error):
        for seg in route.segments:
            try:
                build_leg_table(network, [seg.route])
            except NetworkError as exc:
                lines.append(loaded.error(("enterprises", route.enterprise, "flows", route.flow), f"{route.chain}: {exc}"))
                break
    return lines or [loaded.error(("network",), "a leg of the scenario cannot be routed")]


def simulate(scenario: Loaded | str | Path, seed: int | None = None, progress=None, network=None) -> SimResult:
    """Run a scenario (a ``freight_sim.config.Loaded`` or a scenario file path); ``seed`` defaults to the scenario's.

    ``progress(done_fraction)`` is called once per simulated day if given; ``network``: already loaded."""
    loaded = scenario if isinstance(scenario, Loaded) else load_scenario(Path(scenario))
    seed = loaded.model.simulation.seed if seed is None else seed
    return simulate_spec(build_spec(loaded, seed, network), seed, progress=progress)
