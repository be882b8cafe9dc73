"""A scenario's ``pathway`` as time-varying inputs the engine reads per day: lane tonnages and fleet renewals.

Each simulated day has a state: its calendar year (demand index of the year), the share of capacity
each dated siding may use (0 before commissioning; k / ramp_up_months in its k-th month of operation) and
the chain shifts started by then (a flow takes the shares of the latest one covering it).
The chain rule (``siding_first``) splits every flow for each state exactly as it does for a single year,
so a lane's tonnes per day are its flow's monthly-profile day weight times the lane's t/yr in that day's
state: a siding's rail lane ramps up while the flow's road or drayage lane falls, month by month. A
scenario has the lanes of every state (the largest t/yr of each sizes its trucks and piles).
"""

from __future__ import annotations

import datetime as dt
import math
from array import array
from collections.abc import Callable, Sequence
from typing import Any, overload

from freight_sim.config.pathway import ChainShift, FleetRenewal, value_in_year
from freight_sim.config.scenario import Chain, Scenario
from freight_sim.sim.calendar import daily_tonnes

Allocation = dict[tuple[str, str], dict[str, float]]


def months_between(earlier: dt.date, later: dt.date) -> int:
    """Whole calendar months from ``earlier``'s month to ``later``'s (same month: 0)."""
    return (later.year - earlier.year) * 12 + later.month - earlier.month


def siding_share(commissioned: dt.date, ramp_up_months: int, day: dt.date) -> float:
    """Share of a dated siding's capacity usable on ``day``."""
    if day < commissioned:
        return 0.0
    if ramp_up_months == 0:
        return 1.0
    return min(1.0, (months_between(commissioned, day) + 1) / ramp_up_months)


def demand_index(scenario: Scenario, enterprise_id: str, year: int) -> float:
    """City-wide x kind x enterprise multiplier of an enterprise's t/yr in ``year`` (1 without a pathway)."""
    pathway = scenario.pathway
    if pathway is None:
        return 1.0
    kind = scenario.enterprises[enterprise_id].kind.value
    return (
        value_in_year(pathway.demand_index, year, 1.0)
        * value_in_year(pathway.demand_index_by_kind.get(kind, {}), year, 1.0)
        * value_in_year(pathway.demand_index_by_enterprise.get(enterprise_id, {}), year, 1.0)
    )


def shift_covers(shift: ChainShift, enterprise: str, flow: str) -> bool:
    """Whether a chain shift applies to ``enterprise``'s ``flow``."""
    return (shift.enterprises == "all" or enterprise in shift.enterprises) and (shift.flows == "all" or flow in shift.flows)


def shifted_shares(started: list[ChainShift], enterprise: str, flow: str) -> dict[Chain, float] | None:
    """The shares of the latest started shift (``started`` in start order) covering a flow, else None."""
    covering = [shift for shift in started if shift_covers(shift, enterprise, flow)]
    return {Chain(c): s for c, s in covering[-1].shares.items()} if covering else None


class StateDailyTonnes(Sequence[float]):
    """A lane's tonnes per simulated day, computed when read: the day's monthly-profile weight times the lane's
    t/yr in the day's state. The weights and the day -> state index are shared by the lanes (one weight array
    per monthly profile), so a lane holds one number per state, not one per day."""

    __slots__ = ("_per_state", "_state_of_day", "_weights")

    def __init__(self, weights: array, state_of_day: array, per_state: tuple[float, ...]) -> None:
        self._weights = weights
        self._state_of_day = state_of_day
        self._per_state = per_state

    def __len__(self) -> int:
        return len(self._weights)

    @overload
    def __getitem__(self, day: int) -> float: ...
    @overload
    def __getitem__(self, days: slice) -> array: ...
    def __getitem__(self, day: int | slice) -> float | array:
        if isinstance(day, slice):
            return array("d", (self[d] for d in range(*day.indices(len(self)))))
        return self._weights[day] * self._per_state[self._state_of_day[day]]


