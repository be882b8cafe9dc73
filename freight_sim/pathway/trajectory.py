"""Results of one multi-year run by calendar year: the ``trajectory`` table and the summary's year figures.

Per year (days after the warm-up only): the clean-transport ratio of each enterprise and the city (from
that year's leg rows, under the scenario's rule profile), gate tonnes, tailpipe NOx, PM, SO2, CO2
tank-to-wheel and well-to-wheel, truck trips, train departures (the city's), and cost: transport cost of the year's legs plus the
annuity share of each siding built, for the days it was open that year (a dated siding from its
commissioning day). ``npv_cost_cny`` discounts each year's cost to the first year at the cost file's
discount rate: ``sum cost_y / (1 + r)^(y - first year)``.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np
import pandas as pd

from freight_sim.config.pathway import add_months, value_in_year
from freight_sim.config.scenario import Scenario, SidingStatus
from freight_sim.cost import siding_annual_cost
from freight_sim.metric import Better, Metric
from freight_sim.pathway.accounting import year_of_day
from freight_sim.policy.compliance import meets_target
from freight_sim.policy.ratio import RATIO_COLUMNS, clean_ratio_from_legs
from freight_sim.policy.scope import DAYS_PER_YEAR

CITY = "city"
_L, _H, _N = Better.LOWER, Better.HIGHER, Better.NEITHER
# The numbers ``year_summary`` adds to a run's summary (year keys: ``ratio_by_year.2026``), declared once.
PATHWAY_METRICS = [
    Metric(name="ratio_by_year.*", unit="1", better=_H, label="clean-transport ratio (city) by year"),
    Metric(name="nox_kg_by_year.*", unit="kg", better=_L, label="NOx (tailpipe) by year"),
    Metric(name="pm_kg_by_year.*", unit="kg", better=_L, label="PM (tailpipe) by year"),
    Metric(name="co2_ttw_t_by_year.*", unit="t", better=_L, label="CO2 tank-to-wheel by year"),
    Metric(name="co2_wtw_t_by_year.*", unit="t", better=_L, label="CO2 well-to-wheel by year"),
    Metric(name="truck_trips_by_year.*", unit="count", better=_L, label="truck trips by year"),
    Metric(name="train_departures_by_year.*", unit="count", better=_N, label="train departures by year"),
    Metric(name="cost_cny_by_year.*", unit="CNY", better=_L, label="total cost by year"),
    Metric(name="enterprises_meeting_target.*", unit="count", better=_H, label="key enterprises at target, by target year"),
    Metric(name="target_deadline_year", unit="a", better=_N, label="last target year"),
    Metric(name="npv_cost_cny", unit="CNY", better=_L, label="cost, present value", description="discounted to the first year"),
    Metric(name="discount_rate", unit="1", better=_N, label="discount rate"),
]
# metric -> (leg column or None, divisor, unit): sums over a year's rows
_SUMS = {
    "nox_kg": ("nox_g", 1e3, "kg"),
    "pm_kg": ("pm_g", 1e3, "kg"),
    "so2_kg": ("so2_g", 1e3, "kg"),
    "co2_ttw_t": ("co2_ttw_kg", 1e3, "t"),
    "co2_wtw_t": ("co2_wtw_kg", 1e3, "t"),
    "transport_cost_cny": ("cost_cny", 1.0, "CNY"),
}
UNITS = {
    "clean_transport_ratio": "1",
    "tonnes": "t",
    "clean_tonnes": "t",
    "truck_trips": "count",
    "train_departures": "count",
    "siding_capital_cost_cny": "CNY",
    "cost_cny": "CNY",
    "days": "d",
    **{name: unit for name, (_, _, unit) in _SUMS.items()},
}


def measured_days_by_year(scenario: Scenario) -> dict[int, int]:
    """Whole simulated days after the warm-up in each calendar year."""
    sim = scenario.simulation
    n_days = math.floor(sim.days + 1e-9)
    years = year_of_day(sim.start_date, n_days)[math.ceil(sim.warmup_days - 1e-9) : n_days]
    values, counts = np.unique(years, return_counts=True)
    return {int(y): int(c) for y, c in zip(values, counts, strict=True)}


def siding_costs(scenario: Scenario, rate: float, life_years: float) -> dict[tuple[str, int], float]:
    """(enterprise, year) -> annuity share of its siding for the days it was open that year: every candidate
    siding built (enabled, or dated: from its commissioning day) after the warm-up."""
    sim = scenario.simulation
    n_days = math.floor(sim.days + 1e-9)
    first_measured = math.ceil(sim.warmup_days - 1e-9)
    years = year_of_day(sim.start_date, n_days)
    dated = scenario.pathway.sidings if scenario.pathway is not None else {}
    out: dict[tuple[str, int], float] = {}
    for eid, enterprise in sorted(scenario.enterprises.items()):
        siding = enterprise.siding
        if siding is None or siding.status != SidingStatus.candidate or not (siding.enabled or eid in dated):
            continue
        opens = first_measured
        if eid in dated:
            opens = max(opens, (dated[eid].commissioned - sim.start_date).days)
        annual = siding_annual_cost(siding.capex_million_cny or 0.0, rate, life_years)
        open_years, open_days = np.unique(years[opens:n_days], return_counts=True)
        for year, days in zip(open_years, open_days, strict=True):
            out[(eid, int(year))] = annual * int(days) / DAYS_PER_YEAR
    return out


def siding_cost_by_year(scenario: Scenario, rate: float, life_years: float) -> dict[int, float]:
    """Annuity share of the sidings built, per year, for the days each was open (dated ones from commissioning)."""
    out: dict[int, float] = {}
    for (_, year), cost in siding_costs(scenario, rate, life_years).items():
        out[year] = out.get(year, 0.0) + cost
    return out


def full_capacity_from(commissioned: dt.date, ramp_up_months: int) -> dt.date:
    """First day a dated siding may use all its capacity (its ``ramp_up_months``-th month of operation)."""
    return commissioned if ramp_up_months <= 1 else add_months(commissioned.replace(day=1), ramp_up_months - 1)


def sidings_built_table(scenario: Scenario, rate: float, life_years: float, notes: dict[str, str]) -> pd.DataFrame:
    """The run's ``sidings_built`` for a pathway: every candidate siding built, with its commissioning day and
    ramp-up (empty for one built from the start), the day it reaches full capacity, and its capital cost
    for the days it was open in the run."""
    costs = siding_costs(scenario, rate, life_years)
    dated = scenario.pathway.sidings if scenario.pathway is not None else {}
    rows = []
    for eid in sorted({eid for eid, _ in costs} | {eid for eid in dated if eid in scenario.enterprises}):
        siding = scenario.enterprises[eid].siding
        assert siding is not None
        when = dated.get(eid)
        rows.append(
            {
                "enterprise": eid,
                "station": siding.station,
                "capacity_t_per_year": siding.capacity_t_per_year,
                "commissioned": when.commissioned.isoformat() if when else "",
                "ramp_up_months": when.ramp_up_months if when else 0,
                "full_capacity_from": full_capacity_from(when.commissioned, when.ramp_up_months).isoformat() if when else "",
                "date_estimate": bool(when.estimate) if when else False,
                "date_source": when.source if when else "",
                "capex_million_cny": siding.capex_million_cny or 0.0,
                "capex_estimate": siding.capex_estimate,
                "annual_cost_cny": siding_annual_cost(siding.capex_million_cny or 0.0, rate, life_years),
                "period_cost_cny": sum(cost for (e, _), cost in costs.items() if e == eid),
                "notes": notes.get(eid, ""),
            }
        )
    return pd.DataFrame(rows, columns=SIDINGS_BUILT_COLUMNS)


SIDINGS_BUILT_COLUMNS = [
    "enterprise", "station", "capacity_t_per_year", "commissioned", "ramp_up_months", "full_capacity_from", "date_estimate",
    "date_source", "capex_million_cny", "capex_estimate", "annual_cost_cny", "period_cost_cny", "notes",
]  # fmt: skip


def departures_by_year(scenario: Scenario, departures_by_day: np.ndarray) -> dict[int, int]:
    """Train departures per calendar year from the run's count by day of departure."""
    years = year_of_day(scenario.simulation.start_date, len(departures_by_day))
    values = np.asarray(departures_by_day, dtype=np.int64)
    return {int(y): int(values[years == y].sum()) for y in np.unique(years)} if len(values) else {}


