"""Declared metrics: each number a run reports says once what unit it has and which direction is better.

The module that computes a metric declares it (``freight_sim.kpis`` for the key figures, ``freight_sim.runner``
for run facts); tables, rankings, differences, charts and objectives read the declaration instead of
guessing from the name. An *improvement* is a difference turned the right way round: for a metric where
lower is better (NOx) it is baseline minus variant, for one where higher is better (a clean-transport
ratio) variant minus baseline; a metric that is neither better high nor low has no improvement.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum


class Better(StrEnum):
    LOWER = "lower"
    HIGHER = "higher"
    NEITHER = "neither"


@dataclass(frozen=True, kw_only=True)
class Metric:
    """One declared metric. ``name`` is a summary key, or ``parent.*`` for every key of a nested mapping."""

    name: str
    unit: str  # "1" for ratios and shares, "count" for counts
    better: Better
    label: str  # short human header, English (translations: freight_sim/report/i18n_zh.yaml)
    description: str = ""

    @property
    def sign(self) -> int:
        """+1 when higher is better, -1 when lower is better, 0 when neither."""
        return {Better.HIGHER: 1, Better.LOWER: -1, Better.NEITHER: 0}[self.better]

    def improvement(self, difference: float) -> float:
        """``variant - baseline`` turned into an improvement (positive = better); NaN when neither is better."""
        return self.sign * difference if self.sign else math.nan


class MetricCatalog:
    """Declarations by name; ``get("tonnes_by_chain.road")`` finds the family ``tonnes_by_chain.*``."""

    def __init__(self, metrics: Iterable[Metric]) -> None:
        self._by_name: dict[str, Metric] = {}
        for metric in metrics:
            if metric.name in self._by_name:
                raise ValueError(f"metric {metric.name!r} declared twice")
            self._by_name[metric.name] = metric

    def __iter__(self) -> Iterator[Metric]:
        return iter(self._by_name.values())

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.get(name) is not None

    def get(self, name: str) -> Metric | None:
        """The declaration of ``name`` (exact, else its family ``parent.*``), or None when undeclared."""
        found = self._by_name.get(name)
        if found is None and "." in name:
            found = self._by_name.get(name.split(".", 1)[0] + ".*")
        return found

    def unit(self, name: str) -> str:
        found = self.get(name)
        return found.unit if found is not None else ""

    def better(self, name: str) -> Better:
        found = self.get(name)
        return found.better if found is not None else Better.NEITHER

    def label(self, name: str) -> str:
        """The human label; a family member gets ``label: key`` (e.g. ``tonnes by chain: road``)."""
        found = self.get(name)
        if found is None:
            return name
        if found.name.endswith(".*"):
            return f"{found.label}: {name.split('.', 1)[1]}"
        return found.label

    def extended(self, metrics: Iterable[Metric]) -> MetricCatalog:
        return MetricCatalog([*self, *metrics])


def improvement_sign(catalog: MetricCatalog, name: str) -> int:
    """+1, -1 or 0 for ``name`` (0 when undeclared or neither direction is better)."""
    found = catalog.get(name)
    return found.sign if found is not None else 0
