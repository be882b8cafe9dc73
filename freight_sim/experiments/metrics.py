"""Turn a run's summary dict into tidy metric rows ``(metric, value, unit)``.

Numeric scalars become rows (except wall-clock timings and the seed); nested mappings of numbers (e.g. ``tonnes_by_chain``) become rows named
``parent.key``; lists (e.g. the per-enterprise table) and text are left to the run's own tables. The
unit comes from the metric name: suffixes like ``_kg``/``_t``/``_cny``, ratios and shares -> ``"1"``,
counts (trips, departures) -> ``"count"``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from numbers import Real
from typing import Any

# Longest suffix first so that ``_tkm`` wins over ``_km``... order matters only among overlapping suffixes.
_SUFFIX_UNITS = (
    ("_kg_co2_per_kwh", "kg CO2/kWh"),
    ("_t_per_year", "t/yr"),
    ("_million_cny", "million CNY"),
    ("_cny_per_t", "CNY/t"),
    ("_kg_per_tkm", "kg/tkm"),
    ("_g_per_tkm", "g/tkm"),
    ("_tkm", "tkm"),
    ("_kwh", "kWh"),
    ("_kg", "kg"),
    ("_g", "g"),
    ("_t", "t"),
    ("_cny", "CNY"),
    ("_km", "km"),
    ("_kph", "km/h"),
    ("_h", "h"),
    ("_min", "min"),
    ("_days", "d"),
    ("_l", "L"),
)
_DIMENSIONLESS_WORDS = ("ratio", "share", "utilisation", "utilization", "fraction", "load_factor")
_COUNT_WORDS = (
    "trips",
    "departures",
    "count",
    "trains",
    "trucks",
    "swaps",
    "arrivals",
    "runs",
    "events",
    "enterprises",
    "slots",
    "lanes",
    "terminals",
    "stations",
)
_TONNE_PREFIXES = ("tonnes_",)
# Not results of the model: wall-clock timings (they differ between executors and machines; the run's
# seconds are in its manifest) and the seed (in the manifest too).
_EXCLUDED_SUFFIXES = ("wall_s",)
_EXCLUDED_NAMES = ("seed",)
_PARENT_UNITS = {"tonnes_by_chain": "t", "tonnes_by_mode": "t", "trips_by_chain": "count", "trips_by_segment": "count"}


def unit_of(metric: str) -> str:
    """Unit of a metric from its name; ``""`` when the name does not say."""
    name = metric.lower()
    parent = name.split(".")[0]
    if parent in _PARENT_UNITS and "." in name:
        return _PARENT_UNITS[parent]
    leaf = name.split(".")[-1]
    for suffix, unit in _SUFFIX_UNITS:
        if leaf.endswith(suffix):
            return unit
    if leaf.startswith(_TONNE_PREFIXES):
        return "t"
    if any(word in leaf for word in _DIMENSIONLESS_WORDS):
        return "1"
    if any(word in leaf for word in _COUNT_WORDS) or leaf.startswith(("n_", "num_")):
        return "count"
    return ""


def _is_number(value: Any) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool)


def is_model_result(name: str) -> bool:
    """False for summary numbers that are not model results (timings, the seed)."""
    return not (name.endswith(_EXCLUDED_SUFFIXES) or name in _EXCLUDED_NAMES)


def metric_rows(summary: Mapping[str, Any]) -> list[tuple[str, float, str]]:
    """``(metric, value, unit)`` for every numeric scalar of ``summary`` (one level of nesting flattened).

    Wall-clock timings and the seed are left out, so tables do not depend on the executor or machine.
    """
    rows: list[tuple[str, float, str]] = []
    for key, value in summary.items():
        if not is_model_result(key):
            continue
        if _is_number(value):
            rows.append((key, float(value), unit_of(key)))
        elif isinstance(value, Mapping):
            for sub_key, sub_value in value.items():
                if _is_number(sub_value):
                    name = f"{key}.{sub_key}"
                    rows.append((name, float(sub_value), unit_of(name)))
    return [(m, v if math.isfinite(v) else float("nan"), u) for m, v, u in rows]
