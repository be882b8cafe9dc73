"""Turn a scenario (+ network, leg table, vehicle catalog, fleet mixes) into a ModelSpec.

It resolves chain allocation, counterpart routing (rail to
the counterpart's rail node, far-end drayage by road from there, run by trucks of the counterpart's
drayage mix when the counterpart is a listed enterprise), the public station for drayage, fleet mixes and
and the vehicles that can serve each road segment (freight_sim.sim.fleet_feasibility); truck counts and
swap stations come from freight_sim.sim.truck_pools.

Each lane gets an origin stockpile sized by its share of the enterprise's stockyard (at least
``min_train_loads_in_stockpile`` train loads when trains load from it). For inbound flows that pile stands for
the supplier's stock at the loading end (the counterpart); trucks load there without a bay limit, and
unload at the plant in the enterprise's ``unloading_h``. A station pile that trucks fill for rail holds
``station_pile_train_loads`` train loads (the scenario's, else the station's in the network's rail data,
else networks/operations.yaml); one that trains fill is unbounded. Public stations take loading tracks,
rate, wagon sets and opening hours from the rail data where it gives them. Every rail leg crosses the
line sections and yards of its route (freight_sim.sim.rail_paths), shared by all trains on them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace

from freight_sim.config.loader import Loaded
from freight_sim.config.scenario import Scenario
from freight_sim.config.yaml_source import dotted
from freight_sim.errors import ConfigError, NetworkError
from freight_sim.fleet import resolve_mix
from freight_sim.network.defaults import load_defaults
from freight_sim.network.rail_layout import rail_layout
from freight_sim.sim import spec as S
from freight_sim.sim.alerts import ban_days
from freight_sim.sim.calendar import alert_levels, daily_tonnes, outage_factors, peak_daily_tonnes, sample_outages
from freight_sim.sim.fleet_feasibility import FleetSubstitution, serving_mix, warn_substitutions
from freight_sim.sim.operations import Operations, load_operations
from freight_sim.sim.pathway_inputs import PathwayInputs
from freight_sim.sim.rail_parts import RailParts
from freight_sim.sim.rail_paths import RailPaths
from freight_sim.sim.rail_spec import RailTerminal
from freight_sim.sim.routes import LaneRoute, Routing, SegmentRoute, lane_routes, leg_requests
from freight_sim.sim.streams import OUTAGES, entity_rng
from freight_sim.sim.truck_pools import TruckDraft, TruckPools
from freight_sim.sim.variability import Variabilities, scenario_variabilities


def _scenario_and_where(loaded_or_scenario: Loaded | Scenario):
    if isinstance(loaded_or_scenario, Loaded):
        return loaded_or_scenario.model, loaded_or_scenario.error
    return loaded_or_scenario, lambda path, message: f"<scenario>:1: {dotted(path)}: {message}"


def build_leg_requests(loaded_or_scenario: Loaded | Scenario, network) -> list[tuple[str, str, str]]:
    """Every (origin, destination, mode) the scenario's lanes need, for ``build_leg_table``."""
    scenario, where = _scenario_and_where(loaded_or_scenario)
    return leg_requests(lane_routes(scenario, Routing(network), where))


