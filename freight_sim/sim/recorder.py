"""Columnar leg records: array appends in the loop, one DataFrame (docs/data-model.md) at the end.

With ``record_legs`` the recorder keeps one row per vehicle movement; without it, one row per (segment,
vehicle type, period of the start) with ``trips``, ``tonnes`` and positioning km summed. Periods are runs
of whole days given by their first days (the engine uses calendar months; the default is one period per
day). Aggregates of past periods are moved to compact arrays as the run goes, so the running state stays
flat and the output grows with periods x segments, not with trips. A truck or convoy whose rows are always
the same (``repeated_leg``) counts its trips per period instead of adding to the cells at every trip. Rows
starting before the warm-up are not kept.
"""

from __future__ import annotations

import struct
from array import array
from collections.abc import Callable, Sequence
from itertools import pairwise

import numpy as np
import pandas as pd

LEG_COLUMNS = (
    "enterprise",
    "flow",
    "commodity",
    "direction",
    "chain",
    "segment",
    "gate",
    "mode",
    "vehicle_type",
    "origin",
    "destination",
    "tonnes",
    "loaded_km",
    "empty_km",
    "detour_km",
    "electrified_share",
    "shunting_share",
    "start_h",
    "end_h",
    "trips",
)


# one full-table row, packed: segment index, vehicle type index, tonnes, start_h, end_h, extra empty km, trips
ROW = struct.Struct("<iiddddi")
HEAD, TIMES, TAIL = struct.Struct("<iid"), struct.Struct("<dd"), struct.Struct("<di")  # its parts, in order
ROW_DTYPE = np.dtype(
    [("seg", "<i4"), ("vt", "<i4"), ("tonnes", "<f8"), ("start_h", "<f8"), ("end_h", "<f8"), ("extra_km", "<f8"), ("trips", "<i4")]
)
pack_row = ROW.pack


