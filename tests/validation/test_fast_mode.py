"""Fast mode against full mode on the bundled scenario: city KPIs within 1% or full mode's 95% replication
interval, every enterprise's ratio within 2 percentage points (freight_sim.experiments.fast_agreement).

The test runs 120 days (spring, summer and the alert days in them) over two replications to stay within the
test budget; ``benchmarks/run.py`` measures the whole year.
"""

from __future__ import annotations

import pytest

from freight_sim.experiments.fast_agreement import CITY_KPIS, RATIO_TOLERANCE_PP, measure_agreement
from freight_sim.paths import default_scenario_path


@pytest.fixture(scope="module")
def agreement():
    return measure_agreement(default_scenario_path(), ["simulation.days=120"], replications=2)


@pytest.mark.parametrize("kpi", CITY_KPIS)
def test_fast_mode_city_kpi_agrees_with_full_mode(agreement, kpi):
    row = next(r for r in agreement.rows if r["kpi"] == kpi)
    assert row["agrees"], row


def test_fast_mode_enterprise_ratios_agree_within_two_points(agreement):
    assert agreement.worst_enterprise_pp <= RATIO_TOLERANCE_PP, (agreement.worst_enterprise, agreement.worst_enterprise_pp)


def test_fast_mode_runs_far_fewer_events(agreement):
    assert sum(agreement.fast.events) * 4 < sum(agreement.full.events)
