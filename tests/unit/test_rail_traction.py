"""Rail traction by km: electric on electrified km, shunting locomotives on unelectrified spurs, main-line
diesel on the rest; checked against hand sums, from the accounting alone and through a whole run."""

from __future__ import annotations

import textwrap

import pandas as pd
import pytest

from freight_sim.config import load_scenario
from freight_sim.config.scenario import GridSetting
from freight_sim.emissions import account_legs, grid_factor, load_factors, load_grid_table
from freight_sim.fleet import load_catalog
from freight_sim.runner import run_scenario

REL = 1e-9
TARE_RATIO = 20.0 / 80.0  # C80 wagons (fleets/catalog.yaml)
KWH_PER_GROSS_TKM = 105e-4  # fleets/emission_factors.yaml rail.electric_kwh_per_10k_gross_tkm
MAIN_KG_PER_GROSS_TKM = 25.4e-4  # rail.diesel_kg_per_10k_gross_tkm
SHUNT_KG_PER_GROSS_TKM = 50.8e-4  # rail.shunting_kg_per_10k_gross_tkm
MAIN_NOX_G_PER_TKM, SHUNT_NOX_G_PER_TKM = 0.2, 0.59
DIESEL_KG_PER_L = 0.84


def _rail_row(tonnes: float, km: float, electrified: float, shunting: float) -> dict:
    return dict(
        enterprise="E", flow="f", commodity="coal", direction="out", chain="rail_siding", segment="long_haul", gate=True,
        mode="rail", vehicle_type="rail-electric", origin="A", destination="B", tonnes=tonnes, loaded_km=km, empty_km=km,
        electrified_share=electrified, shunting_share=shunting, start_h=0.0, end_h=1.0, trips=1,
    )  # fmt: skip


def _gross_tkm(tonnes: float, km: float) -> float:
    return tonnes * ((1 + TARE_RATIO) * km + TARE_RATIO * km)


@pytest.fixture(scope="module")
def accounted() -> pd.DataFrame:
    legs = pd.DataFrame(
        [
            _rail_row(5000.0, 100.0, 0.8, 0.0),
            _rail_row(5000.0, 9.0, 0.0, 1.0),
            _rail_row(5000.0, 50.0, 0.6, 0.1),
            _rail_row(5000.0, 60.0, 0.5, 0.5),  # 30 km of spur: more than shunting_max_spur_km (15)
        ]
    )
    grid = grid_factor(GridSetting(factor="shanxi-2023"), load_grid_table())
    return account_legs(legs, load_catalog(), load_factors(), grid)


def test_an_80_percent_electrified_leg_splits_its_energy_80_20(accounted):
    row, gross = accounted.iloc[0], _gross_tkm(5000.0, 100.0)  # 1.5 M gross t-km
    assert row["energy_kwh"] == pytest.approx(0.8 * gross * KWH_PER_GROSS_TKM, rel=REL)  # 12,600 kWh
    assert row["diesel_l"] == pytest.approx(0.2 * gross * MAIN_KG_PER_GROSS_TKM / DIESEL_KG_PER_L, rel=REL)  # 907 L
    assert row["nox_g"] == pytest.approx(0.2 * 5000 * 100 * MAIN_NOX_G_PER_TKM, rel=REL)  # 20 kg


def test_a_spur_to_spur_move_uses_the_shunting_factor(accounted):
    row, gross = accounted.iloc[1], _gross_tkm(5000.0, 9.0)
    assert row["energy_kwh"] == 0.0
    assert row["diesel_l"] == pytest.approx(gross * SHUNT_KG_PER_GROSS_TKM / DIESEL_KG_PER_L, rel=REL)
    assert row["nox_g"] == pytest.approx(5000 * 9 * SHUNT_NOX_G_PER_TKM, rel=REL)  # 26.55 kg, not the main-line 9 kg


def test_three_way_split_sums_to_the_whole_leg(accounted):
    row, gross, net_tkm = accounted.iloc[2], _gross_tkm(5000.0, 50.0), 5000 * 50
    assert row["energy_kwh"] == pytest.approx(0.6 * gross * KWH_PER_GROSS_TKM, rel=REL)
    diesel_kg = gross * (0.3 * MAIN_KG_PER_GROSS_TKM + 0.1 * SHUNT_KG_PER_GROSS_TKM)
    assert row["diesel_l"] == pytest.approx(diesel_kg / DIESEL_KG_PER_L, rel=REL)
    assert row["nox_g"] == pytest.approx(net_tkm * (0.3 * MAIN_NOX_G_PER_TKM + 0.1 * SHUNT_NOX_G_PER_TKM), rel=REL)


