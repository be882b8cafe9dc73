"""The rail data file of a network (``rail.yaml``): line sections, yards and public freight stations.

Every number is a quantity with unit, source and ``estimate`` flag (freight_sim.datafile). A section is a
run of rail edges of one line between junctions or stations where lines meet, listed as its nodes in
order; ``single_track: true`` means its paths are shared by both directions, otherwise ``paths_per_day``
and ``background_trains_per_day`` count each direction. A yard is a node whose receiving tracks every
train passing through it holds for ``dwell_h``. A station entry overrides the operating defaults
(networks/operations.yaml) for that public station. Checks against the network itself (nodes, edges,
background below capacity) are in ``rail_data_problems``; each problem is a ``FILE:LINE: field: message`` line.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path
from typing import Annotated

from pydantic import Field

from freight_sim.config.yaml_source import SourceMap, dotted
from freight_sim.datafile import DataFile, Strict, Unit, load_data_file

RAIL_FILE_NAME = "rail.yaml"
TrainsPerDay = Annotated[float, Unit("trains/day", 0.0, 500.0)]
HourOfDay = Annotated[float, Unit("h", 0.0, 24.0)]


class SectionData(Strict):
    name: str = Field(min_length=1)
    line: str = Field(min_length=1, description="the `line` of its edges in edges.csv")
    nodes: list[str] = Field(min_length=2, description="its nodes in order along the line")
    single_track: bool = Field(description="paths shared by both directions (else counted per direction)")
    paths_per_day: Annotated[float, Unit("trains/day", 1.0, 500.0)]
    background_trains_per_day: TrainsPerDay
    maintenance_start_h: HourOfDay
    maintenance_h: Annotated[float, Unit("h", 0.0, 12.0)]


class YardData(Strict):
    name: str = Field(min_length=1)
    receiving_tracks: Annotated[int, Unit("tracks", 1, 50)]
    dwell_h: Annotated[float, Unit("h", 0.1, 24.0)]
    background_trains_per_day: TrainsPerDay


class StationData(Strict):
    """A public freight station's own figures; an absent one takes the operating default."""

    loading_tracks: Annotated[int, Unit("tracks", 1, 50)] | None = None
    loading_rate_tph: Annotated[float, Unit("t/h", 50.0, 10_000.0)] | None = None
    wagon_sets: Annotated[int, Unit("train sets", 1, 50)] | None = None
    pile_train_loads: Annotated[float, Unit("train loads", 1.2, 20.0)] | None = None
    opens_h: HourOfDay | None = None
    closes_h: HourOfDay | None = None


class RailData(DataFile):
    sections: dict[str, SectionData] = Field(default_factory=dict)
    yards: dict[str, YardData] = Field(default_factory=dict)
    stations: dict[str, StationData] = Field(default_factory=dict)
    _smap: SourceMap | None = None

    def where(self, *path: str | int) -> str:
        """``FILE:LINE: dotted.path`` of a field of the file."""
        location = self._smap.where(tuple(path)) if self._smap is not None else f"{self.path}:1"
        return f"{location}: {dotted(path)}"


def load_rail_data(path: Path) -> RailData:
    """Read and validate a rail data file (schema and bounds; FILE:LINE errors as ConfigError)."""
    data, smap = load_data_file(RailData, Path(path))
    data._smap = smap
    return data


def rail_data_problems(data: RailData, net) -> Iterator[str]:
    """Problems of a rail data file against its network: unknown nodes, hops that are no rail edge of the
    section's line, an edge in two sections, background traffic that leaves no path free, station and yard
    entries for nodes that are not freight stations or yards, opening hours without both ends."""
    from freight_sim.sim.line_sections import free_slot_offsets

    edges = net.edges
    rail = edges[edges["mode"] == "rail"]
    line_of_hop: dict[frozenset, set[str]] = {}
    for u, v, line in zip(rail["u"], rail["v"], rail["line"], strict=True):
        line_of_hop.setdefault(frozenset((u, v)), set()).add(str(line))
    owner: dict[tuple[frozenset, str], str] = {}
    for sid, section in data.sections.items():
        for i, node in enumerate(section.nodes):
            if not net.has_node(node):
                yield f"{data.where('sections', sid, 'nodes', i)}: unknown network node {node!r}"
        for i, (a, b) in enumerate(pairwise(section.nodes)):
            hop = frozenset((a, b))
            if section.line not in line_of_hop.get(hop, set()):
                yield f"{data.where('sections', sid, 'nodes', i + 1)}: no rail edge {a}-{b} of line {section.line!r} in the network"
            elif (hop, section.line) in owner:
                yield f"{data.where('sections', sid, 'nodes', i + 1)}: edge {a}-{b} is already in section {owner[(hop, section.line)]}"
            else:
                owner[(hop, section.line)] = sid
        free = len(free_slot_offsets(section.paths_per_day, section.maintenance_start_h, section.maintenance_h))
        if section.background_trains_per_day >= free:
            yield (
                f"{data.where('sections', sid, 'background_trains_per_day')}: {section.background_trains_per_day:g} trains/day"
                f" leave no path free ({free} paths a day outside the maintenance window)"
            )
    for node, yard in data.yards.items():
        if not net.has_node(node) or net.kind(node) not in ("yard", "station"):
            yield f"{data.where('yards', node)}: {node!r} is not a yard or station of the network"
        elif yard.background_trains_per_day >= yard.receiving_tracks * 24.0 / yard.dwell_h:
            yield f"{data.where('yards', node, 'background_trains_per_day')}: leaves no receiving track free"
    for node, station in data.stations.items():
        if not net.has_node(node) or net.kind(node) not in ("yard", "station"):
            yield f"{data.where('stations', node)}: {node!r} is not a station or yard of the network"
        if (station.opens_h is None) != (station.closes_h is None):
            yield f"{data.where('stations', node)}: give both opens_h and closes_h, or neither"
        elif station.opens_h is not None and station.opens_h == station.closes_h:
            yield f"{data.where('stations', node, 'closes_h')}: a station open 0 h a day loads no train"
