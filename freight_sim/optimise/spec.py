"""The optimisation file: base scenario, decision variables, objectives, constraints and budget.

YAML (or TOML) validated with pydantic (unknown fields forbidden); every error is reported as
``FILE:LINE: dotted.field: message``. Decision variables are addressed by their scenario data path:

- ``values``: a list of values for the path (a candidate siding's ``enabled``, a station's loading tracks);
- ``fleet_share``: the share of ``vehicle`` in the mix at ``path`` in ``steps`` (the rest keeps the base mix's
  proportions), e.g. the new-energy share of an enterprise's road haulage or drayage; steps at or below the
  base mix's share are left out;
- ``chain_shift``: the part of a flow's ``from_chain`` share moved to ``to_chain`` in ``steps`` (e.g. road ->
  drayage + rail);
- ``year``: a dated measure of a pathway base in one of ``years`` (a candidate siding's commissioning day or a
  fleet renewal's start, on ``month``/``day`` of the year).

The base may be a pathway (a scenario with a ``pathway`` section): every run then spans the pathway's years
(or ``years``), and a constraint may name a ``year`` (its figure in that calendar year). ``uncertainty``
samples uncertain inputs (``inputs.<data path>``, as experiments do); every portfolio is simulated at the same
sample points, and constraints must hold in ``share`` of replications x sample points.

Choice 0 of every variable is the base scenario's own value, so the portfolio of all zeros is the base.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, field_validator, model_validator

from freight_sim.config.loader import validate
from freight_sim.config.pathway import PathwayYears
from freight_sim.config.scenario import Chain
from freight_sim.config.yaml_source import SourceMap, read_config_file
from freight_sim.errors import ConfigError
from freight_sim.experiments.spec import SampleSettings, base_scenario_path

Name = Annotated[str, Field(pattern=r"^[A-Za-z0-9_\-\.]+$", min_length=1, max_length=64)]
Step = Annotated[float, Field(ge=0, le=1)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ValuesVariable(_Strict):
    """A scenario field that takes one of ``values`` or keeps the base scenario's value."""

    kind: Literal["values"] = "values"
    name: Name
    path: str = Field(min_length=1, description="dotted scenario path")
    values: list[Any] = Field(min_length=1, description="the values besides the base scenario's own")
    label: str = ""


class FleetShareVariable(_Strict):
    """The share of ``vehicle`` in the fleet mix at ``path`` (``enterprises.E01.fleet_mix`` or ``.drayage_fleet_mix``)."""

    kind: Literal["fleet_share"]
    name: Name
    path: str = Field(
        pattern=r"^(enterprises\.[A-Za-z0-9_\-]+\.(fleet_mix|drayage_fleet_mix)|pathway\.fleet_renewals\.[A-Za-z0-9_\-\.]+\.mix)$",
        description="an enterprise's fleet_mix or drayage_fleet_mix, or the mix a pathway's fleet renewal reaches",
    )
    vehicle: str = Field(min_length=1, description="catalog id of the new-energy vehicle")
    steps: list[Step] = Field(min_length=2, description="shares of the vehicle, lowest first")
    label: str = ""


class ChainShiftVariable(_Strict):
    """The part of a flow's ``from_chain`` share moved to ``to_chain`` (``enterprises.E01.flows.F1``)."""

    kind: Literal["chain_shift"]
    name: Name
    path: str = Field(pattern=r"^enterprises\.[A-Za-z0-9_\-]+\.flows\.[A-Za-z0-9_\-]+$")
    from_chain: Chain = Chain.road
    to_chain: Chain = Chain.drayage_rail
    steps: list[Step] = Field(min_length=2, description="fractions of the from_chain share moved, lowest first")
    label: str = ""


class YearVariable(_Strict):
    """The year of a dated measure of a pathway base: ``pathway.sidings.E04.commissioned`` (a candidate siding,
    added to the pathway when the base does not date it) or ``pathway.fleet_renewals.NAME.start``."""

    kind: Literal["year"]
    name: Name
    path: str = Field(pattern=r"^pathway\.(sidings\.[A-Za-z0-9_\-\.]+\.commissioned|fleet_renewals\.[A-Za-z0-9_\-\.]+\.start)$")
    years: list[Annotated[int, Field(ge=2000, le=2100)]] = Field(min_length=1, description="calendar years, earliest first")
    month: int = Field(1, ge=1, le=12, description="month of the date in each year")
    day: int = Field(1, ge=1, le=28, description="day of the month")
    label: str = ""

    @field_validator("years")
    @classmethod
    def _increasing(cls, years: list[int]) -> list[int]:
        if sorted(set(years)) != years:
            raise ValueError(f"years must increase without repeats, got {years}")
        return years


def _variable_kind(value: Any) -> str:
    """The ``kind`` of a variable (``values`` when not given)."""
    kind = value.get("kind", "values") if isinstance(value, dict) else getattr(value, "kind", "values")
    return str(kind)


