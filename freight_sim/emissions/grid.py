"""Electricity factors (``fleets/grid_factors.yaml``) and their resolution from a scenario's grid setting.

A grid factor is kg CO2 per kWh consumed, with the upstream pollutants of the power stations per kWh
consumed (per kWh of thermal output x the thermal share of generation). Three ways to choose one
(``freight_sim.config.scenario.GridSetting``):

- named: ``factor: shanxi-2023`` -> the table row as is;
- user value: ``kg_co2_per_kwh: x`` -> CO2 = x; the thermal share is inferred as x divided by the
  named row's CO2 per kWh of thermal output (``kg / thermal_share``), capped at 1, and scales the
  upstream pollutants;
- new-energy case: ``new_energy_share: s`` -> the thermal part shrinks to ``1 - s``:
  ``kg = kg_named * (1 - s) / thermal_share_named``, upstream pollutants per kWh thermal x ``(1 - s)``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import numpy as np
from pydantic import Field, model_validator

from freight_sim.config.scenario import GridSetting
from freight_sim.datafile import DataFile, Strict, Unit, load_data_file, resolve_data_path
from freight_sim.errors import ConfigError
from freight_sim.inputs import file_changes


class GridRow(Strict):
    label: str = Field(min_length=1)
    kg_co2_per_kwh: Annotated[float, Unit("kg/kWh", 0.05, 1.5)]
    thermal_share: Annotated[float, Unit("1", 0.05, 1.0)]


class UpstreamPerThermalKwh(Strict):
    nox_g_per_kwh: Annotated[float, Unit("g/kWh", 0.0, 3.0)]
    so2_g_per_kwh: Annotated[float, Unit("g/kWh", 0.0, 3.0)]
    pm_g_per_kwh: Annotated[float, Unit("g/kWh", 0.0, 1.0)]


@dataclass(frozen=True)
class GridFactor:
    """Resolved electricity factor; pollutants per kWh consumed; charging loss as a share of wall energy."""

    label: str
    kg_co2_per_kwh: float
    nox_g_per_kwh: float
    so2_g_per_kwh: float
    pm_g_per_kwh: float
    thermal_share: float
    charging_loss_share: float


@dataclass(frozen=True, kw_only=True)
class RowGridFactors:
    """The grid factors of leg rows that lie in periods with different grids (a pathway's calendar years),
    one value per row, so the rows are accounted in one pass; ``label`` is None unless every row has the same grid."""

    label: str | None
    kg_co2_per_kwh: np.ndarray
    nox_g_per_kwh: np.ndarray
    so2_g_per_kwh: np.ndarray
    pm_g_per_kwh: np.ndarray
    charging_loss_share: np.ndarray

    @classmethod
    def pick(cls, grids: Sequence[GridFactor], index: np.ndarray) -> RowGridFactors:
        """Row ``i`` gets ``grids[index[i]]``."""

        def per_row(name: str) -> np.ndarray:
            return np.array([getattr(grid, name) for grid in grids], dtype=float)[index]

        labels = {grid.label for grid in grids}
        return cls(
            label=labels.pop() if len(labels) == 1 else None,
            kg_co2_per_kwh=per_row("kg_co2_per_kwh"),
            nox_g_per_kwh=per_row("nox_g_per_kwh"),
            so2_g_per_kwh=per_row("so2_g_per_kwh"),
            pm_g_per_kwh=per_row("pm_g_per_kwh"),
            charging_loss_share=per_row("charging_loss_share"),
        )

    def rows(self, start: int, stop: int) -> RowGridFactors:
        """The factors of rows ``start`` to ``stop - 1``."""
        return RowGridFactors(
            label=self.label,
            kg_co2_per_kwh=self.kg_co2_per_kwh[start:stop],
            nox_g_per_kwh=self.nox_g_per_kwh[start:stop],
            so2_g_per_kwh=self.so2_g_per_kwh[start:stop],
            pm_g_per_kwh=self.pm_g_per_kwh[start:stop],
            charging_loss_share=self.charging_loss_share[start:stop],
        )


class GridTable(DataFile):
    """The grid factor table: named grids and the power stations' pollutants per kWh of thermal output."""

    default: str
    charging_loss_share: Annotated[float, Unit("1", 0.0, 0.3)]
    upstream_per_thermal_kwh: UpstreamPerThermalKwh
    grids: dict[str, GridRow] = Field(min_length=1)

    @model_validator(mode="after")
    def _default_known(self) -> GridTable:
        if self.default not in self.grids:
            raise ValueError(f"default {self.default!r} is not one of the grids: {', '.join(sorted(self.grids))}")
        return self

    def factor(
        self, name: str, thermal_share: float | None = None, kg_co2_per_kwh: float | None = None, label: str | None = None
    ) -> GridFactor:
        """The named row, optionally with another thermal share or CO2 value."""
        if name not in self.grids:
            raise ConfigError(
                f"accounting.grid.factor: unknown grid factor {name!r} (in {self.path}); known: {', '.join(sorted(self.grids))}"
            )
        row = self.grids[name]
        share = row.thermal_share if thermal_share is None else thermal_share
        upstream = self.upstream_per_thermal_kwh
        return GridFactor(
            label=label or row.label,
            kg_co2_per_kwh=row.kg_co2_per_kwh if kg_co2_per_kwh is None else kg_co2_per_kwh,
            nox_g_per_kwh=upstream.nox_g_per_kwh * share,
            so2_g_per_kwh=upstream.so2_g_per_kwh * share,
            pm_g_per_kwh=upstream.pm_g_per_kwh * share,
            thermal_share=share,
            charging_loss_share=self.charging_loss_share,
        )


def load_grid_table(path: Path | str | None = None, inputs: Mapping[str, float] | None = None) -> GridTable:
    """Load the grid factor table (``None`` or ``'bundled'``: ``fleets/grid_factors.yaml``); ``inputs``: a
    scenario's uncertain inputs (freight_sim/inputs.py)."""
    table, _ = load_data_file(GridTable, resolve_data_path(path, "grid_factors.yaml"), file_changes(inputs, "grid_factors"))
    return table


def grid_factor(settings: GridSetting, table: GridTable) -> GridFactor:
    """Resolve a scenario's grid setting against the table (formulas in the module docstring)."""
    name = settings.factor or table.default
    named = table.factor(name)
    if settings.kg_co2_per_kwh is not None:
        kg = settings.kg_co2_per_kwh
        share = min(1.0, kg / (named.kg_co2_per_kwh / named.thermal_share))
        return table.factor(name, thermal_share=share, kg_co2_per_kwh=kg, label=f"user {kg:g} kg/kWh (pollutants scaled from {name})")
    if settings.new_energy_share is not None:
        fossil = 1.0 - settings.new_energy_share
        kg = named.kg_co2_per_kwh * fossil / named.thermal_share
        return table.factor(
            name, thermal_share=fossil, kg_co2_per_kwh=kg, label=f"{named.label}, {settings.new_energy_share:.0%} new energy"
        )
    return named
