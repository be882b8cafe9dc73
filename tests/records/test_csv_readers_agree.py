"""Property: Arrow's CSV reader (the fast path for rectangular files) and pandas' C parser (every other file)
read the same cells from any file both accept: quotes, delimiters and line breaks inside cells, CRLF, a BOM,
and every supported encoding."""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from freight_sim.records.decoding import transcode
from freight_sim.records.sources import _arrow_cells, _pandas_cells, _title_rows, read_csv_table

CELL = st.text(alphabet=st.sampled_from(list('ab 1.,;\t"\n\r?煤焦晋车-')), max_size=6)
TITLE_CELL = st.text(alphabet=st.sampled_from(list("ab 1:-导出磅单")), max_size=6)


def _write(path: Path, rows: list[list[str]], delimiter: str, line_end: str, encoding: str, titles: Sequence[list[str]] = ()) -> None:
    """``titles`` as plain lines (no quoting), then ``rows`` as the csv module writes them."""
    with path.open("w", encoding=encoding, newline="") as handle:
        handle.writelines(delimiter.join(title) + line_end for title in titles)
        csv.writer(handle, delimiter=delimiter, lineterminator=line_end).writerows(rows)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    width=st.integers(1, 5),
    data=st.data(),
    delimiter=st.sampled_from([",", ";", "\t"]),
    line_end=st.sampled_from(["\n", "\r\n"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]),
)
def test_arrow_and_pandas_read_the_same_cells(width: int, data: st.DataObject, delimiter: str, line_end: str, encoding: str) -> None:
    rows = data.draw(st.lists(st.lists(CELL, min_size=width, max_size=width), min_size=1, max_size=8))
    if line_end == "\n":  # the csv module quotes only the characters of its own line end: a bare \r would break the line
        rows = [[cell.replace("\r", "") for cell in row] for row in rows]
    rows = [row for row in rows if row != [""]]  # a lone empty cell is a blank line
    # title lines above the table: fewer fields, no quotes (an export title, a blank line)
    titles = data.draw(st.lists(st.lists(TITLE_CELL, min_size=0, max_size=width - 1), max_size=3)) if width > 1 else []
    if not rows:
        return
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "rows.csv"
        _write(path, rows, delimiter, line_end, encoding, titles)
        head = path.read_bytes().decode(encoding).removeprefix("\ufeff").split("\n")
        found = _title_rows(head, delimiter, width)
        source = path if encoding.startswith("utf-8") else transcode(path.read_bytes(), encoding)
        arrow = _arrow_cells(source, delimiter, width, found)
        plain = _pandas_cells(path, encoding, delimiter, width)
    assert len(found) == len(titles)
    assert arrow is not None, "a rectangular file below its title lines takes the fast path"
    plain = plain[list(range(width))]
    pd.testing.assert_frame_equal(arrow, plain, check_dtype=False)


def test_a_title_line_is_read_apart_and_every_line_kept(tmp_path: Path) -> None:
    path = tmp_path / "titled.csv"
    path.write_text("磅单导出 2025-03-01\n日期,车牌号,净重(吨)\n2025-01-02,晋D10001,31.5\n", encoding="utf-8")
    assert _title_rows(path.read_text(encoding="utf-8").split("\n"), ",", 3) == [["磅单导出 2025-03-01", "", ""]]
    table = read_csv_table(path)
    assert table.cells.to_numpy().tolist() == [
        ["磅单导出 2025-03-01", "", ""],
        ["日期", "车牌号", "净重(吨)"],
        ["2025-01-02", "晋D10001", "31.5"],
    ]
    assert table.lines.tolist() == [1, 2, 3]


def test_the_fast_path_reads_line_numbers_past_quoted_line_breaks(tmp_path: Path) -> None:
    path = tmp_path / "multiline.csv"
    path.write_text('日期,备注\n2025-01-02,"two\nlines"\n2025-01-03,x\n', encoding="utf-8")
    assert _arrow_cells(path, ",", 2) is not None
    table = read_csv_table(path)
    assert table.cells[1].tolist() == ["备注", "two\nlines", "x"]
    assert table.lines.tolist() == [1, 2, 4]


def test_a_footer_line_falls_back_to_pandas_and_keeps_every_line(tmp_path: Path) -> None:
    path = tmp_path / "footer.csv"
    path.write_text("日期,车牌号,净重(吨)\n2025-01-02,晋D10001,31.5\n制表人: 张三\n", encoding="utf-8")
    assert _arrow_cells(path, ",", 3) is None
    table = read_csv_table(path)
    assert table.cells.to_numpy().tolist() == [["日期", "车牌号", "净重(吨)"], ["2025-01-02", "晋D10001", "31.5"], ["制表人: 张三", "", ""]]
    assert table.lines.tolist() == [1, 2, 3]