def _sums(rows: pd.DataFrame) -> dict[str, float]:
    out = {name: float(rows[column].sum()) / divisor if column in rows else 0.0 for name, (column, divisor, _) in _SUMS.items()}
    out["truck_trips"] = float(rows.loc[rows["mode"] == "road", "trips"].sum())
    return out


def trajectory_table(scenario: Scenario, accounted: pd.DataFrame, catalog, profile, costs, departures_by_day: np.ndarray) -> pd.DataFrame:
    """Long table ``year, enterprise, metric, value, unit`` (enterprise ``city`` for the city's figures; train
    departures are the city's only: a train's day of departure, counted by the engine)."""
    nodes = {eid: e.node for eid, e in scenario.enterprises.items()}
    days = measured_days_by_year(scenario)
    departures = departures_by_year(scenario, departures_by_day)
    for year in [y for y in departures if days and y not in days]:  # a train leaving on a part day after the last whole one
        departures[max(days)] = departures.get(max(days), 0) + departures.pop(year)
    sidings = siding_cost_by_year(scenario, costs.finance.discount_rate, costs.finance.siding_life_years)
    rows: list[tuple[int, str, str, float]] = []
    # a year's rows with the columns read here only, its enterprises by category (no copy of all columns, no text per row)
    read = dict.fromkeys([*RATIO_COLUMNS, "trips", *(column for column, _, _ in _SUMS.values())])
    columns = [c for c in read if c in accounted.columns]
    row_year = accounted["year"].to_numpy()
    for year in sorted(days):
        legs = accounted.loc[row_year == year, columns]
        ratios, city_ratio = clean_ratio_from_legs(legs, catalog, profile, nodes)
        city = _sums(legs)
        city["siding_capital_cost_cny"] = sidings.get(year, 0.0)
        city["cost_cny"] = city["transport_cost_cny"] + city["siding_capital_cost_cny"]
        city["train_departures"] = float(departures.get(year, 0))
        city.update(clean_transport_ratio=city_ratio, tonnes=float(ratios["tonnes"].sum()), days=float(days[year]))
        city["clean_tonnes"] = float(ratios["clean_tonnes"].sum())
        rows += [(year, CITY, metric, value) for metric, value in city.items()]
        by_enterprise = {str(e): _sums(group) for e, group in legs.groupby("enterprise", observed=True, sort=True)}
        for row in ratios.itertuples(index=False):
            figures = {"clean_transport_ratio": row.ratio, "tonnes": row.tonnes, "clean_tonnes": row.clean_tonnes}
            figures.update(by_enterprise.get(str(row.enterprise), {}))
            figures.pop("transport_cost_cny", None)
            rows += [(year, str(row.enterprise), metric, float(value)) for metric, value in figures.items()]
    table = pd.DataFrame(rows, columns=["year", "enterprise", "metric", "value"])
    table["unit"] = table["metric"].map(UNITS)
    return table


