"""Dated measures as time-varying inputs: siding ramp-up, truck slots replaced at their dates, demand index."""

from __future__ import annotations

import datetime as dt
import math

from hypothesis import given, settings
from hypothesis import strategies as st

from freight_sim.config.pathway import add_months, value_in_year
from freight_sim.fleet import allocate_trucks
from freight_sim.sim.fleet_turnover import Renewal, slot_spells, spells_in_run
from freight_sim.sim.pathway_inputs import siding_share


def test_a_siding_ramps_by_month_from_its_commissioning_day():
    opened = dt.date(2025, 7, 1)
    assert siding_share(opened, 3, dt.date(2025, 6, 30)) == 0.0
    assert siding_share(opened, 3, dt.date(2025, 7, 1)) == 1 / 3
    assert siding_share(opened, 3, dt.date(2025, 7, 31)) == 1 / 3
    assert siding_share(opened, 3, dt.date(2025, 8, 15)) == 2 / 3
    assert siding_share(opened, 3, dt.date(2025, 9, 1)) == 1.0
    assert siding_share(opened, 3, dt.date(2027, 1, 1)) == 1.0
    assert siding_share(dt.date(2025, 7, 20), 0, dt.date(2025, 7, 19)) == 0.0
    assert siding_share(dt.date(2025, 7, 20), 0, dt.date(2025, 7, 20)) == 1.0


def test_months_and_years():
    assert add_months(dt.date(2025, 1, 31), 1) == dt.date(2025, 2, 28)
    assert add_months(dt.date(2025, 11, 15), 14) == dt.date(2027, 1, 15)
    assert value_in_year({2025: 1.1, 2027: 1.2}, 2024, 1.0) == 1.0
    assert value_in_year({2025: 1.1, 2027: 1.2}, 2026, 1.0) == 1.1
    assert value_in_year({2025: 1.1, 2027: 1.2}, 2030, 1.0) == 1.2


def test_slots_are_replaced_one_by_one_evenly_over_the_window():
    spells = slot_spells({"diesel": 1.0}, 4, [Renewal(100.0, 500.0, {"diesel": 0.5, "bev": 0.5})])
    retired = sorted(s.until_h for s in spells if s.vehicle_type == "diesel" and s.until_h < math.inf)
    assert retired == [200.0, 400.0]  # 2 of 4 slots change, at 100 h + (j + 0.5) / 2 of the 400 h window
    assert sorted(s.from_h for s in spells if s.vehicle_type == "bev") == [200.0, 400.0]
    assert sum(1 for s in spells if s.vehicle_type == "diesel" and s.until_h == math.inf) == 2


def in_service(spells, vehicle_type: str, at_h: float) -> int:
    return sum(1 for s in spells if s.vehicle_type == vehicle_type and s.from_h <= at_h < s.until_h)


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(1, 40),
    first=st.floats(0.0, 1.0),
    second=st.floats(0.0, 1.0),
    third=st.floats(0.0, 1.0),
)
def test_the_fleet_is_the_old_mix_before_the_new_mix_after_and_never_more_trucks(n, first, second, third):
    def mix(share: float) -> dict[str, float]:
        return {k: v for k, v in {"a": share, "b": 1.0 - share}.items() if v > 0} or {"a": 1.0}

    renewals = [Renewal(1000.0, 2000.0, mix(second)), Renewal(3000.0, 3500.0, mix(third))]
    spells = slot_spells(mix(first), n, renewals)
    for at_h, expected in ((0.0, mix(first)), (2500.0, mix(second)), (4000.0, mix(third))):
        counts = allocate_trucks(expected, n)
        assert {v: in_service(spells, v, at_h) for v in counts} == counts
    for at_h in (999.0, 1234.5, 1999.0, 3100.0, 3499.0):
        assert sum(in_service(spells, v, at_h) for v in ("a", "b")) == n  # a slot is never empty nor doubled
    assert all(s.from_h < s.until_h for s in spells_in_run(spells, 5000.0))