class Recorder:
    """Collects leg rows as (segment index, vehicle type index, tonnes, start_h, end_h, extra empty km, trips)."""

    def __init__(
        self, n_vehicle_types: int, n_days: int, warmup_h: float, record_legs: bool, period_first_days: Sequence[int] | None = None
    ) -> None:
        self.warmup_h = warmup_h
        self.record_legs = record_legs
        self._n_vt = n_vehicle_types
        firsts = list(range(n_days)) if period_first_days is None else list(period_first_days)
        if not firsts or firsts[0] != 0 or any(b <= a for a, b in pairwise(firsts)) or firsts[-1] >= max(n_days, 1):
            raise ValueError(f"period_first_days must rise from 0 and stay below n_days={n_days}: {firsts[:5]}...")
        self._n_periods = len(firsts)
        self._period_start_h = np.asarray(firsts, dtype=float) * 24.0
        self._period_end_h = np.append(self._period_start_h[1:], max(n_days, 1) * 24.0)
        period_of_day = array("i", bytes(4 * max(n_days, 1)))
        for period, (first, stop) in enumerate(zip(firsts, [*firsts[1:], max(n_days, 1)], strict=True)):
            for day in range(first, stop):
                period_of_day[day] = period
        self._period_of_day = period_of_day
        self._closed_below = 0  # periods below this one are compacted
        self._rows = bytearray()  # full table: ROW-packed rows, 44 bytes each
        self._agg: dict[int, list] = {}  # open aggregates: key -> [trips, tonnes, extra km]
        self._closed_key = array("q")  # compacted aggregates of past periods (a key may repeat)
        self._closed_trips = array("q")
        self._closed_tonnes = array("d")
        self._closed_extra = array("d")
        self._pending_counts: list[Callable[[], None]] = []  # of ``repeated_leg``s, added before ``columns``
        self.leg = self._leg_row if record_legs else self._aggregating_leg()

    def _leg_row(self, seg: int, vt: int, tonnes: float, start_h: float, end_h: float, extra_km: float, trips: int = 1) -> None:
        if start_h < self.warmup_h:
            return
        self._rows += pack_row(seg, vt, tonnes, start_h, end_h, extra_km, trips)

    def packed_appender(self) -> Callable[[bytes], None] | None:
        """For hot loops: a function taking ``pack_row(...)`` bytes, or None when rows must go through ``leg``
        (aggregated mode, or a warm-up to filter)."""
        return self._rows.extend if self.record_legs and self.warmup_h <= 0.0 else None

    def _aggregating_leg(self) -> Callable[..., None]:
        """The aggregated mode's ``leg``: a closure over the recorder's tables (its hot path reads no attributes)."""
        warmup_h, period_of_day, n_vt, n_periods, agg = self.warmup_h, self._period_of_day, self._n_vt, self._n_periods, self._agg
        n_days = len(period_of_day)
        last = n_periods - 1

        def leg(seg: int, vt: int, tonnes: float, start_h: float, end_h: float, extra_km: float, trips: int = 1) -> None:
            if start_h < warmup_h:
                return
            day = int(start_h // 24.0)
            key = (seg * n_vt + vt) * n_periods + (period_of_day[day] if day < n_days else last)  # past the horizon: last
            cell = agg.get(key)
            if cell is None:
                agg[key] = [trips, tonnes, extra_km]
            else:
                cell[0] += trips
                cell[1] += tonnes
                cell[2] += extra_km

        return leg

    def repeated_leg(self, seg: int, rows: tuple[tuple[int, int, float], ...]) -> Callable[..., None]:
        """``leg`` for a truck or convoy whose trips on segment ``seg`` always record the same rows, of no
        extra km: (vehicle type index, trips, tonnes) each (a convoy of several vehicle types: a row per
        type). A call's arguments but ``start_h`` and ``end_h`` are not used.

        Aggregated, it counts its trips per period and adds count x trips and count x tonnes to the cells
        when the period changes and before ``columns``: the same sums as a ``leg`` call per row, as tonnes on
        the 1/1024 t grid add exactly in any order."""
        return self._packed_rows(seg, rows) if self.record_legs else self._counted_rows(seg, rows)

    def _packed_rows(self, seg: int, rows: tuple[tuple[int, int, float], ...]) -> Callable[..., None]:
        """``repeated_leg`` of the full table: a trip's rows packed in one piece."""
        extend, warmup_h, pack_times = self._rows.extend, self.warmup_h, TIMES.pack
        # ROW-packed rows are (seg, vt, tonnes) + (start_h, end_h) + (extra km, trips): the constant parts around
        # each row's times, joined by the packed times, give the rows of a trip in one piece
        heads = [HEAD.pack(seg, m_vt, m_tonnes) for m_vt, _, m_tonnes in rows]
        tails = [TAIL.pack(0.0, m_trips) for _, m_trips, _ in rows]
        joints = [heads[0], *(tail + head for tail, head in zip(tails[:-1], heads[1:], strict=True)), tails[-1]]

        def packed(seg_: int, vt: int, tonnes: float, start_h: float, end_h: float, extra_km: float, trips: int = 1) -> None:
            if start_h < warmup_h:
                return
            extend(pack_times(start_h, end_h).join(joints))

        return packed

    def _counted_rows(self, seg: int, rows: tuple[tuple[int, int, float], ...]) -> Callable[..., None]:
        """``repeated_leg`` of the aggregates: trips counted per period, added to the cells later."""
        warmup_h, period_of_day, agg, n_periods = self.warmup_h, self._period_of_day, self._agg, self._n_periods
        n_days, last = len(period_of_day), n_periods - 1
        cells = tuple(((seg * self._n_vt + m_vt) * n_periods, m_trips, m_tonnes) for m_vt, m_trips, m_tonnes in rows)
        counted = [0, 0]  # [period, trips counted in it]

        def add_counted() -> None:
            period, count = counted
            if not count:
                return
            counted[1] = 0
            for first_key, m_trips, m_tonnes in cells:
                key = first_key + period
                cell = agg.get(key)
                if cell is None:
                    agg[key] = [count * m_trips, count * m_tonnes, 0.0]
                else:
                    cell[0] += count * m_trips
                    cell[1] += count * m_tonnes

        def counting(seg_: int, vt: int, tonnes: float, start_h: float, end_h: float, extra_km: float, trips: int = 1) -> None:
            if start_h < warmup_h:
                return
            day = int(start_h // 24.0)
            period = period_of_day[day] if day < n_days else last
            if period != counted[0]:
                add_counted()
                counted[0] = period
            counted[1] += 1

        self._pending_counts.append(add_counted)
        return counting

    def close_days_before(self, day: int) -> None:
        """Move aggregates of periods that end before ``day`` to compact arrays (a late row for such a period
        opens a new aggregate, merged at the end)."""
        if self.record_legs or day <= 0 or day >= len(self._period_of_day):
            return
        below = self._period_of_day[day]
        if below <= self._closed_below:
            return
        self._closed_below = below
        n_periods = self._n_periods
        done = [key for key in self._agg if key % n_periods < below]
        for key in done:
            trips, tonnes, extra = self._agg.pop(key)
            self._closed_key.append(key)
            self._closed_trips.append(trips)
            self._closed_tonnes.append(tonnes)
            self._closed_extra.append(extra)

    def columns(self) -> dict[str, np.ndarray]:
        """Raw columns (aggregates: one row per key, summed over compacted parts, ordered by key).

        Full-table columns but ``trips`` are strided views into the packed rows (no copy; the rows stay
        alive while a view does).
        """
        if self.record_legs:
            rows = np.frombuffer(self._rows, dtype=ROW_DTYPE)
            return {
                "seg": rows["seg"],
                "vt": rows["vt"],
                "tonnes": rows["tonnes"],
                "start_h": rows["start_h"],
                "end_h": rows["end_h"],
                "extra_km": rows["extra_km"],
                "trips": rows["trips"].astype(np.int64),
            }
        self._add_pending_counts()
        open_keys = list(self._agg)
        keys = np.concatenate([np.asarray(self._closed_key, dtype=np.int64), np.array(open_keys, dtype=np.int64)])
        cells = [self._agg[k] for k in open_keys]

        def column(closed: array, i: int, dtype) -> np.ndarray:
            return np.concatenate([np.asarray(closed, dtype=dtype), np.array([c[i] for c in cells], dtype=dtype)])

        unique, inverse = np.unique(keys, return_inverse=True)

        def summed(values: np.ndarray) -> np.ndarray:
            out = np.zeros(len(unique), dtype=values.dtype)
            np.add.at(out, inverse, values)
            return out

        period = unique % self._n_periods
        seg_vt = unique // self._n_periods
        return {
            "seg": (seg_vt // self._n_vt).astype(np.int32),
            "vt": (seg_vt % self._n_vt).astype(np.int32),
            "tonnes": summed(column(self._closed_tonnes, 1, float)),
            "start_h": np.maximum(self._period_start_h[period], self.warmup_h),
            "end_h": self._period_end_h[period],
            "extra_km": summed(column(self._closed_extra, 2, float)),
            "trips": summed(column(self._closed_trips, 0, np.int64)),
        }

    def _add_pending_counts(self) -> None:
        for add_counted in self._pending_counts:
            add_counted()

    @property
    def n_rows(self) -> int:
        self._add_pending_counts()
        return len(self._rows) // ROW.size if self.record_legs else len(self._agg) + len(self._closed_key)


def legs_frame(cols: dict[str, np.ndarray], segment_table: pd.DataFrame, vehicle_ids: list[str]) -> pd.DataFrame:
    """Expand raw columns to the leg table; ``segment_table`` has one row per global segment index.

    String columns are built as categoricals from the segment table's codes (no per-row objects).
    """
    seg = cols["seg"]
    trips = cols["trips"]
    data: dict[str, object] = {}
    for name in ("enterprise", "flow", "commodity", "direction", "chain", "segment"):
        data[name] = _take_categorical(segment_table[name], seg)
    data["gate"] = segment_table["gate"].to_numpy(dtype=bool)[seg]
    data["mode"] = _take_categorical(segment_table["mode"], seg)
    data["vehicle_type"] = pd.Categorical.from_codes(cols["vt"], categories=list(vehicle_ids))
    data["origin"] = _take_categorical(segment_table["origin"], seg)
    data["destination"] = _take_categorical(segment_table["destination"], seg)
    data["tonnes"] = cols["tonnes"]
    data["loaded_km"] = segment_table["loaded_km"].to_numpy(dtype=float)[seg] * trips
    data["empty_km"] = segment_table["empty_km"].to_numpy(dtype=float)[seg] * trips + cols["extra_km"]
    data["detour_km"] = cols["extra_km"]  # the part of empty_km that is swap detours
    data["electrified_share"] = segment_table["electrified_share"].to_numpy(dtype=float)[seg]
    data["shunting_share"] = segment_table["shunting_share"].to_numpy(dtype=float)[seg]
    data["start_h"] = cols["start_h"]
    data["end_h"] = cols["end_h"]
    data["trips"] = trips
    return pd.DataFrame(data, columns=list(LEG_COLUMNS))


def _take_categorical(column: pd.Series, index: np.ndarray) -> pd.Categorical:
    table = pd.Categorical(column.astype(str))
    return pd.Categorical.from_codes(table.codes[index], categories=table.categories)
