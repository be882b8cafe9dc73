"""Random streams: one root seed, one stream per purpose and per entity (common random numbers).

An entity's stream depends only on the root seed, the purpose and the entity's id, so adding a lane or a
siding does not change the draws of unrelated trucks.
"""

from __future__ import annotations

import math
import zlib
from array import array

import numpy as np

DEMAND, TRAVEL_TIME, ALERTS, OUTAGES, SERVICE_TIMES = range(5)
BLOCK = 1024
FIRST_BLOCK = 32  # travel-time factors: blocks grow from this to BLOCK (the same draws, less waste on short runs)
SERVICE_BLOCK = 256  # handling-time factors drawn at once per entity (rows of a block)


def purpose_rng(seed: int, purpose: int) -> np.random.Generator:
    """The stream of one purpose (child ``purpose`` of ``SeedSequence(seed)``)."""
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(entropy=seed, spawn_key=(purpose,))))


def entity_rng(seed: int, purpose: int, entity_id: str) -> np.random.Generator:
    """The stream of one entity for one purpose, keyed by a CRC-32 of its id."""
    key = (purpose, zlib.crc32(entity_id.encode()))
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(entropy=seed, spawn_key=key)))


def mean_one_factors(rng: np.random.Generator, distribution: str, cv: float, size: int) -> np.ndarray:
    """``size`` factors of mean 1 and coefficient of variation ``cv`` (``exponential``: cv 1; ``fixed``: all 1).

    gamma: shape 1/cv^2, scale cv^2; lognormal: sigma^2 = ln(1 + cv^2), mu = -sigma^2/2."""
    if distribution == "exponential":
        return rng.exponential(1.0, size)
    if distribution == "fixed" or cv == 0.0:
        return np.ones(size)
    if distribution == "gamma":
        shape = 1.0 / (cv * cv)
        return rng.gamma(shape, 1.0 / shape, size)
    if distribution == "lognormal":
        sigma2 = math.log1p(cv * cv)
        return rng.lognormal(-sigma2 / 2.0, math.sqrt(sigma2), size)
    raise ValueError(f"unknown distribution {distribution!r}")


class FactorBlocks:
    """Factors of several handling times of one entity (one column per ``(distribution, cv)``), drawn
    ``SERVICE_BLOCK`` rows at a time and handed out as one flat row-major block; a hot loop indexes it."""

    __slots__ = ("_columns", "_rng", "width")

    def __init__(self, rng: np.random.Generator, columns: tuple[tuple[str, float], ...]) -> None:
        self._rng = rng
        self._columns = columns
        self.width = len(columns)

    def block(self) -> array:
        """The next ``SERVICE_BLOCK`` rows of factors, flattened row by row."""
        drawn = [mean_one_factors(self._rng, distribution, cv, SERVICE_BLOCK) for distribution, cv in self._columns]
        block = array("d")
        block.frombytes(np.column_stack(drawn).tobytes())
        return block


class FactorStream:
    """One handling time's factors, one at a time (a station's swaps, a terminal's train loadings)."""

    __slots__ = ("_block", "_blocks", "_next")

    def __init__(self, rng: np.random.Generator, distribution: str, cv: float) -> None:
        self._blocks = FactorBlocks(rng, ((distribution, cv),))
        self._block: array = array("d")
        self._next = 0

    def next(self) -> float:
        i = self._next
        if i >= len(self._block):
            self._block = self._blocks.block()
            i = 0
        self._next = i + 1
        return self._block[i]


class GammaFactors:
    """Multiplicative travel-time factors with mean 1 and coefficient of variation ``cv``, drawn in blocks."""

    __slots__ = ("_block", "_next", "_rng", "_shape", "_size")

    def __init__(self, rng: np.random.Generator, cv: float) -> None:
        if cv <= 0:
            raise ValueError("GammaFactors needs cv > 0; use factor 1.0 directly when cv is 0")
        self._rng = rng
        self._shape = 1.0 / (cv * cv)
        self._block: array = array("d")
        self._next = 0
        self._size = FIRST_BLOCK

    def block(self) -> array:
        """The next block of factors as a compact float array (callers index it themselves in hot loops); blocks
        double from FIRST_BLOCK to BLOCK factors, always an even number, and follow each other in the stream."""
        block = array("d")
        block.frombytes(self._rng.gamma(self._shape, 1.0 / self._shape, self._size).tobytes())
        self._size = min(2 * self._size, BLOCK)
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
