"""Exports that once gave a wrong number with exit 0: each now gives the right number or a located error."""

from __future__ import annotations

import resource
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from record_generators import (
    ASCII_HEADER,
    BIG5_HEADER,
    BIG5_ROWS,
    CP1252_ROWS,
    HEADER,
    NEV_STANDARD_CLEAN_T,
    NEV_STANDARD_ROWS,
    SHIFT_JIS_ROWS,
    TEN_ROWS,
    TEN_ROWS_CLEAN_T,
    TEN_ROWS_TOTAL_T,
    THREE_ROWS_CLEAN_T,
    THREE_ROWS_TOTAL_T,
    exported_twice,
    full_width_rows,
    hidden_sheet_workbook,
    huge_dimension_xlsx,
    semicolon_decimal_comma,
    standard_file,
    total_named_counterpart,
    write_bytes,
    write_csv,
    write_lines,
    write_xlsx,
)

from freight_sim.errors import RecordError
from freight_sim.policy.profiles import get_profile
from freight_sim.records import audit, read_records


def _clean_t(records, profile: str = "nev-counts") -> float:
    return audit(records.frame, get_profile(profile), 0.8).tonnes_clean


def _errors(records) -> list[tuple[int, int | None]]:
    return [(issue.line, issue.column) for issue in records.errors()]


# --- new-energy labels in the emission-standard column


@pytest.mark.parametrize("profile", sorted(NEV_STANDARD_CLEAN_T))
def test_new_energy_labels_in_the_standard_column_count_as_new_energy(tmp_path, profile):
    records = read_records([write_csv(tmp_path / "nev.csv", [HEADER, *NEV_STANDARD_ROWS])])
    assert records.errors() == []
    assert records.frame["standard"].tolist() == ["nev", "nev", "nev", "cn6"]
    assert records.frame["fuel"].tolist() == ["bev", "bev", "fcev", "diesel"]  # fuel taken from the label when empty
    assert _clean_t(records, profile) == NEV_STANDARD_CLEAN_T[profile]


def test_a_new_energy_standard_with_a_diesel_fuel_is_an_error(tmp_path):
    rows = [list(NEV_STANDARD_ROWS[0])]
    rows[0][3] = "柴油"
    records = read_records([write_csv(tmp_path / "clash.csv", [HEADER, *rows])])
    assert _errors(records) == [(2, 5)]
    assert "new-energy truck but the fuel is '柴油'" in records.errors()[0].message


# --- encodings


@pytest.mark.parametrize(
    "encoding, header, rows",
    [("big5", BIG5_HEADER, BIG5_ROWS), ("shift_jis", ASCII_HEADER, SHIFT_JIS_ROWS), ("cp1252", ASCII_HEADER, CP1252_ROWS)],
)
def test_big5_shift_jis_and_cp1252_decode_as_themselves_never_as_gb18030(tmp_path, encoding, header, rows):
    path = write_csv(tmp_path / f"{encoding}.csv", [header, *rows], encoding)
    records = read_records([path])
    assert records.tables[0].encoding == encoding
    assert records.frame["counterpart"].tolist() == [row[8] for row in rows]  # keys exactly as written
    assert records.frame["net_weight_t"].sum() == THREE_ROWS_TOTAL_T
    assert _clean_t(records) == THREE_ROWS_CLEAN_T


def test_gbk_header_is_not_taken_for_big5(tmp_path):
    path = standard_file(tmp_path / "gbk.csv", encoding="gbk")
    assert read_records([path]).tables[0].encoding == "gb18030"


def test_a_file_no_evidence_settles_is_refused_with_an_encoding_hint(tmp_path):
    # rare GB18030 four-byte characters only: no candidate decodes to mostly common characters
    rows = [["date", "net weight", "mode", "customer"], ["2025-01-06", "30", "road", "𠀀𠀁𠀂𠀃𠀄𠀅"]]
    path = write_csv(tmp_path / "odd.csv", rows, "gb18030")
    with pytest.raises(RecordError) as caught:
        read_records([path])
    (line,) = caught.value.lines
    assert line.startswith(f"{path}:1:1: cannot tell the file's encoding") and "--encoding" in line
    assert read_records([path], encoding="gb18030").frame["counterpart"].iloc[0] == "𠀀𠀁𠀂𠀃𠀄𠀅"


