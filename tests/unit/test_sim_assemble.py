"""Assembling scenarios on the bundled Changzhi network, and running them."""

from __future__ import annotations

import dataclasses
import itertools
import re

import pytest

import freight_sim
from freight_sim.config import load_scenario
from freight_sim.errors import ConfigError
from freight_sim.fleet import load_catalog, load_mixes
from freight_sim.network import build_leg_table, load_network
from freight_sim.network.validate import check_scenario
from freight_sim.paths import default_scenario_path
from freight_sim.scenario_checks import scenario_problems
from freight_sim.sim.api import build_spec
from freight_sim.sim.assemble import assemble, build_leg_requests
from freight_sim.sim.engine import simulate_spec
from freight_sim.sim.fleet_feasibility import FleetSubstitutionWarning
from freight_sim.sim.operations import load_operations
from freight_sim.sim.routes import Routing

SCENARIO = """\
name: assemble-test
network: {bundled: changzhi}
simulation: {days: 10, seed: 7}
chains: {rule: siding_first, default_shares: {road: 0.6, drayage_rail: 0.4}}
disruptions:
  alerts:
    calendar: [{date: 2025-01-05, level: red}]
  outages: [{enterprise: E02, start: 2025-01-03, days: 2.5}]
  rail_maintenance: {window_start_h: 2, window_h: 3}
enterprises:
  E01:
    name: steel works
    kind: steel
    node: E01
    stockyard_capacity_t: 40000
    loading_bays: 6
    siding: {status: existing, station: ST_CZ_NORTH, spur_km: 5.76, loading_rate_tph: 2000, capacity_t_per_year: 2000000}
    flows:
      coke_in: {commodity: coke, direction: in, tonnes_per_year: 1500000, counterpart: E04}
      steel_out: {commodity: steel, direction: out, tonnes_per_year: 3000000, counterpart: GW_HANDAN}
  E02:
    name: coal mine
    kind: mine
    node: E02
    stockyard_capacity_t: 20000
    fleet_mix: {bev-swap: 0.5, diesel-cn5: 0.5}
    trucks: 60
    flows:
      out: {commodity: coal, direction: out, tonnes_per_year: 1000000, counterpart: E10, monthly_profile: [2,2,1,1,1,1,1,1,1,1,2,2]}
"""


@pytest.fixture(scope="module")
def parts(tmp_path_factory):
    path = tmp_path_factory.mktemp("sc") / "scenario.yaml"
    path.write_text(SCENARIO)
    loaded = load_scenario(path)
    net = load_network(loaded)
    legs = build_leg_table(net, build_leg_requests(loaded, net))
    catalog = load_catalog()
    return loaded, net, legs, catalog, load_mixes(None, catalog)


def write(tmp_path, text):
    path = tmp_path / "scenario.yaml"
    path.write_text(text)
    return load_scenario(path)


def test_chain_allocation_siding_first(parts):
    spec = assemble(*parts)
    tonnes = {lane.id: lane.tonnes_per_year for lane in spec.lanes}
    # flows in id order: coke_in takes 1.5 of the siding's 2 Mt, steel_out the remaining 0.5 Mt
    assert tonnes["E01/coke_in/rail_siding"] == 1_500_000
    assert tonnes["E01/steel_out/rail_siding"] == 500_000
    assert tonnes["E01/steel_out/road"] == pytest.approx(2_500_000 * 0.6)
    assert tonnes["E01/steel_out/drayage_rail"] == pytest.approx(2_500_000 * 0.4)
    assert "E01/coke_in/road" not in tonnes


def test_lane_segments_and_routing(parts):
    spec = assemble(*parts)
    lanes = {lane.id: lane for lane in spec.lanes}
    siding = lanes["E01/steel_out/rail_siding"].segments
    assert [s.kind for s in siding] == ["long_haul"]  # the gateway is on the rail network: no far drayage
    assert siding[0].terminal == "SD_E01" and siding[0].gate
    direct = parts[2].get("ST_CZ_NORTH", "GW_HANDAN", "rail")
    assert siding[0].loaded_km == pytest.approx(direct.distance_km + 5.76)
    inbound = lanes["E01/coke_in/rail_siding"].segments
    assert [s.kind for s in inbound] == ["far_drayage", "long_haul"]
    assert inbound[0].origin == "E04" and inbound[1].destination == "E01"
    dray = lanes["E01/steel_out/drayage_rail"].segments
    assert [s.kind for s in dray] == ["gate_drayage", "long_haul"]
    assert dray[0].sink == dray[1].source and dray[0].destination == dray[1].origin
    assert ("ST_CZ_NORTH", "GW_HANDAN", "rail") in build_leg_requests(parts[0], parts[1])


