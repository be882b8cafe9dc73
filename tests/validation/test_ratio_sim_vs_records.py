"""The simulation's clean-transport ratio and the record audit's ratio agree on the same movements.

A short run of the bundled scenario is written out as weighbridge exports, one file per enterprise: every
movement across the enterprise's gate becomes a ticket (date, vehicle fuel and emission standard, net
tonnes, mode, direction) in the usual Chinese column names and values. Auditing those files with
``freight-sim ratio``'s code must give each enterprise the ratio the run gives it, under every rule
profile that judges a chain by its gate leg. A weighbridge also weighs other enterprises' shipments that
arrive at or leave its gate (counterpart tonnes): those of single-leg chains (a truck or a belt straight
from the shipper) are the same movement and are included; an enterprise whose gate sees a later leg of a
multi-leg shipment (a far drayage truck) is left out, because the run counts such a shipment by the tonnes
that crossed the shipper's gate, which in a finite period differ from those delivered.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from freight_sim.config import load_scenario
from freight_sim.fleet import load_catalog
from freight_sim.paths import data_root
from freight_sim.policy import get_profile
from freight_sim.policy.ratio import clean_ratio_from_legs
from freight_sim.records import audit, read_records
from freight_sim.sim.api import simulate

HEADER = ["日期", "车牌号", "燃料类型", "排放标准", "净重(吨)", "物料", "进出厂", "运输方式", "收货单位", "磅单号"]
FUEL = {"diesel": "柴油", "lng": "液化天然气", "bev": "纯电", "fcev": "氢燃料", "methanol": "甲醇"}
STANDARD = {"cn3": "国三", "cn4": "国四", "cn5": "国五", "cn6": "国六"}
MODE = {"road": "公路", "rail": "铁路", "conveyor": "皮带廊道"}
START = dt.datetime(2025, 1, 1)
PROFILES = ("strict-2019", "nev-counts", "nev-cn6-counts")


@pytest.fixture(scope="module")
def run():
    loaded = load_scenario(data_root() / "networks" / "changzhi" / "scenario.yaml", overrides=["simulation.days=10"])
    return loaded.model, simulate(loaded).legs


def _tickets(gate_rows: pd.DataFrame, node: str, catalog) -> list[list[str]]:
    rows = []
    for i, leg in enumerate(gate_rows.itertuples(index=False)):
        vehicle = catalog.vehicle(str(leg.vehicle_type))
        road = leg.mode == "road"
        fuel = ("换电" if vehicle.refuel == "swap" else FUEL[vehicle.powertrain]) if road else ""
        rows.append(
            [
                (START + dt.timedelta(hours=float(leg.start_h))).strftime("%Y-%m-%d %H:%M"),
                f"晋D{i:05d}" if road else "",
                fuel,
                STANDARD.get(vehicle.standard or "", "") if road else "",
                repr(float(leg.tonnes)),
                str(leg.commodity),
                "出厂" if leg.origin == node else "进厂",
                MODE[str(leg.mode)],
                str(leg.destination if leg.origin == node else leg.origin),
                f"T{i:07d}",
            ]
        )
    return rows


def _weighbridge(legs: pd.DataFrame, eid: str, node: str) -> pd.DataFrame | None:
    """The movements the enterprise's weighbridge weighs, or None when one of them is a later leg of a chain."""
    own = legs[(legs["enterprise"] == eid) & legs["gate"].astype(bool)]
    others = legs[(legs["enterprise"] != eid) & ((legs["origin"] == node) | (legs["destination"] == node))]
    if not (others["gate"].astype(bool) & (others["segment"] == "direct")).all():
        return None
    return pd.concat([own, others])


@pytest.fixture(scope="module")
def weighbridge_records(run, tmp_path_factory):
    """Enterprise id -> (the movements its weighbridge weighs, their tickets as read back by the record reader)."""
    scenario, legs = run
    catalog, folder = load_catalog(), tmp_path_factory.mktemp("weighbridge")
    out = {}
    for eid, enterprise in sorted(scenario.enterprises.items()):
        weighed = _weighbridge(legs, eid, enterprise.node)
        if weighed is None or weighed.empty:
            continue
        path = folder / f"{eid}.csv"
        pd.DataFrame(_tickets(weighed, enterprise.node, catalog), columns=HEADER).to_csv(path, index=False, encoding="utf-8-sig")
        out[eid] = (weighed, read_records([path]).frame)
    return out


def test_every_ticket_is_accepted_and_every_kind_of_movement_is_covered(weighbridge_records):
    assert len(weighbridge_records) >= 20, f"only {len(weighbridge_records)} enterprises compared"
    for eid, (weighed, frame) in weighbridge_records.items():
        assert len(frame) == len(weighed), eid
    chains = {str(c) for weighed, _ in weighbridge_records.values() for c in weighed["chain"]}
    assert {"road", "drayage_rail", "rail_siding", "conveyor"} <= chains


@pytest.mark.parametrize("profile_name", PROFILES)
def test_run_ratio_equals_the_audit_of_the_runs_gate_tickets(run, weighbridge_records, profile_name):
    scenario, legs = run
    profile = get_profile(profile_name)
    assert profile.chain_rule == "gate_leg"
    nodes = {eid: e.node for eid, e in scenario.enterprises.items()}
    ratios = clean_ratio_from_legs(legs, load_catalog(), profile, nodes)[0].set_index("enterprise")
    for eid, (_, frame) in weighbridge_records.items():
        audited = audit(frame, profile, target=0.8)
        assert audited.tonnes_total == pytest.approx(ratios.loc[eid, "tonnes"], rel=1e-12), eid
        assert audited.ratio == pytest.approx(ratios.loc[eid, "ratio"], rel=1e-12, abs=1e-15), eid
