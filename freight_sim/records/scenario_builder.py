"""From accepted shipment records to a complete scenario that validates and runs without edits.

The enterprise sits at a network node (``--node``, or the plant or junction nearest to ``--lonlat``);
its counterparts are placed on nodes by :mod:`freight_sim.records.counterparts`. The scenario is fitted
to the records so that a run reproduces them:

- one flow per (commodity, direction, counterpart node), chain shares from the gate mode split (road ->
  ``road``, rail -> ``rail_siding``, conveyor -> ``conveyor``), taken exactly (``chains.rule: shares``);
- a monthly profile that gives each observed month its observed tonnes;
- the fleet mix as shares of *trucks*: a truck type's share is its road tonnes over its payload, so that
  trucks making equal numbers of trips carry the observed tonnes of each type;
- the truck count so that trips per truck match the records: distinct plates x observed tonnes per trip /
  the mix's mean payload;
- a siding (own rail at the gate) at the nearest station when rail tonnes cross the gate;
- the simulated period: the observed months, after a warm-up (``snippet_defaults.yaml``) that fills the
  pipeline so that the tonnes moved in the period are those demanded in it; no alert days and no outages,
  because the records already show the operations as they were.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from freight_sim.errors import RecordError
from freight_sim.network.geo import great_circle_km
from freight_sim.records.aliases import AliasTable, normalise
from freight_sim.records.counterparts import counterpart_map, load_counterpart_rules, read_user_map
from freight_sim.records.scenario_snippet import _rounded_shares, _vehicle_ids, load_snippet_defaults

CHAIN_BY_MODE = {"road": "road", "rail": "rail_siding", "conveyor": "conveyor"}
PLACE_KINDS = ("plant", "junction")


@dataclass(frozen=True, kw_only=True)
class ScenarioRequest:
    enterprise_id: str
    node: str | None = None
    lonlat: tuple[float, float] | None = None
    kind: str | None = None
    counterpart_map: Path | None = None
    rule_profile: str = "nev-counts"
    target: float = 0.8


@dataclass(frozen=True, kw_only=True)
class BuiltScenario:
    scenario: dict[str, Any]
    counterparts: pd.DataFrame  # counterpart_map.csv
    notes: tuple[str, ...]
    records_ratio: float
    records_trips_per_truck: float | None

    def as_yaml(self) -> str:
        import yaml

        header = "\n".join(f"# {note}" for note in self.notes)
        body = yaml.safe_dump(self.scenario, allow_unicode=True, sort_keys=False, width=120, default_flow_style=None)
        return f"{header}\n{body}"


def commodity_of(material: pd.Series, aliases: AliasTable) -> pd.Series:
    """Commodity id of each material text (alias table), or the text made an id; ``material`` when empty."""

    def one(text: object) -> str:
        if text is None or (isinstance(text, float) and math.isnan(text)):
            return "material"
        known = aliases.materials.get(normalise(str(text)))
        return known or (re.sub(r"[^A-Za-z0-9_.\-]+", "_", str(text)).strip("_") or "material")

    codes, uniques = pd.factorize(material.astype(object), use_na_sentinel=False)
    return pd.Series(np.array([one(u) for u in uniques], dtype=object)[codes], index=material.index)


def _plant_node(request: ScenarioRequest, nodes: pd.DataFrame, notes: list[str]) -> str:
    if request.node is not None:
        if request.node not in nodes.index:
            raise RecordError(f"--node: {request.node!r} is not a node of the network")
        return request.node
    if request.lonlat is None:
        raise RecordError("--scenario needs the plant's place: --node ID or --lonlat LON,LAT")
    candidates = nodes[nodes["kind"].isin(PLACE_KINDS)]
    km = great_circle_km(request.lonlat[0], request.lonlat[1], candidates["lon"].to_numpy(), candidates["lat"].to_numpy())
    best = int(np.argmin(km))
    node = str(candidates.index[best])
    notes.append(
        f"The plant is placed at node {node}, {km[best]:.1f} km from {request.lonlat[0]}, {request.lonlat[1]} (nearest plant or junction)."
    )
    return node


def _period(dates: pd.Series, warmup_days: int) -> tuple[dt.date, int, list[pd.Period]]:
    first, last = dates.min().to_period("M"), dates.max().to_period("M")
    months = list(pd.period_range(first, last, freq="M"))
    start = first.start_time.date()
    days = sum(calendar.monthrange(m.year, m.month)[1] for m in months)
    return start - dt.timedelta(days=warmup_days), days + warmup_days, months


def _profile(group: pd.DataFrame, months: list[pd.Period]) -> tuple[float, list[float]]:
    """(t/yr, monthly weights) that give each observed month its observed tonnes (daily_tonnes' arithmetic)."""
    per_month = group.groupby(group["date"].dt.to_period("M"))["net_weight_t"].sum().reindex(months, fill_value=0.0)
    per_day = {m.month: per_month[m] / calendar.monthrange(m.year, m.month)[1] for m in months}
    mean = float(np.mean(list(per_day.values())))
    raw = [per_day.get(month, mean) for month in range(1, 13)]
    year = months[0].year
    tonnes_per_year = float(sum(w * calendar.monthrange(year, i + 1)[1] for i, w in enumerate(raw)))
    scale = float(np.mean(raw)) or 1.0
    return tonnes_per_year, [round(float(w) / scale, 6) for w in raw]


def _truck_mix(
    road: pd.DataFrame, clean: np.ndarray, payload: dict[str, float], rules: list[dict], notes: list[str]
) -> tuple[dict[str, float], float]:
    vehicle = _vehicle_ids(road, rules)
    fallback = pd.Series(np.where(clean, "bev-plug", "diesel-cn5"), index=road.index)
    unmatched = vehicle.isna()
    if unmatched.any():
        notes.append(
            f"{int(unmatched.sum())} road rows have no vehicle type in the fleet catalog (fuel/standard missing or unmapped):"
            " clean ones run as bev-plug, others as diesel-cn5, so the ratio is kept."
        )
    vehicle = vehicle.where(~unmatched, fallback)
    tonnes = road.groupby(vehicle)["net_weight_t"].sum()
    trucks = pd.Series({str(vid): float(t) / payload[str(vid)] for vid, t in tonnes.items()})
    shares = _rounded_shares(trucks.sort_index())
    mean_payload = float(sum(share * payload[vid] for vid, share in shares.items()))
    return shares, mean_payload


def build_scenario(frame: pd.DataFrame, clean: np.ndarray, aliases: AliasTable, request: ScenarioRequest, network) -> BuiltScenario:
    """A one-enterprise scenario on ``network`` (the bundled Changzhi network) fitted to the records."""
    from freight_sim.fleet.catalog import load_catalog

    defaults = load_snippet_defaults()
    fit = defaults["scenario_fit"]
    notes = ["Written by `freight-sim ratio --scenario` from shipment records; runs as is: freight-sim run scenario.yaml"]
    directed = frame["direction"].isin(["in", "out"]).to_numpy()
    if not directed.all():
        notes.append(f"{int((~directed).sum())} rows without direction (in/out) are not in any flow.")
    modelled = frame["mode"].isin(list(CHAIN_BY_MODE)).to_numpy()
    if not modelled.all():
        notes.append(f"{int((~modelled).sum())} waterway/pipeline rows have no model chain and are left out.")
    keep = directed & modelled
    rows, clean = frame[keep], clean[keep]
    if rows.empty:
        raise ValueError("no accepted row by road, rail or conveyor with a direction (in/out): cannot write a scenario")

    nodes = network.nodes
    plant = _plant_node(request, nodes, notes)
    commodity = commodity_of(rows["material"], aliases)
    user = read_user_map(request.counterpart_map, set(nodes.index)) if request.counterpart_map is not None else {}
    placed = counterpart_map(rows, commodity, load_counterpart_rules(), user)
    same = placed[placed["node"] == plant]
    if len(same):
        raise ValueError(f"counterpart {same['counterpart'].iloc[0]!r} is placed at the plant's own node {plant}: edit counterpart_map.csv")
    names = rows["counterpart"].astype(object).where(rows["counterpart"].notna(), "(none)").astype(str)
    lookup = {(r.counterpart, r.direction, r.commodity): r.node for r in placed.itertuples(index=False)}
    node_of = pd.Series(
        [lookup[k] for k in zip(names, rows["direction"].astype(str), commodity.astype(str), strict=True)], index=rows.index
    )

    start, days, months = _period(rows["date"], int(fit["warmup_days"]["value"]))
    flows: dict[str, dict[str, Any]] = {}
    for (goods, direction, node), group in rows.groupby([commodity, rows["direction"], node_of], sort=True):
        chain_t = group.groupby(group["mode"].map(CHAIN_BY_MODE))["net_weight_t"].sum()
        if "conveyor" in chain_t and not _conveyor_path(network, plant, str(node)):
            raise ValueError(f"{goods} {direction}: conveyor tonnes, but the network has no belt between {plant} and {node}")
        tonnes_per_year, weights = _profile(group, months)
        flow_id = re.sub(r"[^A-Za-z0-9_.\-]+", "_", f"{goods}-{direction}-{node}")[:64]
        flows[flow_id] = {
            "commodity": str(goods),
            "direction": str(direction),
            "tonnes_per_year": round(tonnes_per_year, 1),
            "counterpart": str(node),
            "chain_shares": _rounded_shares(chain_t.sort_index()),
            "monthly_profile": weights,
        }

    catalog = load_catalog()
    enterprise: dict[str, Any] = {
        "name": request.enterprise_id,
        "kind": request.kind or _guess_kind(rows, commodity, defaults),
        "node": plant,
        "stockyard_capacity_t": 0.0,
        "illustrative": False,
    }
    road_rows = (rows["mode"] == "road").to_numpy()
    trips_per_truck = None
    if road_rows.any():
        road = rows[road_rows]
        payload = {vid: catalog.vehicle(vid).payload_t for vid in catalog.vehicles}
        shares, mean_payload = _truck_mix(road, clean[road_rows], payload, defaults["vehicle_rules"], notes)
        enterprise["fleet_mix"] = shares
        plates = road["plate"].dropna()
        if len(plates):
            trips_per_truck = len(plates) / plates.nunique()
            per_trip = float(road.loc[plates.index, "net_weight_t"].mean())
            enterprise["trucks"] = int(max(1, round(plates.nunique() * per_trip / mean_payload)))
            notes.append(
                f"trucks = {plates.nunique()} plates x {per_trip:.2f} t per observed trip / {mean_payload:.2f} t mean payload of the mix,"
                f" so trips per truck match the records ({trips_per_truck:.2f})."
            )
    daily_t = rows["net_weight_t"].sum() / max(1, days - int(fit["warmup_days"]["value"]))
    enterprise["stockyard_capacity_t"] = round(float(daily_t * fit["stockyard_days"]["value"]), 1)
    if (rows["mode"] == "rail").any():
        enterprise["siding"] = _siding(rows, plant, nodes, fit, notes)
    enterprise["flows"] = flows
    ratio = float(rows["net_weight_t"].to_numpy()[clean].sum() / rows["net_weight_t"].sum())
    scenario = {
        "name": re.sub(r"[^A-Za-z0-9_.\-]+", "_", f"records-{request.enterprise_id}")[:64],
        "description": (
            f"Enterprise {request.enterprise_id} fitted to its shipment records ({months[0]} to {months[-1]}): clean-transport"
            f" ratio {ratio:.4f} under {request.rule_profile}" + (f", {trips_per_truck:.2f} trips per truck" if trips_per_truck else "")
        ),
        "network": {"bundled": load_counterpart_rules()["network"]},
        "enterprises": {request.enterprise_id: enterprise},
        "chains": {"rule": "shares", "default_shares": {"road": 1.0}},
        "accounting": {"rule_profile": request.rule_profile, "target_ratio": request.target},
        "simulation": {"days": days, "warmup_days": int(fit["warmup_days"]["value"]), "start_date": start.isoformat(), "seed": 1},
    }
    notes.append(f"Simulated period: {months[0]} to {months[-1]} after {fit['warmup_days']['value']} warm-up days (an estimate).")
    notes.append(
        "Counterparts are placed on nodes as listed in counterpart_map.csv: edit its `node` column and run again with --counterpart-map."
    )
    return BuiltScenario(
        scenario=scenario, counterparts=placed, notes=tuple(notes), records_ratio=ratio, records_trips_per_truck=trips_per_truck
    )


def _conveyor_path(network, a: str, b: str) -> bool:
    import networkx as nx

    belts = nx.Graph((u, v) for u, v, mode in network.graph.edges(data="mode") if mode == "conveyor")
    return belts.has_node(a) and belts.has_node(b) and nx.has_path(belts, a, b)


def _guess_kind(rows: pd.DataFrame, commodity: pd.Series, defaults: dict[str, Any]) -> str:
    out = rows["direction"] == "out"
    if not out.any():
        return defaults["kind_without_outbound"]
    top = str(rows[out].groupby(commodity[out])["net_weight_t"].sum().idxmax())
    return defaults["kind_by_outbound_commodity"].get(top, defaults["kind_fallback"])


def _siding(rows: pd.DataFrame, plant: str, nodes: pd.DataFrame, fit: dict[str, Any], notes: list[str]) -> dict[str, Any]:
    stations = nodes[nodes["kind"] == "station"]
    here = nodes.loc[plant]
    km = great_circle_km(here["lon"], here["lat"], stations["lon"].to_numpy(), stations["lat"].to_numpy())
    best = int(np.argmin(km))
    rail = rows[rows["mode"] == "rail"]
    span_years = max(1.0, (rows["date"].max() - rows["date"].min()).days + 1) / 365.0
    per_row = float(rail["net_weight_t"].mean())
    train_t = per_row if per_row >= fit["min_train_row_t"]["value"] else float(fit["train_load_t"]["value"])
    notes.append(
        f"Rail at the gate is the plant's own siding: station {stations.index[best]} (nearest), spur, loading rate, wagon sets and"
        " capacity are estimates (snippet_defaults.yaml scenario_fit)."
    )
    return {
        "status": "existing",
        "station": str(stations.index[best]),
        "spur_km": round(float(min(80.0, max(1.0, km[best] * fit["spur_detour_factor"]["value"]))), 2),
        "loading_rate_tph": float(fit["loading_rate_tph"]["value"]),
        "capacity_t_per_year": round(min(100e6, float(rail["net_weight_t"].sum()) / span_years * fit["siding_headroom"]["value"]), 1),
        "wagon_sets": int(fit["wagon_sets"]["value"]),
        "train_load_t": round(min(30_000.0, train_t), 1),
    }
