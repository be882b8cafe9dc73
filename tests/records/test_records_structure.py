"""Structure faults: shifted columns, missing/extra/duplicate columns, merged headers, sheets, totals rows."""

from __future__ import annotations

import datetime as dt

import pytest
from record_generators import HEADER, TEN_ROWS, write_csv, write_lines, write_xlsx

from freight_sim.errors import RecordError
from freight_sim.records import read_records

SHORT_HEADER = "日期,车牌号,燃料类型,排放标准,净重(吨),物料,进出厂,运输方式"


def test_unquoted_thousands_separator_is_reported_with_its_line(tmp_path):
    path = write_lines(
        tmp_path / "shifted.csv",
        [
            SHORT_HEADER,
            "2025-01-06,晋D1,柴油,国五,33.5,焦炭,出厂,公路",
            '2025-01-06,,,,"1,234.5",焦炭,出厂,铁路',
            "2025-01-07,,,,1,234.5,焦炭,出厂,铁路",
            "2025-01-08,晋D2,纯电,,30,焦炭,出厂,公路",
        ],
    )
    records = read_records([path])
    (error,) = records.errors()
    assert (error.line, error.column) == (4, 9)
    assert "9 fields but the header has 8" in error.message
    assert error.raw == "2025-01-07,,,,1,234.5,焦炭,出厂,铁路"
    assert records.rows_rejected == 1
    assert sorted(records.frame["net_weight_t"]) == [30.0, 33.5, 1234.5]


def test_semicolon_and_tab_delimiters_are_sniffed(tmp_path):
    for delimiter in (";", "\t"):
        path = write_csv(tmp_path / "d.csv", [HEADER] + TEN_ROWS, delimiter=delimiter)
        records = read_records([path])
        assert records.tables[0].delimiter == delimiter
        assert records.rows_read == 10 and records.rows_rejected == 0


@pytest.mark.parametrize(
    "drop, expected",
    [
        ("运输方式", "missing required column mode (e.g. 运输方式)"),
        ("净重(吨)", "missing required column net_weight (e.g. 净重)"),
        ("日期", "missing required column date (e.g. 日期)"),
    ],
)
def test_missing_required_column_says_which(tmp_path, drop, expected):
    keep = [i for i, name in enumerate(HEADER) if name != drop]
    rows = [[row[i] for i in keep] for row in [HEADER] + TEN_ROWS]
    path = write_csv(tmp_path / "missing.csv", rows)
    with pytest.raises(RecordError) as caught:
        read_records([path])
    (line,) = caught.value.lines
    assert line.startswith(f"{path}:1:0: {expected}")


def test_gross_minus_tare_stands_in_for_a_missing_net_weight(tmp_path):
    path = write_lines(
        tmp_path / "gt.csv", ["日期,毛重(kg),皮重(kg),运输方式", "2025-01-06,49000,16000,铁路", "2025-01-06,16000,16000,公路"]
    )
    records = read_records([path])
    assert list(records.frame["net_weight_t"]) == [33.0]
    (error,) = records.errors()
    assert (error.line, error.column, error.raw) == (3, 2, "16000 - 16000")


def test_duplicate_columns_are_refused(tmp_path):
    path = write_lines(tmp_path / "dup.csv", ["日期,净重,运输方式,净重(kg)", "2025-01-06,33,公路,33000"])
    with pytest.raises(RecordError) as caught:
        read_records([path])
    assert caught.value.lines == [f"{path}:1:4: duplicate column net_weight: 2 '净重', 4 '净重(kg)' mean the same; keep one"]


def test_extra_unknown_columns_are_ignored(tmp_path):
    rows = [HEADER + ["备注"]] + [row + ["无"] for row in TEN_ROWS]
    records = read_records([write_csv(tmp_path / "extra.csv", rows)])
    assert records.rows_read == 10 and records.rows_rejected == 0