class _Builder(TruckPools, RailParts):
    """Accumulates the parts of a ModelSpec while lanes are assembled."""

    def __init__(
        self,
        scenario: Scenario,
        where,
        network,
        legs,
        catalog,
        mixes,
        ops: Operations,
        alert_levels: tuple[int, ...],
        routing: Routing | None,
        pathway: PathwayInputs | None = None,
    ) -> None:
        self.sc, self.where, self.net, self.legs, self.catalog, self.mixes, self.ops = scenario, where, network, legs, catalog, mixes, ops
        self.routing = routing if routing is not None else Routing(network)
        self.enterprise_at = {e.node: eid for eid, e in sorted(scenario.enterprises.items())}
        self.spur_kph = load_defaults().spur_speed_kph
        self.n_days = math.ceil(scenario.simulation.days - 1e-9)
        self.stockpiles: list[S.Stockpile] = []
        self.terminals: dict[str, RailTerminal] = {}
        self.layout = rail_layout(network)
        m = scenario.disruptions.rail_maintenance
        self.rail_paths = RailPaths(self.layout, network.edges, m.window_start_h, m.window_h)
        self.vehicles: dict[str, S.VehicleType] = {}
        self.drafts: list[TruckDraft] = []
        self.substitutions: list[FleetSubstitution] = []
        self.alert_levels: tuple[int, ...] = alert_levels
        self.pathway: PathwayInputs | None = pathway  # dated measures, when the scenario has a pathway

    # --- parts -------------------------------------------------------------------------------------

    def pile(self, pile_id: str, node: str, capacity_t: float) -> int:
        self.stockpiles.append(S.Stockpile(pile_id, node, capacity_t))
        return len(self.stockpiles) - 1

    def vehicle(self, vehicle_id: str, field_path: tuple) -> S.VehicleType:
        if vehicle_id not in self.vehicles:
            try:
                v = self.catalog.vehicle(vehicle_id)
            except ConfigError as exc:
                raise ConfigError(self.where(field_path, str(exc).split(": ", 2)[-1])) from None
            electric = v.energy_carrier == "electricity_kwh"
            refuel_h = (v.swap_h if v.refuel == "swap" else v.charge_h) if v.refuel else 0.0
            self.vehicles[vehicle_id] = S.VehicleType(
                id=v.id,
                mode=v.mode,
                payload_t=v.payload_t,
                battery_kwh=v.battery_kwh or 0.0,
                usable_battery_share=v.usable_battery_share or 1.0,
                kwh_per_km_loaded=v.energy_per_km_loaded if electric else 0.0,
                kwh_per_km_empty=v.energy_per_km_empty if electric else 0.0,
                refuel=v.refuel if electric else None,
                refuel_h=refuel_h or 0.0,
                class_id=v.id,
            )
        return self.vehicles[vehicle_id]

    def mix(self, mix, field_path: tuple) -> dict[str, float]:
        try:
            shares = resolve_mix(self.catalog, self.mixes, mix, self.sc.fleet.extra_mixes, field=dotted(field_path))
        except ConfigError as exc:
            raise ConfigError(*(self.where(field_path, line.split(": ", 1)[-1]) for line in exc.lines)) from None
        for vid in shares:
            self.vehicle(vid, field_path)
        return shares

    def leg(self, route: SegmentRoute, field_path: tuple):
        try:
            return self.legs.get(*route.route)
        except NetworkError as exc:
            raise ConfigError(self.where(field_path, str(exc))) from None

    # --- lanes -------------------------------------------------------------------------------------

    def lane(self, index: int, route: LaneRoute) -> S.Lane:
        ent = self.sc.enterprises[route.enterprise]
        flow = ent.flows[route.flow]
        at = ("enterprises", route.enterprise, "flows", route.flow)
        lane_id = f"{route.enterprise}/{route.flow}/{route.chain}"
        daily: Sequence[float]
        if self.pathway is not None:
            daily = self.pathway.lane_daily_t(route.enterprise, route.flow, route.chain, flow.monthly_profile)
        else:
            daily = daily_tonnes(route.tonnes_per_year, flow.monthly_profile, self.sc.simulation.start_date, self.n_days)
        # the stockyard is shared by the enterprise's lanes in proportion to their (scaled) tonnage
        capacity = ent.stockyard_capacity_t * route.tonnes_per_year / (ent.tonnes_per_year * self.sc.demand_scale)
        moving = list(route.segments)
        if moving[0].mode == "rail":
            train_load = self._rail_terminal(route, moving[0], ent)[1]
            capacity = max(capacity, self.ops.min_train_loads_in_stockpile * train_load)
        origin = self.pile(lane_id, moving[0].origin, capacity)
        current = origin
        segments = []
        for seg in route.segments:
            last = seg is moving[-1]
            sink = -1 if last else self.pile(f"{lane_id}@{seg.destination}", seg.destination, self._station_pile_t(route, ent, moving, seg))
            if seg.mode == "rail":
                segments.append(self._rail(seg, route, ent, at, current, sink))
            elif seg.mode == "conveyor":
                leg = self.leg(seg, at)
                segments.append(
                    S.Segment(
                        kind="direct",
                        mode="conveyor",
                        origin=seg.origin,
                        destination=seg.destination,
                        loaded_km=leg.distance_km,
                        loaded_h=leg.hours,
                        empty_km=0.0,
                        empty_h=0.0,
                        source=current,
                        vehicle_type=self.vehicle("conveyor-belt", at).id,
                        gate=True,
                    )
                )
            else:
                segments.append(self._road(index, len(segments), seg, route, ent, flow, at, current, sink))
            current = sink
        return S.Lane(
            id=lane_id,
            enterprise=route.enterprise,
            flow=route.flow,
            commodity=flow.commodity,
            direction=flow.direction,
            chain=route.chain,
            tonnes_per_year=route.tonnes_per_year,
            daily_t=daily,
            origin_stock=origin,
            segments=tuple(segments),
        )

    def _station_pile_t(self, route: LaneRoute, ent, moving: list, seg) -> float:
        """Room for a lane's cargo at a station: trucks bringing it to rail wait at the gate beyond
        ``rail.station_pile_train_loads`` (default: operations.yaml ``pile_train_loads``) train loads; a pile
        trains fill is not limited (trucks take from it)."""
        following = moving[moving.index(seg) + 1]
        if seg.mode != "road" or following.mode != "rail":
            return math.inf
        own = self.layout.station(seg.destination).pile_train_loads
        train_loads = self.sc.rail.station_pile_train_loads or own or self.ops.station_pile_train_loads
        return train_loads * self._rail_terminal(route, following, ent)[1]

    def _mix_field(self, route: LaneRoute, kind: str) -> tuple[tuple, object]:
        ent = self.sc.enterprises[route.enterprise]
        if kind == "direct":
            return ("enterprises", route.enterprise, "fleet_mix"), ent.fleet_mix
        if kind == "far_drayage":
            # far-end drayage crosses the counterpart's gate: a listed enterprise hauls it with its own drayage mix
            counterpart = self.enterprise_at.get(ent.flows[route.flow].counterpart)
            if counterpart is not None:
                return self.sc.drayage_mix_for(counterpart)
        return self.sc.drayage_mix_for(route.enterprise)

    def _road(self, lane, index, seg, route, ent, flow, at, source, sink) -> S.Segment:
        leg = self.leg(seg, at)
        out = flow.direction == "out"
        far = seg.kind == "far_drayage"  # far station <-> counterpart: loads at the station when outbound
        from_station = (seg.kind == "gate_drayage" and not out) or (far and out)
        to_station = (seg.kind == "gate_drayage" and out) or (far and not out)
        load_h = self.ops.station_truck_loading_h if from_station else ent.truck_loading_h
        unload_h = self.ops.station_truck_unloading_h if to_station else ent.unloading_h
        segment = S.Segment(
            kind=seg.kind,
            mode="road",
            origin=seg.origin,
            destination=seg.destination,
            loaded_km=leg.distance_km,
            loaded_h=leg.hours,
            empty_km=leg.distance_km,
            empty_h=leg.hours,
            source=source,
            sink=sink,
            bay_site=route.enterprise if out and not far else None,
            load_h=load_h,
            unload_h=unload_h,
            gate=not far,
        )
        mix_field, mix_value = self._mix_field(route, seg.kind)
        draft = TruckDraft(
            lane=lane, enterprise=route.enterprise, index=index, segment=segment, mix={}, mix_field=mix_field, need_trucks=0.0
        )
        shares = draft.mix = self._serving_mix(draft, route, self.mix(mix_value, mix_field))
        draft.renewals = self._renewals(draft, route, seg.kind)
        payload = min(sum(s * self.vehicles[v].payload_t for v, s in mix.items()) for mix in [shares, *(r.mix for r in draft.renewals)])
        cycle_h = load_h + unload_h + 2 * leg.hours
        trips_per_truck = min(self.sc.fleet.target_trips_per_truck_day, self.ops.operating_h_per_day / max(cycle_h, 1e-9))
        # sized for the peak day of a full year from the start date, whatever the horizon
        peak_t = peak_daily_tonnes(route.tonnes_per_year, flow.monthly_profile, self.sc.simulation.start_date, 366)
        draft.need_trucks = self.ops.fleet_margin * peak_t / payload / trips_per_truck
        self.drafts.append(draft)
        return segment

    def _serving_mix(self, draft: TruckDraft, route: LaneRoute, asked: dict[str, float]) -> dict[str, float]:
        """The vehicles of ``asked`` that can serve the draft's segment, or of the enterprise's fallback mix,
        re-weighted (freight_sim.sim.fleet_feasibility); substitutions are recorded and warned about."""
        lane_id = f"{route.enterprise}/{route.flow}/{route.chain}"
        fallback_field, fallback_value = self.sc.fallback_mix_for(route.enterprise)
        serving = serving_mix(
            asked,
            lambda: self.mix(fallback_value, fallback_field),
            lambda vid: self._cannot_serve(draft, vid),
            lane=lane_id,
            segment=draft.segment.kind,
            tonnes_per_year=route.tonnes_per_year,
        )
        if not serving.shares:
            reasons = "; ".join(f"{vid}: {why}" for vid, why in serving.problems.items())
            raise ConfigError(
                self.where(draft.mix_field, f"lane {lane_id}: no vehicle of the mix or of the fallback mix can serve it ({reasons})")
            )
        warn_substitutions(self.where(draft.mix_field, "").rstrip(": "), serving.substitutions)
        self.substitutions.extend(serving.substitutions)
        return serving.shares

    def _cannot_serve(self, draft: TruckDraft, vid: str) -> str | None:
        """Why a vehicle type cannot serve a draft's road segment (every day banned, battery), or None."""
        vt = self.vehicles[vid]
        banned, _ = ban_days(
            vt, self.alert_levels, tuple(self.sc.disruptions.alerts.orange_bans), tuple(self.sc.disruptions.alerts.red_bans), math.inf
        )
        if banned is not None and all(banned):
            return "banned by alerts on every day of the run"
        if vt.refuel is None:
            return None
        try:
            self._battery_entry(draft, vid, vt, 0)
        except ConfigError as exc:
            return str(exc).split(": ", 2)[-1].removeprefix(f"{vid}: ")
        return None

    # --- trucks ------------------------------------------------------------------------------------


