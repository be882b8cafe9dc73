"""Emission and energy factor table (``fleets/emission_factors.yaml``): schema, unit checks, plain values.

Road classes are keyed like the catalog's ``VehicleType.class_key``: ``diesel-cn5``, ``lng-cn6``,
``methanol-cn6``, ``bev``, ``fcev``. Every number is a ``Quantity`` whose unit is fixed by the schema and
whose value must lie in plausibility bounds wide enough for any real fleet but narrow enough to catch a
unit slip (g for kg, per 100 km for per km).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from pydantic import Field, field_validator

from freight_sim.datafile import Quantity, Strict, bounded, check_quantity, load_data_file, resolve_data_path
from freight_sim.errors import ConfigError

ZERO_TAILPIPE = ("bev", "fcev")
# A combustion truck emits at least this much per km; below it a value in kg/km is the likely slip.
_MIN_COMBUSTION_NOX_G_PER_KM = 0.05
_MIN_COMBUSTION_PM_G_PER_KM = 0.001


class RoadClass(Strict):
    nox_g_per_km: bounded("g/km", 0.0, 30.0)  # at 50% load, MEE 2014 convention
    pm_g_per_km: bounded("g/km", 0.0, 2.0)


class LoadCurve(Strict):
    source: str = Field(min_length=3)
    estimate: bool
    points: list[tuple[float, float]] = Field(min_length=2, description="(load factor, NOx multiplier), load factor 0..1 increasing")

    @field_validator("points")
    @classmethod
    def _increasing(cls, points: list[tuple[float, float]]) -> list[tuple[float, float]]:
        loads = [p[0] for p in points]
        if loads[0] != 0.0 or loads[-1] != 1.0 or any(b <= a for a, b in zip(loads, loads[1:])):
            raise ValueError("load factors must increase strictly from 0 (empty) to 1 (full)")
        if any(not 0.3 <= m <= 3.0 for _, m in points):
            raise ValueError("multipliers must lie in [0.3, 3]: they scale the 50%-load factor")
        return points


class Diesel(Strict):
    co2_kg_per_l: bounded("kg/L", 1.5, 4.0)
    density_kg_per_l: bounded("kg/L", 0.7, 1.0)
    so2_g_per_l: bounded("g/L", 0.0, 2.0)
    wtt_uplift: bounded("1", 0.0, 1.0)


class Lng(Strict):
    co2_kg_per_kg: bounded("kg/kg", 1.5, 4.0)
    so2_g_per_kg: bounded("g/kg", 0.0, 2.0)
    wtt_uplift: bounded("1", 0.0, 1.0)


class Methanol(Strict):
    co2_kg_per_kg: bounded("kg/kg", 0.5, 3.0)
    density_kg_per_l: bounded("kg/L", 0.6, 1.0)
    so2_g_per_kg: bounded("g/kg", 0.0, 2.0)
    wtt_uplift: bounded("1", 0.0, 5.0)


class Hydrogen(Strict):
    co2_upstream_kg_per_kg: bounded("kg/kg", 0.0, 40.0)


class Fuels(Strict):
    diesel: Diesel
    lng: Lng
    methanol: Methanol
    hydrogen: Hydrogen


class Rail(Strict):
    electric_kwh_per_10k_gross_tkm: bounded("kWh/10^4 gross t-km", 30.0, 300.0)
    diesel_kg_per_10k_gross_tkm: bounded("kg/10^4 gross t-km", 5.0, 80.0)
    diesel_nox_g_per_net_tkm: bounded("g/t-km", 0.01, 2.0)
    diesel_pm_g_per_net_tkm: bounded("g/t-km", 0.0, 0.2)
    shunting_max_spur_km: bounded("km", 0.0, 80.0)
    shunting_kg_per_10k_gross_tkm: bounded("kg/10^4 gross t-km", 5.0, 200.0)
    shunting_nox_g_per_net_tkm: bounded("g/t-km", 0.01, 5.0)
    shunting_pm_g_per_net_tkm: bounded("g/t-km", 0.0, 0.5)


class Conveyor(Strict):
    kwh_per_tkm: bounded("kWh/t-km", 0.01, 1.0)


class FactorFile(Strict):
    road_classes: dict[str, RoadClass] = Field(min_length=1)
    nox_load_multiplier: LoadCurve
    fuels: Fuels
    rail: Rail
    conveyor: Conveyor


@dataclass(frozen=True)
class RoadFactor:
    nox_g_per_km: float
    pm_g_per_km: float


@dataclass(frozen=True)
class EmissionFactors:
    """Plain values of the factor table (units in the names)."""

    road: dict[str, RoadFactor]
    load_factors: tuple[float, ...]
    nox_multipliers: tuple[float, ...]
    diesel_co2_kg_per_l: float
    diesel_density_kg_per_l: float
    diesel_so2_g_per_l: float
    diesel_wtt_uplift: float
    lng_co2_kg_per_kg: float
    lng_so2_g_per_kg: float
    lng_wtt_uplift: float
    methanol_co2_kg_per_kg: float
    methanol_density_kg_per_l: float
    methanol_so2_g_per_kg: float
    methanol_wtt_uplift: float
    h2_upstream_co2_kg_per_kg: float
    rail_electric_kwh_per_gross_tkm: float
    rail_diesel_kg_per_gross_tkm: float
    rail_diesel_nox_g_per_net_tkm: float
    rail_diesel_pm_g_per_net_tkm: float
    rail_shunting_max_spur_km: float
    rail_shunting_kg_per_gross_tkm: float
    rail_shunting_nox_g_per_net_tkm: float
    rail_shunting_pm_g_per_net_tkm: float
    conveyor_kwh_per_tkm: float
    path: Path

    def nox_multiplier(self, load_factor: np.ndarray | float) -> np.ndarray:
        """MEE 2014 NOx load multiplier, linear between the tabulated points, clipped to [0, 1] load."""
        return np.interp(np.clip(load_factor, 0.0, 1.0), self.load_factors, self.nox_multipliers)

    def road_factor(self, class_key: str) -> RoadFactor:
        try:
            return self.road[class_key]
        except KeyError:
            known = ", ".join(sorted(self.road))
            raise ConfigError(f"{self.path}:1: road_classes: no factors for vehicle class {class_key!r}; known: {known}") from None


def _v(q: Quantity) -> float:
    return float(q.value)


def load_factors(path: Path | str | None = None) -> EmissionFactors:
    """Load and check the factor table (``None`` or ``'bundled'``: ``fleets/emission_factors.yaml``)."""
    file_path = resolve_data_path(path, "emission_factors.yaml")
    f, smap = load_data_file(FactorFile, file_path)
    errors = []
    for key, rc in f.road_classes.items():
        if key.split("-")[0] in ZERO_TAILPIPE:
            continue
        checks = (
            ("nox_g_per_km", rc.nox_g_per_km, _MIN_COMBUSTION_NOX_G_PER_KM, 30.0),
            ("pm_g_per_km", rc.pm_g_per_km, _MIN_COMBUSTION_PM_G_PER_KM, 2.0),
        )
        for name, q, low, high in checks:
            path = ("road_classes", key, name)
            if line := check_quantity(q, "g/km", low, high, str(smap.where(path)), ".".join(path)):
                errors.append(line + " (a combustion truck)")
    if errors:
        raise ConfigError(*errors)
    fuels, rail = f.fuels, f.rail
    return EmissionFactors(
        road={k: RoadFactor(_v(rc.nox_g_per_km), _v(rc.pm_g_per_km)) for k, rc in sorted(f.road_classes.items())},
        load_factors=tuple(p[0] for p in f.nox_load_multiplier.points),
        nox_multipliers=tuple(p[1] for p in f.nox_load_multiplier.points),
        diesel_co2_kg_per_l=_v(fuels.diesel.co2_kg_per_l),
        diesel_density_kg_per_l=_v(fuels.diesel.density_kg_per_l),
        diesel_so2_g_per_l=_v(fuels.diesel.so2_g_per_l),
        diesel_wtt_uplift=_v(fuels.diesel.wtt_uplift),
        lng_co2_kg_per_kg=_v(fuels.lng.co2_kg_per_kg),
        lng_so2_g_per_kg=_v(fuels.lng.so2_g_per_kg),
        lng_wtt_uplift=_v(fuels.lng.wtt_uplift),
        methanol_co2_kg_per_kg=_v(fuels.methanol.co2_kg_per_kg),
        methanol_density_kg_per_l=_v(fuels.methanol.density_kg_per_l),
        methanol_so2_g_per_kg=_v(fuels.methanol.so2_g_per_kg),
        methanol_wtt_uplift=_v(fuels.methanol.wtt_uplift),
        h2_upstream_co2_kg_per_kg=_v(fuels.hydrogen.co2_upstream_kg_per_kg),
        rail_electric_kwh_per_gross_tkm=_v(rail.electric_kwh_per_10k_gross_tkm) / 1e4,
        rail_diesel_kg_per_gross_tkm=_v(rail.diesel_kg_per_10k_gross_tkm) / 1e4,
        rail_diesel_nox_g_per_net_tkm=_v(rail.diesel_nox_g_per_net_tkm),
        rail_diesel_pm_g_per_net_tkm=_v(rail.diesel_pm_g_per_net_tkm),
        rail_shunting_max_spur_km=_v(rail.shunting_max_spur_km),
        rail_shunting_kg_per_gross_tkm=_v(rail.shunting_kg_per_10k_gross_tkm) / 1e4,
        rail_shunting_nox_g_per_net_tkm=_v(rail.shunting_nox_g_per_net_tkm),
        rail_shunting_pm_g_per_net_tkm=_v(rail.shunting_pm_g_per_net_tkm),
        conveyor_kwh_per_tkm=_v(f.conveyor.kwh_per_tkm),
        path=file_path,
    )
