"""Clean-transport ratio from leg records under each rule profile, including counterpart counting."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from freight_sim.fleet import load_catalog
from freight_sim.policy import RuleProfile, get_profile
from freight_sim.policy.ratio import clean_ratio_from_legs
from freight_sim.policy.scope import in_scope, tonnes_per_year

NODES = {"MINE": "N_MINE", "STEEL": "N_STEEL", "PARK": "N_PARK"}


def row(
    chain: str,
    segment: str,
    gate: bool,
    mode: str,
    vehicle: str,
    origin: str,
    destination: str,
    tonnes: float,
    enterprise: str = "MINE",
    flow: str = "f1",
) -> dict:
    return dict(
        enterprise=enterprise,
        flow=flow,
        chain=chain,
        segment=segment,
        gate=gate,
        mode=mode,
        vehicle_type=vehicle,
        origin=origin,
        destination=destination,
        tonnes=tonnes,
    )


def road(vehicle: str, tonnes: float = 100.0, destination: str = "GW_OUT", **kw) -> list[dict]:
    return [row("road", "direct", True, "road", vehicle, "N_MINE", destination, tonnes, **kw)]


def siding(tonnes: float = 100.0) -> list[dict]:
    return [row("rail_siding", "long_haul", True, "rail", "rail-electric", "N_MINE", "GW_OUT", tonnes)]


def drayage_rail(gate_vehicle: str, far: dict[str, float] | None = None, tonnes: float = 100.0, destination: str = "N_STEEL") -> list[dict]:
    rows = [
        row("drayage_rail", "gate_drayage", True, "road", gate_vehicle, "N_MINE", "ST_A", tonnes),
        row("drayage_rail", "long_haul", False, "rail", "rail-electric", "ST_A", "ST_B", tonnes),
    ]
    for vehicle, share in (far or {}).items():
        rows.append(row("drayage_rail", "far_drayage", False, "road", vehicle, "ST_B", destination, tonnes * share))
    return rows


def conveyor(tonnes: float = 100.0) -> list[dict]:
    return [row("conveyor", "direct", True, "conveyor", "conveyor-belt", "N_MINE", "N_PARK", tonnes)]


def custom(rule: str, powertrains: tuple[str, ...] = ("bev", "fcev")) -> RuleProfile:
    return RuleProfile(
        description=f"test profile, {rule}",
        source="test",
        clean_modes=frozenset({"rail", "conveyor"}),
        clean_road_powertrains=frozenset(powertrains),
        chain_rule=rule,
    )


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


def ratio_of(catalog, rows: list[dict], profile: RuleProfile, enterprise: str = "MINE") -> float:
    table, _ = clean_ratio_from_legs(pd.DataFrame(rows), catalog, profile, NODES)
    return float(table.set_index("enterprise").loc[enterprise, "ratio"])


PROFILES = ["strict-2019", "nev-counts", "nev-cn6-counts"]


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (road("diesel-cn5"), {"strict-2019": 0.0, "nev-counts": 0.0, "nev-cn6-counts": 0.0}),
        (road("diesel-cn6"), {"strict-2019": 0.0, "nev-counts": 0.0, "nev-cn6-counts": 1.0}),
        (road("lng-cn6"), {"strict-2019": 0.0, "nev-counts": 0.0, "nev-cn6-counts": 1.0}),
        (road("bev-swap"), {"strict-2019": 0.0, "nev-counts": 1.0, "nev-cn6-counts": 1.0}),
        (road("fcev"), {"strict-2019": 0.0, "nev-counts": 1.0, "nev-cn6-counts": 1.0}),
        (siding(), {"strict-2019": 1.0, "nev-counts": 1.0, "nev-cn6-counts": 1.0}),
        (conveyor(), {"strict-2019": 1.0, "nev-counts": 1.0, "nev-cn6-counts": 1.0}),
        # drayage + rail: the gate drayage truck decides under gate_leg (the bundled profiles)
        (drayage_rail("bev-swap", {"diesel-cn5": 1.0}), {"strict-2019": 0.0, "nev-counts": 1.0, "nev-cn6-counts": 1.0}),
        (drayage_rail("diesel-cn5", {"bev-swap": 1.0}), {"strict-2019": 0.0, "nev-counts": 0.0, "nev-cn6-counts": 0.0}),
    ],
    ids=["road-diesel-cn5", "road-diesel-cn6", "road-lng-cn6", "road-bev", "road-fcev", "siding", "conveyor", "dray-bev", "dray-diesel"],
)
@pytest.mark.parametrize("profile", PROFILES)
def test_bundled_profiles_count_what_they_must(catalog, rows, expected, profile):
    assert ratio_of(catalog, rows, get_profile(profile)) == pytest.approx(expected[profile])


def test_long_haul_rule_counts_rail_whatever_the_drayage(catalog):
    profile = custom("long_haul", powertrains=())
    assert ratio_of(catalog, drayage_rail("diesel-cn4", {"diesel-cn4": 1.0}), profile) == 1.0
    assert ratio_of(catalog, road("bev-swap"), profile) == 0.0  # no long-haul leg: the gate leg decides


def test_all_legs_rule_needs_clean_drayage_at_both_ends(catalog):
    profile = custom("all_legs")
    assert ratio_of(catalog, drayage_rail("bev-swap", {"bev-swap": 1.0}), profile) == 1.0
    assert ratio_of(catalog, drayage_rail("bev-swap", {"diesel-cn5": 1.0}), profile) == 0.0
    # vehicles of different legs pair in proportion to tonnes: 60% clean far drayage -> 60% clean chain
    assert ratio_of(catalog, drayage_rail("bev-swap", {"bev-swap": 0.6, "diesel-cn6": 0.4}), profile) == pytest.approx(0.6)
    mixed_gate = drayage_rail("bev-swap", {"bev-swap": 0.6, "diesel-cn6": 0.4}, tonnes=50.0) + drayage_rail("diesel-cn5", tonnes=50.0)[:1]
    # gate leg 50% BEV x far leg 60% BEV = 30% of the 100 t shipped
    assert ratio_of(catalog, mixed_gate, profile) == pytest.approx(0.5 * 0.6)


def test_mixed_fleet_counts_by_tonnes(catalog):
    rows = road("bev-swap", 30.0) + road("diesel-cn5", 50.0) + road("diesel-cn6", 20.0)
    assert ratio_of(catalog, rows, get_profile("nev-counts")) == pytest.approx(0.3)
    assert ratio_of(catalog, rows, get_profile("nev-cn6-counts")) == pytest.approx(0.5)


def test_shipment_tonnes_counted_once_from_the_gate_row(catalog):
    rows = drayage_rail("bev-swap", {"diesel-cn5": 1.0}, tonnes=100.0) + road("diesel-cn5", 100.0)
    table, city = clean_ratio_from_legs(pd.DataFrame(rows), catalog, get_profile("nev-counts"), NODES)
    mine = table.set_index("enterprise").loc["MINE"]
    assert mine["tonnes"] == 200.0  # not 100 + 100 (rail) + 100 (far drayage) + 100
    assert mine["clean_tonnes"] == 100.0
    assert city == pytest.approx(100.0 / 300.0)  # STEEL receives the drayage_rail shipment, judged at its gate


def test_counterpart_enterprise_counts_the_tonnes_at_its_own_gate(catalog):
    profile = get_profile("nev-counts")
    # a BEV gate drayage but a diesel far-end delivery into STEEL: clean for MINE, not for STEEL
    rows = drayage_rail("bev-swap", {"diesel-cn5": 1.0}, destination="N_STEEL")
    table, city = clean_ratio_from_legs(pd.DataFrame(rows), catalog, profile, NODES)
    t = table.set_index("enterprise")
    assert (t.loc["MINE", "tonnes"], t.loc["MINE", "clean_tonnes"]) == (100.0, 100.0)
    assert (t.loc["STEEL", "tonnes"], t.loc["STEEL", "clean_tonnes"]) == (100.0, 0.0)
    assert t.loc["PARK", "tonnes"] == 0.0 and math.isnan(t.loc["PARK", "ratio"])
    assert city == pytest.approx(0.5)
    # a conveyor into the logistics park counts as clean at both gates; a road trip to a gateway only at MINE
    table, _ = clean_ratio_from_legs(pd.DataFrame(conveyor(40.0) + road("diesel-cn5", 60.0)), catalog, profile, NODES)
    t = table.set_index("enterprise")
    assert (t.loc["PARK", "tonnes"], t.loc["PARK", "ratio"]) == (40.0, 1.0)
    assert t.loc["MINE", "ratio"] == pytest.approx(0.4)


def test_direct_truck_into_counterpart_uses_the_same_truck(catalog):
    rows = road("bev-plug", 70.0, destination="N_STEEL") + road("diesel-cn5", 30.0, destination="N_STEEL")
    table, _ = clean_ratio_from_legs(pd.DataFrame(rows), catalog, get_profile("nev-counts"), NODES, target=0.8)
    t = table.set_index("enterprise")
    assert t.loc["MINE", "ratio"] == pytest.approx(0.7) and t.loc["STEEL", "ratio"] == pytest.approx(0.7)
    assert not t.loc["MINE", "compliant"] and not t.loc["PARK", "compliant"]


def test_aggregated_rows_give_the_same_ratio_as_single_trips(catalog):
    singles = road("bev-swap", 30.0) * 3 + road("diesel-cn5", 33.0) * 7
    combined = road("bev-swap", 90.0) + road("diesel-cn5", 231.0)
    profile = get_profile("nev-counts")
    assert ratio_of(catalog, singles, profile) == pytest.approx(ratio_of(catalog, combined, profile), rel=1e-12)


def test_legs_without_their_gate_row_in_the_period_add_no_tonnes(catalog):
    """A rail leg whose drayage crossed the gate before the period (warm-up) was counted then, not now."""
    gate = [row("road", "direct", True, "road", "bev-swap", "N_MINE", "GW", 30.0)]
    later = [row("drayage_rail", "long_haul", False, "rail", "rail-electric", "N_MINE", "GW", 5000.0)]
    profile = get_profile("nev-counts")
    with_later, _ = clean_ratio_from_legs(pd.DataFrame(gate + later), catalog, profile, NODES)
    alone, _ = clean_ratio_from_legs(pd.DataFrame(gate), catalog, profile, NODES)
    pd.testing.assert_frame_equal(with_later, alone)


def test_scope_threshold_and_annualisation():
    assert in_scope(1_500_000.0) and not in_scope(1_499_999.0)
    assert in_scope(200_000.0, threshold=150_000.0)
    flags = in_scope({"B": 2e6, "A": 1e5})
    assert list(flags.index) == ["A", "B"] and list(flags) == [False, True]
    assert tonnes_per_year(100_000.0, days=73) == pytest.approx(500_000.0)
    with pytest.raises(ValueError):
        tonnes_per_year(1.0, days=0)
