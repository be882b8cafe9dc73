"""Read record files into raw text tables that remember where every row came from.

A :class:`RawTable` holds every cell as text (``""`` for empty) with integer column labels, and the line
(CSV) or row (Excel) number of each row in the original file, so that every later message can point at
the cell the user has to fix.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from freight_sim.errors import RecordError
from freight_sim.records.decoding import detect_encoding, read_bytes, transcode
from freight_sim.records.issues import SourceRef
from freight_sim.records.workbook import open_package, sheet_extent, sheet_part, stream_xlsx_sheet

EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
DELIMITERS = (",", "\t", ";")
SNIFF_LINES = 50
# Extra columns read beyond the widest line of the file head, so rows with stray delimiters are caught
# and reported instead of breaking the parser.
EXTRA_FIELDS = 8


@dataclass(frozen=True)
class RawTable:
    """One table of a record file: a CSV file or one Excel sheet."""

    source: SourceRef
    cells: pd.DataFrame  # text cells, columns 0..n-1
    lines: np.ndarray  # 1-based line/row number in the file of each row of ``cells``
    encoding: str | None = None
    delimiter: str | None = None
    hidden: str | None = None  # "hidden" or "very hidden" for an Excel sheet that is skipped (cells left empty)


def is_excel(path: Path) -> bool:
    return Path(path).suffix.lower() in EXCEL_SUFFIXES


def sniff_delimiter(head_lines: list[str]) -> str:
    """The delimiter among comma, tab and semicolon that splits the head of the file most consistently."""
    best, best_score = ",", (False, 0, 0)
    for delimiter in DELIMITERS:
        counts = [len(row) for row in csv.reader(head_lines, delimiter=delimiter) if any(cell.strip() for cell in row)]
        counts = [count for count in counts if count > 1]
        if not counts:
            continue
        width, frequency = max(Counter(counts).items(), key=lambda item: (item[1], item[0]))
        score = (True, frequency, width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _record_start_lines(text: str, delimiter: str) -> np.ndarray:
    """Line number where each CSV record starts; only needed when quoted cells contain line breaks."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    starts = []
    previous_end = 0
    for _ in reader:
        starts.append(previous_end + 1)
        previous_end = reader.line_num
    return np.asarray(starts, dtype=np.int64)


def release_freed_memory() -> None:
    """Hand freed memory back to the system: Arrow's pool, and the C heap (glibc ``malloc_trim``).

    The CSV parser builds every cell as a Python string before the columns become Arrow strings; the freed
    strings stay in the C heap, which Arrow's own allocator does not reuse, so without this the process
    would carry them through the rest of the audit."""
    import ctypes
    import ctypes.util

    import pyarrow as pa

    pa.default_memory_pool().release_unused()  # Arrow's allocator keeps freed blocks for a while otherwise
    name = ctypes.util.find_library("c")
    if name is None:
        return
    try:
        trim = ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):
        return
    trim(0)


def read_csv_table(path: Path, encoding: str | None = None) -> RawTable:
    """A CSV/TXT record file as text cells, decoded strictly (see :mod:`freight_sim.records.decoding`)."""
    name = str(path)
    data = read_bytes(path)
    chosen = detect_encoding(data, name, encoding)
    if not data or data.isspace():
        raise RecordError(f"{name}:1:1: the file is empty: no header and no rows")
    # "\n" is never part of a multi-byte character in the accepted encodings: lines are counted on the bytes
    physical_lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    head = codecs.getincrementaldecoder(chosen)().decode(data[: 1 << 20], final=False).split("\n", SNIFF_LINES)[:SNIFF_LINES]
    head[0] = head[0].removeprefix("\ufeff")
    try:
        delimiter = sniff_delimiter(head)
        head_width = max(len(row) for row in csv.reader(head, delimiter=delimiter))
    except csv.Error as exc:
        raise RecordError(f"{name}:1:1: the head of the file cannot be split into CSV rows: {exc}") from None
    # Arrow reads UTF-8 (a byte-order mark included) from the file; a legacy encoding is transcoded once, in
    # chunks, and read from memory (Arrow's own transcoding calls back into Python for every block)
    utf8 = None if chosen in ("utf-8", "utf-8-sig") else transcode(data, chosen)
    del data  # the parsers read the file (or its UTF-8 copy) themselves: no second copy of the whole text
    titles = _title_rows(head, delimiter, head_width)
    cells = _arrow_cells(path if utf8 is None else utf8, delimiter, head_width, titles)
    del utf8
    if cells is None:
        cells = _pandas_cells(path, chosen, delimiter, head_width)
    release_freed_memory()
    if len(cells) == physical_lines:
        lines = np.arange(1, len(cells) + 1, dtype=np.int64)
    else:
        lines = _record_start_lines(read_bytes(path).decode(chosen).removeprefix("\ufeff"), delimiter)
        if len(lines) != len(cells):
            raise RecordError(f"{name}:1:1: cannot match CSV records to lines ({len(cells)} records, {len(lines)} found); check quotes")
    used = [c for c in cells.columns if c < head_width or (cells[c].to_numpy() != "").any()]
    text_cells = pd.DataFrame({c: cells[c] if c < head_width else cells[c].astype("str") for c in used}, index=cells.index)
    return RawTable(SourceRef(name), text_cells, lines, chosen, delimiter)


