"""Leg accounting against hand computations, aggregation invariants, inventory totals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from freight_sim.config.scenario import GridSetting
from freight_sim.emissions import account_legs, aggregate, grid_factor, inventory, load_factors, load_grid_table
from freight_sim.errors import ConfigError, ModelError
from freight_sim.fleet import load_catalog

REL = 1e-9


def leg(vehicle_type: str, mode: str, tonnes: float, loaded_km: float, empty_km: float, electrified_share: float = 0.0, **extra) -> dict:
    row = dict(
        enterprise="E01", flow="coal-out", commodity="coal", direction="out", chain="road", segment="direct",
        gate=True, mode=mode, vehicle_type=vehicle_type, origin="E01", destination="GW_X", tonnes=tonnes,
        loaded_km=loaded_km, empty_km=empty_km, electrified_share=electrified_share, start_h=0.0, end_h=4.0,
    )  # fmt: skip
    row.update(extra)
    return row


@pytest.fixture(scope="module")
def tables():
    return load_catalog(), load_factors(), load_grid_table()


@pytest.fixture(scope="module")
def shanxi(tables):
    return grid_factor(GridSetting(factor="shanxi-2023"), tables[2])


@pytest.fixture(scope="module")
def three_legs(tables, shanxi):
    catalog, factors, _ = tables
    legs = pd.DataFrame(
        [
            leg("diesel-cn5", "road", 33.0, 50.0, 50.0),
            leg("bev-swap", "road", 30.0, 50.0, 50.0),
            leg("rail-electric", "rail", 5000.0, 100.0, 100.0, 0.8, chain="rail_siding", segment="long_haul"),
        ]
    )
    return account_legs(legs, catalog, factors, shanxi)


def test_diesel_cn5_truck_by_hand(three_legs):
    row = three_legs.iloc[0]
    # 33 t on a 33 t payload: load factor 1 -> full-load fuel 0.40 L/km, NOx multiplier 1.43 (MEE 2014)
    diesel_l = 50 * 0.40 + 50 * 0.25  # 32.5 L
    assert row["diesel_l"] == pytest.approx(diesel_l, rel=REL)
    assert row["co2_ttw_kg"] == pytest.approx(diesel_l * 2.60, rel=REL)  # 84.5 kg
    assert row["co2_wtw_kg"] == pytest.approx(diesel_l * 2.60 * 1.18, rel=REL)  # +18% well-to-tank
    assert row["nox_g"] == pytest.approx(4.5 * (50 * 1.43 + 50 * 0.83), rel=REL)  # 508.5 g
    assert row["pm_g"] == pytest.approx(0.045 * 100, rel=REL)
    assert row["so2_g"] == pytest.approx(diesel_l * 10e-6 * 2 * 0.84 * 1000, rel=REL)  # 10 ppm S -> SO2
    assert row["tkm"] == pytest.approx(33 * 50, rel=REL)
    assert row["energy_kwh"] == 0.0 and row["nox_upstream_g"] == 0.0
    assert row["factor_id"] == "road_classes.diesel-cn5"


def test_bev_truck_by_hand(three_legs):
    row = three_legs.iloc[1]
    battery_kwh = 50 * 1.6 + 50 * 1.0  # 130 kWh out of the battery
    wall_kwh = battery_kwh / (1 - 0.08)  # 8% charging loss
    assert row["energy_kwh"] == pytest.approx(wall_kwh, rel=REL)
    assert row["co2_ttw_kg"] == 0.0 and row["nox_g"] == 0.0 and row["pm_g"] == 0.0
    assert row["co2_wtw_kg"] == pytest.approx(wall_kwh * 0.6634, rel=REL)  # Shanxi 2023
    assert row["nox_upstream_g"] == pytest.approx(wall_kwh * 0.17 * 0.72, rel=REL)  # per thermal kWh x thermal share
    assert row["so2_upstream_g"] == pytest.approx(wall_kwh * 0.12 * 0.72, rel=REL)
    assert row["pm_upstream_g"] == pytest.approx(wall_kwh * 0.03 * 0.72, rel=REL)


def test_electric_train_with_partial_electrification_by_hand(three_legs):
    row = three_legs.iloc[2]
    tare_ratio = 20 / 80  # C80 wagons
    gross_tkm = 5000 * (1 + tare_ratio) * 100 + 5000 * tare_ratio * 100  # 750,000 gross t-km
    kwh = gross_tkm * 0.8 * 105 / 1e4  # 80% electric at 105 kWh per 10^4 gross t-km
    diesel_kg = gross_tkm * 0.2 * 25.4 / 1e4  # 20% diesel at 25.4 kg per 10^4 gross t-km
    diesel_l = diesel_kg / 0.84
    assert row["energy_kwh"] == pytest.approx(kwh, rel=REL)  # 6,300 kWh
    assert row["diesel_l"] == pytest.approx(diesel_l, rel=REL)
    assert row["nox_g"] == pytest.approx(5000 * 100 * 0.2 * 0.2, rel=REL)  # 0.2 g per net t-km on the diesel part
    assert row["co2_ttw_kg"] == pytest.approx(diesel_l * 2.60, rel=REL)
    assert row["co2_wtw_kg"] == pytest.approx(diesel_l * 2.60 * 1.18 + kwh * 0.6634, rel=REL)
    assert row["factor_id"] == "rail.electric+diesel"


def test_partial_load_interpolates_fuel_and_nox(tables, shanxi):
    catalog, factors, _ = tables
    out = account_legs(pd.DataFrame([leg("diesel-cn6", "road", 16.5, 10.0, 0.0)]), catalog, factors, shanxi).iloc[0]
    assert out["diesel_l"] == pytest.approx(10 * (0.25 + (0.40 - 0.25) * 0.5), rel=REL)
    assert out["nox_g"] == pytest.approx(10 * 0.6 * 1.00, rel=REL)  # 50% load: multiplier 1


def test_grid_switch_changes_bev_wtw_only(tables):
    catalog, factors, table = tables
    legs = pd.DataFrame([leg("diesel-cn5", "road", 33.0, 50.0, 50.0), leg("bev-swap", "road", 30.0, 50.0, 50.0)])
    shanxi = account_legs(legs, catalog, factors, grid_factor(GridSetting(factor="shanxi-2023"), table))
    national = account_legs(legs, catalog, factors, grid_factor(GridSetting(factor="national-2023"), table))
    assert national["co2_wtw_kg"].iloc[1] == pytest.approx(shanxi["co2_wtw_kg"].iloc[1] * 0.5306 / 0.6634, rel=REL)
    assert national["co2_ttw_kg"].iloc[0] == shanxi["co2_ttw_kg"].iloc[0]
    assert national["co2_wtw_kg"].iloc[0] == shanxi["co2_wtw_kg"].iloc[0]


def test_aggregated_rows_equal_the_sum_of_trip_rows(tables, shanxi):
    """A row standing for 3 trips gives the same totals as the 3 single-trip rows."""
    catalog, factors, _ = tables
    singles = pd.DataFrame(
        [leg("lng-cn6", "road", 20.0, 40.0, 40.0), leg("lng-cn6", "road", 24.0, 40.0, 40.0), leg("lng-cn6", "road", 22.0, 40.0, 40.0)]
    )
    singles["trips"] = 1
    combined = pd.DataFrame([leg("lng-cn6", "road", 66.0, 120.0, 120.0, trips=3)])
    a = account_legs(singles, catalog, factors, shanxi)
    b = account_legs(combined, catalog, factors, shanxi)
    for column in ("tkm", "lng_kg", "co2_ttw_kg", "co2_wtw_kg", "pm_g"):
        assert b[column].iloc[0] == pytest.approx(a[column].sum(), rel=1e-12)
    # NOx depends on load linearly between the 50% and 75% points, so equal here too (loads 0.625-0.75)
    assert b["nox_g"].iloc[0] == pytest.approx(a["nox_g"].sum(), rel=1e-12)


def test_conveyor_and_other_carriers(tables, shanxi):
    catalog, factors, _ = tables
    legs = pd.DataFrame(
        [
            leg("conveyor-belt", "conveyor", 1000.0, 5.0, 0.0, chain="conveyor"),
            leg("fcev", "road", 31.0, 10.0, 10.0),
            leg("methanol-cn6", "road", 33.0, 10.0, 10.0),
            leg("rail-diesel", "rail", 5000.0, 10.0, 10.0, 1.0),
        ]
    )
    out = account_legs(legs, catalog, factors, shanxi)
    assert out["energy_kwh"].iloc[0] == pytest.approx(1000 * 5 * 0.08, rel=REL)  # 0.08 kWh/t-km (DIN 22101 estimate)
    assert out["h2_kg"].iloc[1] == pytest.approx(10 * 0.10 + 10 * 0.065, rel=REL)
    assert out["co2_wtw_kg"].iloc[1] == pytest.approx(out["h2_kg"].iloc[1] * 22.0, rel=REL)
    methanol_kg = (10 * 0.88 + 10 * 0.55) * 0.7918
    assert out["co2_ttw_kg"].iloc[2] == pytest.approx(methanol_kg * 1.375, rel=REL)
    assert out["co2_wtw_kg"].iloc[2] == pytest.approx(methanol_kg * 1.375 * 3.0, rel=REL)
    assert out["energy_kwh"].iloc[3] == 0.0  # a diesel locomotive stays diesel under the wire
    columns = ["co2_ttw_kg", "co2_upstream_fuel_kg", "co2_upstream_electricity_kg"]
    assert np.allclose(out[columns].sum(axis=1), out["co2_wtw_kg"], rtol=1e-12)


def test_mode_mismatch_and_unknown_vehicle_are_errors(tables, shanxi):
    catalog, factors, _ = tables
    with pytest.raises(ModelError, match="mode 'rail' does not match vehicle type 'diesel-cn5'"):
        account_legs(pd.DataFrame([leg("diesel-cn5", "rail", 33.0, 1.0, 1.0)]), catalog, factors, shanxi)
    with pytest.raises(ConfigError, match="unknown vehicle type 'hovercraft'"):
        account_legs(pd.DataFrame([leg("hovercraft", "road", 33.0, 1.0, 1.0)]), catalog, factors, shanxi)
    with pytest.raises(ValueError, match="lacks columns: tonnes"):
        account_legs(pd.DataFrame([leg("diesel-cn5", "road", 33.0, 1.0, 1.0)]).drop(columns="tonnes"), catalog, factors, shanxi)


def test_aggregate_and_inventory_conserve_totals(tables, shanxi):
    catalog, factors, _ = tables
    rng = np.random.default_rng(7)
    vehicles = [
        ("diesel-cn3", "road"),
        ("diesel-cn6", "road"),
        ("lng-cn5", "road"),
        ("bev-plug", "road"),
        ("rail-electric", "rail"),
        ("conveyor-belt", "conveyor"),
    ]
    rows = []
    for i in range(300):
        vid, mode = vehicles[i % len(vehicles)]
        rows.append(
            leg(
                vid,
                mode,
                float(rng.uniform(1, 40) if mode == "road" else rng.uniform(500, 5000)),
                float(rng.uniform(1, 80)),
                float(rng.uniform(0, 80)),
                float(rng.uniform(0, 1)),
                enterprise=f"E{i % 4}",
            )
        )
    out = account_legs(pd.DataFrame(rows), catalog, factors, shanxi)
    by_enterprise = aggregate(out, ["enterprise"])
    assert list(by_enterprise["enterprise"]) == ["E0", "E1", "E2", "E3"]
    assert by_enterprise["nox_g"].sum() == pytest.approx(out["nox_g"].sum(), rel=1e-12)
    long = aggregate(out, ["mode", "pollutant"])
    wtw = long[(long["pollutant"] == "CO2") & (long["scope"] == "well-to-wheel")]
    assert wtw["amount_kg"].sum() == pytest.approx(out["co2_wtw_kg"].sum(), rel=1e-12)
    inv = inventory(out)
    assert list(inv.columns) == ["category", "pollutant", "amount", "unit"]
    co2 = inv[inv["pollutant"] == "CO2"]
    assert set(co2["unit"]) == {"t"}
    assert co2["amount"].sum() == pytest.approx(out["co2_wtw_kg"].sum() / 1e3, rel=1e-12)
    nox = inv[inv["pollutant"] == "NOx"]
    assert nox["amount"].sum() == pytest.approx((out["nox_g"].sum() + out["nox_upstream_g"].sum()) / 1e3, rel=1e-12)
    assert {"road / diesel CN III", "road / LNG CN V", "rail / diesel traction", "upstream electricity / road / BEV"} <= set(
        inv["category"]
    )
    assert "road / BEV" not in set(nox["category"])  # no tailpipe NOx, so no row


def test_million_rows_are_accounted_without_a_row_loop(tables, shanxi):
    catalog, factors, _ = tables
    n = 1_000_000
    legs = pd.DataFrame(
        {
            "mode": pd.Categorical(np.where(np.arange(n) % 10 == 0, "rail", "road")),
            "vehicle_type": pd.Categorical(
                np.where(np.arange(n) % 10 == 0, "rail-electric", np.where(np.arange(n) % 2 == 0, "diesel-cn5", "bev-swap"))
            ),
            "tonnes": np.full(n, 30.0),
            "loaded_km": np.full(n, 20.0),
            "empty_km": np.full(n, 20.0),
            "electrified_share": np.ones(n),
        }
    )
    out = account_legs(legs, catalog, factors, shanxi)
    assert len(out) == n and out["co2_wtw_kg"].notna().all()


def test_empty_leg_table_gives_empty_results(tables, shanxi):
    catalog, factors, _ = tables
    empty = pd.DataFrame(
        {
            c: pd.Series([], dtype=str if c in ("mode", "vehicle_type") else float)
            for c in ("mode", "vehicle_type", "tonnes", "loaded_km", "empty_km", "electrified_share")
        }
    )
    out = account_legs(empty, catalog, factors, shanxi)
    assert len(out) == 0 and "co2_wtw_kg" in out.columns
    assert len(inventory(out)) == 0
