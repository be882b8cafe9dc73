"""Energy and emissions of leg records: pure, vectorised over rows (one pass per column, no row loop).

Input: the leg records of docs/data-model.md. ``loaded_km`` and ``empty_km`` are vehicle-km summed over
the row's ``trips`` (1 when the column is absent), so the distance of one trip is ``loaded_km / trips``
and the net tonne-km of a row is ``tonnes * loaded_km / trips``.

Road: load factor ``lf = tonnes / (trips * payload_t)`` clipped to [0, 1]; energy per loaded km is
interpolated linearly between the empty and the full value, ``e_empty + (e_loaded - e_empty) * lf``;
energy = loaded_km x that + empty_km x e_empty. NOx = g/km at 50% load x (loaded_km x m(lf) +
empty_km x m(0)), m the MEE 2014 load multiplier (m(0) = 0.83). PM = g/km x all km. SO2 from fuel
sulphur. Battery trucks draw ``battery kWh / (1 - charging loss)`` at the wall. On an aggregated row
the load factor is the row's mean; fuel is linear in it, and NOx is too as long as the row's trips lie on
one linear piece of the multiplier curve (0-50%, 50-60%, 60-75%, 75-100%).

Rail: gross t-km = tonnes x (1 + r) x loaded_km / trips + tonnes x r x empty_km / trips, r = wagon
tare / wagon payload (the empty wagons that carried these tonnes come back). The km of a rail row are
split three ways: the ``shunting_share`` (unelectrified spurs: a siding's spur, spur-to-spur moves) is
worked by diesel shunting locomotives (``rail.shunting_*`` factors) when a trip has at most
``rail.shunting_max_spur_km`` of it, else by main-line diesel locomotives; for ``rail-electric`` the
``electrified_share`` is hauled electrically (kWh per gross t-km); the rest by main-line diesel traction
(kg per gross t-km); ``rail-diesel`` has no electric part. Diesel NOx and PM are per net t-km.

Conveyor: kWh = tonnes x km x kWh per t-km (loaded_km is the belt length x trips).

CO2: tank-to-wheel from fuel (diesel L x 2.60 kg/L, ...); well-to-wheel adds the fuel's well-to-tank
uplift (``co2_upstream_fuel_kg``; for hydrogen its production CO2) and grid electricity x the grid
factor (``co2_upstream_electricity_kg``); upstream NOx/SO2/PM come from the grid's thermal plants.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from freight_sim.emissions.factors import EmissionFactors
from freight_sim.emissions.grid import GridFactor, RowGridFactors
from freight_sim.errors import ModelError
from freight_sim.fleet.catalog import CatalogVehicle, FleetCatalog

LEG_COLUMNS = ("mode", "vehicle_type", "tonnes", "loaded_km", "empty_km", "electrified_share")
ENERGY_COLUMNS = ("energy_kwh", "diesel_l", "lng_kg", "h2_kg", "methanol_l")
EMISSION_COLUMNS = (
    "nox_g",
    "pm_g",
    "so2_g",
    "co2_ttw_kg",
    "co2_upstream_fuel_kg",
    "co2_upstream_electricity_kg",
    "co2_wtw_kg",
    "nox_upstream_g",
    "so2_upstream_g",
    "pm_upstream_g",
)
ADDED_COLUMNS = ("tkm",) + ENERGY_COLUMNS + EMISSION_COLUMNS + ("factor_id",)
CHUNK_ROWS = 8192  # rows accounted at a time
_MODE_CODE = {"road": 0, "rail": 1, "conveyor": 2}
_CARRIERS = ("diesel_l", "lng_kg", "electricity_kwh", "h2_kg", "methanol_l")
_PARAMETER_COLUMNS = (
    "vehicle_type", "mode", "mode_code", "carrier_code", "payload_t", "e_loaded", "e_empty", "nox_g_per_km",
    "pm_g_per_km", "tare_ratio", "electric_traction", "factor_id",
)  # fmt: skip


def _factor_id(vehicle: CatalogVehicle) -> str:
    if vehicle.mode == "road":
        return f"road_classes.{vehicle.class_key}"
    if vehicle.mode == "rail":
        return "rail.electric+diesel" if vehicle.powertrain == "electric" else "rail.diesel"
    return "conveyor.kwh_per_tkm"


def vehicle_parameters(vehicle_ids: list[str], catalog: FleetCatalog, factors: EmissionFactors) -> pd.DataFrame:
    """One row of numeric accounting parameters per vehicle id (in the given order)."""
    rows = []
    if not vehicle_ids:
        return pd.DataFrame(columns=_PARAMETER_COLUMNS)
    for vid in vehicle_ids:
        v = catalog.vehicle(vid)
        road = factors.road_factor(v.class_key) if v.mode == "road" else None
        wagon = catalog.wagon(v.wagon_type) if v.mode == "rail" and v.wagon_type is not None else None  # rail always names one
        rows.append(
            {
                "vehicle_type": vid,
                "mode": v.mode,
                "mode_code": _MODE_CODE[v.mode],
                "carrier_code": _CARRIERS.index(v.energy_carrier),
                "payload_t": v.payload_t,
                "e_loaded": v.energy_per_km_loaded,
                "e_empty": v.energy_per_km_empty,
                "nox_g_per_km": road.nox_g_per_km if road else 0.0,
                "pm_g_per_km": road.pm_g_per_km if road else 0.0,
                "tare_ratio": wagon.tare_t / wagon.payload_t if wagon else 0.0,
                "electric_traction": float(v.mode == "rail" and v.powertrain == "electric"),
                "factor_id": _factor_id(v),
            }
        )
    return pd.DataFrame(rows)


def as_categorical(column: pd.Series) -> pd.Categorical:
    """The column as a categorical of strings (no per-row string conversion when it already is one)."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        return column.array.remove_unused_categories()
    return pd.Categorical(column.astype(str))


