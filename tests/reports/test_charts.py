"""Charts stay readable: outlying intervals clipped with a note, no axis offsets, text kept as text."""

from __future__ import annotations

import re

import pandas as pd

from freight_sim.report import charts


def test_robust_limits_leave_ordinary_intervals_alone_and_clip_an_outlier():
    values = pd.Series([10.0, 12.0, 11.0])
    assert charts.robust_limits(values, values - 1, values + 1) is None
    lows, highs = values - 1, values + 1
    highs.iloc[1] = 5000.0  # one interval a thousand times wider than the others
    low, high = charts.robust_limits(values, lows, highs)
    assert low <= 9.0 and 12.0 < high < 100.0  # every point and ordinary whisker shown, the outlier cut


def test_dots_with_an_outlier_say_the_whisker_is_clipped():
    frame = pd.DataFrame({"v": ["a", "b", "c"], "m": [10.0, 12.0, 11.0], "lo": [9.0, 11.0, 10.0], "hi": [11.0, 5000.0, 12.0]})
    svg = charts.dots_with_ci(frame, "v", "m", "lo", "hi", "x", "title", clipped_note="clipped here")
    assert "clipped here" in svg
    plain = charts.dots_with_ci(frame.assign(hi=[11.0, 13.0, 12.0]), "v", "m", "lo", "hi", "x", "title", clipped_note="clipped here")
    assert "clipped here" not in plain


def test_large_numbers_get_separators_not_offsets_and_text_stays_text():
    svg = charts.bars({"road": 12_345_678.0, "rail": 23_456_789.0, "铁路": 5_000_000.0}, "tonnes", "title")
    assert "1e7" not in svg and "×10" not in svg
    ticks = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    assert any(re.fullmatch(r"\d{1,3}(,\d{3})+", t.strip()) for t in ticks), ticks
    assert "铁路" in ticks  # Chinese label as a text element, drawn by the reader's fonts


def test_readable_numbers():
    assert charts.readable_number(6_640_000.0) == "6,640,000"
    assert charts.readable_number(12.5) == "12.5"
    assert charts.readable_number(0.125) == "0.125"
    assert charts.readable_number(3.0) == "3"
