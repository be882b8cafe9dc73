"""The synthetic province network: city seats, county hubs, main railways, expressways, plant sites.

Rows follow the node/edge CSV columns of ``docs/data-model.md``. Positions of hubs and plants are drawn
from the generator's random stream (deterministic for a seed); lengths are great-circle distances times a
detour factor that each edge's ``source`` states.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from freight_sim.network.geo import great_circle_km
from freight_sim.province.figures import ProvinceFigures

HUBS_PER_CITY = 4
HUB_STATIONS_PER_CITY = 4  # every county hub has a freight station on a branch line
HUB_RADIUS_DEG = (0.15, 0.45)
PLANT_RADIUS_DEG = (0.02, 0.12)
QUARRY_OFFSET_DEG = 0.03
MIN_ROAD_KM = 0.5
BRANCH_PATHS_PER_DAY = 40.0
SYNTHETIC = "synthetic (freight-sim generate province)"

NODE_COLUMNS = (
    "id",
    "kind",
    "name",
    "name_zh",
    "lon",
    "lat",
    "subkind",
    "freight_station",
    "swap_bays",
    "charge_points",
    "district",
    "source",
)
EDGE_COLUMNS = ("u", "v", "mode", "distance_km", "speed_kph", "road_class", "rail_class", "electrified", "paths_per_day", "line", "source")


@dataclass
class ProvinceNetwork:
    """Node and edge rows under construction, and where things are."""

    nodes: list[dict[str, object]] = field(default_factory=list)
    edges: list[dict[str, object]] = field(default_factory=list)
    position: dict[str, tuple[float, float]] = field(default_factory=dict)
    hubs: dict[str, list[str]] = field(default_factory=dict)  # city -> hub junction ids
    stations: dict[str, list[str]] = field(default_factory=dict)  # city -> freight station ids

    def node(self, node_id: str, kind: str, name: str, lon: float, lat: float, **extra: object) -> str:
        row: dict[str, object] = dict.fromkeys(NODE_COLUMNS, "")
        row.update(id=node_id, kind=kind, name=name, lon=round(lon, 4), lat=round(lat, 4), **extra)
        self.nodes.append(row)
        self.position[node_id] = (round(lon, 4), round(lat, 4))
        return node_id

    def km(self, u: str, v: str, detour: float, minimum: float = 0.0) -> float:
        (lon1, lat1), (lon2, lat2) = self.position[u], self.position[v]
        return round(max(great_circle_km(lon1, lat1, lon2, lat2) * detour, minimum), 2)

    def road(self, u: str, v: str, road_class: str, detour: float, note: str) -> None:
        distance = self.km(u, v, detour, MIN_ROAD_KM)
        self._edge(u, v, "road", distance, road_class=road_class, source=f"estimate: great circle x {detour} ({note}; {SYNTHETIC})")

    def rail(self, u: str, v: str, *, mode: str, rail_class: str, paths: float | str, line: str, detour: float, note: str) -> None:
        distance = self.km(u, v, detour, MIN_ROAD_KM)
        electrified = "true" if mode == "rail" else "false"
        source = f"estimate: great circle x {detour} ({note}; {SYNTHETIC})"
        self._edge(u, v, mode, distance, rail_class=rail_class, electrified=electrified, paths_per_day=paths, line=line, source=source)

    def conveyor(self, u: str, v: str, note: str) -> None:
        self._edge(u, v, "conveyor", self.km(u, v, 1.1, MIN_ROAD_KM), source=f"estimate: great circle x 1.1 ({note}; {SYNTHETIC})")

    def _edge(self, u: str, v: str, mode: str, distance: float, **extra: object) -> None:
        row: dict[str, object] = dict.fromkeys(EDGE_COLUMNS, "")
        row.update(u=u, v=v, mode=mode, distance_km=distance, **extra)
        self.edges.append(row)


def _around(rng: np.random.Generator, lon: float, lat: float, radius_deg: tuple[float, float]) -> tuple[float, float]:
    angle = rng.uniform(0.0, 2.0 * np.pi)
    radius = rng.uniform(*radius_deg)
    return lon + radius * np.cos(angle) / np.cos(np.radians(lat)), lat + radius * np.sin(angle)


def build_backbone(figures: ProvinceFigures, rng: np.random.Generator) -> ProvinceNetwork:
    """City seats with their station, junction and swap station; county hubs; railways; expressways."""
    net = ProvinceNetwork()
    for key, city in figures.cities.items():
        c = city.code
        net.node(f"J_{c}", "junction", f"{city.name} expressway interchange", city.lon, city.lat, district=city.name, source=SYNTHETIC)
        net.node(f"ST_{c}", "station", f"{city.name} freight station", city.lon + 0.02, city.lat - 0.02, name_zh=f"{city.name_zh}站",
                 freight_station="true", district=city.name, source=f"main station of {city.name} (position estimate; {SYNTHETIC})")  # fmt: skip
        net.node(f"SW_{c}", "swap_station", f"{city.name} battery-swap station (illustrative)", city.lon - 0.02, city.lat + 0.01,
                 swap_bays=10, charge_points=2, district=city.name, source=f"illustrative placement; {SYNTHETIC}")  # fmt: skip
        net.road(f"ST_{c}", f"J_{c}", "access", 1.3, "station access road")
        net.road(f"SW_{c}", f"J_{c}", "access", 1.3, "swap station access road")
        net.hubs[key], net.stations[key] = [], [f"ST_{c}"]
        for k in range(1, HUBS_PER_CITY + 1):
            lon, lat = _around(rng, city.lon, city.lat, HUB_RADIUS_DEG)
            hub = net.node(
                f"J_{c}{k}",
                "junction",
                f"{city.name} county hub {k}",
                lon,
                lat,
                district=city.name,
                source=f"illustrative county town; {SYNTHETIC}",
            )
            net.hubs[key].append(hub)
            net.road(hub, f"J_{c}", "trunk", 1.3, "trunk road to the city seat")
            if k > 1:
                net.road(hub, f"J_{c}{k - 1}", "county", 1.35, "county road between hubs")
            if k <= HUB_STATIONS_PER_CITY:
                station = net.node(f"ST_{c}{k}", "station", f"{city.name} county station {k}", lon + 0.01, lat + 0.01,
                                   freight_station="true", district=city.name, source=f"illustrative county freight station; {SYNTHETIC}")  # fmt: skip
                net.stations[key].append(station)
                net.road(station, hub, "access", 1.3, "station access road")
                net.rail(station, f"ST_{c}", mode="rail", rail_class="conventional", paths=BRANCH_PATHS_PER_DAY, line=f"{city.name} branch {k}",
                         detour=1.25, note=f"illustrative branch line; {BRANCH_PATHS_PER_DAY:g} paths/day estimate")  # fmt: skip
            if k == HUBS_PER_CITY:
                swap = net.node(f"SW_{c}{k}", "swap_station", f"{city.name} county battery-swap station (illustrative)", lon - 0.01, lat - 0.01,
                                swap_bays=6, charge_points=1, district=city.name, source=f"illustrative placement; {SYNTHETIC}")  # fmt: skip
                net.road(swap, hub, "access", 1.3, "swap station access road")
    for gw_id, gw in figures.gateways.items():
        net.node(
            gw_id,
            "gateway",
            gw.name,
            gw.lon,
            gw.lat,
            name_zh=gw.name_zh,
            source=f"border crossing of line and expressway (position estimate; {SYNTHETIC})",
        )
    for railway in figures.railways:
        for u, v in zip(railway.stops, railway.stops[1:], strict=False):
            toward_border = u.startswith("GW_") or v.startswith("GW_")
            net.rail(u, v, mode="rail", rail_class=railway.rail_class, paths=railway.paths_per_day, line=railway.line,
                     detour=1.3 if toward_border else 1.2, note=f"{railway.line}: {railway.source}")  # fmt: skip
    codes = {key: city.code for key, city in figures.cities.items()}
    for a, b in figures.expressways:
        net.road(f"J_{codes[a]}", f"J_{codes[b]}", "expressway", 1.25, "expressway between city seats")
    for gw_id, city_key in figures.expressway_gateways.items():
        net.road(gw_id, f"J_{codes[city_key]}", "expressway", 1.3, "expressway to the border")
    return net


def nearest(net: ProvinceNetwork, node_id: str, candidates: list[str]) -> str:
    """The candidate closest to ``node_id`` by great circle (first in order on a tie)."""
    lon, lat = net.position[node_id]
    distances = [great_circle_km(lon, lat, *net.position[c]) for c in candidates]
    return candidates[int(np.argmin(distances))]


def add_plant(net: ProvinceNetwork, rng: np.random.Generator, *, plant_id: str, name: str, name_zh: str, kind: str, city_key: str,
              city_name: str) -> str:  # fmt: skip
    """A plant near a random county hub of its city, with an access road to that hub."""
    hub = net.hubs[city_key][int(rng.integers(len(net.hubs[city_key])))]
    lon, lat = _around(rng, *net.position[hub], PLANT_RADIUS_DEG)
    net.node(plant_id, "plant", name, lon, lat, name_zh=name_zh, subkind=kind, district=city_name, source=f"illustrative site; {SYNTHETIC}")
    net.road(plant_id, hub, "access", 1.3, "plant access road")
    return plant_id


def add_quarry(net: ProvinceNetwork, plant_id: str, city_name: str) -> str:
    """A captive limestone quarry beside a cement plant, joined by a belt conveyor and an access road."""
    lon, lat = net.position[plant_id]
    quarry = net.node(f"Q{plant_id}", "plant", f"Quarry of {plant_id} (illustrative)", lon + QUARRY_OFFSET_DEG, lat, subkind="quarry",
                      district=city_name, source=f"illustrative captive quarry; {SYNTHETIC}")  # fmt: skip
    net.conveyor(quarry, plant_id, "captive quarry belt")
    net.road(quarry, plant_id, "access", 1.3, "quarry access road")
    return quarry


def add_spur(net: ProvinceNetwork, plant_id: str, station: str) -> None:
    """An existing siding: an unelectrified spur from the plant to its station."""
    net.rail(plant_id, station, mode="spur", rail_class="", paths="", line=f"{plant_id} existing siding", detour=1.2,
             note="existing siding of an illustrative plant")  # fmt: skip
