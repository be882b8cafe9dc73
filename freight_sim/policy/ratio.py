"""Clean-transport ratio from leg records, per enterprise and for the city, under a rule profile.

Method (works on full or aggregated leg rows):

1. A shipment group is (enterprise, flow, chain). Its tonnes are counted once, from its ``gate`` rows
   (the movement crossing the owning enterprise's gate): drayage + rail counts the gate drayage tonnes,
   not the rail tonnes again.
2. Each leg of the chain is a (segment, gate) pair of rows; within a leg, the vehicle types share the
   leg's tonnes. The engine draws the vehicles of each leg from independent pools, so a shipment's
   vehicle on one leg is independent of its vehicle on another: the chain's clean share is the sum, over
   every combination of one vehicle type per leg, of the product of the legs' tonne shares, for the
   combinations that ``RuleProfile.chain_is_clean`` accepts. Under ``gate_leg`` this equals the gate
   leg's clean tonne share, under ``long_haul`` the long-haul leg's, under ``all_legs`` the product of
   the legs' clean shares. Clean tonnes = shipment tonnes x clean share.
3. Counterparts: when a chain's rows touch the node of another enterprise (``enterprises_nodes``), the
   shipment's tonnes also count for that enterprise, judged with ``gate`` set on the legs that touch its
   node (e.g. the far drayage truck that delivers to it).
4. City ratio = sum of clean tonnes / sum of tonnes over the per-enterprise table (tonnes moved between
   two listed enterprises count at both gates, as both enterprises report them).
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from freight_sim.fleet.catalog import FleetCatalog
from freight_sim.policy.compliance import meets_target
from freight_sim.policy.profiles import Movement, RuleProfile

RATIO_COLUMNS = ("enterprise", "flow", "chain", "segment", "gate", "mode", "vehicle_type", "origin", "destination", "tonnes")
_GROUP = ["enterprise", "flow", "chain"]
_LEG = ["segment", "gate"]


@dataclass(frozen=True)
class _Leg:
    """One leg of a shipment chain: vehicle options with tonne shares, and the nodes it touches."""

    segment: str
    gate: bool
    options: tuple[tuple[Movement, float], ...]  # movement with gate=False, long_haul set; tonne share
    nodes: frozenset[str]


def _movement(catalog: FleetCatalog, vehicle_type: str, mode: str, segment: str) -> Movement:
    vehicle = catalog.vehicle(vehicle_type)
    return Movement(mode=mode, powertrain=vehicle.powertrain, standard=vehicle.standard, long_haul=segment == "long_haul")


def _clean_share(profile: RuleProfile, legs: list[_Leg], gates: list[bool], cache: dict) -> float:
    """Tonne-weighted share of vehicle combinations whose chain the profile judges clean."""
    share = 0.0
    for combination in itertools.product(*(leg.options for leg in legs)):
        weight = float(np.prod([w for _, w in combination]))
        if weight == 0.0:
            continue
        chain = tuple(
            Movement(m.mode, m.powertrain, m.standard, gate, m.long_haul) for (m, _), gate in zip(combination, gates, strict=True)
        )
        if chain not in cache:
            cache[chain] = profile.chain_is_clean(chain)
        if cache[chain]:
            share += weight
    return share


def _group_legs(compact: pd.DataFrame, catalog: FleetCatalog) -> dict[tuple[str, str, str], list[_Leg]]:
    """Legs of every shipment group from the compacted rows (a plain pass over a few thousand rows)."""
    tonnes_by: dict = defaultdict(lambda: defaultdict(float))  # (group, segment, gate) -> (vehicle, mode) -> t
    nodes_by: dict = defaultdict(set)
    columns = _GROUP + _LEG + ["vehicle_type", "mode", "origin", "destination", "tonnes"]
    for enterprise, flow, chain, segment, gate, vehicle, mode, origin, destination, tonnes in compact[columns].itertuples(
        index=False, name=None
    ):
        key = ((str(enterprise), str(flow), str(chain)), str(segment), bool(gate))
        tonnes_by[key][(str(vehicle), str(mode))] += float(tonnes)
        nodes_by[key].update((str(origin), str(destination)))
    movements: dict = {}
    groups: dict[tuple[str, str, str], list[_Leg]] = defaultdict(list)
    for key in sorted(tonnes_by):
        group, segment, gate = key
        by_vehicle = tonnes_by[key]
        total = sum(by_vehicle.values())
        options = []
        for vehicle, mode in sorted(by_vehicle):
            if (vehicle, mode, segment) not in movements:
                movements[(vehicle, mode, segment)] = _movement(catalog, vehicle, mode, segment)
            share = by_vehicle[(vehicle, mode)] / total if total > 0 else 1.0 / len(by_vehicle)
            options.append((movements[(vehicle, mode, segment)], share))
        groups[group].append(_Leg(segment, gate, tuple(options), frozenset(nodes_by[key])))
    return groups


def clean_ratio_from_legs(
    legs: pd.DataFrame,
    catalog: FleetCatalog,
    profile: RuleProfile,
    enterprises_nodes: Mapping[str, str],
    target: float | None = None,
) -> tuple[pd.DataFrame, float]:
    """Per-enterprise ``[enterprise, tonnes, clean_tonnes, ratio(, compliant)]`` and the city ratio.

    ``enterprises_nodes`` maps enterprise id -> its gate node. ``target``: add a ``compliant`` column
    (:func:`~freight_sim.policy.compliance.meets_target`; an enterprise without tonnes has ratio NaN and is not
    marked compliant).
    """
    missing = [c for c in RATIO_COLUMNS if c not in legs.columns]
    if missing:
        raise ValueError(f"leg table lacks columns: {', '.join(missing)}")
    node_owner = {node: enterprise for enterprise, node in enterprises_nodes.items()}
    # Collapse to one row per (group, leg, vehicle, nodes) first: the loop below runs per group, not per row.
    keys = _GROUP + _LEG + ["vehicle_type", "mode", "origin", "destination"]
    compact = legs.groupby(keys, observed=True, sort=True)["tonnes"].sum().reset_index()
    gate_rows = compact[compact["gate"].astype(bool)]
    shipped: dict[tuple[str, str, str], float] = defaultdict(float)  # shipment tonnes by group, from gate rows
    for enterprise, flow, chain, t in gate_rows[_GROUP + ["tonnes"]].itertuples(index=False, name=None):
        shipped[(str(enterprise), str(flow), str(chain))] += float(t)
    tonnes: dict[str, float] = defaultdict(float)
    clean: dict[str, float] = defaultdict(float)
    cache: dict = {}
    for (enterprise, flow, chain), chain_legs in sorted(_group_legs(compact, catalog).items()):
        if not any(leg.gate for leg in chain_legs):
            # Only later legs of shipments whose gate crossing fell before the period (warm-up, or a
            # train loaded from drayage done earlier): their tonnes were counted when they crossed the gate.
            continue
        gate_tonnes = shipped[(enterprise, flow, chain)]
        tonnes[enterprise] += gate_tonnes
        clean[enterprise] += gate_tonnes * _clean_share(profile, chain_legs, [leg.gate for leg in chain_legs], cache)
        own_node = enterprises_nodes.get(enterprise)
        touched = sorted({node_owner[n] for leg in chain_legs for n in leg.nodes if n in node_owner and n != own_node} - {enterprise})
        for other in touched:
            gates = [enterprises_nodes[other] in leg.nodes for leg in chain_legs]
            tonnes[other] += gate_tonnes
            clean[other] += gate_tonnes * _clean_share(profile, chain_legs, gates, cache)
    names = sorted(set(enterprises_nodes) | set(tonnes))
    table = pd.DataFrame({"enterprise": names, "tonnes": [tonnes[n] for n in names], "clean_tonnes": [clean[n] for n in names]})
    with np.errstate(invalid="ignore", divide="ignore"):
        table["ratio"] = np.where(table["tonnes"] > 0, table["clean_tonnes"] / table["tonnes"].where(table["tonnes"] > 0, 1.0), np.nan)
    if target is not None:
        table["compliant"] = meets_target(table["ratio"].to_numpy(dtype=float), target)
    total = float(table["tonnes"].sum())
    city = float(table["clean_tonnes"].sum() / total) if total > 0 else float("nan")
    return table, city