def _per_row(params: pd.DataFrame, codes: np.ndarray, column: str) -> np.ndarray:
    return params[column].to_numpy(dtype=float)[codes]


def _check_modes(legs: pd.DataFrame, vehicle: pd.Categorical, params: pd.DataFrame, codes: np.ndarray) -> None:
    row_mode = as_categorical(legs["mode"])
    mode_codes = np.array([_MODE_CODE.get(str(m), -1) for m in row_mode.categories])[np.asarray(row_mode.codes)]
    bad = mode_codes != _per_row(params, codes, "mode_code")
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        expected = params["mode"].to_numpy()[codes[i]]
        raise ModelError(
            f"leg row {i}: mode {row_mode[i]!r} does not match vehicle type {vehicle[i]!r} ({expected}); {int(bad.sum())} such rows"
        )


def _energy_and_tailpipe(
    legs: pd.DataFrame, params: pd.DataFrame, codes: np.ndarray, factors: EmissionFactors, grid: GridFactor | RowGridFactors
) -> dict[str, np.ndarray]:
    """``tkm``, energy by carrier (electricity at the wall), tailpipe ``nox_g`` and ``pm_g``."""
    n = len(legs)
    tonnes = legs["tonnes"].to_numpy(dtype=float)
    loaded_km = legs["loaded_km"].to_numpy(dtype=float)
    empty_km = legs["empty_km"].to_numpy(dtype=float)
    trips = legs["trips"].to_numpy(dtype=float) if "trips" in legs.columns else np.ones(n)
    per_trip = np.divide(1.0, trips, out=np.zeros(n), where=trips > 0)
    tkm = tonnes * loaded_km * per_trip
    mode = _per_row(params, codes, "mode_code")
    road, rail, conveyor = mode == 0, mode == 1, mode == 2

    # road: energy in the carrier's unit, interpolated on load factor; NOx by the load multiplier
    payload = _per_row(params, codes, "payload_t")
    load_factor = np.clip(np.divide(tonnes * per_trip, payload, out=np.zeros(n), where=payload > 0), 0.0, 1.0)
    e_loaded, e_empty = _per_row(params, codes, "e_loaded"), _per_row(params, codes, "e_empty")
    road_energy = np.where(road, loaded_km * (e_empty + (e_loaded - e_empty) * load_factor) + empty_km * e_empty, 0.0)
    weighted_km = loaded_km * factors.nox_multiplier(load_factor) + empty_km * factors.nox_multiplier(0.0)
    nox_g = np.where(road, _per_row(params, codes, "nox_g_per_km") * weighted_km, 0.0)
    pm_g = np.where(road, _per_row(params, codes, "pm_g_per_km") * (loaded_km + empty_km), 0.0)

    # rail: gross t-km split between electric and diesel traction
    tare_ratio = _per_row(params, codes, "tare_ratio")
    gross_tkm = np.where(rail, tonnes * per_trip * ((1.0 + tare_ratio) * loaded_km + tare_ratio * empty_km), 0.0)
    electric, shunting, main_diesel = rail_traction_shares(
        legs, _per_row(params, codes, "electric_traction"), loaded_km * per_trip, factors.rail.shunting_max_spur_km
    )
    rail_kwh = gross_tkm * electric * factors.rail.electric_kwh_per_gross_tkm
    rail_diesel_kg = gross_tkm * (main_diesel * factors.rail.diesel_kg_per_gross_tkm + shunting * factors.rail.shunting_kg_per_gross_tkm)
    rail_diesel_l = rail_diesel_kg / factors.fuels.diesel.density_kg_per_l
    main_diesel_net_tkm = np.where(rail, tkm * main_diesel, 0.0)
    shunting_net_tkm = np.where(rail, tkm * shunting, 0.0)
    conveyor_kwh = np.where(conveyor, tkm * factors.conveyor.kwh_per_tkm, 0.0)

    carrier = _per_row(params, codes, "carrier_code")
    by_carrier = {name: np.where(carrier == i, road_energy, 0.0) for i, name in enumerate(_CARRIERS)}
    return {
        "tkm": tkm,
        "energy_kwh": by_carrier["electricity_kwh"] / (1.0 - grid.charging_loss_share) + rail_kwh + conveyor_kwh,
        "diesel_l": by_carrier["diesel_l"] + rail_diesel_l,
        "lng_kg": by_carrier["lng_kg"],
        "h2_kg": by_carrier["h2_kg"],
        "methanol_l": by_carrier["methanol_l"],
        "nox_g": nox_g
        + main_diesel_net_tkm * factors.rail.diesel_nox_g_per_net_tkm
        + shunting_net_tkm * factors.rail.shunting_nox_g_per_net_tkm,
        "pm_g": pm_g
        + main_diesel_net_tkm * factors.rail.diesel_pm_g_per_net_tkm
        + shunting_net_tkm * factors.rail.shunting_pm_g_per_net_tkm,
    }