def test_given_truck_count_and_battery_stations(parts):
    spec = assemble(*parts)
    e02 = [p for lane in spec.lanes if lane.enterprise == "E02" for s in lane.segments if s.kind != "far_drayage" for p in s.pool]
    e02_direct = [p for lane in spec.lanes if lane.id == "E02/out/road" for p in lane.segments[0].pool]
    assert sum(p.count for p in e02) == 60
    # far-end drayage (station -> E10) runs with trucks of its own, sized from the need
    far = [s for lane in spec.lanes if lane.enterprise == "E02" for s in lane.segments if s.kind == "far_drayage"]
    assert far and all(s.pool and not s.gate and s.bay_site is None for s in far)
    bev = [p for p in e02_direct if p.vehicle_type == "bev-swap"]
    assert bev and bev[0].swap_station.endswith("/swap")
    direct = next(lane for lane in spec.lanes if lane.id == "E02/out/road").segments[0]
    assert bev[0].to_swap_km + bev[0].from_swap_km >= direct.empty_km - 1e-9  # a detour is never negative here
    assert any(s.id == bev[0].swap_station for s in spec.swap_stations)
    assert spec.alert_levels[4] == 2 and spec.enterprises[1].production_factor_by_day[1:6] == (1.0, 0.0, 0.0, 0.5, 1.0)


def _no_single_station_fits(routing: Routing, seg, vt) -> bool:
    loaded_kwh = seg.loaded_km * vt.kwh_per_km_loaded
    return all(
        loaded_kwh + vt.kwh_per_km_empty * (routing.road_hop(seg.destination, n)[0] + routing.road_hop(n, seg.origin)[0]) > vt.usable_kwh
        for n in routing.energy_stations("swap")
    )


@pytest.mark.parametrize("direction", ["out", "in"])
def test_long_battery_haul_swaps_at_a_far_station_on_the_return(tmp_path, parts, direction):
    # E02 <-> GW_TAIYUAN is 115 km by road: no station lets one battery cover station -> loading end ->
    # loaded leg -> station, so the trucks also swap at a far station right after unloading
    text = SCENARIO.replace("counterpart: E10", "counterpart: GW_TAIYUAN")
    if direction == "in":
        text = text.replace("out: {commodity: coal, direction: out", "out: {commodity: coal, direction: in")
    loaded = write(tmp_path, text)
    net = parts[1]
    spec = assemble(loaded, net, build_leg_table(net, build_leg_requests(loaded, net)), parts[3], parts[4])
    seg = next(lane for lane in spec.lanes if lane.id == "E02/out/road").segments[0]
    assert (seg.origin, seg.destination) == (("E02", "GW_TAIYUAN") if direction == "out" else ("GW_TAIYUAN", "E02"))
    bev = next(p for p in seg.pool if p.vehicle_type == "bev-swap")
    vt = next(v for v in spec.vehicle_types if v.id == "bev-swap")
    routing = Routing(net)
    assert _no_single_station_fits(routing, seg, vt)
    assert bev.far_swap_station is not None and bev.far_swap_station != bev.swap_station
    far_node, near_node = bev.far_swap_station.split("/")[0], bev.swap_station.split("/")[0]
    assert (bev.to_far_km, bev.far_to_swap_km, bev.from_swap_km) == (
        routing.road_hop(seg.destination, far_node)[0],
        routing.road_hop(far_node, near_node)[0],
        routing.road_hop(near_node, seg.origin)[0],
    )
    # the short drayage lanes swap at one station
    assert all(p.far_swap_station is None for lane in spec.lanes if lane.id != "E02/out/road" for s in lane.segments for p in s.pool)
    result = simulate_spec(dataclasses.replace(spec, horizon_h=72.0), 7)
    waits = result.resources.set_index("resource")
    assert waits.loc[bev.far_swap_station].requests > 0 and waits.loc[bev.swap_station].requests > 0