Variable = Annotated[
    Annotated[ValuesVariable, Tag("values")]
    | Annotated[FleetShareVariable, Tag("fleet_share")]
    | Annotated[ChainShiftVariable, Tag("chain_shift")]
    | Annotated[YearVariable, Tag("year")],
    Discriminator(_variable_kind),
]


class Objective(_Strict):
    metric: str = Field(min_length=1, description="a summary metric (freight-sim metrics lists them)")
    sense: Literal["min", "max"] = "min"


class Constraint(_Strict):
    """``metric >= min`` (or ``<= max``) in at least ``share`` of the replications (x sample points). ``metric``
    may be ``in_scope_enterprise_ratio``: every in-scope key enterprise's ratio. With ``year`` (a pathway base):
    the metric's figure in that calendar year."""

    metric: str = Field(min_length=1)
    min: float | None = None
    max: float | None = None
    share: float = Field(1.0, gt=0, le=1, description="share of replications x sample points in which it must hold")
    year: int | None = Field(None, ge=2000, le=2100, description="a pathway base's calendar year the constraint is judged in")

    @model_validator(mode="after")
    def _one_bound(self) -> Constraint:
        if (self.min is None) == (self.max is None):
            raise ValueError("give exactly one of min and max")
        return self


class Budget(_Strict):
    evaluations: int = Field(ge=2, le=100_000, description="portfolios simulated by the search (the greedy baseline's are extra)")
    population: int = Field(20, ge=2, le=1_000)


class Verify(_Strict):
    replications: int = Field(5, ge=1, le=1_000, description="replications with fresh seeds for the chosen portfolio")


class OptimisationSpec(_Strict):
    name: Name
    description: str = ""
    base: str = Field(description="scenario path relative to this file, or 'bundled:changzhi'")
    variables: list[Variable] = Field(min_length=1)
    objectives: list[Objective] = Field(min_length=1, max_length=3)
    constraints: list[Constraint] = Field(default_factory=list)
    replications: int = Field(2, ge=1, le=1_000, description="replications per portfolio (common random numbers)")
    seed: int = Field(20261124, ge=0)
    simulation: dict[str, Any] = Field(default_factory=dict, description="simulation settings applied to every run (e.g. days)")
    years: PathwayYears | None = Field(None, description="a pathway base's years each run spans (default: the pathway's own)")
    uncertainty: SampleSettings | None = Field(
        None, description="uncertain inputs sampled for every portfolio (the same points for all): lhs or sobol"
    )
    budget: Budget
    verify: Verify = Field(default_factory=Verify)
    greedy: bool = Field(True, description="also compute the greedy baseline (single measures by cost-effectiveness)")

    @field_validator("variables")
    @classmethod
    def _distinct(cls, variables: list[Any]) -> list[Any]:
        names = [v.name for v in variables]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise ValueError(f"variable names must be distinct; repeated: {', '.join(repeated)}")
        paths = [v.path for v in variables]
        shared = sorted({p for p in paths if paths.count(p) > 1})
        if shared:
            raise ValueError(f"two variables set the same path: {', '.join(shared)}")
        for v in variables:
            steps = getattr(v, "steps", None)
            if steps is not None and sorted(set(steps)) != steps:
                raise ValueError(f"variable {v.name}: steps must increase without repeats, got {steps}")
        return variables

    @field_validator("uncertainty")
    @classmethod
    def _sampled(cls, uncertainty: SampleSettings | None) -> SampleSettings | None:
        if uncertainty is not None and uncertainty.method == "morris":
            raise ValueError("method: use lhs or sobol (morris screens inputs; it does not sample their spread)")
        return uncertainty


@dataclass(frozen=True)
class Optimisation:
    """A validated optimisation file with its location and the line of every field."""

    spec: OptimisationSpec
    path: Path
    source: SourceMap

    @property
    def base_path(self) -> Path:
        """The base scenario file: ``bundled:changzhi`` or a path relative to the optimisation file."""
        return base_scenario_path(self.spec.base, self.path, self.source)

    def where(self, *path: str | int) -> str:
        return f"{self.source.where(tuple(path))}: {'.'.join(str(p) for p in path)}"


def load_optimisation(path: Path | str) -> Optimisation:
    """Read and validate an optimisation file; raise ``ConfigError`` with FILE:LINE lines."""
    path = Path(path)
    data, smap = read_config_file(path)
    if not isinstance(data, dict):
        raise ConfigError(f"{path}:1: (top level): expected a mapping of fields, got {type(data).__name__}")
    spec = validate(OptimisationSpec, data, smap)
    optimisation = Optimisation(spec, path, smap)
    if not optimisation.base_path.is_file():
        raise ConfigError(f"{optimisation.where('base')}: scenario file not found: {optimisation.base_path}")
    return optimisation


def with_fast_search(optimisation: Optimisation) -> Optimisation:
    """The optimisation with its search's runs in fast mode (``simulation.mode: fast``; ``--fast``)."""
    spec = optimisation.spec.model_copy(update={"simulation": {**optimisation.spec.simulation, "mode": "fast"}})
    return Optimisation(spec, optimisation.path, optimisation.source)