class PathwayInputs:
    """Per-day lane tonnages and the fleet renewals of a scenario with a ``pathway`` section."""

    def __init__(self, scenario: Scenario, where: Callable[..., str]) -> None:
        assert scenario.pathway is not None, "a scenario with a pathway"
        self.scenario = scenario
        self.where = where
        self.start_date = scenario.simulation.start_date
        self.n_days = math.ceil(scenario.simulation.days - 1e-9)
        self._sidings = sorted(scenario.pathway.sidings.items())
        self._shifts = sorted(scenario.pathway.chain_shifts.items(), key=lambda item: (item[1].start, item[0]))
        self._state_of_day = array("i")
        self._weights: dict[tuple[float, ...] | None, array] = {}  # day weights by monthly profile
        self._states: list[Allocation] = []
        keys: dict[tuple, int] = {}
        for d in range(self.n_days):
            day = self.start_date + dt.timedelta(days=d)
            shares = tuple(siding_share(s.commissioned, s.ramp_up_months, day) for _, s in self._sidings)
            started = tuple(shift.start <= day for _, shift in self._shifts)
            key = (day.year, shares, started)
            if key not in keys:
                keys[key] = len(self._states)
                self._states.append(self._allocation(*key))
            self._state_of_day.append(keys[key])

    def _allocation(self, year: int, siding_shares: tuple[float, ...], shifts_started: tuple[bool, ...]) -> Allocation:
        from freight_sim.sim.routes import chain_tonnes

        enterprises = dict(self.scenario.enterprises)
        for (eid, _), share in zip(self._sidings, siding_shares, strict=True):
            ent = enterprises[eid]
            siding = ent.siding
            assert siding is not None, "scenario_checks: a dated siding exists"
            update = {"enabled": share > 0, "capacity_t_per_year": siding.capacity_t_per_year * share}
            enterprises[eid] = ent.model_copy(update={"siding": siding.model_copy(update=update)})
        started = [shift for (_, shift), on in zip(self._shifts, shifts_started, strict=True) if on]
        for eid, ent in enterprises.items():
            index = demand_index(self.scenario, eid, year)
            flows = {}
            for fid, flow in ent.flows.items():
                changed: dict[str, Any] = {"tonnes_per_year": flow.tonnes_per_year * index} if index != 1.0 else {}
                shares = shifted_shares(started, eid, fid)
                if shares is not None:
                    changed["chain_shares"] = shares
                flows[fid] = flow.model_copy(update=changed) if changed else flow
            enterprises[eid] = ent.model_copy(update={"flows": flows})
        return chain_tonnes(self.scenario.model_copy(update={"enterprises": enterprises}), self.where)

    @property
    def max_allocation(self) -> Allocation:
        """(enterprise, flow) -> chain -> the largest t/yr of any day's state (the lanes the run needs)."""
        out: Allocation = {}
        for state in self._states:
            for key, chains in state.items():
                mine = out.setdefault(key, {})
                for chain, tonnes in chains.items():
                    mine[chain] = max(mine.get(chain, 0.0), tonnes)
        return out

    def lane_daily_t(self, enterprise: str, flow: str, chain: str, monthly_profile: list[float] | None) -> StateDailyTonnes:
        """Tonnes per simulated day of one lane (one number per state; the days' weights shared by profile)."""
        profile = None if monthly_profile is None else tuple(monthly_profile)
        if profile not in self._weights:
            self._weights[profile] = daily_tonnes(1.0, monthly_profile, self.start_date, self.n_days)
        per_state = tuple(state.get((enterprise, flow), {}).get(chain, 0.0) for state in self._states)
        return StateDailyTonnes(self._weights[profile], self._state_of_day, per_state)

    def renewals(self, fleet: str, enterprise: str) -> list[tuple[str, FleetRenewal]]:
        """(name, renewal) of the renewals of ``enterprise``'s ``fleet`` ('direct' or 'drayage'), by start date."""
        assert self.scenario.pathway is not None
        found = [
            (name, r)
            for name, r in sorted(self.scenario.pathway.fleet_renewals.items())
            if r.fleet == fleet and (r.enterprises == "all" or enterprise in r.enterprises)
        ]
        return sorted(found, key=lambda item: item[1].start)

    def hours_from_start(self, day: dt.date) -> float:
        return (day - self.start_date).days * 24.0
