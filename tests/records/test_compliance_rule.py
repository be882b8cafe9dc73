"""One compliance rule: the record audit and a run judge the same ratio the same way."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from record_generators import HEADER, write_csv

from freight_sim.config import load_scenario
from freight_sim.fleet import load_catalog
from freight_sim.kpis import enterprise_table
from freight_sim.paths import data_root
from freight_sim.policy import get_profile
from freight_sim.policy.compliance import RATIO_TOLERANCE, compliance, meets_target
from freight_sim.policy.ratio import clean_ratio_from_legs
from freight_sim.records import audit, read_records

TARGET = 0.8
# 79.99999999 t by rail and 20.00000001 t by a diesel truck: a ratio 1e-10 below the target.
RAIL_T, DIESEL_T = 79.99999999, 20.00000001


def test_the_rule_at_the_tolerance():
    assert meets_target(0.8, TARGET) and meets_target(0.8 - RATIO_TOLERANCE / 2, TARGET)
    assert not meets_target(0.8 - 2 * RATIO_TOLERANCE, TARGET)
    assert not meets_target(math.nan, TARGET)
    ratios = np.array([0.7999999999, 0.79, math.nan, 1.0])
    assert meets_target(ratios, TARGET).tolist() == [True, False, False, True]


def test_0_7999999999_is_judged_the_same_by_the_record_audit_and_by_a_run(tmp_path):
    profile = get_profile("strict-2019")
    records = write_csv(
        tmp_path / "weighbridge.csv",
        [
            HEADER,
            ["2025-03-01", "", "", "", "", f"{RAIL_T:.8f}", "焦炭", "出厂", "铁路", "邯郸钢铁", "B0001"],
            ["2025-03-01", "晋D10001", "重型半挂牵引车", "柴油", "国五", f"{DIESEL_T:.8f}", "焦炭", "出厂", "公路", "邯郸钢铁", "B0002"],
        ],
    )
    audited = audit(read_records([records]).frame, profile, TARGET)
    assert 0.8 - RATIO_TOLERANCE < audited.ratio < 0.8  # the case the rule must settle

    scenario = load_scenario(data_root() / "networks" / "changzhi" / "scenario.yaml").model
    enterprise, site = next(iter(scenario.enterprises.items()))
    gate = {"enterprise": enterprise, "flow": "out", "gate": True, "origin": site.node, "destination": "GW_OUT"}
    legs = pd.DataFrame(
        [
            {**gate, "chain": "rail_siding", "segment": "long_haul", "mode": "rail", "vehicle_type": "rail-electric", "tonnes": RAIL_T},
            {**gate, "chain": "road", "segment": "direct", "mode": "road", "vehicle_type": "diesel-cn5", "tonnes": DIESEL_T},
        ]
    )
    ratios, _ = clean_ratio_from_legs(legs, load_catalog(), profile, {enterprise: site.node}, TARGET)
    run_ratio = ratios.set_index("enterprise").loc[enterprise]
    assert run_ratio.ratio == pytest.approx(audited.ratio, abs=1e-15)
    in_run = enterprise_table(scenario, ratios, TARGET).set_index("enterprise").loc[enterprise, "compliant"]

    assert audited.compliance.compliant is True
    assert bool(run_ratio.compliant) is True
    assert bool(in_run) is True
    assert compliance(float(run_ratio.ratio), TARGET).compliant is True