def test_station_piles_trucks_fill_for_rail_hold_pile_train_loads(tmp_path, parts):
    # without E01's siding its coke comes in by rail to a station and trucks from there
    text = "\n".join(line for line in SCENARIO.splitlines() if "siding:" not in line) + "\n"
    loaded = write(tmp_path, text)
    net, catalog, mixes = parts[1], parts[3], parts[4]
    spec = assemble(loaded, net, build_leg_table(net, build_leg_requests(loaded, net)), catalog, mixes)
    ops = load_operations()
    limited = unlimited = 0
    for lane in spec.lanes:
        moving = [seg for seg in lane.segments if seg.kind != "far_drayage"]
        for seg, following in itertools.pairwise(moving):
            capacity = spec.stockpiles[seg.sink].capacity_t
            if seg.mode == "road" and following.mode == "rail":
                assert capacity == ops.station_pile_train_loads * ops.station_train_load_t
                limited += 1
            else:  # a pile trains fill and trucks empty
                assert capacity == float("inf")
                unlimited += 1
    assert limited > 0 and unlimited > 0
    # a scenario can set the room itself
    smaller = write(tmp_path, text + "rail: {station_pile_train_loads: 1.5}\n")
    spec = assemble(smaller, net, build_leg_table(net, build_leg_requests(smaller, net)), catalog, mixes)
    rooms = {spec.stockpiles[seg.sink].capacity_t for lane in spec.lanes for seg in lane.segments if seg.mode == "road" and seg.sink >= 0}
    assert 1.5 * ops.station_train_load_t in rooms


def test_sampled_outages_follow_the_seed_and_each_enterprise_keeps_its_own(tmp_path, parts):
    net, legs, catalog, mixes = parts[1], parts[2], parts[3], parts[4]
    text = SCENARIO.replace(
        "  outages: [{enterprise: E02", "  sampled_outages: {days_per_year: 100, mean_episode_days: 1}\n  outages: [{enterprise: E02"
    )
    loaded = write(tmp_path, text)

    def factors(seed, loaded=loaded):
        spec = assemble(loaded, net, build_leg_table(net, build_leg_requests(loaded, net)), catalog, mixes, seed=seed)
        return {e.id: e.production_factor_by_day for e in spec.enterprises}

    first, again, other = factors(1), factors(1), factors(2)
    assert first == again and first != other
    assert any(f < 1.0 for f in first["E01"])  # E01 has no calendar outage: these are sampled
    # the calendar outage of E02 (days 2-4.5) stays whatever is sampled
    assert first["E02"][2] == 0.0 and first["E02"][3] == 0.0 and first["E02"][4] <= 0.5
    # only E01 may fail: E01's draws are the same as before, E02 keeps its calendar outage only
    only = write(tmp_path, text.replace("mean_episode_days: 1}", "mean_episode_days: 1, enterprises: [E01]}"))
    spec = assemble(only, net, legs, catalog, mixes, seed=1)
    by_id = {e.id: e.production_factor_by_day for e in spec.enterprises}
    assert by_id["E01"] == first["E01"]
    assert by_id["E02"] == assemble(write(tmp_path, SCENARIO), net, legs, catalog, mixes, seed=1).enterprises[1].production_factor_by_day


def test_sampled_outages_of_an_unknown_enterprise_are_a_config_error_with_line(tmp_path, parts):
    text = SCENARIO.replace(
        "  outages: [{enterprise: E02", "  sampled_outages: {days_per_year: 30, enterprises: [E01, E99]}\n  outages: [{enterprise: E02"
    )
    loaded = write(tmp_path, text)
    net = parts[1]
    message = r"scenario.yaml:\d+: disruptions.sampled_outages.enterprises.1: unknown enterprise 'E99'"
    with pytest.raises(ConfigError, match=message):
        assemble(loaded, net, build_leg_table(net, build_leg_requests(loaded, net)), parts[3], parts[4])
    # `freight-sim validate` reports it too, with the calendar outages' check
    broken = write(tmp_path, text.replace("outages: [{enterprise: E02", "outages: [{enterprise: E98"))
    problems = scenario_problems(broken)
    assert len(problems) == 2 and "disruptions.outages.0.enterprise: unknown enterprise 'E98'" in problems[0]
    assert re.search(message, problems[1])


def _small_battery(parts):
    """The catalog with a 150 kWh (120 usable) battery-swap truck: a haul to GW_RIZHAO fits neither way."""
    catalog = parts[3]
    small = catalog.vehicles["bev-swap"].model_copy(update={"battery_kwh": 150.0})
    return catalog.model_copy(update={"vehicles": {**catalog.vehicles, "bev-swap": small}})


