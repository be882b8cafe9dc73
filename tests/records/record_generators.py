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


# --- exports in the shapes real weighbridge and gate systems produce (each a case that once gave a wrong number)

NEV_STANDARD_ROWS = [
    # new-energy trucks whose emission-standard cell names the powertrain instead of a China stage
    ["2025-03-01 08:00", "晋D20001", "重型半挂牵引车", "纯电", "新能源", "31", "焦炭", "出厂", "公路", "邯郸钢铁", "N0001"],
    ["2025-03-01 09:00", "晋D20002", "重型半挂牵引车", "", "纯电动", "30", "焦炭", "出厂", "公路", "邯郸钢铁", "N0002"],
    ["2025-03-01 10:00", "晋D20003", "重型半挂牵引车", "", "氢燃料", "29", "焦炭", "出厂", "公路", "邯郸钢铁", "N0003"],
    ["2025-03-01 11:00", "晋D20004", "重型半挂牵引车", "柴油", "国六", "30", "焦炭", "出厂", "公路", "邯郸钢铁", "N0004"],
]
NEV_STANDARD_CLEAN_T = {"nev-counts": 90.0, "strict-2019": 0.0}  # 31 + 30 + 29; the diesel truck is not clean

# Big5 (traditional characters), Shift-JIS (Japanese names) and cp1252 (accented Latin) exports
BIG5_HEADER = ["日期", "車牌號", "燃料類型", "排放標準", "淨重(噸)", "貨物名稱", "進出廠", "運輸方式", "收貨單位", "磅單號"]
BIG5_ROWS = [
    ["2025-01-06 08:10", "晉D10001", "柴油", "國五", "30", "焦炭", "出廠", "公路", "臺灣鋼鐵公司", "T0001"],
    ["2025-01-07 09:10", "晉D10002", "純電", "", "32", "焦炭", "出廠", "公路", "臺灣鋼鐵公司", "T0002"],
    ["2025-01-08 10:10", "", "", "", "100", "原煤", "進廠", "鐵路", "礦業集團", "T0003"],
]
ASCII_HEADER = ["date", "plate", "fuel", "standard", "net weight (t)", "material", "direction", "mode", "customer", "ticket"]
SHIFT_JIS_ROWS = [
    ["2025-01-06 08:10", "D10001", "diesel", "cn5", "30", "coke", "out", "road", "株式会社東京製鉄", "J0001"],
    ["2025-01-07 09:10", "D10002", "bev", "", "32", "coke", "out", "road", "日本製鉄株式会社", "J0002"],
    ["2025-01-08 10:10", "", "", "", "100", "coal", "in", "rail", "三井物産株式会社", "J0003"],
]
CP1252_ROWS = [
    ["2025-01-06 08:10", "D10001", "diesel", "cn5", "30", "coke", "out", "road", "Société Générale Acier", "C0001"],
    ["2025-01-07 09:10", "D10002", "bev", "", "32", "coke", "out", "road", "Müller Stahl GmbH", "C0002"],
    ["2025-01-08 10:10", "", "", "", "100", "coal", "in", "rail", "Fundição Ibérica", "C0003"],
]
THREE_ROWS_TOTAL_T, THREE_ROWS_CLEAN_T = 162.0, 132.0  # nev-counts: BEV 32 + rail 100


def total_named_counterpart(path: Path) -> Path:
    """A lubricant supplier whose name contains "Total" and "合计"-free totals row at the end."""
    rows = [list(row) for row in TEN_ROWS]
    rows[4][9] = "Total润滑油(天津)有限公司"
    rows[5][9] = "道达尔TOTAL能源"
    totals = ["合计", "", "", "", "", "400", "", "", "", "", ""]
    return write_csv(path, [HEADER, *rows, totals])


def exported_twice(path: Path) -> Path:
    """The same weighings twice: once as is, once re-exported with new ticket numbers, one conflicting row."""
    rows = [list(row) for row in TEN_ROWS]
    again = [list(rows[0]), list(rows[8])]
    again[0][10], again[1][10] = "R0001", "R0009"  # same plate and time, new ticket
    same_ticket = list(rows[2])  # same ticket, plate, date and weight (no time of day)
    return write_csv(path, [HEADER, *rows, *again, same_ticket])


