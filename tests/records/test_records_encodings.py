"""Encodings: accepted ones round-trip Chinese text exactly; others are refused with the file name."""

from __future__ import annotations

import pandas as pd
import pytest
from record_generators import HEADER, TEN_ROWS, damaged_gbk, latin1_file, standard_file, undecodable_file, write_csv

from freight_sim.errors import RecordError
from freight_sim.records import read_records
from freight_sim.records.decoding import decode_bytes

TEXT_COLUMNS = ["plate", "vehicle_type", "material", "counterpart", "waybill"]


def _assert_no_mojibake(frame: pd.DataFrame) -> None:
    for column in TEXT_COLUMNS:
        values = frame[column].dropna().astype(str)
        assert not values.str.contains("\ufffd").any(), column


@pytest.mark.parametrize("encoding, expected", [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("gbk", "gb18030"), ("gb18030", "gb18030")])
def test_accepted_encodings_round_trip_chinese_text(tmp_path, encoding, expected):
    path = standard_file(tmp_path / f"r-{encoding}.csv", encoding=encoding, title="长治某焦化公司2025年过磅记录")
    records = read_records([path])
    assert records.tables[0].encoding == expected
    assert records.rows_read == 10
    _assert_no_mojibake(records.frame)
    assert list(records.frame["material"]) == [row[6] for row in TEN_ROWS]
    assert list(records.frame["counterpart"]) == [row[9] for row in TEN_ROWS]
    assert records.frame["plate"].iloc[0] == "晋D10001"
    assert records.tables[0].header_lines == (2,)


def test_gb18030_characters_outside_gbk_round_trip(tmp_path):
    rows = [list(row) for row in TEN_ROWS]
    rows[0][9] = "𠀀䶮物流"
    path = write_csv(tmp_path / "rare.csv", [HEADER] + rows, "gb18030")
    with pytest.raises(UnicodeEncodeError):
        "𠀀䶮".encode("gbk")  # the test really needs GB18030, not GBK
    records = read_records([path])
    assert records.frame["counterpart"].iloc[0] == "𠀀䶮物流"
    _assert_no_mojibake(records.frame)


def test_question_marks_from_a_lossy_conversion_are_errors_with_line_and_column(tmp_path):
    path = damaged_gbk(tmp_path / "damaged.csv")
    records = read_records([path])
    errors = [(i.line, i.column, i.raw) for i in records.errors()]
    assert errors == [(3, 7, "焦?"), (6, 2, "?D10005")]
    assert records.rows_rejected == 2
    assert records.rows_read == 10
    assert all(issue.format().startswith(f"{path}:") for issue in records.errors())
    _assert_no_mojibake(records.frame)


def test_utf16_is_refused_with_advice(tmp_path):
    path = standard_file(tmp_path / "utf16.csv", encoding="utf-16")
    with pytest.raises(RecordError) as caught:
        read_records([path])
    assert caught.value.lines == [f"{path}:1:1: UTF-16 is not supported, save the file as UTF-8 (CSV UTF-8 in Excel)"]


def test_utf16_without_bom_is_refused(tmp_path):
    path = standard_file(tmp_path / "utf16le.csv", encoding="utf-16-le")
    with pytest.raises(RecordError, match="NUL byte"):
        read_records([path])


def test_latin1_bytes_are_read_as_cp1252_by_evidence(tmp_path):
    path = latin1_file(tmp_path / "latin1.csv")
    records = read_records([path])
    assert records.tables[0].encoding == "cp1252"
    assert records.frame["plate"].tolist() == ["café"]


def test_bytes_no_candidate_decodes_are_refused_never_guessed(tmp_path):
    path = undecodable_file(tmp_path / "bad.csv")
    with pytest.raises(RecordError) as caught:
        read_records([path])
    (line,) = caught.value.lines
    assert line.startswith(f"{path}:2:15: cannot decode the file as UTF-8, GB18030/GBK, Big5, Shift-JIS or cp1252 (byte 0x81")


def test_decoding_order_prefers_utf8():
    text = "日期,净重\n"
    assert decode_bytes(text.encode("utf-8"), "x").encoding == "utf-8"
    assert decode_bytes(text.encode("utf-8-sig"), "x").text == text
    assert decode_bytes(text.encode("gbk"), "x").encoding == "gb18030"


def test_every_unreadable_file_is_reported_together(tmp_path):
    bad = undecodable_file(tmp_path / "a.csv")
    utf16 = standard_file(tmp_path / "b.csv", encoding="utf-16")
    good = standard_file(tmp_path / "c.csv")
    with pytest.raises(RecordError) as caught:
        read_records([bad, good, utf16])
    assert [line.split(":")[0] for line in caught.value.lines] == [str(bad), str(utf16)]
