"""The synthetic shippers of a province: sites, sizes, flows, sidings (each physical movement listed once).

Sizes are drawn from lognormal weights and scaled so each kind's total matches the figures file; coal
for in-province users comes from the nearest mines of the same city, coal and coke leaving the
province go to the city's gateways. All drawn from one random stream, in a fixed order.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from freight_sim.province.figures import KINDS, ProvinceFigures, ShipperKindName
from freight_sim.province.network_gen import ProvinceNetwork, add_plant, add_quarry, add_spur, nearest

KIND_CODES = {"mine": "M", "power": "P", "coking": "K", "steel": "S", "chemical": "C", "cement": "X", "logistics_park": "L"}
KIND_NAMES = {
    "mine": ("coal mine", "煤矿"), "power": ("power plant", "电厂"), "coking": ("coking plant", "焦化厂"), "steel": ("steel works", "钢铁厂"),
    "chemical": ("coal chemical plant", "煤化工厂"), "cement": ("cement plant", "水泥厂"), "logistics_park": ("logistics park", "物流园"),
}  # fmt: skip
FLEET_MIXES = {
    "mine": "mine-default", "power": "power-default", "coking": "coking-default", "steel": "steel-default",
    "chemical": "chemical-default", "cement": "cement-default", "logistics_park": "logistics-default",
}  # fmt: skip
SIZE_SIGMA = {"mine": 0.8, "power": 0.5, "coking": 0.5, "steel": 0.4, "chemical": 0.5, "cement": 0.4, "logistics_park": 0.5}
TRUCK_LOADING_H = {"mine": 0.1}  # others 0.25 h (as the bundled Changzhi scenario)
RAIL_OUT = {"drayage_rail": 0.85, "road": 0.15}  # coal and coke leaving the province (estimate; FACTS 1: goal all rail)
PRODUCTS_OUT = {"drayage_rail": 0.4, "road": 0.6}  # steel and chemical products (estimate)
STOCKYARD_DAYS = 15.0  # estimate, as the Changzhi mines (~15 days of output)
PAYLOAD_T = 32.0  # FACTS 3: 33 t diesel, 30 t battery; for sizing bays only
BAY_HOURS_PER_DAY = 12.0  # estimate: bays busy about half the day at the mean rate
# Beyond this straight-line haul a battery truck needs more than its usable charge for a round trip even by
# road (226 kWh / (1.6 + 1.0 kWh/km) ~ 87 km each way, FACTS 3; x 1.3 detour): such shippers get their kind's
# mix with the battery share moved to China VI diesel (as the bundled Changzhi scenario's "-no-bev" mixes).
BATTERY_HAUL_LIMIT_KM = 65.0
NO_BATTERY_MIXES = {
    "power-no-bev": {"diesel-cn5": 0.45, "diesel-cn6": 0.45, "lng-cn6": 0.10},
    "coking-no-bev": {"diesel-cn5": 0.40, "diesel-cn6": 0.50, "lng-cn6": 0.10},
    "steel-no-bev": {"diesel-cn5": 0.10, "diesel-cn6": 0.70, "lng-cn6": 0.20},
    "cement-no-bev": {"diesel-cn5": 0.40, "diesel-cn6": 0.50, "lng-cn6": 0.10},
    "logistics-no-bev": {"diesel-cn5": 0.35, "diesel-cn6": 0.55, "lng-cn6": 0.10},
}


@dataclass
class Shipper:
    eid: str
    kind: str
    city: str
    size_t: float
    flows: dict[str, dict] = field(default_factory=dict)
    siding: dict | None = None
    longest_haul_km: float = 0.0  # great circle to the farthest counterpart reached by truck

    def flow(self, name: str, commodity: str, direction: str, tonnes: float, counterpart: str, shares: dict | None = None) -> None:
        row = {
            "commodity": commodity,
            "direction": direction,
            "tonnes_per_year": float(round(tonnes, -3) or 1000.0),
            "counterpart": counterpart,
        }
        if shares is not None:
            row["chain_shares"] = dict(shares)
        self.flows[f"f{len(self.flows) + 1:02d}_{name}"] = row


def _counts(figures: ProvinceFigures, kind: ShipperKindName) -> dict[str, int]:
    """Shippers of ``kind`` per city by largest remainder over the city weights."""
    spec = figures.shippers[kind]
    keys = list(figures.cities)
    weights = np.array([figures.cities[k].coal_share if spec.weight_by == "coal" else 1.0 for k in keys])
    quota = spec.count * weights / weights.sum()
    counts = np.floor(quota).astype(int)
    for i in np.argsort(-(quota - counts), kind="stable")[: spec.count - counts.sum()]:
        counts[i] += 1
    return dict(zip(keys, (int(c) for c in counts), strict=True))


def _sizes(rng: np.random.Generator, n: int, sigma: float, total: float) -> np.ndarray:
    weights = rng.lognormal(0.0, sigma, n)
    return weights / weights.sum() * total


def _pick(rng: np.random.Generator, shares: dict[str, float]) -> str:
    names = list(shares)
    p = np.array([shares[n] for n in names], dtype=float)
    return names[int(rng.choice(len(names), p=p / p.sum()))]


def place_shippers(figures: ProvinceFigures, net: ProvinceNetwork, rng: np.random.Generator) -> list[Shipper]:
    """Every shipper with its site (added to ``net``) and its size; flows come after."""
    t = figures.tonnages
    coal_total = figures.province.raw_coal_output_t_per_year * t.mine_output_modelled_share
    kind_totals = {
        "power": t.power_coal_t_per_year, "coking": t.coke_output_t_per_year, "steel": t.crude_steel_t_per_year,
        "chemical": t.chemical_coal_t_per_year, "cement": t.cement_t_per_year, "logistics_park": t.logistics_throughput_t_per_year,
    }  # fmt: skip
    shippers: list[Shipper] = []
    for kind in KINDS:
        counts = _counts(figures, kind)
        weight_by = figures.shippers[kind].weight_by
        n_total = sum(counts.values())
        for key, city in figures.cities.items():
            n = counts[key]
            if n == 0:
                continue
            if kind == "mine":
                total = coal_total * city.coal_share / sum(c.coal_share for c in figures.cities.values())
            else:
                share = city.coal_share / sum(c.coal_share for c in figures.cities.values()) if weight_by == "coal" else n / n_total
                total = kind_totals[kind] * share
            label, label_zh = KIND_NAMES[kind]
            for i, size in enumerate(_sizes(rng, n, SIZE_SIGMA[kind], total), start=1):
                eid = f"{city.code}_{KIND_CODES[kind]}{i:02d}"
                add_plant(net, rng, plant_id=eid, name=f"Synthetic {label} {city.name} {i}", name_zh=f"示例{city.name_zh}{label_zh}{i}",
                          kind=kind, city_key=key, city_name=city.name)  # fmt: skip
                shippers.append(Shipper(eid=eid, kind=kind, city=key, size_t=float(size)))
    return shippers


def add_flows(figures: ProvinceFigures, net: ProvinceNetwork, shippers: list[Shipper], rng: np.random.Generator) -> None:
    """Flows of every shipper (receivers list their inbound coal, coke and ore)."""
    t = figures.tonnages
    by_kind_city: dict[tuple[str, str], list[Shipper]] = {}
    for s in shippers:
        by_kind_city.setdefault((s.kind, s.city), []).append(s)

    def nearest_of(kind: str, s: Shipper) -> str:
        candidates = [o.eid for o in by_kind_city.get((kind, s.city), [])] or [o.eid for o in shippers if o.kind == kind]
        return nearest(net, s.eid, candidates)

    def two_nearest_mines(s: Shipper) -> list[str]:
        first = nearest_of("mine", s)
        rest = [o.eid for o in by_kind_city[("mine", s.city)] if o.eid != first]
        return [first, nearest(net, s.eid, rest)] if rest else [first]

    coke_to_steel = t.coke_output_t_per_year * t.coke_to_steel_share
    steel_total = sum(s.size_t for s in shippers if s.kind == "steel")
    for s in shippers:
        gateways = figures.cities[s.city].gateways
        if s.kind == "mine":
            s.flow("coal_out", "thermal_coal", "out", s.size_t * t.mine_out_of_province_share, _pick(rng, gateways), RAIL_OUT)
        elif s.kind in ("power", "logistics_park", "chemical"):
            mines = two_nearest_mines(s)
            for mine, share in zip(mines, (0.6, 0.4) if len(mines) == 2 else (1.0,), strict=False):
                s.flow(f"coal_{mine.lower()}", "thermal_coal" if s.kind != "chemical" else "feed_coal", "in", s.size_t * share, mine)
            if s.kind == "logistics_park":
                s.flow("coal_out", "thermal_coal", "out", s.size_t, _pick(rng, gateways), {"drayage_rail": 0.9, "road": 0.1})
            if s.kind == "chemical":
                s.flow("products_out", "methanol", "out", s.size_t * t.chemical_products_share, _pick(rng, gateways), PRODUCTS_OUT)
        elif s.kind == "coking":
            for mine, share in zip(two_nearest_mines(s), (0.6, 0.4), strict=False):
                s.flow(f"coking_coal_{mine.lower()}", "coking_coal", "in", s.size_t * t.coking_coal_per_coke * share, mine)
            s.flow("coke_out", "coke", "out", s.size_t * (1.0 - t.coke_to_steel_share), _pick(rng, gateways), RAIL_OUT)
        elif s.kind == "steel":
            s.flow("iron_ore_in", "iron_ore", "in", s.size_t * t.iron_ore_per_steel, _pick(rng, gateways), RAIL_OUT)
            s.flow(f"coke_{nearest_of('coking', s).lower()}", "coke", "in", coke_to_steel * s.size_t / steel_total, nearest_of("coking", s))
            s.flow("steel_out", "steel_products", "out", s.size_t, _pick(rng, gateways), PRODUCTS_OUT)
        elif s.kind == "cement":
            quarry = add_quarry(net, s.eid, figures.cities[s.city].name)
            s.flow("limestone_own_quarry", "limestone", "in", s.size_t * t.limestone_per_cement, quarry, {"conveyor": 1.0})
            s.flow("cement_out", "cement", "out", s.size_t, f"J_{figures.cities[s.city].code}")


def add_sidings(figures: ProvinceFigures, net: ProvinceNetwork, shippers: list[Shipper], rng: np.random.Generator) -> None:
    """Existing sidings (with a spur edge) for most large mines and half the power and steel works;
    candidate sidings (switched off) for the other large mines and the logistics parks."""
    sf = figures.sidings
    heavy_haul = {stop for r in figures.railways if r.rail_class == "heavy_haul" for stop in r.stops}
    for s in shippers:
        draw = rng.uniform()
        status: str | None
        rail_tonnes = sum(f["tonnes_per_year"] for f in s.flows.values() if "conveyor" not in (f.get("chain_shares") or {}))
        if s.kind == "mine" and s.size_t >= sf.large_mine_t_per_year:
            status = "existing" if draw < sf.existing_share_of_large_mines else "candidate"
        elif s.kind in ("power", "steel"):
            status = "existing" if draw < sf.existing_share_of_power_steel else None
        elif s.kind == "logistics_park":
            status = "candidate"
        else:
            status = None
        if status is None:
            continue
        station = nearest(net, s.eid, net.stations[s.city])
        spur_km = net.km(s.eid, station, 1.2, 0.5)
        train_load = sf.heavy_haul_train_load_t if station in heavy_haul else sf.train_load_t
        capacity = min(math.ceil(rail_tonnes * 1.1 / 1e5) * 1e5, 100e6)
        trains_per_day = capacity / 365.0 / train_load
        siding = {
            "status": status, "enabled": status == "existing", "station": station, "spur_km": spur_km,
            "loading_rate_tph": 3000 if s.kind == "mine" else 1500, "capacity_t_per_year": capacity,
            "wagon_sets": int(min(50, math.ceil(trains_per_day * 1.5) + 1)), "train_load_t": train_load,
        }  # fmt: skip
        if status == "candidate":
            siding["capex_million_cny"] = round(sf.capex_million_cny_per_km * spur_km + sf.terminal_million_cny)
            siding["capex_estimate"] = True
        else:
            add_spur(net, s.eid, station)
        s.siding = siding


def _fleet_mix(s: Shipper) -> str:
    no_bev = FLEET_MIXES[s.kind].replace("-default", "-no-bev")
    return no_bev if s.longest_haul_km > BATTERY_HAUL_LIMIT_KM and no_bev in NO_BATTERY_MIXES else FLEET_MIXES[s.kind]


def add_haul_lengths(net: ProvinceNetwork, shippers: list[Shipper]) -> None:
    """Each shipper's longest straight-line haul to a counterpart not served by conveyor."""
    for s in shippers:
        lengths = [net.km(s.eid, f["counterpart"], 1.0) for f in s.flows.values() if "conveyor" not in (f.get("chain_shares") or {})]
        s.longest_haul_km = max(lengths, default=0.0)


def enterprise_block(s: Shipper, city_name: str) -> dict:
    """The scenario-file mapping of one shipper."""
    label = KIND_NAMES[s.kind][0]
    total = sum(f["tonnes_per_year"] for f in s.flows.values())
    loading_h = TRUCK_LOADING_H.get(s.kind, 0.25)
    bays = int(min(100, math.ceil(total / 365.0 / PAYLOAD_T * loading_h / BAY_HOURS_PER_DAY) + 1))
    block: dict = {
        "name": f"Synthetic {label} {city_name} {s.eid.rsplit('_', 1)[1][1:].lstrip('0')}",
        "kind": s.kind, "node": s.eid,
        "stockyard_capacity_t": float(min(20e6, max(20_000.0, round(total * STOCKYARD_DAYS / 365.0, -3)))),
        "loading_bays": bays, "truck_loading_h": loading_h, "fleet_mix": _fleet_mix(s),
    }  # fmt: skip
    if s.kind in ("logistics_park", "steel", "coking"):
        block["drayage_fleet_mix"] = "nev-drayage"
    if s.siding is not None:
        block["siding"] = s.siding
    block["flows"] = s.flows
    return block