def _title_rows(head: list[str], delimiter: str, width: int) -> list[list[str]]:
    """The lines above the first line of ``width`` fields (a title, an export note, blank lines), as cells
    padded to ``width``; none when one of them holds a quote (a quoted line break would make lines and rows
    differ: the general parser reads such a file)."""
    rows: list[list[str]] = []
    for line, row in zip(head, csv.reader(head, delimiter=delimiter), strict=False):
        if len(row) >= width:
            return rows
        if '"' in line:
            return []
        rows.append(row + [""] * (width - len(row)))
    return []


def _arrow_cells(source: Path | bytes | bytearray, delimiter: str, width: int, titles: Sequence[list[str]] = ()) -> pd.DataFrame | None:
    """Every line of a UTF-8 file or buffer as text cells, read by Arrow's CSV reader (several times faster
    than pandas' on large files) when, below its ``titles`` (see :func:`_title_rows`), every line has ``width``
    fields; None otherwise (a footer, a stray delimiter), and :func:`_pandas_cells` then reads and reports."""
    import pyarrow as pa
    import pyarrow.csv as pa_csv

    names = [str(c) for c in range(width)]
    try:
        table = pa_csv.read_csv(
            source if isinstance(source, Path) else pa.BufferReader(pa.py_buffer(source)),
            read_options=pa_csv.ReadOptions(column_names=names, encoding="utf8", block_size=1 << 24, skip_rows=len(titles)),
            parse_options=pa_csv.ParseOptions(delimiter=delimiter, newlines_in_values=True, ignore_empty_lines=False),
            convert_options=pa_csv.ConvertOptions(
                # large strings: what pandas' text columns hold (no cast of every column afterwards)
                column_types=dict.fromkeys(names, pa.large_string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError):
        return None
    cells = table.to_pandas()
    del table
    cells.columns = range(width)
    if titles:
        cells = pd.concat([pd.DataFrame(titles, dtype="str"), cells], ignore_index=True)
    return cells


def _pandas_cells(path: Path, encoding: str, delimiter: str, head_width: int) -> pd.DataFrame:
    """Every line as text cells, up to ``EXTRA_FIELDS`` more than ``head_width``, read by pandas' C parser;
    a line with more fields is an error located at its line."""
    name = str(path)
    names = list(range(head_width + EXTRA_FIELDS))
    try:
        cells = pd.read_csv(
            path,
            encoding=encoding,
            encoding_errors="strict",
            sep=delimiter,
            header=None,
            names=names,
            # pyarrow strings for the columns of the file head; the spare columns stay numpy objects (cheap
            # to build, almost always empty) and become strings below only when a row reaches them
            dtype={c: (str if c < head_width else object) for c in names},
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=False,
            engine="c",
        )
    except (pd.errors.ParserError, ValueError) as exc:
        found = re.search(r"line (\d+), saw (\d+)", str(exc))
        line = found.group(1) if found else "1"
        detail = f"{found.group(2)} fields" if found else str(exc).strip()
        raise RecordError(
            f"{name}:{line}:1: cannot split the line into columns ({detail}, far more than the header): an unquoted"
            " thousands separator or a stray delimiter; check delimiters and quotes"
        ) from None
    return cells


def _excel_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Excel cell values as text: dates as ISO text, whole numbers without ``.0``, empty cells as ``""``."""
    text = {}
    for column in frame.columns:
        values = frame[column]
        as_text = values.astype(str)
        numeric = pd.to_numeric(values.where(values.map(type).isin((int, float))), errors="coerce")
        whole = numeric.notna() & (numeric == numeric.round()) & (numeric.abs() < 1e15)
        if whole.any():
            as_text = as_text.where(~whole, numeric[whole].astype("int64").astype(str))
        text[column] = as_text.where(values.notna(), "").str.replace(" 00:00:00", "", regex=False)  # date cells at midnight
    return pd.DataFrame(text, index=frame.index, dtype="str")


MAX_STREAMED_COLUMNS = 256


def _calamine_rows(book: object, name: str) -> pd.DataFrame:
    rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)  # type: ignore[attr-defined]
    frame = pd.DataFrame(rows, dtype=object)
    frame.index = pd.RangeIndex(1, len(frame) + 1)
    return frame


def _streamed_rows(package: object, part: str) -> pd.DataFrame:
    numbers, rows = [], []
    for number, values in stream_xlsx_sheet(package, part, MAX_STREAMED_COLUMNS):  # type: ignore[arg-type]
        numbers.append(number)
        rows.append(values)
    frame = pd.DataFrame(rows, dtype=object)
    frame.index = pd.Index(numbers, dtype="int64")
    return frame


def _visible_sheets(book: object) -> list[tuple[str, str | None]]:
    """(name, None) for visible worksheets, (name, "hidden" | "very hidden") for hidden ones."""
    result = []
    for meta in book.sheets_metadata:  # type: ignore[attr-defined]
        state = str(meta.visible).rsplit(".", 1)[-1].lower()
        result.append((meta.name, None if state == "visible" else ("very hidden" if "very" in state else "hidden")))
    return result


def read_excel_tables(path: Path, sheet: str | None = None) -> list[RawTable]:
    """Every visible sheet of a workbook (or only ``sheet``) as text cells; row numbers are Excel's.

    Hidden sheets come back with ``hidden`` set and no cells. An xlsx sheet whose used range is far larger
    than its cells is read cell by cell (see :mod:`freight_sim.records.workbook`)."""
    from python_calamine import CalamineWorkbook

    name = str(path)
    try:
        book = CalamineWorkbook.from_path(name)
        sheets = _visible_sheets(book)
    except Exception as exc:  # calamine raises its own types for broken workbooks
        raise RecordError(f"{name}:1:1: cannot open the workbook: {exc}") from None
    if sheet is not None:
        if sheet not in dict(sheets):
            raise RecordError(f"{name}:1:1: no sheet named {sheet!r}; sheets: {', '.join(n for n, _ in sheets)}")
        sheets = [(sheet, None)]  # a sheet asked for by name is read even when hidden
    package = open_package(name)
    tables = []
    try:
        for sheet_name, hidden in sheets:
            source = SourceRef(name, str(sheet_name))
            if hidden is not None:
                tables.append(RawTable(source, pd.DataFrame({0: pd.Series([], dtype="str")}), np.zeros(0, dtype=np.int64), hidden=hidden))
                continue
            part = sheet_part(package, sheet_name) if package is not None else None
            try:
                if package is not None and part is not None and not sheet_extent(package, part).dense:
                    frame = _streamed_rows(package, part)
                else:
                    frame = _calamine_rows(book, sheet_name)
            except Exception as exc:  # broken sheet XML or a calamine error
                raise RecordError(f"{source.label}:1:1: cannot read the sheet: {exc}") from None
            lines = frame.index.to_numpy(dtype=np.int64)
            frame = frame.reset_index(drop=True)
            frame.columns = range(frame.shape[1])
            tables.append(RawTable(source, _excel_text(frame), lines))
    finally:
        if package is not None:
            package.close()
    return tables


def read_tables(path: Path, sheet: str | None = None, encoding: str | None = None) -> list[RawTable]:
    """The raw tables of one record file, CSV or Excel by its suffix."""
    path = Path(path)
    if not path.is_file():
        raise RecordError(f"{path}:1:1: file not found")
    if is_excel(path):
        return read_excel_tables(path, sheet)
    return [read_csv_table(path, encoding)]