def test_a_given_encoding_that_does_not_fit_is_a_located_error(tmp_path):
    path = standard_file(tmp_path / "gbk.csv", encoding="gbk")
    with pytest.raises(RecordError, match=r"gbk.csv:1:1: byte 0x.. is not valid utf-8 \(given with --encoding\)"):
        read_records([path], encoding="utf-8")


# --- totals rows


def test_a_counterpart_named_total_is_data_and_the_real_totals_row_is_excluded(tmp_path):
    records = read_records([total_named_counterpart(tmp_path / "total.csv")])
    assert records.rows_read == 10
    assert records.frame["net_weight_t"].sum() == TEN_ROWS_TOTAL_T
    assert "Total润滑油(天津)有限公司" in records.frame["counterpart"].tolist()
    (info,) = [i for i in records.issues if i.message == "totals row excluded"]
    assert info.line == 12


def test_a_totals_word_on_a_row_with_a_plate_is_not_a_totals_row(tmp_path):
    row = ["小计", "晋D1", "", "柴油", "国五", "30", "焦炭", "出厂", "公路", "", ""]
    records = read_records([write_csv(tmp_path / "t.csv", [HEADER, *TEN_ROWS, row])])
    assert _errors(records) == [(12, 1)]  # a row with a plate and no date: a missing date, not a total


# --- duplicates


def test_the_same_weighing_exported_twice_counts_once_and_is_reported(tmp_path):
    path = exported_twice(tmp_path / "twice.csv")
    records = read_records([path])
    assert records.frame["net_weight_t"].sum() == TEN_ROWS_TOTAL_T
    assert _clean_t(records) == TEN_ROWS_CLEAN_T["nev-counts"]
    assert records.rows_duplicate == 3
    flagged = sorted((i.line, i.message) for i in records.issues if "duplicate weighing" in i.message)
    assert [line for line, _ in flagged] == [12, 13, 14]
    assert f"duplicate weighing of {path}:2 (same plate and time)" in flagged[0][1]
    assert f"duplicate weighing of {path}:4 (same ticket)" in flagged[2][1]


def test_one_weighing_in_two_files_counts_once(tmp_path):
    first = write_csv(tmp_path / "jan.csv", [HEADER, *TEN_ROWS[:5]])
    both = write_csv(tmp_path / "jan-feb.csv", [HEADER, *TEN_ROWS])
    records = read_records([first, both])
    assert records.frame["net_weight_t"].sum() == TEN_ROWS_TOTAL_T


def test_one_plate_at_one_time_with_two_weights_rejects_both(tmp_path):
    rows = [list(TEN_ROWS[0]), list(TEN_ROWS[0])]
    rows[1][5], rows[1][10] = "25", "X1"
    records = read_records([write_csv(tmp_path / "c.csv", [HEADER, *rows])])
    assert records.frame.empty and records.rows_rejected == 2
    assert [i.line for i in records.errors()] == [2, 3]


def test_two_trips_of_one_truck_on_one_day_without_times_both_count(tmp_path):
    rows = [list(TEN_ROWS[1]), list(TEN_ROWS[1])]
    rows[1][10] = "B0099"
    records = read_records([write_csv(tmp_path / "two.csv", [HEADER, *rows])])
    assert records.frame["net_weight_t"].sum() == 64.0 and records.rows_duplicate == 0


# --- hidden sheets


@pytest.mark.parametrize("state", ["hidden", "veryHidden"])
def test_hidden_backup_sheets_are_skipped_with_a_note(tmp_path, state):
    records = read_records([hidden_sheet_workbook(tmp_path / "b.xlsx", state)])
    assert records.frame["net_weight_t"].sum() == TEN_ROWS_TOTAL_T
    (note,) = [i for i in records.issues if "sheet skipped" in i.message]
    assert note.source.sheet == "备份" and note.severity == "info"