def target_for_year(targets: dict[int, float], year: int) -> float | None:
    """The target an enterprise is held to in ``year``: the latest target year at or before it, else the first
    target (so reaching it early counts); None without targets."""
    if not targets:
        return None
    return value_in_year(targets, year, targets[min(targets)])


def compliance_table(scenario: Scenario, trajectory: pd.DataFrame) -> pd.DataFrame:
    """Per year and key enterprise: ratio, the target it is held to, whether it meets it."""
    targets = scenario.pathway.targets if scenario.pathway is not None else {}
    ratios = trajectory[(trajectory["metric"] == "clean_transport_ratio") & (trajectory["enterprise"] != CITY)]
    key = {eid for eid, e in scenario.enterprises.items() if e.key_enterprise}
    rows = []
    for row in ratios.itertuples(index=False):
        if row.enterprise not in key or math.isnan(float(row.value)):  # no tonnes that year: nothing to judge
            continue
        target = target_for_year(targets, int(row.year))
        target = scenario.accounting.target_ratio if target is None else target
        rows.append((int(row.year), row.enterprise, float(row.value), target, bool(meets_target(float(row.value), target))))
    return pd.DataFrame(rows, columns=["year", "enterprise", "ratio", "target", "meets_target"])


def year_summary(scenario: Scenario, trajectory: pd.DataFrame, discount_rate: float) -> dict[str, Any]:
    """The summary's figures by year (one level of nesting, so batches get ``ratio_by_year.2026`` rows) and
    the compliance at each target year, ``target_met_by_deadline`` and ``npv_cost_cny``."""
    city = trajectory[trajectory["enterprise"] == CITY].pivot(index="year", columns="metric", values="value")
    by_year = {
        f"{name}_by_year": {str(int(y)): float(v) for y, v in city[metric].items()}
        for name, metric in (
            ("ratio", "clean_transport_ratio"),
            ("nox_kg", "nox_kg"),
            ("pm_kg", "pm_kg"),
            ("co2_ttw_t", "co2_ttw_t"),
            ("co2_wtw_t", "co2_wtw_t"),
            ("truck_trips", "truck_trips"),
            ("train_departures", "train_departures"),
            ("cost_cny", "cost_cny"),
        )
        if metric in city
    }
    compliance = compliance_table(scenario, trajectory)
    targets = scenario.pathway.targets if scenario.pathway is not None else {}
    meeting = {str(y): int(compliance.loc[compliance["year"] == y, "meets_target"].sum()) for y in sorted(targets) if y in set(city.index)}
    deadline = max(targets) if targets else None
    met = None
    if deadline is not None and deadline in set(compliance["year"]):
        at = compliance[compliance["year"] == deadline]
        met = bool(len(at) > 0 and at["meets_target"].all())
    first = int(city.index.min()) if len(city) else 0
    npv = float(sum(cost / (1.0 + discount_rate) ** (int(y) - first) for y, cost in city.get("cost_cny", pd.Series(dtype=float)).items()))
    return {
        **by_year,
        "enterprises_meeting_target": meeting,
        "target_deadline_year": deadline,
        "target_met_by_deadline": met,
        "npv_cost_cny": npv,
        "discount_rate": discount_rate,
    }