def test_infeasible_battery_share_runs_with_the_feasible_vehicles_and_lists_the_substitution(tmp_path, parts):
    loaded = write(tmp_path, SCENARIO.replace("counterpart: E10", "counterpart: GW_RIZHAO"))
    net, catalog = parts[1], _small_battery(parts)
    legs = build_leg_table(net, build_leg_requests(loaded, net))
    with pytest.warns(FleetSubstitutionWarning) as caught:
        spec = assemble(loaded, net, legs, catalog, load_mixes(None, catalog))
    message = str(caught[0].message)
    assert caught[0].filename == str(tmp_path / "scenario.yaml") and caught[0].lineno > 1  # shown as FILE:LINE: ...
    assert message.startswith("enterprises.E02.fleet_mix: lane E02/out/road (direct)")
    assert "bev-swap cannot serve it" in message and "usable battery" in message
    rows = [r for r in spec.fleet_substitutions if r.lane == "E02/out/road"]
    # 50% bev-swap re-weighted onto the mix's only feasible vehicle: diesel-cn5 serves the whole lane
    assert [(r.vehicle_asked, r.vehicle_used, r.share) for r in rows] == [("bev-swap", "diesel-cn5", 0.5)]
    assert rows[0].tonnes_per_year == pytest.approx(0.5 * 0.6 * 1_000_000)  # the road lane carries 60% of the flow
    lane = next(lane for lane in spec.lanes if lane.id == "E02/out/road")
    assert {p.vehicle_type for p in lane.segments[0].pool} == {"diesel-cn5"}
    assert sum(p.count for p in lane.segments[0].pool) > 0


def test_a_mix_without_feasible_vehicle_falls_back_and_only_no_vehicle_at_all_is_an_error(tmp_path, parts):
    text = SCENARIO.replace("counterpart: E10", "counterpart: GW_RIZHAO").replace("{bev-swap: 0.5, diesel-cn5: 0.5}", "{bev-swap: 1.0}")
    net, catalog = parts[1], _small_battery(parts)
    loaded = write(tmp_path, text + "fleet: {fallback_mix: {diesel-cn6: 1.0}}\n")
    legs = build_leg_table(net, build_leg_requests(loaded, net))
    with pytest.warns(FleetSubstitutionWarning):
        spec = assemble(loaded, net, legs, catalog, load_mixes(None, catalog))
    rows = [r for r in spec.fleet_substitutions if r.lane == "E02/out/road"]
    assert [(r.vehicle_asked, r.vehicle_used, r.share) for r in rows] == [("bev-swap", "diesel-cn6", 1.0)]
    # the enterprise's own fallback mix has no feasible vehicle either: the one error, at the lane's mix
    stuck = write(tmp_path, text.replace("    trucks: 60\n", "    trucks: 60\n    fallback_fleet_mix: {bev-swap: 1.0}\n"))
    with pytest.raises(ConfigError) as err:
        assemble(stuck, net, legs, catalog, load_mixes(None, catalog))
    line = err.value.lines[0]
    assert line.startswith(f"{tmp_path / 'scenario.yaml'}:") and "enterprises.E02.fleet_mix" in line
    assert "no vehicle of the mix or of the fallback mix can serve it" in line and "usable battery" in line


def test_a_vehicle_banned_on_every_day_is_replaced(tmp_path, parts):
    text = SCENARIO.replace("calendar: [{date: 2025-01-05, level: red}]", "sampled: {red_days_per_year: 365}")
    loaded = write(tmp_path, text + "fleet: {fallback_mix: {fcev: 1.0}}\n")
    net = parts[1]
    legs = build_leg_table(net, build_leg_requests(loaded, net))
    with pytest.warns(FleetSubstitutionWarning, match="banned by alerts on every day"):
        spec = assemble(loaded, net, legs, parts[3], parts[4])
    assert {(r.vehicle_asked, r.vehicle_used) for r in spec.fleet_substitutions if r.lane == "E02/out/road"} == {("diesel-cn5", "bev-swap")}
    # E01's own mix is all diesel: the fallback mix serves its road lane
    assert {r.vehicle_used for r in spec.fleet_substitutions if r.lane.startswith("E01/") and r.segment == "direct"} == {"fcev"}


def test_rail_siding_share_without_siding_is_a_config_error(tmp_path, parts):
    text = SCENARIO.replace(
        "rule: siding_first, default_shares: {road: 0.6, drayage_rail: 0.4}", "rule: shares, default_shares: {road: 0.5, rail_siding: 0.5}"
    )
    loaded = write(tmp_path, text)
    with pytest.raises(ConfigError, match=r"scenario.yaml:\d+: chains.default_shares: enterprise E02 has no built siding"):
        build_leg_requests(loaded, parts[1])


