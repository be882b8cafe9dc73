"""Intensities per net tonne-km (empty return included) against published reference values (FACTS 3, 5, 7).

These compare the bundled factors and the accounting with independent references, not with numbers
produced by the code itself.
"""

from __future__ import annotations

import pandas as pd
import pytest

from freight_sim.config.scenario import GridSetting
from freight_sim.emissions import account_legs, grid_factor, load_factors, load_grid_table
from freight_sim.fleet import load_catalog


def _round_trip(vehicle_id: str, grid_name: str = "shanxi-2023", electrified_share: float = 0.0) -> pd.Series:
    """One full load over 100 km with the empty return, as one leg row; returns the accounted row."""
    catalog = load_catalog()
    vehicle = catalog.vehicle(vehicle_id)
    row = {
        "mode": vehicle.mode, "vehicle_type": vehicle_id, "tonnes": vehicle.payload_t, "loaded_km": 100.0,
        "empty_km": 100.0, "electrified_share": electrified_share,
    }  # fmt: skip
    grid = grid_factor(GridSetting(factor=grid_name), load_grid_table())
    return account_legs(pd.DataFrame([row]), catalog, load_factors(), grid).iloc[0]


def test_diesel_truck_co2_within_gbt_51366_band():
    """GB/T 51366-2019 Table E.0.1: heavy diesel truck 0.078 kg CO2e/tkm at 30 t payload, 0.057 at 46 t.

    Linear interpolation at our 33 t payload gives 0.078 - 3/16 x 0.021 = 0.0741. The standard's factors are life-cycle (fuel
    production included) and assume a generic load pattern, so the comparable quantity is our
    well-to-wheel intensity with a full outbound and an empty return. Tolerance 20%: FACTS 3 gives diesel use
    loaded 35-48 L/100km (-12%/+20% around 40) and a well-to-tank uplift of 15-20%, which together span
    about +/-20% of the intensity. The tank-to-wheel value must match FACTS 7's derived 51 g/tkm.
    """
    row = _round_trip("diesel-cn5")
    wtw_kg_per_tkm = row["co2_wtw_kg"] / row["tkm"]
    interpolated = 0.078 + (33 - 30) / (46 - 30) * (0.057 - 0.078)
    assert 0.057 <= wtw_kg_per_tkm <= 0.078
    assert wtw_kg_per_tkm == pytest.approx(interpolated, rel=0.20)
    assert row["co2_ttw_kg"] / row["tkm"] == pytest.approx(0.051, rel=0.03)


def test_diesel_truck_nox_intensity_matches_facts_7():
    """FACTS 7: NOx 0.25-0.31 g/tkm (CN V) and 0.033-0.041 g/tkm (CN VI), empty return included.

    The bounds are given to two significant figures, so they are widened by half a unit of the last digit.
    """
    cn5, cn6 = _round_trip("diesel-cn5"), _round_trip("diesel-cn6")
    assert 0.245 <= cn5["nox_g"] / cn5["tkm"] <= 0.315
    assert 0.0325 <= cn6["nox_g"] / cn6["tkm"] <= 0.0415


def test_electric_rail_wtw_below_20_g_per_tkm_on_shanxi_grid():
    """FACTS 7: electric rail 8-12 g CO2/tkm; the requirement is < 20 g/tkm on the Shanxi grid."""
    row = _round_trip("rail-electric", electrified_share=1.0)
    g_per_tkm = row["co2_wtw_kg"] / row["tkm"] * 1000
    assert g_per_tkm < 20
    assert 8 <= g_per_tkm <= 12
    assert row["co2_ttw_kg"] == 0.0


def test_diesel_rail_close_to_gbt_51366_average():
    """GB/T 51366 rail diesel 0.011 kg/tkm and FACTS 7 11.6 g/tkm (tank-to-wheel); 5% tolerance covers
    the 24.6-26.2 kg per 10^4 gross t-km range and the ~1.5 gross/net ratio."""
    row = _round_trip("rail-diesel")
    assert row["co2_ttw_kg"] / row["tkm"] == pytest.approx(0.0116, rel=0.05)


def test_diesel_rail_nox_per_kg_of_fuel_within_locomotive_emission_factors():
    """NOx per kg of diesel burnt, from the accounted NOx and fuel of a round trip, against US EPA locomotive
    emission factors (EPA-420-F-09-025, line-haul: 13.0 g/bhp-hr uncontrolled down to 4.95 g/bhp-hr for
    Tier 2, at 20.8 bhp-hr per gallon; 3.18 kg per gallon at 0.84 kg/L): 32 to 85 g NOx per kg of fuel.
    The NOx factor (per net t-km) and the fuel factor (per gross t-km) come from different sources, so
    this ties them together; a unit slip in either lands far outside the band."""
    row = _round_trip("rail-diesel")
    kg_per_gallon = 3.785411784 * 0.84
    uncontrolled, tier2 = 13.0 * 20.8 / kg_per_gallon, 4.95 * 20.8 / kg_per_gallon  # g NOx per kg fuel
    nox_g_per_kg_fuel = row["nox_g"] / (row["diesel_l"] * 0.84)
    assert tier2 <= nox_g_per_kg_fuel <= uncontrolled


def test_bev_truck_wtw_within_facts_7_band_on_shanxi_2023():
    """FACTS 7: BEV truck 57-65 g CO2/tkm well-to-wheel on the Shanxi grid (empty return included).

    On the 2022 factor (0.7096) the same truck gives ~67 g/tkm, just above the band, which FACTS 7 derived
    for the current grid; the point that matters (FACTS 4) holds on both: on Shanxi's grid a battery truck
    saves little or no well-to-wheel CO2 versus diesel.
    """
    bev, diesel = _round_trip("bev-swap"), _round_trip("diesel-cn5")
    bev_g = bev["co2_wtw_kg"] / bev["tkm"] * 1000
    diesel_g = diesel["co2_wtw_kg"] / diesel["tkm"] * 1000
    assert 57 <= bev_g <= 65
    assert abs(bev_g - diesel_g) / diesel_g < 0.15
    bev_2022 = _round_trip("bev-swap", "shanxi-2022")
    assert bev_2022["co2_wtw_kg"] / bev_2022["tkm"] * 1000 == pytest.approx(bev_g * 0.7096 / 0.6634, rel=1e-9)


def test_road_uses_about_seven_times_the_energy_of_rail():
    """FACTS 7 rule of thumb: road ~7x the energy of rail per t-km (M). Chinese statistics convert energy
    to standard coal either by heat content (electricity 0.1229 kgce/kWh) or by the coal burnt to generate
    it (~0.30 kgce/kWh); diesel is 1.4571 kgce/kg either way (GB/T 2589). The two conventions must
    bracket the rule of thumb."""
    truck, train = _round_trip("diesel-cn5"), _round_trip("rail-electric", electrified_share=1.0)
    truck_kgce_per_tkm = truck["diesel_l"] * 0.84 * 1.4571 / truck["tkm"]
    train_kwh_per_tkm = train["energy_kwh"] / train["tkm"]
    heat_content_ratio = truck_kgce_per_tkm / (train_kwh_per_tkm * 0.1229)
    generation_ratio = truck_kgce_per_tkm / (train_kwh_per_tkm * 0.30)
    assert generation_ratio < 7 < heat_content_ratio
