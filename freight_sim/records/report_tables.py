"""The tables of the enterprise report (``report.html``, ``ratio.xlsx``), pure functions of accepted rows.

- ratio by month against the target;
- tonnes by mode and by vehicle class (road rows by powertrain and emission standard);
- the monthly what-if: tonnes to move from non-clean road to a clean option for each month below the
  target, the truck trips and trucks that is (observed tonnes per trip and trips per truck of that
  month's non-clean road rows), and the cheapest option of :func:`freight_sim.records.options.price_options`
  with its extra cost;
- the rejected and flagged rows (errors, duplicates, warnings).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from freight_sim.policy.compliance import RATIO_TOLERANCE
from freight_sim.records.audit import ratio_table
from freight_sim.records.options import OptionCost
from freight_sim.records.reader import RecordSet

UNKNOWN = "(unknown)"


def by_month(frame: pd.DataFrame, clean: np.ndarray, target: float) -> pd.DataFrame:
    """``month, tonnes, clean_tonnes, ratio, target, compliant``."""
    table = ratio_table(frame, clean, "month").rename(columns={"key": "month"})
    table["target"] = target
    table["compliant"] = table["ratio"] >= target - RATIO_TOLERANCE
    return table


def by_mode(frame: pd.DataFrame, clean: np.ndarray) -> pd.DataFrame:
    """``mode, tonnes, clean_tonnes, share`` (share of all tonnes)."""
    table = ratio_table(frame, clean, "mode").rename(columns={"key": "mode"}).drop(columns="ratio")
    table["share"] = table["tonnes"] / table["tonnes"].sum() if len(table) else []
    return table.sort_values("tonnes", ascending=False, kind="stable").reset_index(drop=True)


def vehicle_class(frame: pd.DataFrame) -> pd.Series:
    """Road rows: ``powertrain standard`` (``diesel cn5``, ``bev``, ``(unknown)``); other rows: their mode."""
    fuel = frame["fuel"].astype(object).where(frame["fuel"].notna(), UNKNOWN)
    standard = frame["standard"].astype(object)
    with_standard = fuel.astype(str) + " " + standard.astype(str)
    label = with_standard.where(standard.notna() & (standard != "nev"), fuel.astype(str))
    return label.where(frame["mode"] == "road", frame["mode"].astype(str))


def by_vehicle_class(frame: pd.DataFrame, clean: np.ndarray) -> pd.DataFrame:
    """``vehicle_class, mode, tonnes, clean_tonnes, trips, share`` over all rows."""
    table = pd.DataFrame(
        {
            "vehicle_class": vehicle_class(frame).to_numpy(),
            "mode": frame["mode"].to_numpy(),
            "tonnes": frame["net_weight_t"].to_numpy(dtype=float),
            "clean_tonnes": np.where(clean, frame["net_weight_t"].to_numpy(dtype=float), 0.0),
            "trips": 1,
        }
    )
    grouped = table.groupby(["vehicle_class", "mode"], sort=True)[["tonnes", "clean_tonnes", "trips"]].sum().reset_index()
    grouped["share"] = grouped["tonnes"] / grouped["tonnes"].sum() if len(grouped) else []
    return grouped.sort_values("tonnes", ascending=False, kind="stable").reset_index(drop=True)


@dataclass(frozen=True, kw_only=True)
class WhatIfSettings:
    target: float
    options: list[OptionCost]  # cheapest first


def monthly_what_if(frame: pd.DataFrame, clean: np.ndarray, settings: WhatIfSettings) -> pd.DataFrame:
    """Per month: tonnes to shift to reach the target, truck trips and trucks, the cheapest option and its extra cost."""
    month = frame["date"].dt.strftime("%Y-%m")
    dirty_road = (frame["mode"] == "road").to_numpy() & ~clean
    cheapest = settings.options[0] if settings.options else None
    rows = []
    for key, tonnes, clean_t in by_month(frame, clean, settings.target)[["month", "tonnes", "clean_tonnes"]].itertuples(index=False):
        in_month = (month == key).to_numpy()
        shift = max(0.0, settings.target * tonnes - clean_t)
        road = frame[in_month & dirty_road]
        per_trip = float(road["net_weight_t"].mean()) if len(road) else math.nan
        plates = road["plate"].dropna()
        trips_per_truck = len(plates) / plates.nunique() if len(plates) else math.nan
        trips = math.ceil(shift / per_trip - 1e-9) if shift > 0 and per_trip > 0 else 0
        trucks = math.ceil(trips / trips_per_truck - 1e-9) if trips and trips_per_truck > 0 else 0
        rows.append(
            {
                "month": key,
                "tonnes": tonnes,
                "clean_tonnes": clean_t,
                "ratio": clean_t / tonnes if tonnes > 0 else math.nan,
                "tonnes_to_shift": shift,
                "non_clean_road_tonnes": float(road["net_weight_t"].sum()),
                "tonnes_per_truck_trip": per_trip,
                "truck_trips_to_shift": trips,
                "trips_per_truck": trips_per_truck,
                "trucks_to_move": trucks,
                "cheapest_option": cheapest.option if cheapest and shift > 0 else "",
                "extra_cost_cny": cheapest.extra_cny_per_t * shift if cheapest and shift > 0 else 0.0,
            }
        )
    return pd.DataFrame(rows)


def options_table(options: list[OptionCost]) -> pd.DataFrame:
    return pd.DataFrame([{"option": o.option, "cny_per_t": o.cny_per_t, "extra_cny_per_t": o.extra_cny_per_t} for o in options])


def problem_rows(records: RecordSet) -> pd.DataFrame:
    """Rejected rows (errors) and flagged rows (duplicates, warnings), then notes, in file order."""
    rows = [issue.as_row() for issue in records.issues]
    table = pd.DataFrame(rows, columns=["file", "sheet", "line", "column", "severity", "raw_value", "message"])
    order = {"error": 0, "warning": 1, "info": 2}
    table["_order"] = table["severity"].map(order)
    return table.sort_values(["_order", "file", "sheet", "line"], kind="stable").drop(columns="_order").reset_index(drop=True)


def baseline_vehicle(frame: pd.DataFrame, clean: np.ndarray, fallback: str) -> str:
    """The vehicle id carrying most non-clean road tonnes (by the snippet's fuel/standard rules), else ``fallback``."""
    from freight_sim.records.scenario_snippet import _vehicle_ids, load_snippet_defaults

    road = frame[(frame["mode"] == "road").to_numpy() & ~clean]
    if road.empty:
        return fallback
    vehicle = _vehicle_ids(road, load_snippet_defaults()["vehicle_rules"])
    tonnes = road.groupby(vehicle)["net_weight_t"].sum()
    return str(tonnes.idxmax()) if len(tonnes) else fallback


@dataclass(frozen=True, kw_only=True)
class Distances:
    haul_km: float | None = None  # None: the estimate of what_if_defaults.yaml
    drayage_km: float | None = None


def report_tables(records: RecordSet, clean: np.ndarray, summary: dict, distances: Distances):
    """Every table of the enterprise report (see :class:`freight_sim.report.ratio_report.ReportTables`)."""
    from freight_sim.cost.params import load_costs
    from freight_sim.fleet.catalog import load_catalog
    from freight_sim.records.options import load_what_if_defaults, price_options
    from freight_sim.report.ratio_report import ReportTables

    frame = records.frame
    defaults = load_what_if_defaults()
    haul_km = distances.haul_km if distances.haul_km is not None else float(defaults["haul_km"]["value"])
    drayage_km = distances.drayage_km if distances.drayage_km is not None else float(defaults["drayage_km"]["value"])
    target = summary["target"]
    baseline = baseline_vehicle(frame, clean, defaults["baseline_vehicle"])
    road = frame[(frame["mode"] == "road").to_numpy() & ~clean]
    per_trip = float(road["net_weight_t"].mean()) if len(road) else float(frame["net_weight_t"].mean())
    options = price_options(
        haul_km=haul_km, drayage_km=drayage_km, tonnes_per_trip=per_trip, baseline_vehicle=baseline,
        catalog=load_catalog(), costs=load_costs(),
    )  # fmt: skip
    estimate = distances.haul_km is None or distances.drayage_km is None
    return ReportTables(
        summary=summary,
        by_month=by_month(frame, clean, target),
        by_mode=by_mode(frame, clean),
        by_vehicle_class=by_vehicle_class(frame, clean),
        what_if=monthly_what_if(frame, clean, WhatIfSettings(target=target, options=options)),
        options=options_table(options),
        problems=problem_rows(records),
        what_if_assumptions={"haul_km": haul_km, "drayage_km": drayage_km, "estimate": estimate, "baseline_vehicle": baseline},
    )