def test_short_rows_report_the_missing_cells(tmp_path):
    path = write_lines(
        tmp_path / "short.csv", [SHORT_HEADER, "2025-01-06,晋D1,柴油,国五,33.5", "2025-01-06,晋D1,柴油,国五,33.5,焦炭,出厂,公路"]
    )
    records = read_records([path])
    assert [(e.line, e.column) for e in records.errors()] == [(2, 8)]
    assert "missing mode" in records.errors()[0].message


def test_totals_row_is_excluded_as_info(tmp_path):
    rows = [HEADER] + TEN_ROWS + [["合计", "", "", "", "", "400", "", "", "", "", ""]]
    records = read_records([write_csv(tmp_path / "totals.csv", rows)])
    assert records.rows_read == 10
    assert records.frame["net_weight_t"].sum() == 400.0
    (info,) = [i for i in records.issues if i.severity == "info"]
    assert (info.line, info.message) == (12, "totals row excluded")
    assert not records.errors()


def test_blank_lines_are_skipped_and_line_numbers_kept(tmp_path):
    lines = [SHORT_HEADER, "", "2025-01-06,晋D1,柴油,国五,33.5,焦炭,出厂,公路", "", "2025-01-07,晋D1,柴油,国五,-1,焦炭,出厂,公路"]
    records = read_records([write_lines(tmp_path / "blank.csv", lines)])
    assert records.rows_read == 2
    assert [(e.line, e.column) for e in records.errors()] == [(5, 5)]


def test_quoted_line_breaks_keep_physical_line_numbers(tmp_path):
    lines = [SHORT_HEADER, '2025-01-06,晋D1,柴油,国五,33.5,"焦炭\n二级",出厂,公路', "2025-01-07,晋D1,柴油,国五,0,焦炭,出厂,公路"]
    records = read_records([write_lines(tmp_path / "nl.csv", lines)])
    assert [(e.line, e.column) for e in records.errors()] == [(4, 5)]
    assert records.frame["material"].iloc[0] == "焦炭\n二级"


def test_title_rows_and_merged_two_row_header_in_csv(tmp_path):
    path = write_lines(
        tmp_path / "merged.csv",
        [
            "长治某焦化有限公司 2025年1月 过磅明细",
            "导出时间：2025-02-01",
            "日期,车牌号,重量(kg),,,物料,运输方式",
            ",,毛重,皮重,净重,,",
            "2025-01-06,晋D1,49000,16000,33000,焦炭,公路",
            "2025-01-07,晋D2,48000,16000,-5,焦炭,公路",
        ],
    )
    records = read_records([path])
    assert records.tables[0].header_lines == (3, 4)
    assert list(records.frame["net_weight_t"]) == [33.0]
    assert [(e.line, e.column) for e in records.errors()] == [(6, 5)]


def test_empty_and_header_only_files(tmp_path):
    empty = write_lines(tmp_path / "empty.csv", [])
    with pytest.raises(RecordError, match="empty"):
        read_records([empty])
    header_only = write_csv(tmp_path / "header.csv", [HEADER])
    records = read_records([header_only])
    assert records.rows_read == 0 and records.frame.empty
    assert [i.message for i in records.issues] == ["header only: no data rows"]


def test_no_recognisable_header_is_refused(tmp_path):
    path = write_lines(tmp_path / "nohead.csv", ["a,b,c", "1,2,3"])
    with pytest.raises(RecordError) as caught:
        read_records([path])
    assert caught.value.lines[0].startswith(f"{path}:1:0: no recognisable header")


def _sheet_rows(title: str) -> list[list[object]]:
    return [
        [title],
        ["日期", "车牌号", "重量", None, None, "燃料类型", "运输方式"],
        [None, None, "毛重", "皮重", "净重", None, None],
        [dt.datetime(2025, 1, 6, 8, 30), "晋D1", 49, 16, 33, "柴油", "公路"],
        [45664, "晋D2", 46, 16, 30, "纯电", "公路"],
        ["2025年1月8日", None, None, None, 5000, None, "铁路"],
        ["2025-01-09", "晋D3", 48, 16, 0, "柴油", "公路"],
        ["合计", None, None, None, 5063, None, None],
    ]


