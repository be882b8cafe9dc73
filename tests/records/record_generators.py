"""Record files for the tests: weighbridge exports as enterprises produce them, with faults on purpose.

Every generator returns the path it wrote. Rows are lists of cell texts; ``HEADER`` is the usual export
header. Line numbers in the tests are those of the written file (1-based, header and title rows counted).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

HEADER = ["日期", "车牌号", "车辆类型", "燃料类型", "排放标准", "净重(吨)", "物料", "进出厂", "运输方式", "收货单位", "磅单号"]

# (date, plate, vehicle type, fuel, standard, net t, material, direction, mode, counterpart, ticket)
TEN_ROWS = [
    ["2025-01-06 08:10", "晋D10001", "重型半挂牵引车", "柴油", "国五", "30", "焦炭", "出厂", "公路", "邯郸钢铁", "B0001"],
    ["2025/1/7", "晋D10001", "重型半挂牵引车", "柴油", "国六", "32", "焦炭", "出厂", "汽运", "邯郸钢铁", "B0002"],
    ["2025年1月8日", "晋D10003", "重型半挂牵引车", "纯电", "", "31", "焦炭", "出厂", "公路", "邯郸钢铁", "B0003"],
    ["2025.1.9", "晋D10004", "换电重卡", "换电", "", "29", "焦炭", "出厂", "公路", "邯郸钢铁", "B0004"],
    ["2025-02-03", "晋D10005", "重型半挂牵引车", "LNG", "国六", "33", "原煤", "进厂", "公路", "潞安化工", "B0005"],
    ["2025-02-04", "晋D10006", "重型半挂牵引车", "氢燃料", "", "30", "原煤", "进厂", "公路", "潞安化工", "B0006"],
    ["2025-02-05", "", "", "", "", "100", "原煤", "进厂", "铁路", "潞安化工", "B0007"],
    ["2025-02-06", "", "", "", "", "50", "原煤", "进厂", "皮带廊道", "潞安化工", "B0008"],
    ["2025-02-07 17:45:00", "晋D10009", "重型半挂牵引车", "柴油", "国四", "34", "焦炭", "出厂", "公路", "邯郸钢铁", "B0009"],
    ["2025-02-08", "晋D10010", "重型半挂牵引车", "", "国六", "31", "焦炭", "出厂", "公路", "邯郸钢铁", "B0010"],
]
# Hand computation for TEN_ROWS (total 400 t):
#   strict-2019:    rail 100 + conveyor 50                                  = 150 t
#   nev-counts:     + BEV 31 + swap BEV 29 + FCEV 30                        = 240 t
#   nev-cn6-counts: + diesel CN6 32 + LNG CN6 33 (row 10 has no fuel: not)  = 305 t
TEN_ROWS_TOTAL_T = 400.0
TEN_ROWS_CLEAN_T = {"strict-2019": 150.0, "nev-counts": 240.0, "nev-cn6-counts": 305.0}


def to_text(rows: list[list[str]], delimiter: str = ",") -> str:
    """CSV text with minimal quoting (a cell holding the delimiter is quoted), lines ending in CRLF."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


def write_bytes(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8", delimiter: str = ",") -> Path:
    """``rows`` as CSV in ``encoding`` (``utf-8-sig`` writes a BOM, ``utf-16`` a UTF-16 BOM)."""
    return write_bytes(path, to_text(rows, delimiter).encode(encoding))


def write_lines(path: Path, lines: list[str], encoding: str = "utf-8") -> Path:
    """Raw lines exactly as given (for faults csv.writer would quote away, such as 1,234 unquoted)."""
    return write_bytes(path, ("\n".join(lines) + "\n").encode(encoding))


def standard_file(path: Path, rows: list[list[str]] | None = None, encoding: str = "utf-8", title: str | None = None) -> Path:
    """A header and rows (TEN_ROWS by default), optionally under a title row."""
    head = [[title]] if title else []
    return write_csv(path, head + [HEADER] + (rows if rows is not None else TEN_ROWS), encoding)


def damaged_gbk(path: Path) -> Path:
    """GBK bytes of a file once converted through a code page without Chinese: some characters became '?'."""
    rows = [list(row) for row in TEN_ROWS]
    rows[1][6] = "焦?"  # line 3, column 7 (material)
    rows[4][1] = "?D10005"  # line 6, column 2 (plate)
    return write_csv(path, [HEADER] + rows, "gbk")


def latin1_file(path: Path) -> Path:
    """Bytes that are valid latin-1 but neither UTF-8 nor GB18030 (0xE9 followed by a comma)."""
    return write_bytes(path, ("date,plate,net weight,mode\r\n2025-01-06,caf\xe9,30,road\r\n").encode("latin-1"))


def undecodable_file(path: Path) -> Path:
    """Bytes no candidate encoding decodes: 0x81 before a comma (undefined in cp1252, an incomplete lead
    byte in GB18030 and Shift-JIS, no Big5 lead byte, not UTF-8)."""
    return write_bytes(path, b"date,plate,net weight,mode\r\n2025-01-06,caf\x81,30,road\r\n")


def many_rows(n: int, seed: int = 7) -> list[list[str]]:
    """``n`` plausible rows cycling through fuels, standards, modes and months (deterministic)."""
    fuels = [("柴油", "国五"), ("柴油", "国六"), ("纯电", ""), ("LNG", "国六"), ("换电", ""), ("柴油", "国四")]
    modes = ["公路", "公路", "公路", "铁路", "公路", "皮带"]
    materials = [("焦炭", "出厂"), ("原煤", "进厂"), ("精煤", "进厂")]
    rows = []
    for i in range(n):
        fuel, standard = fuels[(i * 7 + seed) % len(fuels)]
        mode = modes[(i * 5 + seed) % len(modes)]
        material, direction = materials[(i * 3 + seed) % len(materials)]
        month, day = 1 + i % 12, 1 + (i * 11) % 28
        tonnes = f"{25 + (i * 13 + seed) % 90 / 10:.1f}" if mode == "公路" else f"{200 + (i * 17) % 300}"
        plate = f"晋D{10000 + (i * 31 + seed) % 400}" if mode == "公路" else ""
        rows.append(
            [
                f"2025-{month:02d}-{day:02d} 08:30",
                plate,
                "重型半挂牵引车",
                fuel if mode == "公路" else "",
                standard if mode == "公路" else "",
                tonnes,
                material,
                direction,
                mode,
                "某钢铁公司",
                f"B{i:07d}",
            ]
        )
    return rows


def write_xlsx(path: Path, sheets: dict[str, list[list[object]]], merges: dict[str, list[str]] | None = None) -> Path:
    """A workbook with one sheet per entry (rows written from A1), with optional merged ranges per sheet."""
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
        for cell_range in (merges or {}).get(name, []):
            sheet.merge_cells(cell_range)
    book.save(path)
    return path
