"""Costs: capital recovery, siding annuity, abatement cost, per-leg cost by hand, cost per tonne by chain."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from freight_sim.cost import abatement_cost, capital_recovery_factor, cost_legs, cost_per_tonne_by_chain, load_costs, siding_annual_cost
from freight_sim.errors import ConfigError
from freight_sim.fleet import load_catalog
from freight_sim.paths import fleets_dir


def test_capital_recovery_factor_known_values():
    # 8% over 30 years: 0.08 * 1.08^30 / (1.08^30 - 1) = 0.0888274...
    assert capital_recovery_factor(0.08, 30) == pytest.approx(0.08 * 1.08**30 / (1.08**30 - 1), rel=1e-12)
    assert capital_recovery_factor(0.08, 30) == pytest.approx(0.088827, abs=1e-6)
    assert capital_recovery_factor(0.0, 20) == 0.05
    # one period: repay capital plus one year of interest
    assert capital_recovery_factor(0.1, 1) == pytest.approx(1.1)
    with pytest.raises(ValueError):
        capital_recovery_factor(0.05, 0)


def test_siding_annual_cost_in_cny_per_year():
    assert siding_annual_cost(100.0, 0.08, 30) == pytest.approx(100e6 * capital_recovery_factor(0.08, 30))
    assert siding_annual_cost(30.0, 0.0, 30) == pytest.approx(1e6)
    # the annuity repays the capital: its present value equals the capex
    annual = siding_annual_cost(50.0, 0.06, 25)
    assert sum(annual / 1.06**year for year in range(1, 26)) == pytest.approx(50e6, rel=1e-12)


def test_abatement_cost():
    baseline = {"cost_cny": 10e6, "co2_wtw_t": 5000.0, "nox_kg": 20000.0}
    run = {"cost_cny": 12e6, "co2_wtw_t": 4000.0, "nox_kg": 5000.0}
    result = abatement_cost(run, baseline)
    assert result["cny_per_t_co2"] == pytest.approx(2e6 / 1000.0)
    assert result["cny_per_kg_nox"] == pytest.approx(2e6 / 15000.0)
    assert result["co2_avoided_t"] == 1000.0
    cheaper = abatement_cost({"cost_cny": 9e6, "co2_wtw_t": 4000.0, "nox_kg": 25000.0}, baseline)
    assert cheaper["cny_per_t_co2"] == pytest.approx(-1000.0)  # saves money and CO2
    assert math.isnan(cheaper["cny_per_kg_nox"])  # NOx rose: no abatement cost
    ttw = abatement_cost(
        {"cost_cny": 1.0, "co2_ttw_t": 1.0, "nox_kg": 0.0}, {"cost_cny": 0.0, "co2_ttw_t": 3.0, "nox_kg": 0.0}, co2_key="co2_ttw_t"
    )
    assert ttw["cny_per_t_co2"] == 0.5


def test_truck_cost_per_km_by_hand():
    costs = load_costs()
    crf = capital_recovery_factor(0.08, 6)
    diesel = (400_000 * crf + 120_000 + 25_000) / 120_000 + 0.35 + 0.6
    assert costs.truck_cost_per_km("diesel-cn5") == pytest.approx(diesel, rel=1e-12)
    with pytest.raises(ConfigError, match="no costs for vehicle type 'tram'"):
        costs.truck_cost_per_km("tram")


def leg(**kw) -> dict:
    row = dict(enterprise="E01", flow="f", chain="road", segment="direct", gate=True, mode="road", vehicle_type="diesel-cn5",
               origin="E01", destination="GW", tonnes=33.0, loaded_km=50.0, empty_km=50.0, electrified_share=0.0)  # fmt: skip
    row.update(kw)
    return row


def test_cost_legs_by_hand():
    catalog, costs = load_catalog(), load_costs()
    legs = pd.DataFrame(
        [
            leg(),
            leg(vehicle_type="bev-swap", tonnes=30.0, chain="drayage_rail", segment="gate_drayage", destination="ST"),
            leg(
                chain="drayage_rail",
                segment="long_haul",
                gate=False,
                mode="rail",
                vehicle_type="rail-electric",
                tonnes=30.0,
                loaded_km=200.0,
                empty_km=200.0,
                electrified_share=0.5,
            ),
            leg(
                chain="rail_siding",
                segment="long_haul",
                mode="rail",
                vehicle_type="rail-electric",
                tonnes=5000.0,
                loaded_km=100.0,
                empty_km=100.0,
                electrified_share=1.0,
            ),
        ]
    )
    out = cost_legs(legs, catalog, costs)
    diesel = out.iloc[0]
    assert diesel["cost_vehicle_cny"] == pytest.approx(100 * costs.truck_cost_per_km("diesel-cn5"), rel=1e-12)
    assert diesel["cost_energy_cny"] == pytest.approx(32.5 * 7.6, rel=1e-12)
    assert diesel["cost_rail_tariff_cny"] == 0.0 and diesel["cost_handling_cny"] == 0.0
    bev = out.iloc[1]
    assert bev["cost_energy_cny"] == pytest.approx(130 / 0.92 * (0.75 + 0.45), rel=1e-12)  # wall kWh x (price + swap fee)
    assert bev["cost_handling_cny"] == pytest.approx(30 * 8.0)  # truck-rail transfer at the station
    rail = out.iloc[2]
    assert rail["cost_rail_tariff_cny"] == pytest.approx(30 * 16.3 + 30 * 200 * (0.098 + 0.033 + 0.012 * 0.5), rel=1e-12)
    assert rail["cost_vehicle_cny"] == 0.0 and rail["cost_energy_cny"] == 0.0
    own = out.iloc[3]
    assert own["cost_handling_cny"] == pytest.approx(5000 * 3.0)  # siding loading
    assert (out["cost_cny"] == out[["cost_vehicle_cny", "cost_energy_cny", "cost_rail_tariff_cny", "cost_handling_cny"]].sum(axis=1)).all()

    by_chain = cost_per_tonne_by_chain(out).set_index("chain")
    assert by_chain.loc["drayage_rail", "tonnes"] == 30.0  # counted once, from the gate row
    assert by_chain.loc["drayage_rail", "cost_cny"] == pytest.approx(bev["cost_cny"] + rail["cost_cny"])
    assert by_chain.loc["road", "cny_per_t"] == pytest.approx(diesel["cost_cny"] / 33.0)


def test_cost_file_slip_is_rejected(tmp_path):
    text = (fleets_dir() / "costs.yaml").read_text(encoding="utf-8")
    old = "running_cny_per_tkm: {value: 0.098,"
    line = text[: text.index(old)].count("\n") + 1
    path = tmp_path / "costs.yaml"
    path.write_text(text.replace(old, "running_cny_per_tkm: {value: 9.8,"), encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_costs(path)
    assert info.value.lines[0].startswith(f"{path}:{line}: rail.running_cny_per_tkm: 9.8 CNY/t-km is outside")
    assert "100 times too large" in info.value.lines[0]
