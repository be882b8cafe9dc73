"""Turn a run's summary dict into tidy metric rows ``(metric, value, unit)``.

Numeric scalars become rows (except wall-clock timings and the seed); nested mappings of numbers (e.g.
``tonnes_by_chain``) become rows named ``parent.key``; lists (e.g. the per-enterprise table) and text are
left to the run's own tables. Units come from the metric declarations (``freight_sim.runner.run_metrics``);
a number nobody declared (e.g. from a user's own run function) gets an empty unit and no direction.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from numbers import Real
from typing import Any

from freight_sim.metric import MetricCatalog

# Not results of the model: wall-clock timings (they differ between executors and machines; the run's
# seconds are in its manifest) and the seed (in the manifest too).
_EXCLUDED_SUFFIXES = ("wall_s",)
_EXCLUDED_NAMES = ("seed",)


def declared_metrics() -> MetricCatalog:
    """The declarations of every metric the package's run function reports."""
    from freight_sim.runner import run_metrics

    return run_metrics()


def unit_of(metric: str, catalog: MetricCatalog | None = None) -> str:
    """Declared unit of ``metric``; ``""`` when it is not declared."""
    return (catalog or declared_metrics()).unit(metric)


def _is_number(value: Any) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool)


def is_model_result(name: str) -> bool:
    """False for summary numbers that are not model results (timings, the seed)."""
    return not (name.endswith(_EXCLUDED_SUFFIXES) or name in _EXCLUDED_NAMES)


def metric_rows(summary: Mapping[str, Any], catalog: MetricCatalog | None = None) -> list[tuple[str, float, str]]:
    """``(metric, value, unit)`` for every numeric scalar of ``summary`` (one level of nesting flattened).

    Wall-clock timings and the seed are left out, so tables do not depend on the executor or machine.
    """
    catalog = catalog or declared_metrics()
    rows: list[tuple[str, float, str]] = []
    for key, value in summary.items():
        if not is_model_result(key):
            continue
        if _is_number(value):
            rows.append((key, float(value), catalog.unit(key)))
        elif isinstance(value, Mapping):
            for sub_key, sub_value in value.items():
                if _is_number(sub_value):
                    name = f"{key}.{sub_key}"
                    rows.append((name, float(sub_value), catalog.unit(name)))
    return [(m, v if math.isfinite(v) else float("nan"), u) for m, v, u in rows]
