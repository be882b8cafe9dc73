"""Emission and energy factor table (``fleets/emission_factors.yaml``): one pydantic model, unit-checked, read by the
accounting as is.

Road classes are keyed like the catalog's ``CatalogVehicle.class_key``: ``diesel-cn5``, ``lng-cn6``,
``methanol-cn6``, ``bev``, ``fcev``. Every number is a ``Quantity`` whose unit is fixed by the schema and
whose value must lie in plausibility bounds wide enough for any real fleet but narrow enough to catch a
unit slip (g for kg, per 100 km for per km).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated

import numpy as np
from pydantic import Field, field_validator

from freight_sim.datafile import DataFile, Strict, Unit, check_value, load_data_file, resolve_data_path
from freight_sim.errors import ConfigError
from freight_sim.inputs import file_changes

ZERO_TAILPIPE = ("bev", "fcev")
# A combustion truck emits at least this much per km; below it a value in kg/km is the likely slip.
_MIN_COMBUSTION_NOX_G_PER_KM = 0.05
_MIN_COMBUSTION_PM_G_PER_KM = 0.001
_MAX_NOX_G_PER_KM = 30.0
_MAX_PM_G_PER_KM = 2.0


class RoadFactor(Strict):
    nox_g_per_km: Annotated[float, Unit("g/km", 0.0, _MAX_NOX_G_PER_KM)]  # at 50% load, MEE 2014 convention
    pm_g_per_km: Annotated[float, Unit("g/km", 0.0, _MAX_PM_G_PER_KM)]


class LoadCurve(Strict):
    source: str = Field(min_length=3)
    estimate: bool
    points: list[tuple[float, float]] = Field(min_length=2, description="(load factor, NOx multiplier), load factor 0..1 increasing")

    @field_validator("points")
    @classmethod
    def _increasing(cls, points: list[tuple[float, float]]) -> list[tuple[float, float]]:
        loads = [p[0] for p in points]
        if loads[0] != 0.0 or loads[-1] != 1.0 or any(b <= a for a, b in itertools.pairwise(loads)):
            raise ValueError("load factors must increase strictly from 0 (empty) to 1 (full)")
        if any(not 0.3 <= m <= 3.0 for _, m in points):
            raise ValueError("multipliers must lie in [0.3, 3]: they scale the 50%-load factor")
        return points


class Diesel(Strict):
    co2_kg_per_l: Annotated[float, Unit("kg/L", 1.5, 4.0)]
    density_kg_per_l: Annotated[float, Unit("kg/L", 0.7, 1.0)]
    so2_g_per_l: Annotated[float, Unit("g/L", 0.0, 2.0)]
    wtt_uplift: Annotated[float, Unit("1", 0.0, 1.0)]


class Lng(Strict):
    co2_kg_per_kg: Annotated[float, Unit("kg/kg", 1.5, 4.0)]
    so2_g_per_kg: Annotated[float, Unit("g/kg", 0.0, 2.0)]
    wtt_uplift: Annotated[float, Unit("1", 0.0, 1.0)]


class Methanol(Strict):
    co2_kg_per_kg: Annotated[float, Unit("kg/kg", 0.5, 3.0)]
    density_kg_per_l: Annotated[float, Unit("kg/L", 0.6, 1.0)]
    so2_g_per_kg: Annotated[float, Unit("g/kg", 0.0, 2.0)]
    wtt_uplift: Annotated[float, Unit("1", 0.0, 5.0)]


class Hydrogen(Strict):
    co2_upstream_kg_per_kg: Annotated[float, Unit("kg/kg", 0.0, 40.0)]


class Fuels(Strict):
    diesel: Diesel
    lng: Lng
    methanol: Methanol
    hydrogen: Hydrogen


class Rail(Strict):
    electric_kwh_per_10k_gross_tkm: Annotated[float, Unit("kWh/10^4 gross t-km", 30.0, 300.0)]
    diesel_kg_per_10k_gross_tkm: Annotated[float, Unit("kg/10^4 gross t-km", 5.0, 80.0)]
    diesel_nox_g_per_net_tkm: Annotated[float, Unit("g/t-km", 0.01, 2.0)]
    diesel_pm_g_per_net_tkm: Annotated[float, Unit("g/t-km", 0.0, 0.2)]
    shunting_max_spur_km: Annotated[float, Unit("km", 0.0, 80.0)]
    shunting_kg_per_10k_gross_tkm: Annotated[float, Unit("kg/10^4 gross t-km", 5.0, 200.0)]
    shunting_nox_g_per_net_tkm: Annotated[float, Unit("g/t-km", 0.01, 5.0)]
    shunting_pm_g_per_net_tkm: Annotated[float, Unit("g/t-km", 0.0, 0.5)]

    @property
    def electric_kwh_per_gross_tkm(self) -> float:
        return self.electric_kwh_per_10k_gross_tkm / 1e4

    @property
    def diesel_kg_per_gross_tkm(self) -> float:
        return self.diesel_kg_per_10k_gross_tkm / 1e4

    @property
    def shunting_kg_per_gross_tkm(self) -> float:
        return self.shunting_kg_per_10k_gross_tkm / 1e4


class Conveyor(Strict):
    kwh_per_tkm: Annotated[float, Unit("kWh/t-km", 0.01, 1.0)]


class EmissionFactors(DataFile):
    """The factor table (units in the names)."""

    road_classes: dict[str, RoadFactor] = Field(min_length=1)
    nox_load_multiplier: LoadCurve
    fuels: Fuels
    rail: Rail
    conveyor: Conveyor

    def nox_multiplier(self, load_factor: np.ndarray | float) -> np.ndarray:
        """MEE 2014 NOx load multiplier, linear between the tabulated points, clipped to [0, 1] load."""
        points = self.nox_load_multiplier.points
        return np.interp(np.clip(load_factor, 0.0, 1.0), [p[0] for p in points], [p[1] for p in points])

    def road_factor(self, class_key: str) -> RoadFactor:
        try:
            return self.road_classes[class_key]
        except KeyError:
            known = ", ".join(sorted(self.road_classes))
            raise ConfigError(f"{self.path}:1: road_classes: no factors for vehicle class {class_key!r}; known: {known}") from None


def load_factors(path: Path | str | None = None, inputs: Mapping[str, float] | None = None) -> EmissionFactors:
    """Load and check the factor table (``None`` or ``'bundled'``: ``fleets/emission_factors.yaml``); ``inputs``:
    a scenario's uncertain inputs (freight_sim/inputs.py)."""
    changes = file_changes(inputs, "emission_factors")
    factors, smap = load_data_file(EmissionFactors, resolve_data_path(path, "emission_factors.yaml"), changes)
    errors = []
    for key, road in factors.road_classes.items():
        if key.split("-")[0] in ZERO_TAILPIPE:
            continue
        checks = (
            ("nox_g_per_km", road.nox_g_per_km, _MIN_COMBUSTION_NOX_G_PER_KM, _MAX_NOX_G_PER_KM),
            ("pm_g_per_km", road.pm_g_per_km, _MIN_COMBUSTION_PM_G_PER_KM, _MAX_PM_G_PER_KM),
        )
        for name, value, low, high in checks:
            path_in_file = ("road_classes", key, name)
            if line := check_value(value, "g/km", low, high, str(smap.where(path_in_file)), ".".join(path_in_file)):
                errors.append(line + " (a combustion truck)")
    if errors:
        raise ConfigError(*errors)
    return factors
