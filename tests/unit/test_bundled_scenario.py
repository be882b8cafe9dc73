"""The bundled Changzhi scenario: loads, matches the enterprise sites, has a realistic size mix, lists
every physical movement once, and its sidings and seasonality are consistent with the network data."""

from __future__ import annotations

import csv
import math
from collections import Counter

import pytest

from freight_sim.config import load_scenario
from freight_sim.config.scenario import Chain, Scenario, SidingStatus
from freight_sim.paths import bundled_network_dir, default_scenario_path

NETWORK_DIR = bundled_network_dir("changzhi")
STATIONS = (
    "ST_CZ_NORTH",
    "ST_CZ",
    "ST_CZ_SOUTH",
    "ST_LUCHENG",
    "ST_XIANGYUAN",
    "ST_WUXIANG",
    "ST_QINXIAN",
    "ST_TUNLIU",
    "ST_LICHENG",
    "ST_HUGUAN",
    "ST_PINGSHUN",
    "ST_XIAOSONG",
)
GATEWAYS = ("GW_TAIYUAN", "GW_JIAOZUO", "GW_HANDAN", "GW_RIZHAO", "GW_WAZHAI")
OUT_OF_PROVINCE = ("GW_HANDAN", "GW_RIZHAO", "GW_JIAOZUO")
EXISTING_SIDINGS = {"E01", "E12", "E13", "E19", "E20", "E23"}
HEATING_MONTHS = {11, 12, 1, 2, 3}
SCOPE_T = 1_500_000


@pytest.fixture(scope="module")
def loaded():
    return load_scenario(default_scenario_path())


@pytest.fixture(scope="module")
def scenario(loaded) -> Scenario:
    return loaded.model


@pytest.fixture(scope="module")
def sites() -> dict[str, dict[str, str]]:
    with open(NETWORK_DIR / "enterprise_sites.csv", encoding="utf-8", newline="") as fh:
        return {row["id"]: row for row in csv.DictReader(fh)}


@pytest.fixture(scope="module")
def nodes() -> dict[str, dict[str, str]]:
    with open(NETWORK_DIR / "nodes.csv", encoding="utf-8", newline="") as fh:
        return {row["id"]: row for row in csv.DictReader(fh)}


def gate_tonnes(scenario: Scenario) -> dict[str, float]:
    """t/yr crossing each enterprise's gate: its own flows plus other enterprises' flows naming it."""
    totals = dict.fromkeys(scenario.enterprises, 0.0)
    for eid, ent in scenario.enterprises.items():
        for flow in ent.flows.values():
            totals[eid] += flow.tonnes_per_year
            if flow.counterpart in totals and flow.counterpart != eid:
                totals[flow.counterpart] += flow.tonnes_per_year
    return totals