def add_pathway_results(
    scenario: Scenario, accounted: pd.DataFrame, catalog, profile, costs, summary: dict, tables: dict, departures_by_day: np.ndarray
) -> None:
    """Put a multi-year run's results by year into its ``summary`` and ``tables`` (``trajectory``,
    ``compliance_by_year``); the run's siding capital cost counts each siding from the day it opened."""
    trajectory = trajectory_table(scenario, accounted, catalog, profile, costs, departures_by_day)
    tables["trajectory"] = trajectory
    tables["compliance_by_year"] = compliance_table(scenario, trajectory)
    built = tables.get("sidings_built")
    notes = dict(zip(built["enterprise"], built["notes"], strict=True)) if built is not None and "notes" in built else {}
    tables["sidings_built"] = sidings_built_table(scenario, costs.finance.discount_rate, costs.finance.siding_life_years, notes)
    summary["candidate_sidings_built"] = len(tables["sidings_built"])
    summary.update(year_summary(scenario, trajectory, costs.finance.discount_rate))
    city = trajectory[trajectory["enterprise"] == CITY]
    siding_cny = float(city.loc[city["metric"] == "siding_capital_cost_cny", "value"].sum())
    summary["siding_capital_cost_cny"] = siding_cny
    summary["cost_cny"] = summary["transport_cost_cny"] + siding_cny
    delivered = summary["tonnes_delivered"]
    summary["cost_cny_per_t"] = summary["cost_cny"] / delivered if delivered > 0 else math.nan
