"""Public entry: run a scenario file (or a loaded scenario) through the engine."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from freight_sim.config import Loaded, load_scenario
from freight_sim.errors import ConfigError, NetworkError
from freight_sim.sim.assemble import assemble
from freight_sim.sim.engine import simulate_spec
from freight_sim.sim.result import SimResult
from freight_sim.sim.routes import LaneRoute, leg_requests
from freight_sim.sim.spec import ModelSpec


@dataclass(frozen=True, kw_only=True)
class BuiltModel:
    """A scenario's ModelSpec with the lane routes and leg table it was assembled from (routed once per run)."""

    spec: ModelSpec
    routes: list[LaneRoute]
    legs: Any
    fleet: Any  # the ScenarioFleet (catalog and mixes) it was assembled with


def build_spec(loaded: Loaded, seed: int | None = None, network=None, fleet=None) -> ModelSpec:
    """The ModelSpec of a loaded scenario (see ``build_model``)."""
    return build_model(loaded, seed, network, fleet).spec


def build_model(loaded: Loaded, seed: int | None = None, network=None, fleet=None) -> BuiltModel:
    """Network -> lane routes -> leg table -> ModelSpec for a loaded scenario; ``network`` and ``fleet`` (the
    scenario's ``ScenarioFleet``): already loaded. Lanes are routed once, for the leg table and the model."""
    from freight_sim.fleet import load_scenario_fleet
    from freight_sim.network import build_leg_table, load_network
    from freight_sim.sim.routes import Routing, lane_routes

    network = network if network is not None else load_network(loaded)
    fleet = fleet if fleet is not None else load_scenario_fleet(loaded)
    routing = Routing(network)
    routes = lane_routes(loaded.model, routing, loaded.error)
    try:
        legs = build_leg_table(network, leg_requests(routes))
    except NetworkError:
        raise ConfigError(*_unroutable_lanes(loaded, network)) from None
    spec = assemble(loaded, network, legs, fleet.catalog, fleet.mixes, seed=seed, routing=routing, routes=routes)
    return BuiltModel(spec=spec, routes=routes, legs=legs, fleet=fleet)


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