def test_scenario_runs_and_conserves_tonnes(tmp_path):
    path = tmp_path / "scenario.yaml"
    path.write_text(SCENARIO)
    result = freight_sim.simulate(path)
    t = result.tonnage
    assert (t["produced_t"] == t["delivered_t"] + t["in_stock_t"] + t["in_transit_t"] + t["backlog_t"]).all()
    assert result.truck_trips > 1000 and result.train_departures > 10
    legs = result.legs
    assert set(legs["chain"].unique()) == {"road", "drayage_rail", "rail_siding"}
    gate = legs[legs["gate"]]
    assert set(gate["segment"].unique()) == {"direct", "gate_drayage", "long_haul"}
    assert not legs.loc[legs["segment"] == "far_drayage", "gate"].any()


def test_timetables_form_trains_only_at_their_slots(tmp_path):
    text = (
        SCENARIO.replace(
            "capacity_t_per_year: 2000000}", "capacity_t_per_year: 2000000, timetable: {slots_h: [6, 18], min_load_share: 0.5}}"
        )
        + "rail:\n  station_timetables:\n    ST_CZ: {slots_h: [2, 10, 18]}\n"
    )
    path = tmp_path / "scenario.yaml"
    path.write_text(text)
    result = freight_sim.simulate(path)
    rail = result.legs[result.legs["mode"] == "rail"]
    siding = rail[(rail["chain"] == "rail_siding") & (rail["origin"] == "E01")]
    station = rail[rail["origin"] == "ST_CZ"]
    assert len(siding) >= 2 and len(station) >= 2
    # one loading track each, loading (2.5 h at the siding, 6.25 h at the station) ends before the next slot
    assert set(siding["start_h"] % 24) <= {6.0, 18.0} and set(station["start_h"] % 24) <= {2.0, 10.0, 18.0}
    assert siding["tonnes"].between(2500.0, 5000.0).all() and (station["tonnes"] == 5000.0).all()
    assert (siding["tonnes"] < 5000.0).any()  # part loads leave at slots
    t = result.tonnage
    assert (t["produced_t"] == t["delivered_t"] + t["in_stock_t"] + t["in_transit_t"] + t["backlog_t"]).all()


@pytest.mark.parametrize(
    ("edit", "field", "message"),
    [
        (
            ("capacity_t_per_year: 2000000}", "capacity_t_per_year: 2000000, timetable: {slots_h: [18, 6]}}"),
            "enterprises.E01.siding.timetable.slots_h",
            "rise strictly",
        ),
        (
            ("capacity_t_per_year: 2000000}", "capacity_t_per_year: 2000000, timetable: {slots_h: [24]}}"),
            "enterprises.E01.siding.timetable.slots_h",
            r"\[0, 24\)",
        ),
        (
            ("capacity_t_per_year: 2000000}", "capacity_t_per_year: 2000000, timetable: {slots_h: [6], min_load_share: 0}}"),
            "enterprises.E01.siding.timetable.min_load_share",
            "greater than 0",
        ),
    ],
)
def test_bad_timetables_are_config_errors_with_lines(tmp_path, edit, field, message):
    with pytest.raises(ConfigError, match=rf"scenario.yaml:\d+: {field}: .*{message}"):
        write(tmp_path, SCENARIO.replace(*edit))


def test_timetable_at_a_node_that_is_no_station_is_a_config_error(tmp_path, parts):
    loaded = write(tmp_path, SCENARIO + "rail:\n  station_timetables:\n    E02: {slots_h: [6]}\n")
    problems = check_scenario(loaded, parts[1])
    assert len(problems) == 1 and "rail.station_timetables.E02: 'E02' is a plant, not a rail station or yard" in problems[0]
    assert problems[0].startswith(f"{tmp_path / 'scenario.yaml'}:")


def test_bundled_changzhi_scenario_runs_a_month():
    loaded = load_scenario(default_scenario_path(), overrides=["simulation.days=30"])
    spec = build_spec(loaded)  # a data problem of the bundled scenario fails here with FILE:LINE lines
    result = simulate_spec(spec, loaded.model.simulation.seed)
    t = result.tonnage
    assert (t["produced_t"] == t["delivered_t"] + t["in_stock_t"] + t["in_transit_t"] + t["backlog_t"]).all()
    assert result.truck_trips > 0 and t["delivered_t"].sum() > 0.5 * t["produced_t"].sum()


def test_fleet_size_does_not_depend_on_the_horizon(tmp_path, parts):
    short = assemble(*parts)
    loaded = write(tmp_path, SCENARIO.replace("days: 10", "days: 200"))
    net = parts[1]
    long = assemble(loaded, net, build_leg_table(net, build_leg_requests(loaded, net)), parts[3], parts[4])
    assert short.summary()["trucks"] == long.summary()["trucks"]
