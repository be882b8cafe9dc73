"""The rail network grouped into line sections, with its yards and public-station figures.

Sections come from the network's rail data file (``rail.yaml``, freight_sim.network.rail_data). Rail
edges that no listed section covers are grouped per ``line`` into runs between nodes where lines meet or
the line branches or ends, each a double-track section with the edges' smallest ``paths_per_day`` per
direction, no background traffic and no maintenance window of its own (the scenario's applies).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import pairwise

from freight_sim.errors import ConfigError
from freight_sim.network.rail_data import RailData, StationData, YardData, rail_data_problems


@dataclass(frozen=True, kw_only=True)
class SectionPlan:
    """A line section: nodes in order, paths (shared on single track, else per direction), background, window."""

    id: str
    line: str
    nodes: tuple[str, ...]
    single_track: bool
    paths_per_day: float
    background_trains_per_day: float = 0.0
    maintenance_start_h: float = 0.0
    maintenance_h: float = 0.0
    from_data: bool = False


@dataclass(frozen=True)
class RailLayout:
    sections: dict[str, SectionPlan]
    hop_section: dict[int, tuple[str, bool]]  # rail edge row -> (section id, whether the hop u->v runs along its nodes)
    yards: dict[str, YardData] = field(default_factory=dict)
    stations: dict[str, StationData] = field(default_factory=dict)

    def station(self, node: str) -> StationData:
        return self.stations.get(node) or StationData()


def rail_layout(net) -> RailLayout:
    """The sections, yards and stations of ``net`` (its rail data, if any, must fit it: else ConfigError)."""
    data: RailData | None = getattr(net, "rail", None)
    if data is not None and (problems := list(rail_data_problems(data, net))):
        raise ConfigError(*problems)
    edges = net.edges
    rail = edges[edges["mode"] == "rail"]
    sections: dict[str, SectionPlan] = {}
    hop_section: dict[int, tuple[str, bool]] = {}
    covered: dict[tuple[frozenset, str], tuple[str, tuple[str, ...]]] = {}
    for sid, s in (data.sections if data is not None else {}).items():
        nodes = tuple(s.nodes)
        sections[sid] = SectionPlan(
            id=sid,
            line=s.line,
            nodes=nodes,
            single_track=s.single_track,
            paths_per_day=s.paths_per_day,
            background_trains_per_day=s.background_trains_per_day,
            maintenance_start_h=s.maintenance_start_h,
            maintenance_h=s.maintenance_h,
            from_data=True,
        )
        for a, b in pairwise(nodes):
            covered[(frozenset((a, b)), s.line)] = (sid, nodes)
    rest = []
    for row, u, v, line, paths in zip(rail.index, rail["u"], rail["v"], rail["line"], rail["paths_per_day"], strict=True):
        key = (frozenset((u, v)), str(line))
        if key in covered:
            sid, nodes = covered[key]
            hop_section[int(row)] = (sid, nodes.index(u) < nodes.index(v))
        else:
            rest.append((int(row), str(u), str(v), str(line), float(paths)))
    for plan, rows in _default_sections(rail, rest):
        sections[plan.id] = plan
        for row, forward in rows:
            hop_section[row] = (plan.id, forward)
    return RailLayout(sections, hop_section, dict(data.yards) if data else {}, dict(data.stations) if data else {})


def _default_sections(rail, rest):
    """Group uncovered rail edges per line into runs between nodes where lines meet, branch or end."""
    lines_at: dict[str, set[str]] = defaultdict(set)
    degree: dict[tuple[str, str], int] = defaultdict(int)
    for u, v, line in zip(rail["u"], rail["v"], rail["line"], strict=True):
        for node in (u, v):
            lines_at[node].add(str(line))
            degree[(node, str(line))] += 1
    by_node: dict[tuple[str, str], list] = defaultdict(list)
    for edge in rest:
        _, u, v, line, _ = edge
        by_node[(u, line)].append(edge)
        by_node[(v, line)].append(edge)

    def is_end(node: str, line: str) -> bool:
        return len(lines_at[node]) > 1 or degree[(node, line)] != 2

    used: set[int] = set()
    for edge in rest:  # rows in table order: deterministic
        if edge[0] in used:
            continue
        _, u, v, line, _ = edge
        # walk back from u to a run end, then forward collecting the run
        start, came, seen = u, edge, {u}
        while not is_end(start, line):
            nxt = [e for e in by_node[(start, line)] if e is not came and e[0] not in used]
            if not nxt:
                break
            came = nxt[0]
            start = came[1] if came[2] == start else came[2]
            if start in seen:  # a ring without ends: start anywhere
                break
            seen.add(start)
        nodes, hops, node, last = [start], [], start, None
        while True:
            nxt = [e for e in by_node[(node, line)] if e is not last and e[0] not in used]
            if not nxt or (len(nodes) > 1 and is_end(node, line)):
                break
            last = nxt[0]
            used.add(last[0])
            other = last[2] if last[1] == node else last[1]
            hops.append((last[0], last[1] == node, last[4]))
            nodes.append(other)
            node = other
        sid = f"{line}:{nodes[0]}-{nodes[-1]}"
        plan = SectionPlan(
            id=sid,
            line=line,
            nodes=tuple(nodes),
            single_track=False,
            paths_per_day=min((p for _, _, p in hops), default=math.inf),
        )
        yield plan, [(r, fwd) for r, fwd, _ in hops]
