"""The processes of a road segment's trucks: one per truck, or in fast mode (ModelSpec.convoys) one per convoy.

A convoy of k trucks takes k payloads from its source pile, books k services at the loading bay and at swap
stations as k trucks arriving together would (it goes on when the first is served), travels as one truck and
records one leg row of k trips per vehicle type. Tonnes, km, energy, emissions and the ratio stay those of
k trucks; what changes is when they move (k loads at once) and so the queue waits at bays, swap stations and
piles. Pool entries whose trucks behave alike (no battery, the same alert-day bans, the same service dates)
share convoys: they differ only in what their rows are accounted with.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass

from freight_sim.sim.spec import Convoys, PoolEntry, VehicleType

PILE_SHARE = 0.25  # a convoy's load is at most this share of a finite pile it takes from or brings to


def convoy_sizes(count: int, payload_t: float, convoys: Convoys | None, pile_capacities_t: Iterable[float] = ()) -> list[int]:
    """Trucks per convoy of a pool entry of ``count`` trucks, as even as possible (full mode: ``count`` x 1).

    Convoys are as large as ``convoys.max_trucks`` allows while the entry keeps at least
    ``convoys.min_per_pool`` of them and a convoy's load stays within ``PILE_SHARE`` of each finite pile."""
    if convoys is None or count <= 1:
        return [1] * count
    largest = min(convoys.max_trucks, max(1, count // convoys.min_per_pool))
    for capacity_t in pile_capacities_t:
        if math.isfinite(capacity_t):
            largest = min(largest, max(1, int(PILE_SHARE * capacity_t / payload_t)))
    n_convoys = math.ceil(count / largest)
    base, extra = divmod(count, n_convoys)
    return [base + 1] * extra + [base] * (n_convoys - extra)


@dataclass(frozen=True, kw_only=True)
class Convoy:
    """One process of a road segment: its trucks by pool entry (full mode: one truck of one entry)."""

    number: int  # the number of its first truck among the segment's trucks of that truck's vehicle type
    members: tuple[tuple[PoolEntry, int], ...]  # (pool entry, trucks), in pool order

    @property
    def trucks(self) -> int:
        return sum(trucks for _, trucks in self.members)


def segment_convoys(
    pool: Iterable[PoolEntry],
    vehicles: dict[str, VehicleType],
    convoys: Convoys | None,
    pile_capacities_t: Iterable[float],
    ban_key: Callable[[str], Hashable],
) -> list[Convoy]:
    """The processes of one road segment's pool, in the pool order of their first trucks. Trucks are numbered
    per vehicle type in pool order (a renewal's entries continue the numbers); ``ban_key(vehicle id)`` tells
    alert-day bans apart."""
    piles = list(pile_capacities_t)
    numbered: dict[str, int] = {}
    groups: dict[Hashable, list[tuple[int, PoolEntry, int]]] = {}  # behaviour -> trucks: (pool position, entry, number)
    position = 0
    for index, entry in enumerate(pool):
        first = numbered.get(entry.vehicle_type, 0)
        numbered[entry.vehicle_type] = first + entry.count
        vehicle = vehicles[entry.vehicle_type]
        alike = convoys is not None and vehicle.refuel is None
        key = (ban_key(vehicle.id), entry.active_from_h, entry.retire_h) if alike else ("own", index)
        groups.setdefault(key, []).extend((position + j, entry, first + j) for j in range(entry.count))
        position += entry.count
    made: list[tuple[int, Convoy]] = []  # (pool position of its first truck, convoy)
    for trucks in groups.values():
        largest_payload_t = max((vehicles[entry.vehicle_type].payload_t for _, entry, _ in trucks), default=1.0)
        at = 0
        for size in convoy_sizes(len(trucks), largest_payload_t, convoys, piles):
            taken = trucks[at : at + size]
            at += size
            counts: dict[int, list] = {}  # id(entry) -> [entry, trucks], in pool order
            for _, entry, _ in taken:
                counts.setdefault(id(entry), [entry, 0])[1] += 1
            made.append((taken[0][0], Convoy(number=taken[0][2], members=tuple((e, n) for e, n in counts.values()))))
    return [convoy for _, convoy in sorted(made, key=lambda pair: pair[0])]
