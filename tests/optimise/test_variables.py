"""Decision variables as concrete scenario values: fleet shares, chain shifts, robust constraint margins."""

from __future__ import annotations

import math

import pytest

from freight_sim.config.scenario import Chain
from freight_sim.errors import ConfigError
from freight_sim.optimise.evaluate import robust_margin
from freight_sim.optimise.spec import ChainShiftVariable, Constraint, FleetShareVariable
from freight_sim.optimise.variables import chain_shift_values, fleet_share_values


def test_fleet_share_keeps_the_other_vehicles_in_proportion():
    variable = FleetShareVariable(kind="fleet_share", name="n", path="enterprises.E01.fleet_mix", vehicle="bev-swap", steps=[0, 0.25, 1])
    base = {"diesel-cn5": 0.6, "diesel-cn6": 0.2, "bev-swap": 0.2}
    values = fleet_share_values(variable, base, "f:1")
    # the other vehicles: 0.6 and 0.2 of 0.8 = 3/4 and 1/4 of what bev-swap leaves
    assert values[0] == {"bev-swap": 0.0, "diesel-cn5": 0.75, "diesel-cn6": 0.25}
    assert values[1] == {"bev-swap": 0.25, "diesel-cn5": 0.5625, "diesel-cn6": 0.1875}
    assert values[2] == {"bev-swap": 1.0, "diesel-cn5": 0.0, "diesel-cn6": 0.0}
    assert all(math.isclose(sum(v.values()), 1.0, abs_tol=1e-12) for v in values)


def test_fleet_share_below_one_of_an_all_new_energy_mix_is_an_error():
    variable = FleetShareVariable(kind="fleet_share", name="n", path="enterprises.E01.fleet_mix", vehicle="bev-swap", steps=[0.5, 1])
    with pytest.raises(ConfigError, match="f:3: the base mix is all bev-swap"):
        fleet_share_values(variable, {"bev-swap": 1.0}, "f:3")


def test_chain_shift_moves_part_of_the_road_share():
    variable = ChainShiftVariable(kind="chain_shift", name="s", path="enterprises.E01.flows.F", steps=[0, 0.5, 1])
    values = chain_shift_values(variable, {"road": 0.8, "rail_siding": 0.2}, "f:1")
    assert values == [
        {"road": 0.8, "rail_siding": 0.2, "drayage_rail": 0.0},
        {"road": 0.4, "rail_siding": 0.2, "drayage_rail": 0.4},
        {"road": 0.0, "rail_siding": 0.2, "drayage_rail": 0.8},
    ]
    other = ChainShiftVariable(kind="chain_shift", name="s", path="enterprises.E01.flows.F", from_chain=Chain.rail_siding, steps=[0, 1])
    with pytest.raises(ConfigError, match="no rail_siding share"):
        chain_shift_values(other, {"road": 1.0}, "f:1")


@pytest.mark.parametrize(
    ("share", "expected"),
    [(1.0, -0.05), (0.75, 0.0), (0.5, 0.02), (0.25, 0.1)],  # margins by replication: 0.1, 0.02, 0.0, -0.05
)
def test_robust_margin_is_the_kth_best_replication(share, expected):
    constraint = Constraint(metric="clean_transport_ratio", min=0.8, share=share)
    assert robust_margin(constraint, [0.9, 0.82, 0.8, 0.75]) == pytest.approx(expected)
    assert robust_margin(constraint, [0.9, math.nan]) == (pytest.approx(0.1) if share <= 0.5 else -math.inf)  # missing: violated
