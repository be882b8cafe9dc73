"""Trucks of each road segment: how many (sized from need, or an enterprise's given count split by need),
of which vehicle types, and where battery trucks swap or charge: the station(s) adding the least distance
to their empty return (freight_sim.sim.swap_plan); a battery truck that fits no station or pair of
stations is a ConfigError. With a pathway's fleet renewals, a segment's trucks are replaced at their dates
(freight_sim.sim.fleet_turnover): each replaced or replacing truck is a pool entry of its own."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from freight_sim.config.scenario import Scenario
from freight_sim.errors import ConfigError
from freight_sim.fleet import allocate_trucks
from freight_sim.network.model import MultimodalNetwork
from freight_sim.sim import spec as S
from freight_sim.sim.fleet_turnover import Renewal, slot_spells, spells_in_run
from freight_sim.sim.pathway_inputs import PathwayInputs
from freight_sim.sim.routes import LaneRoute, Routing
from freight_sim.sim.swap_plan import NoFeasibleStation, battery_entry


@dataclass(kw_only=True)
class TruckDraft:
    """A road segment before its truck count is known."""

    lane: int
    enterprise: str
    index: int
    segment: S.Segment
    mix: dict[str, float]
    mix_field: tuple
    need_trucks: float
    entries: list = field(default_factory=list)
    renewals: list[Renewal] = field(default_factory=list)  # dated fleet renewals of the segment's trucks


class TruckPools:
    """Truck counts and pools of the drafts a model builder collected (mixed into it)."""

    sc: Scenario
    where: Callable[..., str]
    net: MultimodalNetwork
    routing: Routing
    vehicles: dict[str, S.VehicleType]
    drafts: list[TruckDraft]
    pathway: PathwayInputs | None
    enterprise_at: dict[str, str]
    mix: Callable[..., dict[str, float]]
    _serving_mix: Callable[..., dict[str, float]]

    def _renewals(self, draft: TruckDraft, route: LaneRoute, kind: str) -> list[Renewal]:
        """The dated fleet renewals of a road segment's trucks: those of the enterprise whose fleet it is (far-end
        drayage: the counterpart's, when it is a listed enterprise), each mix reduced to the vehicles that can serve it."""
        if self.pathway is None:
            return []
        owner = route.enterprise
        if kind == "far_drayage":
            owner = self.enterprise_at.get(self.sc.enterprises[route.enterprise].flows[route.flow].counterpart, owner)
        renewals = []
        for name, renewal in self.pathway.renewals("direct" if kind == "direct" else "drayage", owner):
            field_path = ("pathway", "fleet_renewals", name, "mix")
            asked = self.mix(renewal.mix, field_path)
            serving = self._serving_mix(replace(draft, mix_field=field_path), route, asked)
            start_h, end_h = self.pathway.hours_from_start(renewal.start), self.pathway.hours_from_start(renewal.end)
            renewals.append(Renewal(start_h, end_h, serving))
        return renewals

    def truck_counts(self) -> dict[int, int]:
        """Trucks per draft: sized from need, or the enterprise's given count split by need (largest remainder)."""
        counts = {i: max(1, math.ceil(d.need_trucks - 1e-9)) for i, d in enumerate(self.drafts)}
        by_enterprise: dict[str, list[int]] = {}
        for i, d in enumerate(self.drafts):
            if d.segment.kind != "far_drayage":  # far-end drayage trucks are the counterpart's, sized from need
                by_enterprise.setdefault(d.enterprise, []).append(i)
        for eid, ids in by_enterprise.items():
            given = self.sc.enterprises[eid].trucks
            if given is None:
                continue
            total_need = sum(self.drafts[i].need_trucks for i in ids) or 1.0
            shares = {str(i): self.drafts[i].need_trucks / total_need for i in ids}
            split = allocate_trucks(shares, given) if any(shares.values()) else allocate_trucks({str(i): 1.0 for i in ids}, given)
            for i in ids:
                counts[i] = max(1, split[str(i)])
        return counts

    def pool(self, draft: TruckDraft, n_trucks: int) -> tuple[S.PoolEntry, ...]:
        if draft.renewals:
            return self._renewed_pool(draft, n_trucks)
        entries = []
        for vid, count in allocate_trucks(draft.mix, n_trucks).items():
            if count == 0:
                continue
            vt = self.vehicles[vid]
            if vt.refuel is None:
                entries.append(S.PoolEntry(vehicle_type=vid, count=count))
                continue
            entries.append(self._battery_entry(draft, vid, vt, count))
        return tuple(entries)

    def _renewed_pool(self, draft: TruckDraft, n_trucks: int) -> tuple[S.PoolEntry, ...]:
        """Pool entries of a segment whose trucks are replaced at dates (freight_sim.sim.fleet_turnover): the
        trucks in service all along as one entry per type, each replaced or replacing truck as its own."""
        spells = spells_in_run(slot_spells(draft.mix, n_trucks, draft.renewals), self.sc.simulation.days * 24.0)
        entries = []
        for vid in sorted({s.vehicle_type for s in spells}):
            vt = self.vehicles[vid]
            one = S.PoolEntry(vehicle_type=vid, count=1) if vt.refuel is None else self._battery_entry(draft, vid, vt, 1)
            mine = [s for s in spells if s.vehicle_type == vid]
            lasting = sum(1 for s in mine if s.from_h == 0.0 and s.until_h == math.inf)
            if lasting:
                entries.append(replace(one, count=lasting))
            dated = sorted((s.from_h, s.until_h) for s in mine if not (s.from_h == 0.0 and s.until_h == math.inf))
            entries += [replace(one, active_from_h=from_h, retire_h=until_h) for from_h, until_h in dated]
        return tuple(entries)

    def _battery_entry(self, draft: TruckDraft, vid: str, vt: S.VehicleType, count: int) -> S.PoolEntry:
        """The pool entry of ``count`` battery trucks on a draft's road segment, swapping where their route
        passes closest (freight_sim.sim.swap_plan); ConfigError when no station or pair of stations serves it."""
        seg = draft.segment
        assert vt.refuel is not None, "battery trucks only"
        stations = [(self._energy_station(node, vt.refuel), node) for node in self.routing.energy_stations(vt.refuel)]
        try:
            return battery_entry(vid, count, vt, seg, stations, self.routing.road_hop)
        except NoFeasibleStation as exc:
            raise ConfigError(
                self.where(
                    draft.mix_field,
                    f"{vid}: a {seg.origin}->{seg.destination} haul ({seg.loaded_km:.0f} km each way) cannot be served within the"
                    f" usable battery ({vt.usable_kwh:.0f} kWh): {exc}",
                )
            ) from None

    def _energy_station(self, node: str, refuel: str) -> str:
        """The spec id of the swap or charging station at ``node`` (added once it is used)."""
        return f"{node}/{refuel}"

    def used_stations(self, lanes: list[S.Lane]) -> tuple[S.SwapStation, ...]:
        """The swap and charging stations the pools name, in id order."""
        used = sorted(
            {sid for lane in lanes for seg in lane.segments for p in seg.pool for sid in (p.swap_station, p.far_swap_station) if sid}
        )
        out = []
        for sid in used:
            node, refuel = sid.rsplit("/", 1)
            bays = int(self.net.nodes.at[node, "swap_bays" if refuel == "swap" else "charge_points"])
            out.append(S.SwapStation(sid, node, bays))
        return tuple(out)
