"""Turn raw node/edge records (text cells) into typed tables, with FILE:LINE: column errors.

Readers (CSV, GraphML, OSM) hand over a DataFrame of strings and a ``where(row, column)`` callback that
says where a cell came from; every problem found is collected and raised as one :class:`ConfigError`.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import pandas as pd

from freight_sim.errors import ConfigError
from freight_sim.network.defaults import NetworkDefaults
from freight_sim.network.model import EDGE_MODES, NODE_KINDS

Where = Callable[[int, str], str]

REQUIRED_NODE_COLUMNS = ("id", "kind", "lon", "lat")
REQUIRED_EDGE_COLUMNS = ("u", "v", "mode", "distance_km")
_NODE_OUT = ("kind", "name", "name_zh", "lon", "lat", "subkind", "freight_station", "swap_bays", "charge_points", "district", "source")
_EDGE_OUT = (
    "u", "v", "mode", "distance_km", "speed_kph", "hours", "road_class", "rail_class",
    "electrified", "paths_per_day", "line", "source",
)  # fmt: skip
_TRUE = {"true", "t", "yes", "y", "1"}
_FALSE = {"false", "f", "no", "n", "0", ""}


class _Problems:
    def __init__(self, where: Where) -> None:
        self.where = where
        self.lines: list[str] = []

    def add(self, row: int, column: str, message: str) -> None:
        self.lines.append(f"{self.where(row, column)}: {column}: {message}")

    def raise_if_any(self) -> None:
        if self.lines:
            raise ConfigError(*self.lines)


def _cell(raw: list[dict], row: int, column: str) -> str:
    value = raw[row].get(column)
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value).strip()


def _number(raw, row, column, problems, *, default=None, low=None, high=None, positive=False):
    text = _cell(raw, row, column)
    if text == "":
        if default is None:
            problems.add(row, column, "value required")
        return default
    try:
        value = float(text)
    except ValueError:
        problems.add(row, column, f"not a number: {text!r}")
        return default
    if math.isnan(value) or (positive and value <= 0):
        problems.add(row, column, f"must be > 0, got {text}")
    elif (low is not None and value < low) or (high is not None and value > high):
        problems.add(row, column, f"must be within [{low}, {high}], got {text}")
    return value


def _bool(raw, row, column, problems) -> bool:
    text = _cell(raw, row, column).lower()
    if text in _TRUE:
        return True
    if text not in _FALSE:
        problems.add(row, column, f"expected true or false, got {text!r}")
    return False


def _check_columns(raw: pd.DataFrame, required: tuple[str, ...], where: Where) -> None:
    missing = [c for c in required if c not in raw.columns]
    if missing:
        raise ConfigError(*(f"{where(-1, c)}: {c}: missing column" for c in missing))


def parse_nodes(raw: pd.DataFrame, where: Where) -> pd.DataFrame:
    """Typed node table indexed by id. ``where(-1, column)`` must locate the header."""
    _check_columns(raw, REQUIRED_NODE_COLUMNS, where)
    problems = _Problems(where)
    records: list[dict] = []
    first_row: dict[str, int] = {}
    raw = raw.to_dict("records")
    for row in range(len(raw)):
        node_id = _cell(raw, row, "id")
        if not node_id:
            problems.add(row, "id", "value required")
        elif node_id in first_row:
            problems.add(row, "id", f"duplicate node id '{node_id}' (first at {where(first_row[node_id], 'id')})")
        first_row.setdefault(node_id, row)
        kind = _cell(raw, row, "kind")
        if kind not in NODE_KINDS:
            problems.add(row, "kind", f"unknown node kind {kind!r}; expected one of {', '.join(NODE_KINDS)}")
        records.append(
            {
                "id": node_id,
                "kind": kind,
                "name": _cell(raw, row, "name") or node_id,
                "name_zh": _cell(raw, row, "name_zh"),
                "lon": _number(raw, row, "lon", problems, low=-180, high=180),
                "lat": _number(raw, row, "lat", problems, low=-90, high=90),
                "subkind": _cell(raw, row, "subkind"),
                "freight_station": _bool(raw, row, "freight_station", problems),
                "swap_bays": int(_number(raw, row, "swap_bays", problems, default=0.0, low=0, high=1000) or 0),
                "charge_points": int(_number(raw, row, "charge_points", problems, default=0.0, low=0, high=10000) or 0),
                "district": _cell(raw, row, "district"),
                "source": _cell(raw, row, "source"),
            }
        )
    problems.raise_if_any()
    return pd.DataFrame.from_records(records, columns=["id", *_NODE_OUT]).set_index("id")


def _default_speed(mode: str, road_class: str, rail_class: str, defaults: NetworkDefaults) -> float | None:
    if mode == "road":
        return defaults.road_speed_kph.get(road_class)
    if mode == "rail":
        return defaults.rail_speed_kph.get(rail_class)
    if mode == "spur":
        return defaults.spur_speed_kph
    return defaults.conveyor_speed_kph


def parse_edges(raw: pd.DataFrame, node_ids, where: Where, defaults: NetworkDefaults) -> pd.DataFrame:
    """Typed edge table with ``hours`` = distance / speed. Blank speeds come from ``defaults``.

    A road edge without ``road_class`` is a ``county`` road; a rail edge without ``rail_class`` is
    ``conventional``; a rail edge without ``paths_per_day`` gets the default; other modes have no path limit.
    """
    _check_columns(raw, REQUIRED_EDGE_COLUMNS, where)
    known = set(node_ids)
    problems = _Problems(where)
    records = []
    raw = raw.to_dict("records")
    for row in range(len(raw)):
        ends = {}
        for column in ("u", "v"):
            ends[column] = _cell(raw, row, column)
            if ends[column] not in known:
                problems.add(row, column, f"unknown node '{ends[column]}'" if ends[column] else "value required")
        if ends["u"] and ends["u"] == ends["v"]:
            problems.add(row, "v", f"edge from '{ends['u']}' to itself")
        mode = _cell(raw, row, "mode")
        if mode not in EDGE_MODES:
            problems.add(row, "mode", f"unknown edge mode {mode!r}; expected one of {', '.join(EDGE_MODES)}")
        road_class = _cell(raw, row, "road_class") or ("county" if mode == "road" else "")
        rail_class = _cell(raw, row, "rail_class") or ("conventional" if mode == "rail" else "")
        if mode == "road" and road_class not in defaults.road_speed_kph:
            problems.add(row, "road_class", f"unknown road class {road_class!r}; expected one of {', '.join(defaults.road_speed_kph)}")
        if mode == "rail" and rail_class not in defaults.rail_speed_kph:
            problems.add(row, "rail_class", f"unknown rail class {rail_class!r}; expected one of {', '.join(defaults.rail_speed_kph)}")
        distance_km = _number(raw, row, "distance_km", problems, positive=True, high=5000)
        if _cell(raw, row, "speed_kph"):
            speed = _number(raw, row, "speed_kph", problems, positive=True, high=400)
        else:
            speed = _default_speed(mode, road_class, rail_class, defaults) or math.nan
        default_paths = defaults.rail_paths_per_day.default if mode == "rail" else math.inf
        paths = _number(raw, row, "paths_per_day", problems, default=default_paths, high=1000)
        if paths is not None and paths <= 0:
            problems.add(row, "paths_per_day", f"must be > 0, got {paths:g}")
        records.append(
            {
                **ends,
                "mode": mode,
                "distance_km": distance_km,
                "speed_kph": speed,
                "hours": (distance_km / speed) if distance_km and speed and speed > 0 else math.nan,
                "road_class": road_class,
                "rail_class": rail_class,
                "electrified": _bool(raw, row, "electrified", problems),
                "paths_per_day": paths,
                "line": _cell(raw, row, "line"),
                "source": _cell(raw, row, "source"),
            }
        )
    problems.raise_if_any()
    return pd.DataFrame.from_records(records, columns=list(_EDGE_OUT))