def rail_traction_shares(
    legs: pd.DataFrame, electric_traction: np.ndarray, km_per_trip: np.ndarray, shunting_max_spur_km: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Shares of each row's km by (electric, shunting, main-line diesel) traction; they sum to 1.

    ``electric_traction`` is 1 for rows whose vehicle can run electrically (``rail-electric``), else 0.
    Shunting takes the unelectrified spur km (``shunting_share``, 0 when the column is absent) of trips
    with at most ``shunting_max_spur_km`` of them; electric traction the electrified km; main-line diesel
    the rest (longer spurs included).
    """
    n = len(legs)
    spur = np.clip(legs["shunting_share"].to_numpy(dtype=float), 0.0, 1.0) if "shunting_share" in legs.columns else np.zeros(n)
    shunting = np.where(spur * km_per_trip <= shunting_max_spur_km + 1e-9, spur, 0.0)
    electric = np.minimum(np.clip(legs["electrified_share"].to_numpy(dtype=float), 0.0, 1.0) * electric_traction, 1.0 - shunting)
    return electric, shunting, np.clip(1.0 - electric - shunting, 0.0, 1.0)


def _carbon_and_upstream(q: dict[str, np.ndarray], factors: EmissionFactors, grid: GridFactor | RowGridFactors) -> dict[str, np.ndarray]:
    """SO2 from fuel sulphur, CO2 tank-to-wheel and upstream, and power-plant pollutants."""
    fuels = factors.fuels
    methanol_kg = q["methanol_l"] * fuels.methanol.density_kg_per_l
    diesel_co2 = q["diesel_l"] * fuels.diesel.co2_kg_per_l
    lng_co2 = q["lng_kg"] * fuels.lng.co2_kg_per_kg
    methanol_co2 = methanol_kg * fuels.methanol.co2_kg_per_kg
    co2_ttw = diesel_co2 + lng_co2 + methanol_co2
    co2_fuel_up = (
        diesel_co2 * fuels.diesel.wtt_uplift
        + lng_co2 * fuels.lng.wtt_uplift
        + methanol_co2 * fuels.methanol.wtt_uplift
        + q["h2_kg"] * fuels.hydrogen.co2_upstream_kg_per_kg
    )
    co2_elec = q["energy_kwh"] * grid.kg_co2_per_kwh
    return {
        "so2_g": q["diesel_l"] * fuels.diesel.so2_g_per_l
        + q["lng_kg"] * fuels.lng.so2_g_per_kg
        + methanol_kg * fuels.methanol.so2_g_per_kg,
        "co2_ttw_kg": co2_ttw,
        "co2_upstream_fuel_kg": co2_fuel_up,
        "co2_upstream_electricity_kg": co2_elec,
        "co2_wtw_kg": co2_ttw + co2_fuel_up + co2_elec,
        "nox_upstream_g": q["energy_kwh"] * grid.nox_g_per_kwh,
        "so2_upstream_g": q["energy_kwh"] * grid.so2_g_per_kwh,
        "pm_upstream_g": q["energy_kwh"] * grid.pm_g_per_kwh,
    }


def account_legs(legs: pd.DataFrame, catalog: FleetCatalog, factors: EmissionFactors, grid: GridFactor | RowGridFactors) -> pd.DataFrame:
    """The leg rows plus ``tkm``, energy by carrier, emissions and ``factor_id`` (see module docstring); ``grid``
    is one factor for all rows or one per row (the same arithmetic, value by value)."""
    missing = [c for c in LEG_COLUMNS if c not in legs.columns]
    if missing:
        raise ValueError(f"leg table lacks columns: {', '.join(missing)}")
    vehicle = as_categorical(legs["vehicle_type"])
    params = vehicle_parameters([str(c) for c in vehicle.categories], catalog, factors)
    codes = np.asarray(vehicle.codes)
    _check_modes(legs, vehicle, params, codes)
    computed = {name: np.empty(len(legs)) for name in ADDED_COLUMNS if name != "factor_id"}
    for start in range(0, len(legs), CHUNK_ROWS):  # row by row arithmetic: chunks bound the temporaries of long tables
        stop = min(start + CHUNK_ROWS, len(legs))
        part_grid = grid if isinstance(grid, GridFactor) else grid.rows(start, stop)
        quantities = _energy_and_tailpipe(legs.iloc[start:stop], params, codes[start:stop], factors, part_grid)
        quantities.update(_carbon_and_upstream(quantities, factors, part_grid))
        for name, column in computed.items():
            column[start:stop] = quantities[name]
    factor_ids, factor_codes = np.unique(params["factor_id"].to_numpy(dtype=str), return_inverse=True)
    new = {**computed, "factor_id": pd.Categorical.from_codes(factor_codes[codes], categories=factor_ids.tolist())}
    kept = legs.drop(columns=[c for c in ADDED_COLUMNS if c in legs.columns])
    out = pd.concat([kept, pd.DataFrame(new, index=legs.index, copy=False)], axis=1)
    if grid.label is not None:
        out.attrs["grid"] = grid.label
    return out
