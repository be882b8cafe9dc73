"""The multimodal network: loading (bundled, CSV, GraphML, OSM XML), validation, leg tables, drawing."""

from freight_sim.network.legs import Leg, LegTable, build_leg_table, nearest
from freight_sim.network.load import load_network, load_network_source
from freight_sim.network.model import MultimodalNetwork
from freight_sim.network.validate import check_network, check_scenario

__all__ = [
    "Leg",
    "LegTable",
    "MultimodalNetwork",
    "build_leg_table",
    "check_network",
    "check_scenario",
    "load_network",
    "load_network_source",
    "nearest",
    "network_problems",
]


def network_problems(loaded) -> list[str]:
    """Load the scenario's network and return every network and scenario-vs-network problem as
    ``FILE:LINE: dotted.field: message`` lines (network-wide problems are located at ``network``)."""
    net = load_network(loaded)
    lines = [loaded.error(("network",), problem) for problem in check_network(net)]
    return lines + check_scenario(loaded, net)