def great_circle_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    p1, p2, dlat, dlon = map(math.radians, (lat1, lat2, lat2 - lat1, lon2 - lon1))
    h = math.sin(dlat / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dlon / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


# --- loading and identity ------------------------------------------------------------------------------


def test_bundled_scenario_validates_against_schema_and_network(loaded):
    from freight_sim.network import network_problems

    assert loaded.model.illustrative is True
    assert loaded.model.network.bundled == "changzhi"
    assert network_problems(loaded) == []


def test_description_says_the_enterprises_are_illustrative(scenario):
    assert "illustrative" in scenario.description
    assert "not public" in scenario.description


def test_forty_enterprises_matching_the_site_list(scenario, sites):
    assert len(scenario.enterprises) == 40
    assert set(scenario.enterprises) == set(sites)
    for eid, ent in scenario.enterprises.items():
        assert ent.node == eid
        assert ent.kind.value == sites[eid]["kind"], eid
        assert ent.name == sites[eid]["name"], eid


# --- sizes ---------------------------------------------------------------------------------------------


def test_size_mix_has_in_scope_and_mid_sized_shippers(scenario):
    gate = gate_tonnes(scenario)
    in_scope = [e for e, t in gate.items() if t >= SCOPE_T]
    mid_sized = [e for e, t in gate.items() if 150_000 <= t < SCOPE_T]
    assert len(in_scope) >= 5
    assert len(mid_sized) >= 5
    assert all(t >= 150_000 for t in gate.values())


def test_total_tonnage_in_the_illustrative_range(scenario):
    total_t = sum(ent.tonnes_per_year for ent in scenario.enterprises.values())
    assert 80e6 <= total_t <= 140e6


@pytest.mark.parametrize(
    ("kind", "low_t", "high_t"),
    [("mine", 3e6, 10e6), ("steel", 3e6, 8e6), ("power", 0.5e6, 5e6), ("cement", 0.15e6, 3.5e6)],
)
def test_gate_tonnage_by_kind_is_plausible(scenario, kind, low_t, high_t):
    gate = gate_tonnes(scenario)
    for eid, ent in scenario.enterprises.items():
        if ent.kind.value == kind:
            assert low_t <= gate[eid] <= high_t, (eid, gate[eid])


# --- flows ---------------------------------------------------------------------------------------------


QUARRIES = {"Q33", "Q34"}  # captive limestone quarries feeding cement plants by belt


def test_counterparts_are_enterprises_gateways_or_quarries(scenario):
    for eid, ent in scenario.enterprises.items():
        for fid, flow in ent.flows.items():
            assert flow.counterpart in scenario.enterprises or flow.counterpart in set(GATEWAYS) | QUARRIES, (eid, fid)
            if flow.counterpart in QUARRIES:
                assert flow.chain_shares == {"conveyor": 1.0}, (eid, fid)


def test_no_physical_movement_is_listed_twice(scenario):
    """A movement is (sender, receiver, commodity); listing it as A's out and B's in would count it twice."""
    movements = Counter()
    for eid, ent in scenario.enterprises.items():
        for flow in ent.flows.values():
            sender, receiver = (eid, flow.counterpart) if flow.direction == "out" else (flow.counterpart, eid)
            movements[(sender, receiver, flow.commodity)] += 1
    assert [m for m, n in movements.items() if n > 1] == []


def test_flows_between_enterprises_are_listed_by_the_receiver(scenario):
    for eid, ent in scenario.enterprises.items():
        for fid, flow in ent.flows.items():
            if flow.counterpart in scenario.enterprises and flow.counterpart != eid:
                assert flow.direction == "in", (eid, fid)


def test_flow_ids_are_in_listing_order_so_the_siding_fill_order_is_unambiguous(scenario):
    for eid, ent in scenario.enterprises.items():
        assert list(ent.flows) == sorted(ent.flows), eid


def test_shares_leave_rail_siding_to_the_siding_first_rule(scenario):
    assert scenario.chains.rule == "siding_first"
    for ent in scenario.enterprises.values():
        for flow in ent.flows.values():
            assert Chain.rail_siding not in (flow.chain_shares or {})


def test_coal_and_coke_leaving_the_province_is_mostly_rail_already(scenario):
    for eid, ent in scenario.enterprises.items():
        for fid, flow in ent.flows.items():
            if flow.counterpart in OUT_OF_PROVINCE and flow.commodity in ("thermal_coal", "coke"):
                assert (flow.chain_shares or {}).get(Chain.drayage_rail, 0.0) >= 0.6, (eid, fid)


def test_monthly_profiles_average_one(scenario):
    for eid, ent in scenario.enterprises.items():
        for fid, flow in ent.flows.items():
            if flow.monthly_profile is not None:
                assert sum(flow.monthly_profile) == pytest.approx(12.0, abs=0.02), (eid, fid)


def test_power_plant_profiles_peak_in_the_heating_season(scenario):
    power = [ent for ent in scenario.enterprises.values() if ent.kind.value == "power"]
    assert len(power) == 7
    for ent in power:
        for fid, flow in ent.flows.items():
            assert flow.monthly_profile is not None, (ent.node, fid)
            peak_month = 1 + max(range(12), key=lambda m: flow.monthly_profile[m])
            assert peak_month in HEATING_MONTHS, (ent.node, fid, peak_month)
            heating = sum(flow.monthly_profile[m - 1] for m in HEATING_MONTHS) / 5
            assert heating > sum(flow.monthly_profile) / 12, (ent.node, fid)


# --- sidings -------------------------------------------------------------------------------------------


def test_existing_and_candidate_sidings(scenario):
    existing = {e for e, ent in scenario.enterprises.items() if ent.siding and ent.siding.status == SidingStatus.existing}
    candidates = {e for e, ent in scenario.enterprises.items() if ent.siding and ent.siding.status == SidingStatus.candidate}
    assert existing == EXISTING_SIDINGS
    assert 10 <= len(candidates) <= 14
    assert {"E37", "E38"} <= candidates
    for eid in existing:
        assert scenario.enterprises[eid].siding.enabled
    for eid in candidates:
        siding = scenario.enterprises[eid].siding
        assert not siding.enabled, eid
        assert siding.capex_million_cny is not None and siding.capex_million_cny > 0, eid
        assert siding.capex_estimate, eid
    for ent in scenario.enterprises.values():
        if ent.siding:
            assert ent.siding.station in STATIONS
            assert ent.siding.train_load_t == 5000


def test_spur_lengths_follow_the_great_circle_rule_to_a_near_station(scenario, sites, nodes):
    """spur_km = great-circle distance x 1.2 to the named station, which is the nearest one (a yard may
    win over a station at most 1 km nearer, as for E01 and the Changzhi North interchange yard)."""
    for eid, ent in scenario.enterprises.items():
        if not ent.siding:
            continue
        lon, lat = float(sites[eid]["lon"]), float(sites[eid]["lat"])
        km = {st: great_circle_km(lon, lat, float(nodes[st]["lon"]), float(nodes[st]["lat"])) for st in STATIONS}
        assert km[ent.siding.station] <= min(km.values()) + 1.0, eid
        assert ent.siding.spur_km == pytest.approx(1.2 * km[ent.siding.station], rel=0.02, abs=0.05), eid


def test_existing_sidings_match_the_network_spur_edges(scenario):
    with open(NETWORK_DIR / "edges.csv", encoding="utf-8", newline="") as fh:
        spurs = {row["u"]: (row["v"], float(row["distance_km"])) for row in csv.DictReader(fh) if row["mode"] == "spur"}
    for eid in EXISTING_SIDINGS:
        siding = scenario.enterprises[eid].siding
        assert (siding.station, siding.spur_km) == pytest.approx(spurs[eid]), eid


def test_candidate_capex_follows_the_stated_basis(scenario):
    """enterprises.md: 70 M CNY per spur km plus a terminal of 200 M CNY when mechanised (>= 1,500 t/h),
    else 100 M CNY (loader shovels)."""
    for eid, ent in scenario.enterprises.items():
        siding = ent.siding
        if siding and siding.status == SidingStatus.candidate:
            terminal = 200.0 if siding.loading_rate_tph >= 1500 else 100.0
            assert siding.capex_million_cny == pytest.approx(70.0 * siding.spur_km + terminal, abs=0.5), eid


# --- fleets and the baseline clean-transport ratio -----------------------------------------------------


def test_every_fleet_mix_resolves(scenario):
    from freight_sim.fleet import load_catalog, load_mixes, resolve_mix

    catalog = load_catalog()
    mixes = load_mixes(catalog=catalog)
    resolve_mix(catalog, mixes, scenario.fleet.drayage_mix, scenario.fleet.extra_mixes)
    for ent in scenario.enterprises.values():
        resolve_mix(catalog, mixes, ent.fleet_mix, scenario.fleet.extra_mixes)
        if ent.drayage_fleet_mix is not None:
            resolve_mix(catalog, mixes, ent.drayage_fleet_mix, scenario.fleet.extra_mixes)


def static_clean_ratio(scenario: Scenario, enable_candidates: bool = False, drayage_mix: str | None = None) -> float:
    """Tonnage-weighted clean share at the gates, from the data alone (no simulation).

    Siding first in flow-id order up to capacity, the rest by chain shares. Under the profile's gate-leg
    rule a road or drayage shipment is clean in proportion to the clean trucks of the mix that carries it
    (the enterprise's mix for road, its drayage mix for drayage_rail); a siding shipment is clean at its
    owner's gate and, carried by far-end drayage, by the drayage mix at a counterpart enterprise's gate.
    """
    from freight_sim.fleet import load_catalog, load_mixes, resolve_mix
    from freight_sim.policy.profiles import get_profile

    profile = get_profile(scenario.accounting.rule_profile)
    catalog = load_catalog()
    mixes = load_mixes(catalog=catalog)

    def clean_share(mix) -> float:
        shares = resolve_mix(catalog, mixes, mix, scenario.fleet.extra_mixes)
        vehicles = {vid: catalog.vehicle(vid) for vid in shares}
        return sum(s for vid, s in shares.items() if profile.is_clean("road", vehicles[vid].powertrain, vehicles[vid].standard))

    clean = dict.fromkeys(scenario.enterprises, 0.0)
    total = dict.fromkeys(scenario.enterprises, 0.0)
    for eid, ent in scenario.enterprises.items():
        siding = ent.siding
        built = siding is not None and (siding.enabled or enable_candidates)
        room_t = siding.capacity_t_per_year if built else 0.0
        road_clean = clean_share(ent.fleet_mix)
        drayage_clean = clean_share(drayage_mix or ent.drayage_fleet_mix or scenario.fleet.drayage_mix)
        for fid in sorted(ent.flows):
            flow = ent.flows[fid]
            by_siding_t = min(room_t, flow.tonnes_per_year)
            room_t -= by_siding_t
            rest_t = flow.tonnes_per_year - by_siding_t
            shares = flow.chain_shares or scenario.chains.default_shares
            per_chain = {Chain.road: road_clean, Chain.drayage_rail: drayage_clean, Chain.conveyor: 1.0}
            rest_clean_t = rest_t * sum(share * per_chain[chain] for chain, share in shares.items())
            clean[eid] += by_siding_t + rest_clean_t
            total[eid] += flow.tonnes_per_year
            if flow.counterpart in scenario.enterprises and flow.counterpart != eid:
                clean[flow.counterpart] += by_siding_t * drayage_clean + rest_clean_t
                total[flow.counterpart] += flow.tonnes_per_year
    return sum(clean.values()) / sum(total.values())


def test_baseline_ratio_leaves_room_below_the_target(scenario):
    baseline = static_clean_ratio(scenario)
    assert 0.50 <= baseline <= 0.70
    assert baseline < scenario.accounting.target_ratio


def test_candidate_sidings_and_nev_drayage_raise_the_ratio(scenario):
    baseline = static_clean_ratio(scenario)
    with_sidings = static_clean_ratio(scenario, enable_candidates=True)
    with_both = static_clean_ratio(scenario, enable_candidates=True, drayage_mix="nev-drayage")
    assert baseline < with_sidings < with_both
    assert with_both - baseline >= 0.1


# --- the engine accepts it -----------------------------------------------------------------------------


def candidate_overrides(scenario: Scenario) -> list[str]:
    return [
        f"enterprises.{eid}.siding.enabled=true"
        for eid, ent in sorted(scenario.enterprises.items())
        if ent.siding and ent.siding.status == SidingStatus.candidate
    ]


@pytest.mark.parametrize("variant", ["baseline", "all candidate sidings and NEV drayage"])
def test_model_assembles_with_every_battery_round_trip_feasible(scenario, variant):
    """Assembly checks each battery truck's round trip against its usable battery and raises otherwise."""
    from freight_sim.sim.api import build_spec

    overrides = [] if variant == "baseline" else [*candidate_overrides(scenario), "fleet.drayage_mix=nev-drayage"]
    spec = build_spec(load_scenario(default_scenario_path(), overrides))
    assert {lane.enterprise for lane in spec.lanes} == set(scenario.enterprises)
    chains = Counter(lane.chain for lane in spec.lanes)
    assert chains["rail_siding"] >= (15 if variant == "baseline" else 50)
