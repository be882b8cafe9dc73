"""Random streams: one root seed, one stream per purpose and per entity (common random numbers).

An entity's stream depends only on the root seed, the purpose and the entity's id, so adding a lane or a
siding does not change the draws of unrelated trucks.
"""

from __future__ import annotations

import zlib
from array import array

import numpy as np

DEMAND, TRAVEL_TIME, ALERTS, OUTAGES = range(4)
BLOCK = 1024


def purpose_rng(seed: int, purpose: int) -> np.random.Generator:
    """The stream of one purpose (child ``purpose`` of ``SeedSequence(seed)``)."""
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(entropy=seed, spawn_key=(purpose,))))


def entity_rng(seed: int, purpose: int, entity_id: str) -> np.random.Generator:
    """The stream of one entity for one purpose, keyed by a CRC-32 of its id."""
    key = (purpose, zlib.crc32(entity_id.encode()))
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(entropy=seed, spawn_key=key)))


class GammaFactors:
    """Multiplicative travel-time factors with mean 1 and coefficient of variation ``cv``, drawn in blocks."""

    __slots__ = ("_block", "_next", "_rng", "_shape")

    def __init__(self, rng: np.random.Generator, cv: float) -> None:
        if cv <= 0:
            raise ValueError("GammaFactors needs cv > 0; use factor 1.0 directly when cv is 0")
        self._rng = rng
        self._shape = 1.0 / (cv * cv)
        self._block: array = array("d")
        self._next = 0

    def block(self) -> array:
        """A fresh block of factors as a compact float array (callers index it themselves in hot loops)."""
        block = array("d")
        block.frombytes(self._rng.gamma(self._shape, 1.0 / self._shape, BLOCK).tobytes())
        return block

    def pair(self) -> tuple[float, float]:
        """Two factors (loaded leg, empty leg)."""
        i = self._next
        if i + 2 > len(self._block):
            self._block = self.block()
            i = 0
        self._next = i + 2
        block = self._block
        return block[i], block[i + 1]
