"""The experiment file: which scenario, which variants, sweeps, samples and replications.

An experiment file is YAML (or TOML) validated with pydantic (unknown fields forbidden); every error is
reported as ``FILE:LINE: dotted.field: message``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from freight_sim.config.loader import validate
from freight_sim.config.yaml_source import SourceMap, read_config_file
from freight_sim.errors import ConfigError
from freight_sim.paths import bundled_scenarios

BUNDLED_PREFIX = "bundled:"
BASELINE = "baseline"
VariantName = Annotated[str, Field(pattern=r"^[A-Za-z0-9_\-\.]+$", min_length=1, max_length=64)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Range(_Strict):
    """``{start, stop, step}``: start, start+step, ... up to and including stop (within step/1e6)."""

    start: float
    stop: float
    step: float = Field(gt=0)

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        if self.stop < self.start:
            raise ValueError(f"stop ({self.stop}) is below start ({self.start})")
        if (self.stop - self.start) / self.step > 10_000:
            raise ValueError("more than 10,000 values: is the step in the wrong unit?")
        return self

    def values(self) -> list[float]:
        count = math.floor((self.stop - self.start) / self.step + 1e-6) + 1
        return [round(self.start + i * self.step, 12) for i in range(count)]


INPUTS_PREFIX = "inputs."  # sampled parameters under it are uncertain inputs: numbers of data files (freight_sim/inputs.py)


class SampledParameter(_Strict):
    bounds: tuple[float, float] | None = Field(
        None, description="[low, high]; may be left out for an uncertain input (inputs.<data path>): the number's own range"
    )

    @field_validator("bounds")
    @classmethod
    def _increasing(cls, bounds: tuple[float, float] | None) -> tuple[float, float] | None:
        if bounds is not None and not bounds[0] < bounds[1]:
            raise ValueError(f"bounds must be [low, high] with low < high, got {list(bounds)}")
        return bounds


class SampleSettings(_Strict):
    """A sampled design over continuous parameters (SALib for Sobol and Morris, scipy qmc for LHS)."""

    method: Literal["lhs", "sobol", "morris"]
    n: int = Field(ge=1, le=100_000, description="LHS points; Sobol base sample N (power of 2); Morris trajectories")
    parameters: dict[str, SampledParameter] = Field(
        min_length=1,
        description="dotted scenario path -> bounds; inputs.<data path> samples a number of a data file (bounds default to its range)",
    )
    second_order: bool = Field(False, description="Sobol: also second-order indices (N*(2D+2) runs instead of N*(D+2))")
    num_levels: int = Field(4, ge=2, le=64, description="Morris grid levels")

    @field_validator("parameters")
    @classmethod
    def _bounds_or_an_input(cls, parameters: dict[str, SampledParameter]) -> dict[str, SampledParameter]:
        for name, parameter in parameters.items():
            if parameter.bounds is None and not name.startswith(INPUTS_PREFIX):
                raise ValueError(f"{name}: give bounds (only an uncertain input, inputs.<data path>, takes its data file's range)")
        return parameters

    @field_validator("n")
    @classmethod
    def _sobol_power_of_two(cls, n: int, info: ValidationInfo) -> int:
        if info.data.get("method") == "sobol" and n & (n - 1):
            raise ValueError(f"sobol needs n to be a power of 2, got {n}")
        return n


class Generate(_Strict):
    each_candidate_siding: bool = Field(
        False, description="one variant per candidate siding of the base scenario; all candidates off elsewhere"
    )


class ReportHint(_Strict):
    metrics: list[str] = Field(
        default_factory=lambda: ["clean_transport_ratio", "nox_kg", "co2_wtw_t", "cost_cny", "truck_trips"],
        description="metrics shown in the end-of-batch table",
    )
    ranking_metrics: list[str] = Field(
        default_factory=lambda: ["nox_kg", "co2_wtw_t"],
        description="metrics ranked by their improvement per million CNY in the siding ranking (the first orders the siding table)",
    )
    lang: Literal["en", "zh"] = Field("en", description="language of report.html and the terminal table (--lang overrides)")


class ExperimentSpec(_Strict):
    name: VariantName
    description: str = ""
    base: str = Field(description="scenario path relative to this file, or 'bundled:NAME' (changzhi, shanxi-synthetic)")
    variants: dict[VariantName, dict[str, Any]] = Field(
        default_factory=dict, description="name -> scenario patch; the key 'set' holds a list of dotted.path=value overrides"
    )
    generate: Generate = Field(default_factory=Generate)
    sweep: dict[str, list[Any] | Range] = Field(default_factory=dict, description="dotted scenario path -> values (cartesian product)")
    sample: SampleSettings | None = None
    replications: int = Field(1, ge=1, le=10_000)
    seed: int = Field(20261124, ge=0, description="root seed; replication r gets child r of SeedSequence(seed)")
    simulation: dict[str, Any] = Field(default_factory=dict, description="simulation settings applied to every run (e.g. days)")
    report: ReportHint = Field(default_factory=ReportHint)

    @field_validator("sweep")
    @classmethod
    def _non_empty_lists(cls, sweep: dict[str, list[Any] | Range]) -> dict[str, list[Any] | Range]:
        for path, values in sweep.items():
            if isinstance(values, list) and not values:
                raise ValueError(f"sweep {path}: give at least one value")
        return sweep


@dataclass(frozen=True)
class Experiment:
    """A validated experiment file with its location and the line of every field."""

    spec: ExperimentSpec
    path: Path
    source: SourceMap

    @property
    def base_path(self) -> Path:
        """The base scenario file: ``bundled:NAME`` (a bundled network's scenario.yaml) or a path relative to the experiment file."""
        return base_scenario_path(self.spec.base, self.path, self.source)


def base_scenario_path(base: str, file: Path, source: SourceMap) -> Path:
    """The scenario a file's ``base:`` names: ``bundled:NAME`` (a bundled network's scenario.yaml) or a path
    relative to ``file``."""
    if base.startswith(BUNDLED_PREFIX):
        name = base.removeprefix(BUNDLED_PREFIX)
        known = bundled_scenarios()
        if name not in known:
            raise ConfigError(f"{source.where(('base',))}: base: unknown bundled scenario {name!r} (known: {', '.join(known)})")
        return known[name]
    path = Path(base)
    return path if path.is_absolute() else (file.parent / path)


def load_experiment(path: Path | str) -> Experiment:
    """Read and validate an experiment file; raise ``ConfigError`` with FILE:LINE lines."""
    path = Path(path)
    data, smap = read_config_file(path)
    if not isinstance(data, dict):
        raise ConfigError(f"{path}:1: (top level): expected a mapping of fields, got {type(data).__name__}")
    spec = validate(ExperimentSpec, data, smap)
    _check_variant_overrides(spec, smap)
    experiment = Experiment(spec, path, smap)
    base_path = experiment.base_path
    if not base_path.is_file():
        raise ConfigError(f"{smap.where(('base',))}: base: scenario file not found: {base_path}")
    return experiment


def _check_variant_overrides(spec: ExperimentSpec, smap: SourceMap) -> None:
    """Each variant's ``set:`` is a list of ``dotted.path=value`` texts."""
    lines = []
    for name, patch in spec.variants.items():
        overrides = patch.get("set", [])
        if not isinstance(overrides, list):
            lines.append(f"{smap.where(('variants', name, 'set'))}: variants.{name}.set: expected a list of dotted.path=value")
            continue
        for i, text in enumerate(overrides):
            if not isinstance(text, str) or "=" not in text:
                where = smap.where(("variants", name, "set", i))
                lines.append(f"{where}: variants.{name}.set.{i}: expected dotted.path=value, got {text!r}")
    if lines:
        raise ConfigError(*lines)
