"""Excel workbooks read with bounded memory, hidden sheets left out.

Sheets are listed with their visibility from python-calamine's ``sheets_metadata``: hidden and very hidden
sheets (a backup copy of the data, a lookup list) are skipped and reported. Calamine builds a dense grid
from the first to the last used cell, so one cell written at XFD1048576 in a 2 KiB file would ask for
hundreds of GB. An ``.xlsx``/``.xlsm`` sheet is therefore first scanned as a stream (cell references
only, the declared ``<dimension>`` is ignored); a sheet whose used range is far larger than its cell
count is read by :func:`stream_xlsx_sheet` instead, which keeps only the cells present.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from xml.etree import ElementTree

_CELL_REF = re.compile(rb"<c\b[^>]*?\br=\"([A-Z]{1,3})([0-9]{1,7})\"")
_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
CHUNK_BYTES = 1 << 20
# A sheet is read by calamine when its used range holds at most this many cells per cell present (plus a
# fixed allowance); otherwise cell by cell.
DENSE_FACTOR = 8
DENSE_ALLOWANCE_CELLS = 2_000_000
# Built-in number formats that display dates or times (ECMA-376 part 1, 18.8.30, and the CJK ones).
DATE_FORMAT_IDS = frozenset([*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)])
_EXCEL_EPOCH = dt.datetime(1899, 12, 30)


@dataclass(frozen=True)
class SheetExtent:
    cells: int
    max_row: int
    max_column: int

    @property
    def dense(self) -> bool:
        return self.max_row * self.max_column <= DENSE_FACTOR * self.cells + DENSE_ALLOWANCE_CELLS


def column_number(letters: bytes | str) -> int:
    """A -> 1, Z -> 26, AA -> 27."""
    number = 0
    for char in letters if isinstance(letters, str) else letters.decode("ascii"):
        number = number * 26 + ord(char) - 64
    return number


def _sheet_paths(book: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> path of its XML part inside the package."""
    rels = ElementTree.fromstring(book.read("xl/_rels/workbook.xml.rels"))
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels.iter(f"{_PKG_REL_NS}Relationship")}
    workbook = ElementTree.fromstring(book.read("xl/workbook.xml"))
    paths = {}
    for sheet in workbook.iter(f"{_NS}sheet"):
        target = targets.get(sheet.get(f"{_REL_NS}id"), "")
        paths[sheet.get("name", "")] = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
    return paths


def sheet_extent(book: zipfile.ZipFile, part: str) -> SheetExtent:
    """Cells present and the largest row and column referenced, read as a stream of the sheet's XML."""
    cells = max_row = max_column = 0
    tail = b""
    with book.open(part) as stream:
        while chunk := stream.read(CHUNK_BYTES):
            data = tail + chunk
            end = data.rfind(b"<")  # a reference cut at the chunk's end is read with the next chunk
            end = len(data) if end < 0 else end
            for found in _CELL_REF.finditer(data, 0, end):
                cells += 1
                max_row = max(max_row, int(found.group(2)))
                max_column = max(max_column, column_number(found.group(1)))
            tail = data[end:]
    return SheetExtent(cells, max_row, max_column)


def open_package(path: str) -> zipfile.ZipFile | None:
    """The xlsx/xlsm package, or None for other workbook formats (xls, xlsb, ods) and broken packages."""
    try:
        book = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        return None
    if "xl/workbook.xml" not in book.namelist():
        book.close()
        return None
    return book


def sheet_part(book: zipfile.ZipFile, sheet: str) -> str | None:
    return _sheet_paths(book).get(sheet)


def _shared_strings(book: zipfile.ZipFile) -> list[str]:
    if "xl/sharedStrings.xml" not in book.namelist():
        return []
    strings = []
    with book.open("xl/sharedStrings.xml") as stream:
        for _, element in ElementTree.iterparse(stream):
            if element.tag == f"{_NS}si":
                strings.append("".join(t.text or "" for t in element.iter(f"{_NS}t")))
                element.clear()
    return strings


def _date_styles(book: zipfile.ZipFile) -> list[bool]:
    """Per cell style index: whether its number format shows a date or time."""
    if "xl/styles.xml" not in book.namelist():
        return []
    styles = ElementTree.fromstring(book.read("xl/styles.xml"))
    custom = {}
    for fmt in styles.iter(f"{_NS}numFmt"):
        code = re.sub(r'"[^"]*"|\[[^]]*]|\\.', "", fmt.get("formatCode", "")).lower()
        custom[int(fmt.get("numFmtId", "0"))] = bool(re.search(r"[ymdhs]", code))
    cell_xfs = styles.find(f"{_NS}cellXfs")
    if cell_xfs is None:
        return []
    result = []
    for xf in cell_xfs.iter(f"{_NS}xf"):
        fmt_id = int(xf.get("numFmtId", "0"))
        result.append(custom.get(fmt_id, fmt_id in DATE_FORMAT_IDS))
    return result


def _date1904(book: zipfile.ZipFile) -> bool:
    workbook = ElementTree.fromstring(book.read("xl/workbook.xml"))
    pr = workbook.find(f"{_NS}workbookPr")
    return pr is not None and pr.get("date1904", "0") in ("1", "true")


def _value(cell: ElementTree.Element, strings: list[str], dates: list[bool], date1904: bool) -> object:
    kind = cell.get("t", "n")
    if kind == "inlineStr":
        return "".join(t.text or "" for t in cell.iter(f"{_NS}t"))
    value = cell.find(f"{_NS}v")
    if value is None or value.text is None:
        return None
    text = value.text
    if kind == "s":
        return strings[int(text)]
    if kind in ("str", "e"):
        return text
    if kind == "b":
        return text == "1"
    number = float(text)
    style = int(cell.get("s", "0"))
    if style < len(dates) and dates[style]:
        return _EXCEL_EPOCH + dt.timedelta(days=number + (1462 if date1904 else 0))
    return number


def stream_xlsx_sheet(book: zipfile.ZipFile, part: str, max_columns: int) -> Iterator[tuple[int, list[object]]]:
    """(Excel row number, cell values) of each row that holds a cell; cells right of ``max_columns`` are moved
    into the last column kept, so a stray far cell is still seen (and reported) without widening the table."""
    strings, dates, date1904 = _shared_strings(book), _date_styles(book), _date1904(book)
    with book.open(part) as stream:
        row_number = 0
        values: dict[int, object] = {}
        for _, element in ElementTree.iterparse(stream):
            if element.tag == f"{_NS}c":
                ref = element.get("r")
                if ref:
                    letters = ref.rstrip("0123456789")
                    row_number, column = int(ref[len(letters) :]), column_number(letters)
                else:
                    column = max(values, default=0) + 1
                value = _value(element, strings, dates, date1904)
                if value is not None and value != "":
                    values[min(column, max_columns)] = value
                element.clear()
            elif element.tag == f"{_NS}row":
                row_number = int(element.get("r", row_number + 1))
                if values:
                    yield row_number, [values.get(c) for c in range(1, max(values) + 1)]
                values = {}
                element.clear()