def test_workbook_with_several_sheets_merged_headers_and_excel_rows(tmp_path):
    path = write_xlsx(
        tmp_path / "book.xlsx",
        {"说明": [["本表为过磅记录导出"]], "一月": _sheet_rows("一月"), "二月": _sheet_rows("二月"), "空": []},
        merges={"一月": ["C2:E2", "A2:A3"], "二月": ["C2:E2"]},
    )
    records = read_records([path])
    assert [t.sheet for t in records.tables] == ["一月", "二月"]
    assert [t.header_lines for t in records.tables] == [(2, 3), (2, 3)]
    assert records.rows_read == 8
    assert [e.format() for e in records.errors()] == [
        f"{path}[一月]:7:E: 净重: weight must be positive, got '0'",
        f"{path}[二月]:7:E: 净重: weight must be positive, got '0'",
    ]
    frame = records.frame[records.frame["sheet"] == "一月"]
    assert list(frame["date"].dt.strftime("%Y-%m-%d %H:%M")) == ["2025-01-06 08:30", "2025-01-07 00:00", "2025-01-08 00:00"]
    assert list(frame["net_weight_t"]) == [33.0, 30.0, 5000.0]
    warnings = [i.format() for i in records.issues if i.severity == "warning"]
    assert warnings[0].startswith(f"{path}[说明]:1:0: warning: sheet skipped: no recognisable header")


def test_sheet_option_reads_one_sheet_and_names_unknown_ones(tmp_path):
    path = write_xlsx(tmp_path / "book.xlsx", {"一月": _sheet_rows("一月"), "二月": _sheet_rows("二月")})
    assert [t.sheet for t in read_records([path], sheet="二月").tables] == ["二月"]
    with pytest.raises(RecordError, match="no sheet named '三月'; sheets: 一月, 二月"):
        read_records([path], sheet="三月")


def test_a_very_wide_row_after_the_file_head_is_refused_with_its_line(tmp_path):
    lines = ["日期,净重,运输方式"] + ["2025-01-06,33,铁路"] * 60 + ["2025-01-06,33,铁路" + "," * 20 + "x"]
    with pytest.raises(RecordError) as caught:
        read_records([write_lines(tmp_path / "wide.csv", lines)])
    (line,) = caught.value.lines
    assert line.startswith(f"{tmp_path / 'wide.csv'}:62:1: cannot split the line into columns (23 fields")


def test_workbook_without_data_is_refused_and_header_only_sheet_reads_zero_rows(tmp_path):
    empty = write_xlsx(tmp_path / "empty.xlsx", {"Sheet1": []})
    with pytest.raises(RecordError, match="no non-empty sheet"):
        read_records([empty])
    header_only = write_xlsx(tmp_path / "header.xlsx", {"一月": [HEADER]})
    records = read_records([header_only])
    assert records.rows_read == 0
    assert [i.format() for i in records.issues] == [f"{header_only}[一月]:1:0: info: header only: no data rows"]


def test_entry_and_exit_dates_read_the_first_alias_and_warn(tmp_path):
    # weighbridge exports often carry both; aliases.yaml lists 出厂日期 before 进厂日期
    path = write_lines(
        tmp_path / "two_dates.csv",
        ["进厂日期,出厂日期,净重,运输方式", "2025-01-05,2025-01-06,33,公路", "2025-01-31,2025-02-01,60,铁路"],
    )
    records = read_records([path])
    assert records.rows_rejected == 0
    assert [d.date() for d in records.frame["date"]] == [dt.date(2025, 1, 6), dt.date(2025, 2, 1)]
    (warning,) = [issue for issue in records.issues if "date" in issue.message]
    assert (warning.severity, warning.line, warning.column) == ("warning", 1, 2)
    assert warning.message == "several date columns: dates are read from '出厂日期'; not from 1 '进厂日期'"


def test_the_same_date_column_twice_is_still_refused(tmp_path):
    path = write_lines(tmp_path / "dup_date.csv", ["日期,净重,运输方式,日期", "2025-01-06,33,公路,2025-01-07"])
    with pytest.raises(RecordError, match="duplicate column date"):
        read_records([path])
