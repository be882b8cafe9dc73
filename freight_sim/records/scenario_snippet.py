"""From accepted shipment records to a scenario snippet for one enterprise (``enterprises: {ID: {...}}``).

Flows are the (material, direction) groups, annualised from the observed months; chain shares come from
the gate mode split, the fleet mix from fuel and emission-standard shares of road tonnes. What records
cannot tell (the plant's network node, counterparts, yard size) is filled with placeholders or labelled
estimates from ``snippet_defaults.yaml`` and said so in the YAML comments.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd
import yaml

from freight_sim.config.scenario import Enterprise
from freight_sim.records.aliases import AliasTable, normalise

SHARE_DECIMALS = 6
PROFILE_DECIMALS = 4


def load_snippet_defaults() -> dict[str, Any]:
    text = resources.files("freight_sim.records").joinpath("snippet_defaults.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


@dataclass(frozen=True)
class ScenarioSnippet:
    enterprise_id: str
    enterprise: dict[str, Any]  # validates as freight_sim.config.scenario.Enterprise
    notes: tuple[str, ...]

    def as_yaml(self) -> str:
        """The snippet as YAML, with the notes as comments above it."""
        body = yaml.safe_dump(
            {"enterprises": {self.enterprise_id: self.enterprise}}, allow_unicode=True, sort_keys=False, width=120, default_flow_style=None
        )
        placeholder = self.enterprise["node"]
        body = body.replace(f"node: {placeholder}\n", f"node: {placeholder}  # placeholder: set the plant's network node id\n")
        header = "\n".join(f"# {note}" for note in self.notes)
        return f"{header}\n{body}"


def _rounded_shares(weights: pd.Series) -> dict[str, float]:
    shares = (weights / weights.sum()).round(SHARE_DECIMALS)
    largest = shares.idxmax()
    shares[largest] = round(shares[largest] + 1.0 - shares.sum(), SHARE_DECIMALS)
    return {str(k): float(v) for k, v in shares.items() if v > 0}


def _commodity(material: str | None, aliases: AliasTable) -> str | None:
    if material is None:
        return None
    return aliases.materials.get(normalise(material))


def _flow_id(commodity: str | None, material: str, direction: str, used: set[str]) -> str:
    base = commodity if commodity else (re.sub(r"[^A-Za-z0-9_.\-]+", "_", material).strip("_") or "material")
    flow_id, n = f"{base}-{direction}", 2
    while flow_id in used:
        flow_id, n = f"{base}-{direction}-{n}", n + 1
    used.add(flow_id)
    return flow_id[:64]


def _monthly_profile(rows: pd.DataFrame, observed: pd.PeriodIndex) -> list[float]:
    months = rows["date"].dt.to_period("M")
    per_month = rows.groupby(months)["net_weight_t"].sum().reindex(observed, fill_value=0.0)
    by_calendar = per_month.groupby(per_month.index.month).mean()
    weights = by_calendar.reindex(range(1, 13))
    weights = weights.fillna(by_calendar.mean())
    weights = weights / weights.mean()
    return [round(float(w), PROFILE_DECIMALS) for w in weights]


def _vehicle_ids(road: pd.DataFrame, rules: list[dict[str, Any]]) -> pd.Series:
    vehicle = pd.Series(None, index=road.index, dtype=object)
    for rule in reversed(rules):  # apply in reverse so the first matching rule is written last
        match = road["fuel"] == rule["fuel"]
        if "standard" in rule:
            match &= road["standard"] == rule["standard"]
        if rule.get("swap"):
            match &= road["battery_swap"]
        vehicle[match.to_numpy()] = rule["vehicle"]
    return vehicle


def _kind(out_tonnes: pd.Series, defaults: dict[str, Any]) -> str:
    if out_tonnes.empty:
        return defaults["kind_without_outbound"]
    top = str(out_tonnes.idxmax())
    return defaults["kind_by_outbound_commodity"].get(top, defaults["kind_fallback"])


def derive_snippet(
    frame: pd.DataFrame,
    aliases: AliasTable,
    enterprise_id: str | None = None,
    name: str | None = None,
    kind: str | None = None,
) -> ScenarioSnippet:
    """A one-enterprise scenario snippet from accepted record rows (needs at least one row with a direction)."""
    defaults = load_snippet_defaults()
    places = defaults["placeholders"]
    enterprise_id = enterprise_id or places["enterprise_id"]
    notes = [
        "Derived from shipment records by `freight-sim ratio`; merge under `enterprises:` of a scenario.",
        f"EDIT: `node` ({places['node']}) and every flow `counterpart` ({places['counterpart']}) are placeholders:",
        "counterpart nodes are not in the records; set network node ids (e.g. GW_HANDAN for a gateway).",
    ]
    rows = frame[frame["direction"].isin(["in", "out"])]
    missing_direction_t = float(frame["net_weight_t"].sum() - rows["net_weight_t"].sum())
    if missing_direction_t > 0:
        notes.append(f"{missing_direction_t:.1f} t without a direction (in/out) are not in any flow.")
    if rows.empty:
        raise ValueError("no accepted row has a direction (in/out): cannot derive flows")
    observed = pd.PeriodIndex(sorted(rows["date"].dt.to_period("M").unique()), freq="M")
    annual = 12.0 / len(observed)
    notes.append(f"Annualised from {len(observed)} observed month(s), {observed[0]} to {observed[-1]} (x {annual:.4g}).")

    chain_of = defaults["chain_by_mode"]
    material = rows["material"].astype(object).where(rows["material"].notna(), "unspecified")
    flows: dict[str, dict[str, Any]] = {}
    used: set[str] = set()
    out_by_commodity: dict[str, float] = {}
    for (mat, direction), group in rows.groupby([material, rows["direction"]], sort=True):
        chain_tonnes = group.groupby(group["mode"].map(chain_of))["net_weight_t"].sum()
        dropped = float(group["net_weight_t"].sum() - chain_tonnes.sum())
        if dropped > 0:
            notes.append(f"{mat} {direction}: {dropped:.1f} t by waterway/pipeline have no model chain and are left out.")
        if chain_tonnes.sum() <= 0:
            continue
        commodity = _commodity(mat, aliases)
        flow_id = _flow_id(commodity, str(mat), str(direction), used)
        tonnes_per_year = round(float(chain_tonnes.sum()) * annual, 1)
        if direction == "out":
            out_by_commodity[commodity or str(mat)] = out_by_commodity.get(commodity or str(mat), 0.0) + tonnes_per_year
        flows[flow_id] = {
            "commodity": commodity or str(mat),
            "direction": str(direction),
            "tonnes_per_year": tonnes_per_year,
            "counterpart": places["counterpart"],
            "chain_shares": _rounded_shares(chain_tonnes),
            "monthly_profile": _monthly_profile(group, observed),
        }
    if not flows:
        raise ValueError("no tonnes by road, rail or conveyor with a direction: cannot derive flows")

    yearly_t = sum(f["tonnes_per_year"] for f in flows.values() if f["direction"] == "out") or sum(
        f["tonnes_per_year"] for f in flows.values()
    )
    days = defaults["stockyard_days"]["value"]
    notes.append(f"stockyard_capacity_t = {days} days of mean daily tonnes: an estimate (snippet_defaults.yaml), replace it.")
    enterprise: dict[str, Any] = {
        "name": name or enterprise_id,
        "kind": kind or _kind(pd.Series(out_by_commodity, dtype=float), defaults),
        "node": places["node"],
        "stockyard_capacity_t": round(yearly_t / 365.0 * days, 1),
        "illustrative": False,
    }
    if kind is None:
        notes.append(f"kind '{enterprise['kind']}' is guessed from the largest outbound commodity: check it.")
    enterprise.update(_fleet(rows, defaults, notes))
    if any("rail_siding" in f["chain_shares"] for f in flows.values()):
        notes.append("Rail tonnes cross the gate on the plant's own siding (chain rail_siding): add a `siding:` block")
        notes.append("(station, spur_km, loading_rate_tph, capacity_t_per_year) before running the scenario.")
    enterprise["flows"] = flows
    Enterprise.model_validate(enterprise)  # a snippet that would not load is a bug here, not the user's
    return ScenarioSnippet(enterprise_id, enterprise, tuple(notes))


def _fleet(rows: pd.DataFrame, defaults: dict[str, Any], notes: list[str]) -> dict[str, Any]:
    road = rows[rows["mode"] == "road"]
    if road.empty:
        return {}
    vehicle = _vehicle_ids(road, defaults["vehicle_rules"])
    by_vehicle = road.groupby(vehicle)["net_weight_t"].sum()
    unmatched_t = float(road["net_weight_t"].sum() - by_vehicle.sum())
    result: dict[str, Any] = {}
    if by_vehicle.sum() > 0:
        result["fleet_mix"] = _rounded_shares(by_vehicle.sort_index())
        if unmatched_t > 0:
            share = unmatched_t / float(road["net_weight_t"].sum())
            notes.append(
                f"{share:.1%} of road tonnes have no known vehicle type (fuel/standard missing or unmapped); the mix is of the rest."
            )
    else:
        notes.append("No road row has a known fuel and standard: fleet_mix keeps the schema default.")
    plates = int(road["plate"].dropna().nunique())
    if plates > 0:
        result["trucks"] = int(np.clip(plates, 1, 20_000))
        notes.append(f"trucks = {plates} distinct plates seen at the gate over the observed months.")
    return result
