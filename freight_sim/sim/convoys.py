"""Fast mode's convoys: how many trucks of a pool entry one process carries (ModelSpec.convoys).

A convoy of k trucks takes k payloads from its source pile, books k services at the loading bay and at swap
stations as k trucks arriving together would (their mean start is the convoy's), travels as one truck and
records one leg row of k trips. Tonnes, km, energy, emissions and the ratio stay those of k trucks; what
changes is when they move (k loads at once) and so the queue waits at bays, swap stations and piles.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from freight_sim.sim.spec import Convoys

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