def test_a_long_spur_is_hauled_by_main_line_diesel(accounted):
    row, gross = accounted.iloc[3], _gross_tkm(5000.0, 60.0)
    assert row["energy_kwh"] == pytest.approx(0.5 * gross * KWH_PER_GROSS_TKM, rel=REL)
    assert row["diesel_l"] == pytest.approx(0.5 * gross * MAIN_KG_PER_GROSS_TKM / DIESEL_KG_PER_L, rel=REL)
    assert row["nox_g"] == pytest.approx(0.5 * 5000 * 60 * MAIN_NOX_G_PER_TKM, rel=REL)


NODES = """\
id,kind,name,lon,lat,subkind,freight_station,swap_bays,charge_points
P1,plant,Drayage plant,113.00,36.00,coking,,,
P2,plant,Siding plant,113.01,36.01,coking,,,
J1,junction,Junction,113.02,36.01,,,,
ST1,station,Station one,113.03,36.02,,true,,
ST2,station,Station two,113.10,36.05,,false,,
GW1,gateway,Gateway,113.20,36.00,,,,
"""
EDGES = """\
u,v,mode,distance_km,speed_kph,road_class,rail_class,electrified,paths_per_day,line,source
P1,J1,road,2.5,,access,,,,,test
P2,J1,road,2.0,,access,,,,,test
ST1,J1,road,1.5,,access,,,,,test
J1,GW1,road,20,,trunk,,,,,test
ST1,ST2,rail,8,,,conventional,true,70,,test
ST2,GW1,rail,2,,,conventional,false,70,,test
"""
SCENARIO = """\
name: traction-by-km
network: {nodes_csv: nodes.csv, edges_csv: edges.csv}
enterprises:
  A:
    name: Drayage plant
    kind: coking
    node: P1
    stockyard_capacity_t: 200000
    fleet_mix: {diesel-cn6: 1.0}
    flows:
      coke: {commodity: coke, direction: out, tonnes_per_year: 1000000, counterpart: GW1, chain_shares: {drayage_rail: 1.0}}
  B:
    name: Siding plant
    kind: coking
    node: P2
    stockyard_capacity_t: 200000
    fleet_mix: {diesel-cn6: 1.0}
    siding: {status: candidate, enabled: true, station: ST1, spur_km: 2.5, loading_rate_tph: 3000, capacity_t_per_year: 5000000}
    flows:
      coke: {commodity: coke, direction: out, tonnes_per_year: 1000000, counterpart: GW1}
fleet: {drayage_mix: {diesel-cn6: 1.0}}
simulation: {days: 20, seed: 1, travel_time_cv: 0.0}
"""


@pytest.fixture(scope="module")
def run_legs(tmp_path_factory) -> pd.DataFrame:
    folder = tmp_path_factory.mktemp("traction")
    for name, text in (("nodes.csv", NODES), ("edges.csv", EDGES), ("scenario.yaml", SCENARIO)):
        (folder / name).write_text(textwrap.dedent(text), encoding="utf-8")
    legs = run_scenario(load_scenario(folder / "scenario.yaml")).legs
    return legs[legs["mode"] == "rail"]


def test_a_run_records_electrified_and_shunting_shares_by_km(run_legs):
    drayage = run_legs[run_legs["enterprise"] == "A"]
    siding = run_legs[run_legs["enterprise"] == "B"]
    assert len(drayage) and len(siding)
    # public station ST1 -> GW1: 8 km electrified + 2 km not: 80/20, no spur
    assert drayage["loaded_km"].to_numpy() == pytest.approx(10.0)
    assert drayage["electrified_share"].to_numpy() == pytest.approx(0.8)
    assert (drayage["shunting_share"] == 0.0).all()
    # siding: 2.5 km unelectrified spur + the same 10 km: 8/12.5 electric, 2.5/12.5 shunting, 2/12.5 main-line diesel
    assert siding["loaded_km"].to_numpy() == pytest.approx(12.5)
    assert siding["electrified_share"].to_numpy() == pytest.approx(8 / 12.5)
    assert siding["shunting_share"].to_numpy() == pytest.approx(2.5 / 12.5)
    assert set(siding["vehicle_type"].astype(str)) == {"rail-electric"}


def test_a_run_accounts_each_rail_row_by_hand(run_legs):
    for row in run_legs.itertuples(index=False):
        km, gross = row.loaded_km, _gross_tkm(row.tonnes, row.loaded_km)
        spur_km = 2.5 if row.enterprise == "B" else 0.0
        assert row.energy_kwh == pytest.approx(gross * 8 / km * KWH_PER_GROSS_TKM, rel=1e-9)
        diesel_kg = gross * (2 / km * MAIN_KG_PER_GROSS_TKM + spur_km / km * SHUNT_KG_PER_GROSS_TKM)
        assert row.diesel_l == pytest.approx(diesel_kg / DIESEL_KG_PER_L, rel=1e-9)
        assert row.nox_g == pytest.approx(row.tonnes * (2 * MAIN_NOX_G_PER_TKM + spur_km * SHUNT_NOX_G_PER_TKM), rel=1e-9)