def semicolon_decimal_comma(path: Path, rows_t: list[str], mode: str = "公路") -> Path:
    """A semicolon CSV from a system set to a decimal-comma locale (one row per weight, all of ``mode``)."""
    lines = [";".join(HEADER)]
    for i, tonnes in enumerate(rows_t):
        lines.append(";".join(["2025-01-06", f"晋D1{i:04d}", "", "柴油", "国五", tonnes, "焦炭", "出厂", mode, "邯郸钢铁", f"S{i:04d}"]))
    return write_lines(path, lines)


def hidden_sheet_workbook(path: Path, state: str = "hidden") -> Path:
    """A workbook with the data and a hidden (or very hidden) backup copy of the same rows."""
    write_xlsx(path, {"过磅记录": [HEADER, *TEN_ROWS], "备份": [HEADER, *TEN_ROWS]})
    import openpyxl

    book = openpyxl.load_workbook(path)
    book["备份"].sheet_state = state
    book.save(path)
    return path


def huge_dimension_xlsx(path: Path) -> Path:
    """A small workbook whose sheet claims XFD1048576: a declared dimension and one cell written there."""
    import re
    import zipfile

    source = write_xlsx(path.with_suffix(".src.xlsx"), {"过磅记录": [HEADER, *TEN_ROWS]})
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                data = re.sub(rb'<dimension ref="[^"]*" ?/>', b'<dimension ref="A1:XFD1048576"/>', data)
                data = data.replace(
                    b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
                )
            zout.writestr(item, data)
    source.unlink()
    return path


def full_width_rows() -> list[list[str]]:
    """TEN_ROWS with full-width digits in weights and dates, as typed with a Chinese input method."""
    wide = str.maketrans("0123456789.-:", "０１２３４５６７８９．－：")
    rows = [list(row) for row in TEN_ROWS]
    for row in rows:
        row[5] = row[5].translate(wide)
        if row[0].startswith("2025-"):
            row[0] = row[0].translate(wide)
    return rows


def enterprise_quarter(seed: int = 11) -> list[list[str]]:
    """Three months of one coking plant's gate records: coke out by truck to Handan and by its own siding,
    coal in by truck from Xiangyuan; diesel, LNG and battery-swap trucks, each plate on about one trip a day."""
    import random

    rng = random.Random(seed)
    fleet_out = [(f"晋D3{i:04d}", *(("换电", "") if i < 12 else ("柴油", "国六") if i < 26 else ("柴油", "国五"))) for i in range(40)]
    fleet_in = [(f"晋D4{i:04d}", *(("换电", "") if i < 6 else ("天然气", "国六") if i < 12 else ("柴油", "国五"))) for i in range(24)]
    rows, ticket = [], 0
    for day in range(90):
        date = dt_date(2025, 1, 1) + day
        for plate, fuel, standard in fleet_out:
            ticket += 1
            hour, minute = rng.randrange(6, 22), rng.randrange(60)
            rows.append([f"{date} {hour:02d}:{minute:02d}", plate, "重型半挂牵引车", fuel, standard, f"{rng.uniform(30.0, 33.0):.2f}",
                         "焦炭", "出厂", "公路", "邯郸钢铁有限公司", f"W{ticket:07d}"])  # fmt: skip
        for plate, fuel, standard in fleet_in:
            if rng.random() < 0.8:
                ticket += 1
                hour, minute = rng.randrange(6, 22), rng.randrange(60)
                rows.append([f"{date} {hour:02d}:{minute:02d}", plate, "重型半挂牵引车", fuel, standard, f"{rng.uniform(30.0, 33.0):.2f}",
                             "原煤", "进厂", "公路", "襄垣县某煤矿", f"W{ticket:07d}"])  # fmt: skip
        if day % 3 == 0:
            ticket += 1
            rows.append(
                [
                    f"{date} 10:00",
                    "",
                    "",
                    "",
                    "",
                    f"{rng.uniform(2800, 3200):.1f}",
                    "焦炭",
                    "出厂",
                    "铁路",
                    "邯郸钢铁有限公司",
                    f"W{ticket:07d}",
                ]
            )
    return rows


def dt_date(year: int, month: int, day: int):
    """A date that adds days to itself (``dt_date(2025, 1, 1) + 3`` is 2025-01-04)."""
    import datetime

    class _Date(datetime.date):
        def __add__(self, days):  # type: ignore[override]
            moved = datetime.date.fromordinal(self.toordinal() + int(days))
            return _Date(moved.year, moved.month, moved.day)

    return _Date(year, month, day)
