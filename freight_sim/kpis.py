"""Key figures of a run from its accounted legs: ratio, tonnage, emissions, cost, queues.

Totals are over the simulated period after warm-up (``simulated_days``); the ratio is scale-free.
Tailpipe pollutants (``nox_kg``, ``pm_kg``, ``so2_kg``) are the local emissions of the transport; the
emissions of power plants supplying electricity are reported apart (``*_upstream_kg``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from freight_sim.config.scenario import Scenario, SidingStatus
from freight_sim.cost import cost_per_tonne_by_chain, siding_annual_cost
from freight_sim.emissions import aggregate, inventory
from freight_sim.metric import Better, Metric, MetricCatalog
from freight_sim.policy.compliance import meets_target
from freight_sim.policy.ratio import clean_ratio_from_legs
from freight_sim.policy.scope import DAYS_PER_YEAR, in_scope

_L, _H, _N = Better.LOWER, Better.HIGHER, Better.NEITHER


def _m(name: str, unit: str, better: Better, label: str, description: str = "") -> Metric:
    return Metric(name=name, unit=unit, better=better, label=label, description=description)


# Every number of the summary that ``build_kpis`` makes, with its unit and which direction is better.
KPI_METRICS = MetricCatalog(
    [
        _m("clean_transport_ratio", "1", _H, "clean-transport ratio (city)", "clean tonnes / all tonnes of the 40 enterprises"),
        _m("enterprise_ratio.*", "1", _H, "clean-transport ratio", "per enterprise id; enterprises without tonnes are left out"),
        _m("target_ratio", "1", _N, "target ratio"),
        _m("scope_threshold_t_per_year", "t/yr", _N, "scope threshold"),
        _m("enterprises_compliant", "count", _H, "key enterprises at target"),
        _m("enterprises_in_scope", "count", _N, "enterprises in scope"),
        _m("tonnes_by_chain.*", "t", _N, "tonnes delivered by chain"),
        _m("tonnes_produced", "t", _N, "tonnes produced"),
        _m("tonnes_delivered", "t", _H, "tonnes delivered"),
        _m("tonnes_in_stock", "t", _N, "tonnes in stock at end"),
        _m("tonnes_in_transit", "t", _N, "tonnes in transit at end"),
        _m("backlog_t", "t", _L, "backlog at end"),
        _m("truck_trips", "count", _L, "truck trips", "every truck trip on the region's roads, far-end drayage included"),
        _m("trips_by_segment.*", "count", _L, "truck trips by segment"),
        _m("battery_truck_detour_share", "1", _L, "battery trucks' swap-detour share", "swap-detour km / all km of battery trucks"),
        _m("battery_truck_co2_wtw_g_per_tkm", "g/tkm", _L, "battery-truck CO2 well-to-wheel per tonne-km"),
        _m("train_departures", "count", _N, "train departures"),
        _m("train_slots_missed", "count", _L, "timetable slots missed"),
        _m("nox_kg", "kg", _L, "NOx (tailpipe)"),
        _m("pm_kg", "kg", _L, "PM (tailpipe)"),
        _m("so2_kg", "kg", _L, "SO2 (tailpipe)"),
        _m("nox_upstream_kg", "kg", _L, "NOx (power plants)"),
        _m("pm_upstream_kg", "kg", _L, "PM (power plants)"),
        _m("so2_upstream_kg", "kg", _L, "SO2 (power plants)"),
        _m("co2_ttw_t", "t", _L, "CO2 tank-to-wheel"),
        _m("co2_wtw_t", "t", _L, "CO2 well-to-wheel"),
        _m("energy_kwh", "kWh", _L, "energy used"),
        _m("diesel_l", "L", _L, "diesel used"),
        _m("transport_cost_cny", "CNY", _L, "transport cost"),
        _m("siding_capital_cost_cny", "CNY", _L, "siding capital cost (annuity share)"),
        _m("cost_cny", "CNY", _L, "total cost", "transport cost plus the period's share of siding annuities"),
        _m("cost_cny_per_t", "CNY/t", _L, "cost per tonne"),
        _m("loading_bay_wait_mean_h", "h", _L, "mean wait at loading bays"),
        _m("swap_wait_mean_h", "h", _L, "mean wait at swap stations"),
        _m("station_pile_wait_mean_h", "h", _L, "mean wait at full station piles"),
        _m(
            "rail_path_wait_mean_h",
            "h",
            _L,
            "mean wait for a train path",
            "per path booked on a line section, loaded runs and empty returns",
        ),
        _m("rail_trains_waited", "count", _L, "trains held behind others", "path bookings whose first open path was held by another train"),
        _m("yard_wait_mean_h", "h", _L, "mean wait for a yard receiving track"),
        _m("line_section_utilisation.*", "1", _N, "line section utilisation", "background and the region's trains over the open paths"),
        _m("line_section_wait_mean_h.*", "h", _L, "mean wait for a path, by line section"),
        _m("candidate_sidings_built", "count", _N, "candidate sidings built"),
    ]
)


@dataclass(frozen=True)
class Kpis:
    summary: dict[str, Any]
    tables: dict[str, pd.DataFrame]


def _sum(frame: pd.DataFrame, column: str) -> float:
    return float(frame[column].sum()) if column in frame.columns else 0.0


def enterprise_table(scenario: Scenario, ratio_table: pd.DataFrame, target: float) -> pd.DataFrame:
    """Per enterprise: declared t/yr, scope, simulated tonnes, clean tonnes, ratio, compliance."""
    declared = pd.Series({eid: e.tonnes_per_year for eid, e in scenario.enterprises.items()}, dtype=float)
    scope = in_scope(declared, scenario.accounting.scope_threshold_t_per_year)
    base = pd.DataFrame(
        {
            "enterprise": list(scenario.enterprises),
            "name": [e.name for e in scenario.enterprises.values()],
            "kind": [e.kind.value for e in scenario.enterprises.values()],
            "key_enterprise": [e.key_enterprise for e in scenario.enterprises.values()],
            "declared_t_per_year": declared.reindex(list(scenario.enterprises)).to_numpy(),
            "in_scope": scope.reindex(list(scenario.enterprises)).to_numpy(),
        }
    )
    table = base.merge(ratio_table[["enterprise", "tonnes", "clean_tonnes", "ratio"]], on="enterprise", how="left")
    table[["tonnes", "clean_tonnes"]] = table[["tonnes", "clean_tonnes"]].fillna(0.0)
    table["compliant"] = meets_target(table["ratio"].to_numpy(dtype=float), target)
    return table


def siding_capex_table(scenario: Scenario, rate: float, life_years: float, days: float) -> pd.DataFrame:
    """Candidate sidings that this scenario builds, with annualised capital cost and its share for ``days``."""
    rows = []
    for eid, enterprise in scenario.enterprises.items():
        siding = enterprise.siding
        if siding is None or siding.status != SidingStatus.candidate or not siding.enabled:
            continue
        capex = siding.capex_million_cny or 0.0
        annual = siding_annual_cost(capex, rate, life_years)
        rows.append(
            {
                "enterprise": eid,
                "station": siding.station,
                "capex_million_cny": capex,
                "capex_estimate": siding.capex_estimate,
                "annual_cost_cny": annual,
                "period_cost_cny": annual * days / DAYS_PER_YEAR,
            }
        )
    return pd.DataFrame(
        rows, columns=["enterprise", "station", "capex_million_cny", "capex_estimate", "annual_cost_cny", "period_cost_cny"]
    )


TRUCK_LANE_KEYS = ("enterprise", "flow", "chain", "segment", "vehicle_type")


def _road_rows(accounted: pd.DataFrame) -> np.ndarray:
    """Row mask of the road legs."""
    return (accounted["mode"] == "road").to_numpy(dtype=bool)


def truck_lane_table(accounted: pd.DataFrame, catalog) -> pd.DataFrame:
    """Per lane, road segment and truck type: trips, tonnes, km (``detour_km``: swap detours, part of
    ``empty_km``), ``detour_share`` of all the km driven, and well-to-wheel g CO2 per net t-km."""
    columns = ["trips", "tonnes", "loaded_km", "empty_km", "detour_km", "tkm", "co2_wtw_kg"]
    summed = [c for c in columns if c in accounted.columns]
    road = accounted.loc[_road_rows(accounted), [*TRUCK_LANE_KEYS, *summed]]  # only the columns summed: no copy of the rest
    table = road.groupby(list(TRUCK_LANE_KEYS), observed=True, sort=True)[summed].sum().reset_index()
    for column in columns:
        if column not in table.columns:
            table[column] = 0.0
    battery = np.array([catalog.vehicle(str(v)).refuel is not None for v in table["vehicle_type"]], dtype=bool)
    table.insert(len(TRUCK_LANE_KEYS), "battery", battery)
    km = table["loaded_km"] + table["empty_km"]
    table["detour_share"] = (table["detour_km"] / km.where(km > 0)).fillna(0.0)
    table["co2_wtw_g_per_tkm"] = table["co2_wtw_kg"] * 1e3 / table["tkm"].where(table["tkm"] > 0)
    return table.drop(columns=["co2_wtw_kg"])


def battery_truck_figures(lanes: pd.DataFrame, accounted: pd.DataFrame) -> dict[str, float]:
    """City figures of battery trucks: the share of their km that is swap detours, and well-to-wheel g CO2
    per net t-km (NaN without battery trucks)."""
    battery = lanes.loc[lanes["battery"].to_numpy(dtype=bool)]
    km = float((battery["loaded_km"] + battery["empty_km"]).sum())
    types = set(battery["vehicle_type"].astype(str))
    chosen = _road_rows(accounted) & accounted["vehicle_type"].isin(types).to_numpy(dtype=bool)
    rows = accounted.loc[chosen, [c for c in ("tkm", "co2_wtw_kg") if c in accounted.columns]]
    tkm = _sum(rows, "tkm")
    return {
        "battery_truck_detour_share": float(battery["detour_km"].sum()) / km if km > 0 else math.nan,
        "battery_truck_co2_wtw_g_per_tkm": _sum(rows, "co2_wtw_kg") * 1e3 / tkm if tkm > 0 else math.nan,
    }


def siding_sites_table(scenario: Scenario) -> pd.DataFrame:
    """Every siding of the scenario with where it is and what it is: existing, candidate built, candidate."""
    rows = []
    for eid, enterprise in scenario.enterprises.items():
        siding = enterprise.siding
        if siding is None:
            continue
        if siding.status == SidingStatus.candidate:
            status = "built" if siding.enabled else "candidate"
        else:
            status = "existing" if siding.enabled else "existing_disabled"
        rows.append((eid, enterprise.node, status, siding.station, siding.capacity_t_per_year, siding.capex_million_cny))
    return pd.DataFrame(rows, columns=["enterprise", "node", "status", "station", "capacity_t_per_year", "capex_million_cny"])


def _rows(resources: pd.DataFrame, kinds: str | tuple[str, ...]) -> pd.DataFrame:
    kinds = (kinds,) if isinstance(kinds, str) else kinds
    return resources[resources["kind"].isin(kinds)] if "kind" in resources.columns else resources.iloc[0:0]


def _mean_wait(resources: pd.DataFrame, kind: str) -> float:
    rows = _rows(resources, kind)
    requests = float(rows["requests"].sum()) if len(rows) else 0.0
    return float((rows["mean_wait_h"] * rows["requests"]).sum() / requests) if requests > 0 else 0.0


def build_kpis(scenario: Scenario, sim, accounted: pd.DataFrame, catalog, profile, costs) -> Kpis:
    """All key figures and KPI tables of a run (``accounted``: legs with emission and cost columns)."""
    target = scenario.accounting.target_ratio
    nodes = {eid: e.node for eid, e in scenario.enterprises.items()}
    ratio_table, city_ratio = clean_ratio_from_legs(accounted, catalog, profile, nodes, target)
    enterprises = enterprise_table(scenario, ratio_table, target)
    road = accounted.loc[_road_rows(accounted), ["enterprise", "trips"]]
    trips = road.groupby("enterprise", observed=True)["trips"].sum()  # far-end drayage of its flows included
    trips.index = trips.index.astype(str)
    enterprises["truck_trips"] = enterprises["enterprise"].map(trips).fillna(0).astype(int)
    days = scenario.simulation.days - scenario.simulation.warmup_days
    sidings = siding_capex_table(scenario, costs.finance.discount_rate, costs.finance.siding_life_years, days)
    tonnage = sim.tonnage
    by_chain = tonnage.groupby("chain", observed=True, sort=True)["delivered_t"].sum()
    truck_lanes = truck_lane_table(accounted, catalog)
    key = enterprises[enterprises["key_enterprise"]]
    transport_cny = _sum(accounted, "cost_cny")
    siding_cny = _sum(sidings, "period_cost_cny")
    summary = {
        "clean_transport_ratio": city_ratio,
        "rule_profile": profile.name,
        "target_ratio": target,
        "scope_threshold_t_per_year": scenario.accounting.scope_threshold_t_per_year,
        "enterprises_compliant": int(key["compliant"].sum()),
        "enterprises_in_scope": int(enterprises["in_scope"].sum()),
        "enterprises": [
            {
                "id": row.enterprise,
                "name": row.name,
                "ratio": None if math.isnan(row.ratio) else float(row.ratio),
                "tonnes": float(row.tonnes),
                "clean_tonnes": float(row.clean_tonnes),
                "in_scope": bool(row.in_scope),
                "compliant": bool(row.compliant),
                "truck_trips": int(row.truck_trips),
            }
            for row in enterprises.itertuples(index=False)
        ],
        "enterprise_ratio": {row.enterprise: float(row.ratio) for row in enterprises.itertuples(index=False) if not math.isnan(row.ratio)},
        "tonnes_by_chain": {str(k): float(v) for k, v in by_chain.items()},
        "tonnes_produced": _sum(tonnage, "produced_t"),
        "tonnes_delivered": _sum(tonnage, "delivered_t"),
        "tonnes_in_stock": _sum(tonnage, "in_stock_t"),
        "tonnes_in_transit": _sum(tonnage, "in_transit_t"),
        "backlog_t": _sum(tonnage, "backlog_t"),
        "truck_trips": int(sim.truck_trips),
        "trips_by_segment": dict(sim.truck_trips_by_segment),
        **battery_truck_figures(truck_lanes, accounted),
        "train_departures": int(sim.train_departures),
        "train_slots_missed": int(sim.train_slots_missed),
        "nox_kg": _sum(accounted, "nox_g") / 1e3,
        "pm_kg": _sum(accounted, "pm_g") / 1e3,
        "so2_kg": _sum(accounted, "so2_g") / 1e3,
        "nox_upstream_kg": _sum(accounted, "nox_upstream_g") / 1e3,
        "pm_upstream_kg": _sum(accounted, "pm_upstream_g") / 1e3,
        "so2_upstream_kg": _sum(accounted, "so2_upstream_g") / 1e3,
        "co2_ttw_t": _sum(accounted, "co2_ttw_kg") / 1e3,
        "co2_wtw_t": _sum(accounted, "co2_wtw_kg") / 1e3,
        "energy_kwh": _sum(accounted, "energy_kwh"),
        "diesel_l": _sum(accounted, "diesel_l"),
        "transport_cost_cny": transport_cny,
        "siding_capital_cost_cny": siding_cny,
        "cost_cny": transport_cny + siding_cny,
        "loading_bay_wait_mean_h": _mean_wait(sim.resources, "loading_bays"),
        "swap_wait_mean_h": _mean_wait(sim.resources, "swap_station"),
        "station_pile_wait_mean_h": _mean_wait(sim.resources, "station_pile"),
        "rail_path_wait_mean_h": _mean_wait(sim.resources, "line_section"),
        "rail_trains_waited": int(_rows(sim.resources, "line_section")["waited"].sum()) if "waited" in sim.resources.columns else 0,
        "yard_wait_mean_h": _mean_wait(sim.resources, "yard"),
        "line_section_utilisation": {
            str(row.resource): float(row.utilisation) for row in _rows(sim.resources, ("line_section", "yard")).itertuples(index=False)
        },
        "line_section_wait_mean_h": {
            str(row.resource): float(row.mean_wait_h) for row in _rows(sim.resources, ("line_section", "yard")).itertuples(index=False)
        },
        "candidate_sidings_built": len(sidings),
    }
    delivered = summary["tonnes_delivered"]
    summary["cost_cny_per_t"] = summary["cost_cny"] / delivered if delivered > 0 else math.nan
    tables = {
        "enterprises": enterprises,
        "emissions_by_vehicle": aggregate(accounted, by=("mode", "vehicle_type")),
        "emissions_by_enterprise": aggregate(accounted, by=("enterprise",)),
        "truck_lanes": truck_lanes,
        "emissions_by_chain": aggregate(accounted, by=("chain", "segment")),
        "inventory": inventory(accounted),
        "cost_by_chain": cost_per_tonne_by_chain(accounted),
        "sidings_built": sidings,
        "siding_sites": siding_sites_table(scenario),
    }
    return Kpis(summary, tables)