# --- decimal separators


def test_a_semicolon_file_with_decimal_commas_reads_68_250_as_68_25(tmp_path):
    records = read_records([semicolon_decimal_comma(tmp_path / "eu.csv", ["30,5", "68,250", "29,75"], mode="铁路")])
    assert records.tables[0].delimiter == ";"
    assert records.frame["net_weight_t"].tolist() == [30.5, 68.25, 29.75]
    assert records.errors() == []
    trucks = read_records([semicolon_decimal_comma(tmp_path / "road.csv", ["30,5", "68,250"])])
    assert _errors(trucks) == [(3, 6)]  # 68.25 t is more than one truck carries; never 68250 t
    assert "'68,250' t is more than one truck can carry" in trucks.errors()[0].message


def test_a_thousands_or_decimal_comma_no_cell_settles_is_an_error_naming_the_cell(tmp_path):
    path = semicolon_decimal_comma(tmp_path / "amb.csv", ["31,250", "30"])
    records = read_records([path])
    assert _errors(records) == [(2, 6)]
    assert records.errors()[0].raw == "31,250" and "ambiguous number" in records.errors()[0].message
    assert records.frame["net_weight_t"].tolist() == [30.0]


def test_a_decimal_comma_in_a_decimal_point_file_is_an_error(tmp_path):
    path = semicolon_decimal_comma(tmp_path / "mixed.csv", ["30.5", "31.25", "29,5"])
    records = read_records([path])
    assert _errors(records) == [(4, 6)] and "decimal comma in a file" in records.errors()[0].message


# --- plausibility


@pytest.mark.parametrize(
    "mode, tonnes, vehicle, accepted",
    [("铁路", "1e9", "", False), ("铁路", "5000", "", True), ("铁路", "95", "C80敞车", False), ("铁路", "70", "C70敞车", True),
     ("皮带", "1e9", "", False), ("公路", "1e9", "", False), ("公路", "48", "", True)],
)  # fmt: skip
def test_plausibility_bounds_per_mode(tmp_path, mode, tonnes, vehicle, accepted):
    row = ["2025-01-06", "", vehicle, "", "", tonnes, "原煤", "进厂", mode, "", ""]
    if mode == "公路":
        row[3] = "柴油"
    records = read_records([write_csv(tmp_path / "p.csv", [HEADER, row])])
    assert (records.rows_rejected == 0) == accepted
    if not accepted:
        assert _errors(records) == [(2, 6)] and "plausibility.yaml" in records.errors()[0].message


def test_a_kg_header_over_values_that_are_tonnes_is_refused_at_the_header(tmp_path):
    path = write_lines(tmp_path / "kg.csv", ["日期,净重(kg),运输方式", "2025-01-06,31.5,公路", "2025-01-07,29.8,公路"])
    with pytest.raises(RecordError) as caught:
        read_records([path])
    (line,) = caught.value.lines
    assert line.startswith(f"{path}:1:2: '净重(kg)' says kg but its median value is 30.65")


# --- dates and times


def test_dates_after_the_run_date_are_errors(tmp_path):
    rows = [list(TEN_ROWS[0]), list(TEN_ROWS[1])]
    rows[1][0] = "2031-05-01"
    records = read_records([write_csv(tmp_path / "f.csv", [HEADER, *rows])], run_date=pd.Timestamp("2026-01-01"))
    assert _errors(records) == [(3, 1)] and "after the run date 2026-01-01" in records.errors()[0].message


def test_dates_after_the_export_date_of_the_title_row_are_errors(tmp_path):
    title = ["某焦化公司过磅记录  导出日期：2025-02-05 17:00"]
    path = write_csv(tmp_path / "e.csv", [title, HEADER, *TEN_ROWS])
    records = read_records([path], run_date=pd.Timestamp("2026-01-01"))
    assert [line for line, _ in _errors(records)] == [10, 11, 12]  # 2025-02-06 .. 2025-02-08
    assert "after the export date 2025-02-05 (line 1)" in records.errors()[0].message


