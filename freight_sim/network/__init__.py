"""The multimodal network: loading (bundled, CSV, GraphML, OSM XML), validation, leg tables, drawing."""

from freight_sim.network.draw import draw_network
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
    "draw_network",
    "load_network",
    "load_network_source",
    "nearest",
    "network_problems",
]


def network_problems(loaded) -> list[str]:
    """Load the scenario's network and return every problem of the scenario against it as
    ``FILE:LINE: dotted.field: message`` lines (empty when the scenario fits the network)."""
    return check_scenario(loaded, load_network(loaded))
