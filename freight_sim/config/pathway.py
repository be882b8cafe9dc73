"""The ``pathway`` section of a scenario: measures with dates, inside one multi-year run.

Every measure is a mapping entry keyed by an id, so a variant, a sweep or an optimiser can address one
field by its dotted path (``pathway.sidings.E04.commissioned``, ``pathway.fleet_renewals.drayage.start``,
``pathway.chain_shifts.E04-rail.start``).
Years are calendar years; a value given for a year holds from 1 January of that year until the next
year given (before the first year given, the scenario's own value holds). Checks against the rest of the
scenario (enterprise ids, flow ids, candidate sidings, fleet mixes, overlapping renewals, chain shifts of
one flow starting the same day, dates outside ``years``)
live in ``freight_sim.scenario_checks``.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from freight_sim.config.schema_base import Id, Share, Strict

Year = Annotated[int, Field(ge=2000, le=2100, description="calendar year")]
Index = Annotated[float, Field(gt=0, le=5, description="multiplier of the scenario's t/yr (1 = as declared)")]


class SidingCommissioning(Strict):
    """A candidate siding that starts carrying freight on ``commissioned`` and reaches its capacity after
    ``ramp_up_months``: in the k-th month of operation (the commissioning month is the first) it may take
    k / ramp_up_months of its capacity (all of it with 0 months)."""

    commissioned: dt.date = Field(description="first day trains load at the siding")
    ramp_up_months: int = Field(6, ge=0, le=60, description="months from commissioning to full capacity")
    estimate: bool = Field(True, description="the date is an estimate, not a published plan date")
    source: str = Field("", description="where the date comes from, or the reasoning of the estimate")


class FleetRenewal(Strict):
    """Trucks of a fleet replaced by ``mix`` over ``turnover_months`` from ``start``: each truck whose type
    the new mix no longer needs is retired on its own date, the dates spread evenly over the window, and
    a truck of the new mix takes its place that day."""

    fleet: Literal["direct", "drayage"] = Field(
        description="'direct': the enterprises' door-to-door trucks (fleet_mix); 'drayage': their station drayage trucks"
    )
    enterprises: list[Id] | Literal["all"] = Field("all", description="enterprise ids, or 'all'")
    mix: str | dict[Id, Share] = Field(description="the fleet mix at the end of the window: a named mix or vehicle type -> share")
    start: dt.date = Field(description="first replacement day")
    turnover_months: int = Field(12, ge=1, le=120, description="months over which the trucks are replaced")
    estimate: bool = True
    source: str = ""

    @field_validator("mix")
    @classmethod
    def _mix_sums_to_one(cls, mix: str | dict[str, float]) -> str | dict[str, float]:
        if isinstance(mix, dict) and abs(sum(mix.values()) - 1.0) > 1e-6:
            raise ValueError(f"fleet mix shares must sum to 1, got {sum(mix.values()):.6g}")
        return mix

    @property
    def end(self) -> dt.date:
        """The day after the last replacement: ``turnover_months`` calendar months after ``start``."""
        return add_months(self.start, self.turnover_months)


# the names of ``freight_sim.config.scenario.Chain`` (that module imports this one)
ChainName = Literal["road", "rail_siding", "drayage_rail", "conveyor"]


class ChainShift(Strict):
    """From ``start`` on, the flows of ``enterprises`` (all their flows, or those named in ``flows``) split by
    ``shares`` instead of their own ``chain_shares`` (under ``siding_first`` a built siding still fills first
    and the shares split the remainder). The latest shift started on a day holds for a flow; before the first,
    the scenario's shares hold."""

    enterprises: list[Id] | Literal["all"] = Field(description="enterprise ids, or 'all'")
    flows: list[Id] | Literal["all"] = Field("all", description="flow ids of those enterprises, or 'all' their flows")
    start: dt.date = Field(description="first day the shares hold")
    shares: dict[ChainName, Share] = Field(description="chain -> share of the flow's tonnes (sum to 1)")
    estimate: bool = True
    source: str = ""

    @field_validator("shares")
    @classmethod
    def _shares_sum_to_one(cls, shares: dict[str, float]) -> dict[str, float]:
        if abs(sum(shares.values()) - 1.0) > 1e-6:
            raise ValueError(f"chain shares must sum to 1, got {sum(shares.values()):.6g}")
        return shares


class PathwayYears(Strict):
    first: Year = Field(description="first calendar year of the pathway")
    last: Year = Field(description="last calendar year of the pathway")

    @model_validator(mode="after")
    def _ordered(self) -> PathwayYears:
        if self.last < self.first:
            raise ValueError(f"last ({self.last}) is before first ({self.first})")
        if self.last - self.first > 9:
            raise ValueError(f"at most 10 years (the engine's horizon), got {self.last - self.first + 1}")
        return self


class GridByYear(Strict):
    """The electricity factor of a year: a named factor, a value, or a new-energy share (as ``accounting.grid``)."""

    factor: str | None = None
    kg_co2_per_kwh: float | None = Field(None, gt=0, le=2.0, description="kg CO2/kWh (above 2 is likely g)")
    new_energy_share: Share | None = None
    source: str = ""

    @model_validator(mode="after")
    def _one(self) -> GridByYear:
        if self.kg_co2_per_kwh is not None and self.new_energy_share is not None:
            raise ValueError("give kg_co2_per_kwh or new_energy_share, not both")
        return self


MEASURES = ("sidings", "fleet_renewals", "chain_shifts")  # what ``without_measures`` leaves out


class Pathway(Strict):
    """Dated measures and targets; the run's horizon is the scenario's ``simulation`` (``freight-sim pathway
    --years`` sets it from ``years``)."""

    years: PathwayYears
    targets: dict[Year, Share] = Field(
        default_factory=dict, description="clean-transport ratio each key enterprise must reach by the end of that year"
    )
    sidings: dict[Id, SidingCommissioning] = Field(
        default_factory=dict, description="enterprise id -> commissioning of its candidate siding"
    )
    fleet_renewals: dict[Id, FleetRenewal] = Field(default_factory=dict, description="name -> a dated fleet renewal")
    chain_shifts: dict[Id, ChainShift] = Field(
        default_factory=dict, description="name -> chain shares of enterprises' (or flows') tonnes from a date"
    )
    grid: dict[Year, GridByYear] = Field(default_factory=dict, description="electricity factor from that year on")
    demand_index: dict[Year, Index] = Field(default_factory=dict, description="city-wide multiplier of t/yr from that year on")
    demand_index_by_kind: dict[str, dict[Year, Index]] = Field(
        default_factory=dict, description="enterprise kind -> year -> multiplier (times the city-wide one)"
    )
    demand_index_by_enterprise: dict[Id, dict[Year, Index]] = Field(
        default_factory=dict, description="enterprise id -> year -> multiplier (times the city-wide and kind ones)"
    )
    description: str = Field("", description="what the pathway assumes")
    without_measures: bool = Field(
        False,
        description="true: the same years, demand, grid and targets without the dated measures (sidings, fleet_renewals,"
        " chain_shifts): the baseline path the pathway's emission cuts are counted against",
    )

    @model_validator(mode="after")
    def _baseline(self) -> Pathway:
        if self.without_measures:  # the measures stay checkable in the file, the run has none
            for name in MEASURES:
                object.__setattr__(self, name, {})
        return self


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` calendar months later (the month's last day when it is shorter)."""
    import calendar

    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def value_in_year(by_year: dict[int, float], year: int, default: float) -> float:
    """The value given for the latest year at or before ``year`` (``default`` before the first)."""
    known = [y for y in by_year if y <= year]
    return by_year[max(known)] if known else default