@pytest.mark.parametrize("text", ["2025-01-06 25:10", "2025-01-06 08:75", "2025/1/6 24:00:00", "2025年1月6日 25时10分"])
def test_impossible_times_are_errors(tmp_path, text):
    row = [text, *TEN_ROWS[0][1:]]
    records = read_records([write_csv(tmp_path / "t.csv", [HEADER, row])])
    assert _errors(records) == [(2, 1)] and "impossible date or time" in records.errors()[0].message


# --- full-width digits


def test_full_width_digits_are_read(tmp_path):
    records = read_records([write_csv(tmp_path / "wide.csv", [HEADER, *full_width_rows()])])
    assert records.errors() == []
    assert records.frame["net_weight_t"].sum() == TEN_ROWS_TOTAL_T
    assert records.frame["date"].iloc[0] == pd.Timestamp("2025-01-06 08:10")


# --- duplicate column names


def test_the_same_column_name_twice_is_an_error_naming_both_columns(tmp_path):
    header = [*HEADER, "备注", "备注"]
    path = write_csv(tmp_path / "d.csv", [header, *[[*row, "", ""] for row in TEN_ROWS]])
    with pytest.raises(RecordError) as caught:
        read_records([path])
    assert caught.value.lines == [f"{path}:1:13: duplicate column name '备注' in columns 12 and 13; rename or remove one"]


def test_the_same_column_name_twice_in_a_sheet_names_the_sheet_and_letters(tmp_path):
    book = write_xlsx(tmp_path / "d.xlsx", {"过磅": [[*HEADER, "备注", "备注"], *TEN_ROWS]})
    with pytest.raises(RecordError) as caught:
        read_records([book])
    assert caught.value.lines == [f"{book}[过磅]:1:M: duplicate column name '备注' in columns L and M; rename or remove one"]


# --- declared sheet dimensions


def test_a_sheet_claiming_xfd1048576_is_read_cell_by_cell(tmp_path):
    path = huge_dimension_xlsx(tmp_path / "huge.xlsx")
    assert path.stat().st_size < 10_000
    records = read_records([path])
    assert records.frame["net_weight_t"].sum() == TEN_ROWS_TOTAL_T
    assert [(i.line, i.source.sheet) for i in records.errors()] == [(1048576, "过磅记录")]  # the stray far cell, located


def test_ratio_on_a_sheet_claiming_xfd1048576_stays_under_500_mb(tmp_path):
    path = huge_dimension_xlsx(tmp_path / "huge.xlsx")
    script = (
        "import resource, sys\n"
        "from freight_sim.cli import app\n"
        "try:\n"
        f"    app([ 'ratio', {str(path)!r}, '--out', {str(tmp_path / 'o')!r}, '--json'])\n"
        "except SystemExit as exc:\n"
        "    code = exc.code\n"
        "peak = [int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmHWM:')]\n"
        "print('PEAK', (peak[0] if peak else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) // 1024, 'EXIT', code)\n"
    )
    limit = 500 * 1024 * 1024

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit * 4, limit * 4))  # address space, not RSS: a safety net only

    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, preexec_fn=cap, check=False)
    line = [text for text in done.stdout.splitlines() if text.startswith("PEAK")][-1]
    peak_mb, code = int(line.split()[1]), int(line.split()[3])
    assert peak_mb < 500, done.stderr
    assert code == 4  # computed, with one rejected row (the stray cell)


def test_an_xls_bytes_file_that_is_not_a_workbook_is_a_located_error(tmp_path):
    path = write_bytes(tmp_path / "fake.xlsx", b"PK\x03\x04 not really a zip")
    with pytest.raises(RecordError, match=r"fake.xlsx:1:1: cannot open the workbook"):
        read_records([path])


def test_ten_rows_still_give_the_hand_computed_numbers(tmp_path):
    records = read_records([write_csv(tmp_path / "ten.csv", [HEADER, *TEN_ROWS])])
    for profile, clean in TEN_ROWS_CLEAN_T.items():
        assert np.isclose(_clean_t(records, profile), clean)
