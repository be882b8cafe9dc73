"""Why a built siding may raise tailpipe NOx: one note per candidate siding of a run.

A siding swaps truck km for train km. Its trains emit tailpipe NOx on every km without electric traction
(main-line diesel, and shunting locomotives on short unelectrified spurs); the trucks it replaces emit
according to their fleet mix. The note gives the siding trains' NOx per tonne, where it comes from, and
the truck haul at which the replaced trucks would emit as much (``break-even``): the siding lowers
tailpipe NOx only where the haul it replaces is longer. Replaced zero-tailpipe trucks (battery,
fuel cell) make any diesel train km a rise, and the note says so.
"""

from __future__ import annotations

import pandas as pd

from freight_sim.config.scenario import Chain, Scenario, SidingStatus
from freight_sim.emissions.factors import EmissionFactors
from freight_sim.fleet import resolve_mix
from freight_sim.fleet.catalog import FleetCatalog


def _replaced_mixes(scenario: Scenario, eid: str) -> dict[str, tuple[str | dict[str, float], float]]:
    """The fleet mixes of the truck chains a siding takes tonnes from (road: the enterprise's mix; drayage:
    its drayage mix), each with its weight: the flows' t/yr times their chain shares (else the default
    shares), as a share of the total. Keyed by a printable name."""
    ent = scenario.enterprises[eid]
    weights: dict[str, tuple[str | dict[str, float], float]] = {}
    for flow in ent.flows.values():
        shares = flow.chain_shares if flow.chain_shares is not None else scenario.chains.default_shares
        for chain, mix in ((Chain.road, ent.fleet_mix), (Chain.drayage_rail, scenario.drayage_mix_for(eid)[1])):
            tonnes = flow.tonnes_per_year * shares.get(chain, 0.0)
            if tonnes > 0:
                name = mix if isinstance(mix, str) else "+".join(sorted(mix))
                weights[name] = (mix, weights.get(name, (mix, 0.0))[1] + tonnes)
    total = sum(w for _, w in weights.values())
    return {name: (mix, w / total) for name, (mix, w) in weights.items()} if total > 0 else {}


def _truck_nox_g_per_t_km(scenario, mixes, catalog: FleetCatalog, mix_table, factors: EmissionFactors) -> float:
    """Tailpipe NOx of a loaded truck haul with its empty return, g per tonne and km of haul, weighted over
    the replaced mixes and their vehicle shares (full load: MEE multipliers at load 1 and 0)."""
    total = 0.0
    for mix, weight in mixes.values():
        for vid, share in resolve_mix(catalog, mix_table, mix, scenario.fleet.extra_mixes).items():
            v = catalog.vehicle(vid)
            g_per_km = factors.road_factor(v.class_key).nox_g_per_km
            total += weight * share * float(g_per_km * (factors.nox_multiplier(1.0) + factors.nox_multiplier(0.0)) / v.payload_t)
    return total


def siding_notes(scenario: Scenario, accounted: pd.DataFrame, catalog: FleetCatalog, mix_table, factors: EmissionFactors) -> dict[str, str]:
    """Enterprise id -> note, for every candidate siding the scenario builds."""
    notes = {}
    for eid, ent in sorted(scenario.enterprises.items()):
        siding = ent.siding
        if siding is None or siding.status != SidingStatus.candidate or not siding.enabled:
            continue
        rows = accounted[(accounted["enterprise"] == eid) & (accounted["chain"] == Chain.rail_siding.value) & (accounted["mode"] == "rail")]
        tonnes = float(rows["tonnes"].sum())
        if tonnes <= 0:
            notes[eid] = "no train left the siding in the simulated period"
            continue
        nox_g_per_t = float(rows["nox_g"].sum()) / tonnes
        if nox_g_per_t <= 0:
            notes[eid] = "electric traction on every rail km: the siding's trains emit no tailpipe NOx"
            continue
        trips = rows["trips"].to_numpy(dtype=float) if "trips" in rows.columns else 1.0
        km = rows["loaded_km"].to_numpy(dtype=float) / trips
        weight = rows["tonnes"].to_numpy(dtype=float) / tonnes
        spur_km = float((weight * rows["shunting_share"].to_numpy(dtype=float) * km).sum()) if "shunting_share" in rows.columns else 0.0
        diesel_km = float((weight * (1.0 - rows["electrified_share"].to_numpy(dtype=float)) * km).sum())
        where = f"{diesel_km:.1f} km a train without electric traction ({spur_km:.1f} km of it on unelectrified spurs)"
        mixes = _replaced_mixes(scenario, eid)
        truck = _truck_nox_g_per_t_km(scenario, mixes, catalog, mix_table, factors) if mixes else 0.0
        names = ", ".join(f"{name} {weight:.0%}" for name, (_, weight) in mixes.items()) or "none"
        if truck <= 0:
            notes[eid] = (
                f"raises tailpipe NOx: its trains emit {nox_g_per_t:.1f} g NOx per tonne over {where}, while the trucks it"
                f" replaces (fleet mix {names}) have no tailpipe NOx"
            )
            continue
        notes[eid] = (
            f"trains emit {nox_g_per_t:.1f} g NOx per tonne over {where}; the trucks it replaces (fleet mix {names}) emit as"
            f" much on a haul of {nox_g_per_t / truck:.0f} km with empty return: tailpipe NOx falls only where the replaced haul"
            " is longer"
        )
    return notes
