"""Value faults and value parsing: weights, labels, dates, units, aliases."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from record_generators import HEADER, TEN_ROWS, write_csv, write_lines

from freight_sim.errors import RecordError
from freight_sim.records import load_aliases, read_records
from freight_sim.records.parsing import map_labels, parse_dates, parse_numbers


@pytest.fixture(scope="module")
def aliases():
    return load_aliases()


def _with(changes: dict[tuple[int, int], str]) -> list[list[str]]:
    rows = [list(row) for row in TEN_ROWS]
    for (row, column), value in changes.items():
        rows[row][column] = value
    return [HEADER] + rows


def test_value_faults_are_reported_with_exact_line_column_and_raw_text(tmp_path):
    path = write_csv(
        tmp_path / "faults.csv",
        _with(
            {
                (0, 5): "0",
                (1, 5): "-3",
                (2, 8): "马车",
                (3, 0): "2025-02-30",
                (4, 0): "明天",
                (5, 3): "汽油",
                (6, 5): "",
                (7, 4): "国七",
                (8, 7): "中转",
            }
        ),
    )
    records = read_records([path])
    found = [(e.line, e.column, e.raw) for e in records.errors()]
    assert found == [
        (2, 6, "0"),
        (3, 6, "-3"),
        (4, 9, "马车"),
        (5, 1, "2025-02-30"),
        (6, 1, "明天"),
        (7, 4, "汽油"),
        (8, 6, ""),
        (9, 5, "国七"),
        (10, 8, "中转"),
    ]
    messages = [e.format() for e in records.errors()]
    assert messages[0] == f"{path}:2:6: 净重(吨): weight must be positive, got '0'"
    assert messages[2].startswith(f"{path}:4:9: 运输方式: unknown mode label '马车'; known: road, rail")
    assert messages[3].startswith(f"{path}:5:1: 日期: cannot read date '2025-02-30'")
    assert messages[6] == f"{path}:8:6: 净重(吨): missing net_weight"
    assert records.rows_rejected == 9
    assert len(records.frame) == 1


def test_kg_header_converts_to_tonnes_and_road_weight_above_limit_is_flagged(tmp_path):
    kg = write_lines(tmp_path / "kg.csv", ["日期,净重（公斤）,运输方式", "2025-01-06,33000,公路"])
    assert list(read_records([kg]).frame["net_weight_t"]) == [33.0]
    tonnes = write_lines(tmp_path / "t.csv", ["日期,净重,运输方式", "2025-01-06,33000,公路", "2025-01-06,3300,铁路"])
    records = read_records([tonnes])
    (error,) = records.errors()
    assert (error.line, error.column) == (2, 2)
    assert "if the column is in kg, name it 净重(kg)" in error.message
    assert list(records.frame["mode"]) == ["rail"]


def test_english_headers_and_labels(tmp_path):
    path = write_lines(
        tmp_path / "en.csv",
        [
            "Date,Plate,Fuel Type,Emission Standard,Net Weight (t),Material,Direction,Mode",
            "2025-01-06,JIN-D1,Diesel,China VI,33,coal,in,Road",
        ],
    )
    row = read_records([path]).frame.iloc[0]
    assert (row["fuel"], row["standard"], row["mode"], row["direction"], row["net_weight_t"]) == ("diesel", "cn6", "road", "in", 33.0)


def test_road_row_without_fuel_is_a_warning_not_a_rejection(tmp_path):
    records = read_records([write_csv(tmp_path / "ten.csv", [HEADER] + TEN_ROWS)])
    (warning,) = [i for i in records.issues if i.severity == "warning"]
    assert (warning.line, warning.column) == (11, 4)
    assert records.rows_rejected == 0 and len(records.frame) == 10


def test_missing_fuel_column_is_one_warning(tmp_path):
    path = write_lines(tmp_path / "nofuel.csv", ["日期,净重,运输方式", "2025-01-06,33,公路", "2025-01-07,33,公路", "2025-01-08,330,铁路"])
    warnings = [i for i in read_records([path]).issues if i.severity == "warning"]
    assert [(w.line, w.message) for w in warnings] == [
        (2, "no fuel column: 2 road rows have an unknown powertrain and count as not clean under every profile")
    ]


def test_date_formats_and_excel_serials():
    text = pd.Series(
        [
            "2025-01-06",
            "2025/1/6",
            "2025年1月6日",
            "2025.1.6",
            "2025-01-06 08:30:15",
            "2025/1/6 8:30",
            "45663",
            "20250106",
            "2025-13-01",
            "06/01/2025",
            "12",
        ]
    )
    parsed = parse_dates(text)
    day = pd.Timestamp("2025-01-06")
    assert list(parsed[:4]) == [day] * 4
    assert parsed[4] == pd.Timestamp("2025-01-06 08:30:15")
    assert parsed[5] == pd.Timestamp("2025-01-06 08:30")
    assert parsed[6] == day and parsed[7] == day
    assert parsed[8:].isna().all()  # month 13, day-first text and a small number are not dates


def test_numbers_only_drop_commas_that_group_thousands():
    parsed = parse_numbers(pd.Series(["1,234.5", "12,345,678", "33,5", "1,23", " 30 ", "x"]))
    assert list(parsed[:2]) == [1234.5, 12345678.0]
    assert parsed[2:4].isna().all()
    assert parsed[4] == 30.0 and pd.isna(parsed[5])


def test_value_aliases(aliases):
    fuels = map_labels(
        pd.Series(["柴油", "天然气", "LNG", "CNG", "纯电", "电动", "新能源（纯电）", "换电", "氢", "燃料电池", "甲醇", "插电混动", ""]),
        aliases.value_labels("fuel"),
    )
    assert list(fuels) == ["diesel", "lng", "lng", "cng", "bev", "bev", "bev", "bev", "fcev", "fcev", "methanol", "phev", None]
    standards = map_labels(pd.Series(["国三", "国3", "国III", "国Ⅳ", "国五", "国六", "国VI", "国6b"]), aliases.value_labels("standard"))
    assert list(standards) == ["cn3", "cn3", "cn3", "cn4", "cn5", "cn6", "cn6", "cn6"]
    modes = map_labels(
        pd.Series(["公路", "汽运", "汽车", "铁路", "火车", "铁运", "皮带", "皮带廊道", "管状带式输送", "水运", "管道"]),
        aliases.value_labels("mode"),
    )
    assert list(modes) == ["road"] * 3 + ["rail"] * 3 + ["conveyor"] * 3 + ["waterway", "pipeline"]
    directions = map_labels(pd.Series(["进厂", "入厂", "进", "出厂", "出"]), aliases.value_labels("direction"))
    assert list(directions) == ["in", "in", "in", "out", "out"]


@pytest.mark.parametrize(
    "header, canonical, factor",
    [("净重(吨)", "net_weight", 1.0), ("净重（kg）", "net_weight", 0.001), ("净重/千克", "net_weight", 0.001), ("Net weight [t]", "net_weight", 1.0),
     ("进/出", "direction", None), ("发货单位/收货单位", "counterpart", None), ("过磅日期", "date", None), ("磅单号", "waybill", None)],
)  # fmt: skip
def test_header_aliases_and_units(aliases, header, canonical, factor):
    match = aliases.match_header(header)
    assert (match.canonical, match.tonnes_per_unit) == (canonical, factor)


def test_unknown_headers_do_not_match(aliases):
    assert aliases.match_header("备注") is None
    assert aliases.match_header("") is None
    assert aliases.match_header("净重(箱)").tonnes_per_unit is None


def test_unknown_weight_unit_is_refused(tmp_path):
    path = write_lines(tmp_path / "unit.csv", ["日期,净重(箱),运输方式", "2025-01-06,3,公路"])
    with pytest.raises(RecordError) as caught:
        read_records([path])
    assert caught.value.lines == [f"{path}:1:2: unknown weight unit '箱' in '净重(箱)'; use 吨/t or kg/公斤/千克"]


def test_alias_table_refuses_an_alias_with_two_meanings(tmp_path):
    from freight_sim.errors import ConfigError

    text = (Path(__file__).parents[2] / "freight_sim/records/aliases.yaml").read_text(encoding="utf-8")
    clash = tmp_path / "aliases.yaml"
    clash.write_text(text.replace("  mode: [", "  mode: [净重, ", 1), encoding="utf-8")
    with pytest.raises(ConfigError, match="alias '净重' names both 'net_weight' and 'mode'"):
        load_aliases(clash)
