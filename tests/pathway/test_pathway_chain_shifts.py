"""Chain shares by date inside one run: a road -> drayage + rail shift of one enterprise from 1 July."""

from __future__ import annotations

import datetime as dt

import pytest

from freight_sim.config import load_scenario
from freight_sim.config.pathway import ChainName
from freight_sim.config.scenario import Chain
from freight_sim.errors import ConfigError
from freight_sim.paths import default_scenario_path
from freight_sim.scenario_checks import checked_model
from freight_sim.sim.api import build_spec
from freight_sim.sim.calendar import daily_tonnes
from freight_sim.sim.engine import simulate_spec

START = dt.date(2025, 6, 1)
DAYS = 61  # June and July
SHIFT = "{road: 0.25, drayage_rail: 0.75}"
# networks/changzhi/scenario.yaml: E06's f03 goes all by road (default shares); f01 and f02 have their own shares
PATHWAY = (
    "pathway={years: {first: 2025, last: 2025}, chain_shifts: {to-rail: {enterprises: [E06], flows: [f03_coking_coal_e21], start: 2025-07-01, shares: "
    + SHIFT
    + "}}}"
)


def overrides(pathway: str = PATHWAY) -> list[str]:
    return [f"simulation.start_date={START.isoformat()}", f"simulation.days={DAYS}", "simulation.warmup_days=0", pathway]


def test_the_chain_names_are_the_scenarios_chains():
    assert set(ChainName.__args__) == {c.value for c in Chain}


@pytest.fixture(scope="module")
def spec_and_scenario():
    loaded = load_scenario(default_scenario_path(), overrides())
    return build_spec(loaded), loaded.model


def test_the_shifted_flows_lanes_change_on_the_start_day_in_the_configured_proportion(spec_and_scenario):
    spec, scenario = spec_and_scenario
    flow = scenario.enterprises["E06"].flows["f03_coking_coal_e21"]
    weights = daily_tonnes(flow.tonnes_per_year, flow.monthly_profile, START, DAYS)
    lanes = {lane.chain: lane for lane in spec.lanes if lane.enterprise == "E06" and lane.flow == "f03_coking_coal_e21"}
    assert set(lanes) == {"road", "drayage_rail"}
    july = (dt.date(2025, 7, 1) - START).days
    for d in range(DAYS):
        road, rail = lanes["road"].daily_t[d], lanes["drayage_rail"].daily_t[d]
        if d < july:
            assert (road, rail) == (pytest.approx(weights[d], rel=1e-12), 0.0)
        else:
            assert road == pytest.approx(0.25 * weights[d], rel=1e-12) and rail == pytest.approx(0.75 * weights[d], rel=1e-12)
    # the enterprise's other flows keep their own shares
    other = [lane for lane in spec.lanes if lane.enterprise == "E06" and lane.flow == "f01_coking_coal_taiyuan"]
    assert {lane.chain: lane.daily_t[july] / lane.daily_t[0] for lane in other} == pytest.approx(
        {"road": weights[july] / weights[0], "drayage_rail": weights[july] / weights[0]}
    )


def test_without_the_shift_the_flow_stays_on_the_road():
    loaded = load_scenario(default_scenario_path(), overrides("pathway={years: {first: 2025, last: 2025}}"))
    lanes = {lane.chain for lane in build_spec(loaded).lanes if lane.enterprise == "E06" and lane.flow == "f03_coking_coal_e21"}
    assert lanes == {"road"}


@pytest.mark.slow
def test_gate_tonnes_by_chain_change_from_the_date_in_the_configured_proportion(spec_and_scenario):
    spec, _ = spec_and_scenario
    legs = simulate_spec(spec, seed=5).legs
    gate = legs[(legs["enterprise"] == "E06") & (legs["flow"] == "f03_coking_coal_e21") & legs["gate"].astype(bool)].copy()
    gate["month"] = [(START + dt.timedelta(hours=h)).month for h in gate["start_h"]]
    tonnes = gate.groupby(["month", "chain"], observed=True)["tonnes"].sum().unstack(fill_value=0.0)
    assert tonnes.loc[6].get("drayage_rail", 0.0) == 0.0 and tonnes.loc[6, "road"] > 0
    july = tonnes.loc[7]
    share = july["drayage_rail"] / (july["drayage_rail"] + july["road"])
    assert share == pytest.approx(0.75, abs=0.05)  # trucks carry whole loads: a few loads either way


@pytest.mark.parametrize(
    ("shift", "message"),
    [
        (
            "{a: {enterprises: [E99], start: 2025-07-01, shares: {road: 1.0}}}",
            "pathway.chain_shifts.a.enterprises.0: unknown enterprise 'E99'",
        ),
        (
            "{a: {enterprises: [E06], flows: [nope], start: 2025-07-01, shares: {road: 1.0}}}",
            "pathway.chain_shifts.a.flows.0: no flow 'nope'",
        ),
        ("{a: {enterprises: [E06], start: 2027-07-01, shares: {road: 1.0}}}", "pathway.chain_shifts.a.start: date 2027-07-01 lies outside"),
        (
            "{a: {enterprises: [E06], start: 2025-07-01, shares: {road: 1.0}}, b: {enterprises: all, start: 2025-07-01, shares: {road: 1.0}}}",
            "pathway.chain_shifts.b.start: flow E06.f01_coking_coal_taiyuan already shifts on 2025-07-01 by 'a'",
        ),
    ],
)
def test_unknown_names_dates_outside_the_years_and_two_shifts_of_a_flow_on_one_day_are_file_line_errors(shift, message):
    pathway = "pathway={years: {first: 2025, last: 2025}, chain_shifts: " + shift + "}"
    loaded = load_scenario(default_scenario_path(), overrides(pathway))
    with pytest.raises(ConfigError) as raised:
        checked_model(loaded, None, 1)
    assert message in str(raised.value), str(raised.value)
    assert ":" in str(raised.value).split(" ")[0]


def test_shares_must_sum_to_one():
    with pytest.raises(ConfigError, match="chain shares must sum to 1"):
        load_scenario(
            default_scenario_path(),
            overrides(
                "pathway={years: {first: 2025, last: 2025}, chain_shifts: {a: {enterprises: all, start: 2025-07-01, shares: {road: 0.5}}}}"
            ),
        )
