"""Dated measures inside one run: a siding commissioned on 1 July and a fleet renewal, on the bundled model."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from freight_sim.config import load_scenario
from freight_sim.paths import default_scenario_path
from freight_sim.sim.api import build_spec
from freight_sim.sim.calendar import daily_tonnes
from freight_sim.sim.engine import simulate_spec
from freight_sim.sim.fleet_turnover import SlotSpell

START = dt.date(2025, 6, 1)
DAYS = 92  # June, July, August
E04_SIDING_T = 2_200_000  # networks/changzhi/scenario.yaml: E04's candidate siding capacity, t/yr
CITY_DRAYAGE = ["E06", "E09", "E10", "E11", "E16", "E18"]  # on the city's drayage-typical mix (20% battery-swap)


def pathway_overrides(extra: str = "") -> list[str]:
    return [
        f"simulation.start_date={START.isoformat()}",
        f"simulation.days={DAYS}",
        "simulation.warmup_days=0",
        "simulation.record_legs=false",
        "pathway={years: {first: 2025, last: 2026}, sidings: {E04: {commissioned: 2025-07-01, ramp_up_months: 2}}"
        f", fleet_renewals: {{nev: {{fleet: drayage, enterprises: [{', '.join(CITY_DRAYAGE)}], mix: nev-drayage,"
        f" start: 2025-07-01, turnover_months: 1}}}}{extra}}}",
    ]


@pytest.fixture(scope="module")
def model():
    loaded = load_scenario(default_scenario_path(), pathway_overrides())
    spec = build_spec(loaded)
    return loaded.model, spec


def month_of_day(day: int) -> int:
    return (START + dt.timedelta(days=day)).month


def test_the_sidings_lanes_carry_nothing_before_1_july_then_ramp_by_month(model):
    scenario, spec = model
    siding_t_per_year = {6: 0.0, 7: 0.0, 8: 0.0}
    for lane in spec.lanes:
        if lane.enterprise != "E04":
            continue
        profile = scenario.enterprises["E04"].flows[lane.flow].monthly_profile
        weights = daily_tonnes(1.0, profile, START, DAYS)
        rates = {month_of_day(d): lane.daily_t[d] / weights[d] for d in range(DAYS)}  # t/yr of the lane's state that day
        for d in range(DAYS):
            assert lane.daily_t[d] / weights[d] == pytest.approx(rates[month_of_day(d)], rel=1e-9)  # constant within a month
        if lane.chain == "rail_siding":
            for month, rate in rates.items():
                siding_t_per_year[month] += rate
    assert siding_t_per_year == {6: 0.0, 7: pytest.approx(E04_SIDING_T / 2), 8: pytest.approx(E04_SIDING_T)}
    # the flows keep their tonnes: what the siding takes, the other chains give up, day by day
    for fid, flow in scenario.enterprises["E04"].flows.items():
        weights = daily_tonnes(flow.tonnes_per_year, flow.monthly_profile, START, DAYS)
        for d in (0, 30, 61):
            moved = sum(lane.daily_t[d] for lane in spec.lanes if lane.enterprise == "E04" and lane.flow == fid)
            assert moved == pytest.approx(weights[d], rel=1e-12)


def test_a_lane_holds_a_number_per_state_and_reads_like_an_array_of_days(model):
    """A lane's day tonnes (weight x t/yr of the day's state, values in the test above) keep one t/yr per state
    of the run and share the day weights of their monthly profile; indexing, slicing and iteration agree."""
    scenario, spec = model
    weights_of = {}
    for lane in spec.lanes:
        days = lane.daily_t
        assert len(days) == DAYS and list(days) == [days[d] for d in range(DAYS)]
        assert list(days[5:40:7]) == [days[d] for d in range(5, 40, 7)] and days[-1] == days[DAYS - 1]
        with pytest.raises(IndexError):
            days[DAYS]
        profile = scenario.enterprises[lane.enterprise].flows[lane.flow].monthly_profile
        assert days._weights is weights_of.setdefault(tuple(profile or ()), days._weights)  # one per profile, not per lane
        assert len(days._per_state) < DAYS


@pytest.fixture(scope="module")
def legs(model):
    _, spec = model
    result = simulate_spec(spec, seed=7)
    frame = result.legs
    frame["month"] = [(START + dt.timedelta(hours=h)).month for h in frame["start_h"]]
    return frame


@pytest.mark.slow
def test_the_siding_moves_tonnes_only_from_1_july_ramping_as_configured(legs):
    siding = legs[(legs["enterprise"] == "E04") & (legs["chain"] == "rail_siding") & legs["gate"].astype(bool)]
    by_month = siding.groupby("month")["tonnes"].sum().reindex([6, 7, 8], fill_value=0.0)
    assert by_month[6] == 0.0
    assert by_month[7] > 0.0
    # half the capacity in July, all of it in August (trains carry 5,000 t, so allow a few trains either way)
    assert 1.5 < by_month[8] / by_month[7] < 2.6
    road = legs[(legs["enterprise"] == "E04") & (legs["chain"] != "rail_siding") & legs["gate"].astype(bool)]
    road_by_month = road.groupby("month")["tonnes"].sum()
    assert road_by_month[8] < road_by_month[7] < road_by_month[6]


def battery_share_in_service(spec, month: int) -> float:
    """Mean share of battery-swap trucks among the renewed enterprises' gate-drayage trucks in service that month."""
    first = (dt.date(2025, month, 1) - START).days * 24.0
    last = (dt.date(2025, month + 1, 1) - START).days * 24.0
    hours = {"bev": 0.0, "all": 0.0}
    for lane in spec.lanes:
        if lane.enterprise not in CITY_DRAYAGE:
            continue
        for seg in lane.segments:
            if seg.kind != "gate_drayage":
                continue
            for entry in seg.pool:
                spell = SlotSpell(entry.vehicle_type, entry.active_from_h, entry.retire_h)
                overlap = max(0.0, min(spell.until_h, last) - max(spell.from_h, first)) * entry.count
                hours["all"] += overlap
                hours["bev"] += overlap if entry.vehicle_type == "bev-swap" else 0.0
    return hours["bev"] / hours["all"]


@pytest.mark.slow
def test_a_fleet_renewal_changes_trips_by_vehicle_type_month_by_month_as_the_trucks_in_service(model, legs):
    _, spec = model
    drayage = legs[legs["enterprise"].isin(CITY_DRAYAGE) & (legs["segment"] == "gate_drayage")]
    trips = drayage.groupby(["month", "vehicle_type"], observed=True)["trips"].sum().unstack(fill_value=0)
    share = trips.get("bev-swap", pd.Series(0, index=trips.index)) / trips.sum(axis=1)
    expected = {month: battery_share_in_service(spec, month) for month in (6, 7, 8)}
    assert expected[6] == pytest.approx(0.2, abs=0.03) and expected[8] == 1.0 and 0.3 < expected[7] < 0.8
    for month in (6, 7, 8):
        assert share[month] == pytest.approx(expected[month], abs=0.08), (month, share.to_dict(), expected)
