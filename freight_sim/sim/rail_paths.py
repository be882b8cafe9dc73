"""Which line sections and yards a rail leg crosses, and when: the crossings of a train's run.

A leg's route (its nodes and edge rows) is cut where it enters a new section; each entry is a crossing
at the running time from the start of the run (plus any lead time, a siding's spur run first). A
double-track section is booked per direction (``<id> to <end node>``), a single-track one as a whole.
A yard on the route (except at the public station where the train loads, whose loading tracks it
uses) is a crossing too, and the train dwells there ``dwell_h`` on its receiving tracks. The daily
maintenance window is the section's own unless the scenario sets ``disruptions.rail_maintenance``,
which then applies to every section.
"""

from __future__ import annotations

from freight_sim.network.rail_layout import RailLayout
from freight_sim.sim.rail_spec import Crossing, LineSection


class RailPaths:
    """Crossings of rail legs, collecting the LineSections (and yards) that any leg uses."""

    def __init__(self, layout: RailLayout, edges, window_start_h: float, window_h: float) -> None:
        self.layout = layout
        self.edge_u = edges["u"]
        self.edge_hours = edges["hours"]
        self.window = (window_start_h, window_h) if window_h > 0 else None
        self.sections: dict[str, LineSection] = {}

    def crossings(
        self, path: tuple[str, ...], edge_rows: tuple[int, ...], lead_h: float, home: str | None
    ) -> tuple[tuple[Crossing, ...], float]:
        """The crossings of a run along ``path`` (its ``edge_rows``) starting ``lead_h`` in, and the yard dwell
        it adds; ``home``: the public station where the train loads (no yard crossing there)."""
        crossings: list[Crossing] = []
        at_h, dwell_h, previous = lead_h, 0.0, None
        for i, row in enumerate(edge_rows):
            node = path[i]
            if node != home and node in self.layout.yards:
                crossings.append(Crossing(self._yard(node), at_h))
                at_h += self.layout.yards[node].dwell_h
                dwell_h += self.layout.yards[node].dwell_h
                previous = None
            hop = self.layout.hop_section.get(row)
            if hop is not None:
                sid, along = hop
                unit = self._section(sid, along if self.edge_u[row] == node else not along)
                if unit != previous:
                    crossings.append(Crossing(unit, at_h))
                previous = unit
            else:
                previous = None
            at_h += float(self.edge_hours[row])
        if edge_rows and path[-1] != home and path[-1] in self.layout.yards:
            crossings.append(Crossing(self._yard(path[-1]), at_h))
            dwell_h += self.layout.yards[path[-1]].dwell_h
        return tuple(crossings), dwell_h

    def _section(self, sid: str, forward: bool) -> str:
        plan = self.layout.sections[sid]
        unit = sid if plan.single_track else f"{sid} to {plan.nodes[-1] if forward else plan.nodes[0]}"
        if unit not in self.sections:
            start_h, window_h = self.window or (plan.maintenance_start_h, plan.maintenance_h)
            self.sections[unit] = LineSection(
                id=unit,
                paths_per_day=plan.paths_per_day,
                maintenance_start_h=start_h,
                maintenance_h=window_h,
                background_per_day=plan.background_trains_per_day,
            )
        return unit

    def _yard(self, node: str) -> str:
        yard = self.layout.yards[node]
        unit = f"yard {node}"
        if unit not in self.sections:
            self.sections[unit] = LineSection(
                id=unit,
                paths_per_day=yard.receiving_tracks * 24.0 / yard.dwell_h,
                background_per_day=yard.background_trains_per_day,
                kind="yard",
            )
        return unit
