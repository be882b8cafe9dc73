"""Far end of rail chains: siding to siding when the counterpart has its own spur; otherwise far-end
drayage by simulated trucks of the counterpart enterprise's drayage fleet, counted like every truck trip."""

from __future__ import annotations

import pytest

from freight_sim.config import load_scenario
from freight_sim.fleet import load_catalog, load_mixes, resolve_mix
from freight_sim.paths import default_scenario_path
from freight_sim.runner import run_scenario
from freight_sim.sim.api import build_spec


@pytest.fixture(scope="module")
def spec_and_scenario():
    loaded = load_scenario(default_scenario_path(), ["simulation.days=3", "enterprises.E14.siding.enabled=true"])
    return build_spec(loaded), loaded.model


def _lane(spec, lane_id):
    return next(lane for lane in spec.lanes if lane.id == lane_id)


def test_counterpart_with_own_siding_is_served_siding_to_siding(spec_and_scenario):
    spec, scenario = spec_and_scenario
    assert scenario.enterprises["E23"].siding.status.value == "existing"
    lane = _lane(spec, "E14/f03_thermal_coal_e23/rail_siding")
    assert [s.kind for s in lane.segments] == ["long_haul"]
    assert (lane.segments[0].origin, lane.segments[0].destination) == ("E23", "E14")


def test_far_drayage_runs_trucks_of_the_counterpart_enterprises_drayage_mix(spec_and_scenario):
    spec, scenario = spec_and_scenario
    assert not scenario.enterprises["E24"].siding.enabled  # a candidate, not built
    lane = _lane(spec, "E14/f04_thermal_coal_e24/rail_siding")
    assert [s.kind for s in lane.segments] == ["far_drayage", "long_haul"]  # inbound: E24 -> station -> train
    far, rail = lane.segments
    assert (far.origin, far.mode, far.gate, far.bay_site) == ("E24", "road", False, None)
    # the trucks fill a pile at the station, from which the trains load
    assert far.source == lane.origin_stock and far.sink == rail.source >= 0
    assert spec.stockpiles[far.sink].node == far.destination == rail.origin
    _, mix = scenario.drayage_mix_for("E24")
    shares = resolve_mix(load_catalog(), load_mixes(), mix, scenario.fleet.extra_mixes)
    assert {p.vehicle_type for p in far.pool} == {v for v, share in shares.items() if share > 0}
    assert sum(p.count for p in far.pool) >= 1
    for entry in far.pool:
        vt = next(v for v in spec.vehicle_types if v.id == entry.vehicle_type)
        assert (entry.swap_station is not None) == (vt.refuel is not None)


def _road_trips(legs, **where):
    rows = legs[legs["mode"] == "road"]
    for column, value in where.items():
        rows = rows[rows[column].isin(value if isinstance(value, list) else [value])]
    return int(rows["trips"].sum())


DAYS = ["simulation.days=4", "simulation.seed=3"]


@pytest.fixture(scope="module")
def base_run():
    return run_scenario(load_scenario(default_scenario_path(), DAYS))


@pytest.mark.parametrize("enterprise", ["E15", "E14", "E25"])
def test_siding_trip_change_in_the_summary_is_the_leg_tables_and_never_exceeds_the_trips_it_replaces(base_run, enterprise):
    # E15's coal comes from mines without rail: with its siding, far-end drayage trucks still drive it from
    # the mines to a station; those trips count like any other
    siding = run_scenario(load_scenario(default_scenario_path(), [*DAYS, f"enterprises.{enterprise}.siding.enabled=true"]))
    summary_change = siding.summary["truck_trips"] - base_run.summary["truck_trips"]
    assert summary_change == _road_trips(siding.legs) - _road_trips(base_run.legs)
    for run in (base_run, siding):
        assert sum(run.summary["trips_by_segment"].values()) == run.summary["truck_trips"]
        assert run.summary["trips_by_segment"]["far_drayage"] == _road_trips(run.legs, segment="far_drayage")
    # metamorphic: the siding takes tonnes off the enterprise's own road and drayage trucks, never adds to them,
    # and the trips it removes are at most those trips (far-end drayage may grow)
    replaced = ["direct", "gate_drayage"]
    before = _road_trips(base_run.legs, enterprise=enterprise, segment=replaced)
    after = _road_trips(siding.legs, enterprise=enterprise, segment=replaced)
    assert after <= before
    removed = _road_trips(base_run.legs, enterprise=enterprise) - _road_trips(siding.legs, enterprise=enterprise)
    assert removed <= before - after


def test_per_enterprise_and_per_lane_trips_add_up_to_the_summary(base_run):
    summary, lanes = base_run.summary, base_run.tables["truck_lanes"]
    assert sum(e["truck_trips"] for e in summary["enterprises"]) == summary["truck_trips"]
    assert int(lanes["trips"].sum()) == summary["truck_trips"]
    by_segment = lanes.groupby("segment", observed=True)["trips"].sum()
    assert {k: int(v) for k, v in by_segment.items()} == {k: v for k, v in summary["trips_by_segment"].items() if v}
    # detours only on battery trucks, each a share of the km driven
    assert (lanes.loc[~lanes["battery"], "detour_km"] == 0).all()
    assert lanes["detour_share"].between(0.0, 1.0).all()
    battery = lanes[lanes["battery"]]
    km = (battery["loaded_km"] + battery["empty_km"]).sum()
    assert summary["battery_truck_detour_share"] == pytest.approx(battery["detour_km"].sum() / km)
