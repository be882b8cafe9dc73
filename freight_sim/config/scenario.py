"""The scenario schema: what a scenario file may contain.

Every model forbids unknown fields. Bounds are plausibility checks that catch unit slips (metres given
where kilometres are expected, kg given where tonnes are expected); each bound says why in its message.
Collections that variants override (enterprises, flows, fleet mixes) are mappings keyed by id, so a
variant can change one entry with a few lines. The ``disruptions`` section is in
freight_sim.config.disruptions, the ``pathway`` section in freight_sim.config.pathway.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator

from freight_sim.config.disruptions import Disruptions
from freight_sim.config.pathway import Pathway
from freight_sim.config.schema_base import Id, Share, Strict

# --- network -------------------------------------------------------------------------------------------


class NetworkSource(Strict):
    """Exactly one of: a bundled network name, a GraphML file, node and edge CSV files, an OSM XML extract."""

    bundled: str | None = None
    graphml: Path | None = None
    nodes_csv: Path | None = None
    edges_csv: Path | None = None
    osm_xml: Path | None = None
    osm_sites_csv: Path | None = Field(
        None, description="with osm_xml: CSV of plants, stations and gateways (id, kind, lon, lat) snapped to the OSM graph"
    )
    rail_yaml: Path | None = Field(
        None, description="line sections, yards and station figures (YAML); a bundled network uses its own rail.yaml"
    )

    @model_validator(mode="after")
    def _exactly_one(self) -> NetworkSource:
        given = [
            name
            for name, present in (
                ("bundled", self.bundled is not None),
                ("graphml", self.graphml is not None),
                ("nodes_csv/edges_csv", self.nodes_csv is not None or self.edges_csv is not None),
                ("osm_xml", self.osm_xml is not None),
            )
            if present
        ]
        if len(given) != 1:
            raise ValueError(f"give exactly one network source (bundled, graphml, nodes_csv+edges_csv, osm_xml); got {given or 'none'}")
        if (self.nodes_csv is None) != (self.edges_csv is None):
            raise ValueError("nodes_csv and edges_csv go together")
        return self


# --- enterprises and flows -----------------------------------------------------------------------------


class EnterpriseKind(StrEnum):
    mine = "mine"
    coking = "coking"
    steel = "steel"
    power = "power"
    chemical = "chemical"
    cement = "cement"
    logistics_park = "logistics_park"


class Chain(StrEnum):
    """Mode chains a flow can use."""

    road = "road"  # truck door to door
    rail_siding = "rail_siding"  # rail from/to the enterprise's own siding (+ drayage at the far end if needed)
    drayage_rail = "drayage_rail"  # truck to a public freight station, rail long-haul (+ drayage at the far end)
    conveyor = "conveyor"  # belt conveyor / pipe belt


class SidingStatus(StrEnum):
    existing = "existing"
    candidate = "candidate"


class Timetable(Strict):
    """Trains formed at fixed hours of each day instead of as soon as a train load is ready."""

    slots_h: list[float] = Field(
        min_length=1, max_length=48, description="hours of the day (0 <= h < 24, rising) at which a train is formed and starts loading"
    )
    min_load_share: float = Field(
        1.0, gt=0, le=1, description="smallest load a slot sends, as a share of a train load; a slot without it is missed"
    )

    @field_validator("slots_h")
    @classmethod
    def _rising_within_a_day(cls, slots_h: list[float]) -> list[float]:
        from freight_sim.sim.rail_spec import slot_hours_problem

        if problem := slot_hours_problem(slots_h):
            raise ValueError(problem)
        return slots_h


class Siding(Strict):
    status: SidingStatus
    enabled: bool = Field(True, description="candidate sidings are built only when enabled")
    station: Id = Field(description="rail station or yard the spur joins")
    spur_km: float = Field(gt=0, le=80, description="spur length, km (a value above 80 is likely metres)")
    electrified: bool = Field(False, description="the spur is electrified; else a diesel shunting locomotive works it")
    loading_rate_tph: float = Field(gt=0, le=10_000, description="loading track rate, t/h")
    capacity_t_per_year: float = Field(gt=0, le=100e6, description="design capacity, t/yr")
    capex_million_cny: float | None = Field(None, ge=0, le=10_000, description="capital cost, million CNY")
    capex_estimate: bool = True
    wagon_sets: int = Field(1, ge=1, le=50, description="train sets (rakes) cycling on this siding")
    train_load_t: float = Field(5_000, gt=0, le=30_000, description="net tonnes per train")
    timetable: Timetable | None = Field(None, description="trains by timetable; absent: a train leaves as soon as a load is ready")


class Flow(Strict):
    """A stream of one commodity into or out of an enterprise."""

    commodity: str = Field(min_length=1)
    direction: Literal["in", "out"]
    tonnes_per_year: float = Field(gt=0, le=200e6, description="t/yr (a value above 200 Mt is likely kg)")
    counterpart: Id = Field(description="node at the other end: a supplier, customer or gateway")
    chain_shares: dict[Chain, Share] | None = Field(
        None, description="fixed shares by chain (sum to 1); when absent the scenario's chain rule decides"
    )
    monthly_profile: list[Annotated[float, Field(ge=0)]] | None = Field(
        None, min_length=12, max_length=12, description="relative monthly weights, January first"
    )

    @field_validator("monthly_profile")
    @classmethod
    def _some_month_has_weight(cls, profile: list[float] | None) -> list[float] | None:
        if profile is not None and sum(profile) <= 0:
            raise ValueError("monthly weights sum to 0: the flow would never move a tonne")
        return profile

    @field_validator("chain_shares")
    @classmethod
    def _shares_sum_to_one(cls, shares: dict[Chain, float] | None) -> dict[Chain, float] | None:
        if shares is not None and abs(sum(shares.values()) - 1.0) > 1e-6:
            raise ValueError(f"chain shares must sum to 1, got {sum(shares.values()):.6g}")
        return shares


class Enterprise(Strict):
    name: str
    kind: EnterpriseKind
    node: Id = Field(description="network node of the plant gate")
    key_enterprise: bool = Field(True, description="one of the city's key enterprises counted for the 80% target")
    stockyard_capacity_t: float = Field(gt=0, le=20e6, description="outbound stockyard, t")
    loading_bays: int = Field(2, ge=1, le=100, description="truck loading bays")
    truck_loading_h: float = Field(0.25, gt=0, le=24, description="hours to load one truck")
    unloading_h: float = Field(0.25, gt=0, le=24, description="hours to unload one truck at the far end")
    fleet_mix: str | dict[Id, Share] = Field("diesel-cn5-typical", description="named mix from the fleet file, or vehicle type -> share")
    drayage_fleet_mix: str | dict[Id, Share] | None = Field(None, description="mix for station drayage; defaults to the scenario's")
    fallback_fleet_mix: str | dict[Id, Share] | None = Field(
        None, description="mix for a lane no vehicle of its own mix can serve (battery range, alert bans); defaults to fleet.fallback_mix"
    )
    trucks: int | None = Field(None, ge=1, le=20_000, description="trucks serving this enterprise; sized automatically when absent")
    siding: Siding | None = None
    flows: dict[Id, Flow] = Field(min_length=1)
    illustrative: bool = True

    @field_validator("fleet_mix", "drayage_fleet_mix", "fallback_fleet_mix")
    @classmethod
    def _mix_sums_to_one(cls, mix: str | dict[str, float] | None) -> str | dict[str, float] | None:
        if isinstance(mix, dict) and abs(sum(mix.values()) - 1.0) > 1e-6:
            raise ValueError(f"fleet mix shares must sum to 1, got {sum(mix.values()):.6g}")
        return mix

    @property
    def tonnes_per_year(self) -> float:
        return sum(f.tonnes_per_year for f in self.flows.values())


# --- fleets --------------------------------------------------------------------------------------------


class FleetSettings(Strict):
    catalog: str = Field("bundled", description="'bundled' or a path to a vehicle catalog YAML")
    mixes: str = Field("bundled", description="'bundled' or a path to a fleet-mix YAML")
    drayage_mix: str | dict[Id, Share] = Field("drayage-typical", description="default mix for station drayage")
    drayage_mix_everywhere: bool = Field(
        False, description="apply drayage_mix also where an enterprise sets its own drayage_fleet_mix (city-wide sweeps)"
    )
    extra_mixes: dict[Id, dict[Id, Share]] = Field(default_factory=dict, description="mixes defined in the scenario")
    fallback_mix: str | dict[Id, Share] = Field(
        "diesel-cn5-typical",
        description="mix for a lane no vehicle of its own mix can serve, where the enterprise names no fallback_fleet_mix",
    )
    target_trips_per_truck_day: float = Field(3.0, gt=0, le=48, description="used to size fleets that give no truck count")


# --- chains --------------------------------------------------------------------------------------------


class ChainPolicy(Strict):
    rule: Literal["shares", "siding_first"] = Field(
        "siding_first",
        description=(
            "'shares': each flow's chain_shares (else default_shares) exactly; 'siding_first': an enterprise with a"
            " built siding sends its flows there first, in flow-id order, up to the siding's capacity, and splits"
            " the remainder by the flow's chain_shares (else default_shares) with rail_siding left out and renormalised"
        ),
    )
    default_shares: dict[Chain, Share] = Field(default_factory=lambda: {Chain.road: 1.0})
    drayage_station: Literal["nearest"] | Id = "nearest"

    @field_validator("default_shares")
    @classmethod
    def _sum(cls, shares: dict[Chain, float]) -> dict[Chain, float]:
        if abs(sum(shares.values()) - 1.0) > 1e-6:
            raise ValueError(f"default shares must sum to 1, got {sum(shares.values()):.6g}")
        return shares


# --- accounting ----------------------------------------------------------------------------------------


class GridSetting(Strict):
    """Electricity emission factor: a named factor from the factor table, or a value, or a new-energy share."""

    factor: str | None = Field("shanxi-2023", description="name in the grid factor table")
    kg_co2_per_kwh: float | None = Field(None, gt=0, le=2.0, description="user value, kg CO2/kWh (above 2 is likely g)")
    new_energy_share: Share | None = Field(None, description="scale the thermal part of the named factor to this non-fossil share")

    @model_validator(mode="after")
    def _one(self) -> GridSetting:
        if self.kg_co2_per_kwh is not None and self.new_energy_share is not None:
            raise ValueError("give kg_co2_per_kwh or new_energy_share, not both")
        return self


class Accounting(Strict):
    rule_profile: str = Field("nev-counts", description="clean-transport rule profile name")
    rule_profiles: str = Field("bundled", description="'bundled' or a path to a YAML file of rule profiles (name -> profile)")
    target_ratio: Share = Field(0.8, description="clean-transport target for key enterprises")
    scope_threshold_t_per_year: float = Field(1_500_000, ge=0, le=1e9, description="shippers at or above must use rail + NEV")
    grid: GridSetting = Field(default_factory=GridSetting)
    factors: str = Field("bundled", description="'bundled' or a path to an emission factor YAML")
    costs: str = Field("bundled", description="'bundled' or a path to a cost parameter YAML")
    well_to_wheel: bool = True


# --- simulation ----------------------------------------------------------------------------------------


class RailSettings(Strict):
    station_timetables: dict[Id, Timetable] = Field(
        default_factory=dict, description="public freight stations (node id) whose trains are formed by timetable"
    )
    station_pile_train_loads: float | None = Field(
        None,
        ge=1.2,
        le=20,
        description="room at a station for one lane's cargo waiting for rail, in train loads; absent: networks/operations.yaml",
    )


class SimulationSettings(Strict):
    days: float = Field(365, gt=0, le=3660)
    warmup_days: float = Field(0, ge=0, le=365)
    seed: int = Field(20261124, ge=0)
    start_date: dt.date = dt.date(2025, 1, 1)
    travel_time_cv: float = Field(0.1, ge=0, le=1, description="coefficient of variation of truck leg times")
    variability: str = Field(
        "bundled",
        description="production and handling-time variability: 'bundled' (networks/variability.yaml), a path to such a file, or 'fixed' (all at plan)",
    )
    record_legs: bool = True
    mode: Literal["full", "fast"] = Field(
        "full",
        description="'fast': the trucks of a pool move as convoys, one process each (docs/fast-mode.md); 'full': every truck its own",
    )

    @model_validator(mode="after")
    def _warmup_inside_the_run(self) -> SimulationSettings:
        if self.warmup_days >= self.days:
            raise ValueError(f"warmup_days ({self.warmup_days:g}) must be shorter than days ({self.days:g}): nothing would be measured")
        return self


class SpatialOutputs(Strict):
    """Emissions by place and hour (freight_sim/spatial), computed after the run; ``spatial: true`` is short for
    ``spatial: {enabled: true}``."""

    enabled: bool = Field(False, description="write emissions per network edge, hour and grid cell (needs the extra 'spatial')")
    grid_deg: float = Field(
        0.01, gt=0, le=1.0, description="grid cell size, degrees of longitude and of latitude (a value above 1 is likely metres or km)"
    )
    time_step: Literal["hour", "day", "month"] = Field("month", description="time axis of the gridded NetCDF inventory")
    town_road_classes: list[str] = Field(
        default_factory=lambda: ["urban"], description="road classes whose edges count as in town (report: truck NOx in town vs outside)"
    )
    utc_offset_h: float = Field(8.0, ge=-12, le=14, description="offset of the simulation clock from UTC, h (China Standard Time: 8)")

    @model_validator(mode="before")
    @classmethod
    def _from_bool(cls, data):
        return {"enabled": data} if isinstance(data, bool) else data


class Scenario(Strict):
    name: Id
    description: str = ""
    illustrative: bool = Field(False, description="true when the data are illustrative rather than observed")
    network: NetworkSource
    enterprises: dict[Id, Enterprise] = Field(min_length=1)
    demand_scale: float = Field(
        1.0, gt=0, le=5, description="multiplies every flow's t/yr (demand uncertainty; the scope test uses declared t/yr)"
    )
    inputs: dict[str, float] = Field(
        default_factory=dict,
        description="uncertain inputs: data path (e.g. costs.energy_prices.diesel_cny_per_l) -> value within the number's range (freight_sim/inputs.py)",
    )
    fleet: FleetSettings = Field(default_factory=FleetSettings)
    chains: ChainPolicy = Field(default_factory=ChainPolicy)
    disruptions: Disruptions = Field(default_factory=Disruptions)
    rail: RailSettings = Field(default_factory=RailSettings)
    accounting: Accounting = Field(default_factory=Accounting)
    simulation: SimulationSettings = Field(default_factory=SimulationSettings)
    spatial: SpatialOutputs = Field(default_factory=SpatialOutputs)
    pathway: Pathway | None = Field(None, description="dated measures and targets over several years (freight_sim/config/pathway.py)")

    @field_validator("inputs", mode="before")
    @classmethod
    def _flat_data_paths(cls, inputs: Any) -> Any:
        from freight_sim.inputs import flat_data_paths

        return flat_data_paths(inputs)

    def drayage_mix_for(self, enterprise_id: str) -> tuple[tuple[str, ...], str | dict[str, float]]:
        """The station-drayage fleet mix of an enterprise and the field that sets it."""
        own = self.enterprises[enterprise_id].drayage_fleet_mix
        if own is not None and not self.fleet.drayage_mix_everywhere:
            return ("enterprises", enterprise_id, "drayage_fleet_mix"), own
        return ("fleet", "drayage_mix"), self.fleet.drayage_mix

    def fallback_mix_for(self, enterprise_id: str) -> tuple[tuple[str, ...], str | dict[str, float]]:
        """The fallback fleet mix of an enterprise and the field that sets it."""
        own = self.enterprises[enterprise_id].fallback_fleet_mix
        if own is not None:
            return ("enterprises", enterprise_id, "fallback_fleet_mix"), own
        return ("fleet", "fallback_mix"), self.fleet.fallback_mix