def assemble(
    loaded_or_scenario: Loaded | Scenario,
    network,
    legs,
    catalog,
    mixes,
    seed: int | None = None,
    operations: Operations | None = None,
    variability: Variabilities | None = None,
    *,
    routing: Routing | None = None,
    routes: list | None = None,
) -> S.ModelSpec:
    """The ModelSpec of a scenario; ``seed`` (default: the scenario's) drives sampled alert days and outages;
    ``variability``: default the scenario's ``simulation.variability`` (freight_sim.sim.variability);
    ``routing`` and ``routes`` (the scenario's lane routes on that routing): already computed."""
    scenario, where = _scenario_and_where(loaded_or_scenario)
    sim = scenario.simulation
    seed = sim.seed if seed is None else seed
    n_days = math.ceil(sim.days - 1e-9)
    levels = tuple(alert_levels(scenario.disruptions.alerts, sim.start_date, n_days, seed))
    pathway = PathwayInputs(scenario, where) if scenario.pathway is not None else None
    b = _Builder(
        scenario, where, network, legs, catalog, mixes, operations or load_operations(inputs=scenario.inputs), levels, routing, pathway
    )
    if routes is None:
        routes = lane_routes(scenario, b.routing, where)
    lanes = [b.lane(i, r) for i, r in enumerate(routes)]
    counts = b.truck_counts()
    problems: list[str] = []
    for i, draft in enumerate(b.drafts):
        lane = lanes[draft.lane]
        segments = list(lane.segments)
        try:
            segments[draft.index] = replace(draft.segment, pool=b.pool(draft, counts[i]))
        except ConfigError as exc:  # report every infeasible battery lane at once
            problems.extend(exc.lines)
            continue
        lanes[draft.lane] = replace(lane, segments=tuple(segments))
    if problems:
        raise ConfigError(*problems)
    outages = _outage_spells(scenario, where, b.n_days, seed)
    variability = variability or scenario_variabilities(loaded_or_scenario)
    enterprises = tuple(
        S.Enterprise(
            id=eid,
            node=e.node,
            stockyard_t=e.stockyard_capacity_t,
            loading_bays=e.loading_bays,
            loading_h=e.truck_loading_h,
            unloading_h=e.unloading_h,
            production_factor_by_day=outage_factors(
                [(o.start, o.days) for o in scenario.disruptions.outages if o.enterprise == eid],
                sim.start_date,
                b.n_days,
                outages.get(eid, []),
            ),
            production=variability.production(e.kind.value),
        )
        for eid, e in sorted(scenario.enterprises.items())
    )
    alerts = scenario.disruptions.alerts
    fast = sim.mode == "fast"
    spec = S.ModelSpec(
        horizon_h=sim.days * 24.0,
        warmup_h=sim.warmup_days * 24.0,
        start_date=sim.start_date,
        alert_levels=levels,
        orange_bans=tuple(alerts.orange_bans),
        red_bans=tuple(alerts.red_bans),
        enterprises=enterprises,
        stockpiles=tuple(b.stockpiles),
        lanes=tuple(lanes),
        vehicle_types=tuple(b.vehicles[v] for v in sorted(b.vehicles)),
        terminals=tuple(b.terminals[t] for t in sorted(b.terminals)),
        line_sections=tuple(b.rail_paths.sections[c] for c in sorted(b.rail_paths.sections)),
        swap_stations=b.used_stations(lanes),
        travel_time_cv=sim.travel_time_cv,
        record_legs=sim.record_legs,
        demand_step_h=b.ops.fast_demand_step_h if fast else b.ops.demand_step_h,
        name=scenario.name,
        fleet_substitutions=tuple(b.substitutions),
        service_times=variability.service_times(),
        convoys=S.Convoys(max_trucks=b.ops.fast_trucks_per_convoy_max, min_per_pool=b.ops.fast_convoys_per_pool_min) if fast else None,
    )
    open_source = list(S.open_source_problems(spec))
    if open_source:  # the variability file (or the scenario's simulation.variability) chose it
        raise ConfigError(*(where(("simulation", "variability"), problem) for problem in open_source))
    S.check_spec(spec)
    return spec


def _outage_spells(scenario: Scenario, where, n_days: int, seed: int) -> dict[str, list[tuple[float, float]]]:
    """Checks the enterprises outages name; returns the sampled outage spells per enterprise (each from its
    own stream, so adding an enterprise leaves the others' outages as they were)."""
    from freight_sim.scenario_checks import outage_problems

    problems = outage_problems(scenario, where)
    if problems:
        raise ConfigError(*problems)
    sampled = scenario.disruptions.sampled_outages
    if sampled is None:
        return {}
    names = sampled.enterprises if sampled.enterprises is not None else sorted(scenario.enterprises)
    return {eid: sample_outages(sampled.days_per_year, sampled.mean_episode_days, n_days, entity_rng(seed, OUTAGES, eid)) for eid in names}
