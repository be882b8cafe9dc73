"""Truck slots of a road segment whose vehicle type changes at replacement dates (fleet renewals).

A segment has a fixed number of trucks (slots). Its first mix fills the slots; each renewal gives a new
mix reached by the end of a window: the slots of types the new mix needs fewer of are retired, one by
one, on dates spread evenly over the window (the j-th of D on ``start + (j + 0.5) / D`` of it), and a
truck of a type the new mix needs more of takes each retired slot the same hour. So the fleet turns over
through the window, not on one day. Everything is deterministic (sorted ids, slot order).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from freight_sim.fleet import allocate_trucks


@dataclass(frozen=True)
class Renewal:
    """A mix reached over ``[start_h, end_h)`` (hours from the run's start; may lie outside the run)."""

    start_h: float
    end_h: float
    mix: Mapping[str, float]


@dataclass(frozen=True)
class SlotSpell:
    """One truck of ``vehicle_type`` in service from ``from_h`` until ``until_h`` (``math.inf``: to the end)."""

    vehicle_type: str
    from_h: float
    until_h: float


def slot_spells(first_mix: Mapping[str, float], n_trucks: int, renewals: Sequence[Renewal]) -> list[SlotSpell]:
    """Every spell of every slot, renewals applied in order of ``start_h`` (windows must not overlap)."""
    counts = allocate_trucks(first_mix, n_trucks)
    slot_type = [vid for vid in sorted(counts) for _ in range(counts[vid])]
    slot_from = [-math.inf] * n_trucks
    spells: list[SlotSpell] = []
    for renewal in sorted(renewals, key=lambda r: r.start_h):
        new_counts = allocate_trucks(renewal.mix, n_trucks)
        old_counts = {vid: slot_type.count(vid) for vid in sorted(set(slot_type))}
        retiring: list[int] = []
        for vid in sorted(old_counts):
            surplus = old_counts[vid] - new_counts.get(vid, 0)
            if surplus > 0:
                retiring += [i for i, v in enumerate(slot_type) if v == vid][-surplus:]
        incoming = [vid for vid in sorted(new_counts) for _ in range(max(0, new_counts[vid] - old_counts.get(vid, 0)))]
        retiring.sort()
        width_h = renewal.end_h - renewal.start_h
        for j, (slot, vid) in enumerate(zip(retiring, incoming, strict=True)):
            at_h = renewal.start_h + (j + 0.5) / len(retiring) * width_h
            spells.append(SlotSpell(slot_type[slot], slot_from[slot], at_h))
            slot_type[slot], slot_from[slot] = vid, at_h
    spells += [SlotSpell(vid, slot_from[i], math.inf) for i, vid in enumerate(slot_type)]
    return spells


def spells_in_run(spells: Sequence[SlotSpell], horizon_h: float) -> list[SlotSpell]:
    """The spells that overlap ``[0, horizon_h)``, starting at 0 at the earliest."""
    return [SlotSpell(s.vehicle_type, max(s.from_h, 0.0), s.until_h) for s in spells if s.until_h > 0.0 and s.from_h < horizon_h]
