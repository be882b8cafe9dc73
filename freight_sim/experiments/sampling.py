"""Sampled designs: Latin hypercube (scipy.stats.qmc), Sobol (Saltelli via SALib) and Morris (SALib).

Each function is pure and seeded: the same settings and seed give the same matrix.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from freight_sim.experiments.spec import SampleSettings

# Spawn key of the sampling stream under the root seed; replications use keys 0..n-1, so this key
# stays clear of them for any plausible replication count.
SAMPLING_SPAWN_KEY = 2**31 - 1


@dataclass(frozen=True)
class SampleDesign:
    """The sample matrix (one row per sample point, one column per parameter) and its SALib problem."""

    method: str
    names: tuple[str, ...]
    bounds: tuple[tuple[float, float], ...]
    matrix: np.ndarray
    second_order: bool = False
    num_levels: int = 4

    @property
    def problem(self) -> dict:
        return {"num_vars": len(self.names), "names": list(self.names), "bounds": [list(b) for b in self.bounds]}

    def point(self, index: int) -> dict[str, float]:
        return {name: float(value) for name, value in zip(self.names, self.matrix[index], strict=True)}

    def to_json(self) -> dict:
        return {
            "method": self.method,
            "names": list(self.names),
            "bounds": [list(b) for b in self.bounds],
            "matrix": self.matrix.tolist(),
            "second_order": self.second_order,
            "num_levels": self.num_levels,
        }


def sampling_seed(root_seed: int) -> int:
    """An integer seed for the sampler, independent of the replication streams."""
    sequence = np.random.SeedSequence(root_seed, spawn_key=(SAMPLING_SPAWN_KEY,))
    return int(sequence.generate_state(1, dtype=np.uint32)[0])


def draw_sample(settings: SampleSettings, root_seed: int, ranges: Mapping[str, tuple[float, float]] | None = None) -> SampleDesign:
    """The sample matrix for ``settings``, seeded from ``root_seed``; ``ranges``: the bounds of parameters
    that give none (uncertain inputs: their data file's range)."""
    names = tuple(settings.parameters)
    bounds = tuple(p.bounds if p.bounds is not None else (ranges or {})[name] for name, p in settings.parameters.items())
    problem = {"num_vars": len(names), "names": list(names), "bounds": [list(b) for b in bounds]}
    seed = sampling_seed(root_seed)
    if settings.method == "lhs":
        from scipy.stats import qmc

        unit = qmc.LatinHypercube(d=len(names), seed=np.random.default_rng(seed)).random(settings.n)
        low = np.array([b[0] for b in bounds])
        high = np.array([b[1] for b in bounds])
        matrix = qmc.scale(unit, low, high)
    elif settings.method == "sobol":
        from SALib.sample import sobol

        matrix = sobol.sample(problem, settings.n, calc_second_order=settings.second_order, seed=seed)
    else:
        from SALib.sample import morris

        matrix = morris.sample(problem, settings.n, num_levels=settings.num_levels, seed=seed)
    return SampleDesign(settings.method, names, bounds, np.asarray(matrix, dtype=float), settings.second_order, settings.num_levels)
