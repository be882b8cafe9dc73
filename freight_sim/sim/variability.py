"""Variability of production and handling times, read from ``networks/variability.yaml``.

Each entry names a distribution of mean 1 (``fixed``, ``gamma``, ``lognormal``, ``exponential``; for
production also ``poisson``: truck loads at Poisson times) and, for gamma and lognormal, a coefficient of
variation (a quantity with unit, source and estimate label). Production varies per enterprise kind
(a factor per day on the monthly plan); handling times per operation (truck loading and unloading,
battery swap, train loading: a factor per operation on its planned duration). A scenario picks the
bundled file, its own, or ``fixed`` (everything at its planned value): ``simulation.variability``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Literal

from pydantic import model_validator

from freight_sim.config.scenario import EnterpriseKind
from freight_sim.datafile import DataFile, Strict, Unit, load_data_file
from freight_sim.inputs import file_changes
from freight_sim.paths import data_root
from freight_sim.sim.spec import FIXED, ServiceTimes, Variation

FIXED_NAME = "fixed"  # the scenario value that turns every variation off


class VariationEntry(Strict):
    distribution: Literal["fixed", "gamma", "lognormal", "exponential", "poisson"]
    cv: Annotated[float, Unit("1", 0.0, 3.0)] | None = None

    @model_validator(mode="after")
    def _cv_where_needed(self) -> VariationEntry:
        if self.distribution in ("gamma", "lognormal") and self.cv is None:
            raise ValueError(f"{self.distribution} needs a cv (coefficient of variation)")
        if self.distribution in ("fixed", "exponential", "poisson") and self.cv is not None:
            raise ValueError(f"{self.distribution} takes no cv (exponential and poisson: cv 1; fixed: 0)")
        return self

    @property
    def variation(self) -> Variation:
        return Variation(self.distribution, self.cv if self.cv is not None else (1.0 if self.distribution == "exponential" else 0.0))


class HandlingEntry(VariationEntry):
    @model_validator(mode="after")
    def _not_poisson(self) -> HandlingEntry:
        if self.distribution == "poisson":
            raise ValueError("poisson describes arrivals, not a duration: use exponential for a memoryless duration")
        return self


class Handling(Strict):
    truck_loading: HandlingEntry
    truck_unloading: HandlingEntry
    battery_swap: HandlingEntry
    train_loading: HandlingEntry


class VariabilityFile(DataFile):
    """Production variation per enterprise kind (every kind) and handling-time variation per operation."""

    production: dict[EnterpriseKind, VariationEntry]
    handling: Handling

    @model_validator(mode="after")
    def _every_kind(self) -> VariabilityFile:
        missing = [kind.value for kind in EnterpriseKind if kind not in self.production]
        if missing:
            raise ValueError(f"production: give every enterprise kind; missing: {', '.join(missing)}")
        return self

    def production_of(self, kind: str) -> Variation:
        return self.production[EnterpriseKind(kind)].variation

    def service_times(self) -> ServiceTimes:
        h = self.handling
        return ServiceTimes(
            truck_loading=h.truck_loading.variation,
            truck_unloading=h.truck_unloading.variation,
            battery_swap=h.battery_swap.variation,
            train_loading=h.train_loading.variation,
        )


def variability_path() -> Path:
    return data_root() / "networks" / "variability.yaml"


def load_variability(path: Path | str | None = None, inputs: Mapping[str, float] | None = None) -> VariabilityFile:
    """Read a variability file (the bundled one unless ``path``); errors are FILE:LINE lines; ``inputs``: a
    scenario's uncertain inputs (freight_sim/inputs.py)."""
    changes = file_changes(inputs, "variability")
    loaded, _ = load_data_file(VariabilityFile, Path(path) if path is not None else variability_path(), changes)
    return loaded


class Variabilities:
    """What assembling a model needs: per enterprise kind its production variation, and the service times."""

    def __init__(self, file: VariabilityFile | None) -> None:
        self.file = file

    def production(self, kind: str) -> Variation:
        return self.file.production_of(kind) if self.file is not None else FIXED

    def service_times(self) -> ServiceTimes:
        return self.file.service_times() if self.file is not None else ServiceTimes()


def scenario_variabilities(loaded_or_scenario) -> Variabilities:
    """The variabilities a scenario's ``simulation.variability`` names (a path relative to its file)."""
    from freight_sim.config import Loaded, data_path

    scenario = loaded_or_scenario.model if isinstance(loaded_or_scenario, Loaded) else loaded_or_scenario
    value = scenario.simulation.variability
    if value == FIXED_NAME:
        return Variabilities(None)
    if isinstance(loaded_or_scenario, Loaded):
        path = data_path(loaded_or_scenario, ("simulation", "variability"), value)
    else:
        path = None if value == "bundled" else value
    return Variabilities(load_variability(path, scenario.inputs))
