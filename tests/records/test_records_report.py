"""The enterprise report of `freight-sim ratio`: report.html (self-contained, English or Chinese) and ratio.xlsx."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from record_generators import HEADER, TEN_ROWS, write_csv
from typer.testing import CliRunner

from freight_sim.cli import app
from freight_sim.cost.params import load_costs
from freight_sim.fleet.catalog import load_catalog
from freight_sim.records.options import price_options, truck_cny_per_t
from freight_sim.report.ratio_report import load_text

# TEN_ROWS by month under nev-counts (hand computation from the rows in record_generators):
#   2025-01: 30 + 32 + 31 + 29 = 122 t, clean 31 (BEV) + 29 (swap BEV) = 60 t
#   2025-02: 33 + 30 + 100 + 50 + 34 + 31 = 278 t, clean 30 (FCEV) + 100 (rail) + 50 (conveyor) = 180 t
MONTHS = {"2025-01": (122.0, 60.0), "2025-02": (278.0, 180.0)}


def _ratio(tmp_path, *args: str):
    records = write_csv(tmp_path / "磅单.csv", [HEADER, *TEN_ROWS], "gbk")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["ratio", str(records), "--out", str(out), *args])
    assert result.exit_code == 0, result.output
    return out


def test_report_is_self_contained_with_every_section(tmp_path):
    out = _ratio(tmp_path, "--haul-km", "100", "--drayage-km", "10")
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "<script" not in html and not re.search(r"""(src|href)=["']?(https?:|//|file:)""", html)
    assert html.count("<svg") == 3  # ratio by month, tonnes by mode, tonnes by vehicle class
    text = load_text("en")
    for title in ("by_month", "by_mode", "by_vehicle", "what_if", "options", "problems"):
        assert text[title].split(",")[0] in html
    for month, (tonnes, clean) in MONTHS.items():
        assert f'<td>{month}</td><td class="n">{tonnes:,.1f}</td><td class="n">{clean:,.1f}</td>' in html
    assert "100 km" in html and "10 km new-energy drayage" in html
    assert "distances that are estimates" not in html


def test_chinese_report_keeps_chinese_text_as_text_in_the_charts(tmp_path):
    out = _ratio(tmp_path, "--lang", "zh")
    html = (out / "report.html").read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in html and "基于过磅记录的清洁运输比例" in html
    svg_texts = re.findall(r"<text[^>]*>([^<]*)</text>", html)
    assert "清洁运输比例（%）" in svg_texts and "公路" in svg_texts  # axis label and a mode, as SVG text, not paths
    assert "Noto Sans CJK SC" in html
    assert "运距为估计值" in html  # distances not given: the note says they are estimates


def test_ratio_xlsx_has_the_report_tables_with_the_same_numbers(tmp_path):
    out = _ratio(tmp_path)
    sheets = pd.read_excel(out / "ratio.xlsx", sheet_name=None, engine="calamine")
    assert list(sheets) == [
        "ratio by month",
        "tonnes by mode",
        "tonnes by vehicle class",
        "what-if by month",
        "options",
        "rejected and flagged",
    ]
    month = sheets["ratio by month"]
    text = load_text("en")
    assert list(month[text["month"]]) == list(MONTHS)
    assert list(month[text["tonnes"]]) == [t for t, _ in MONTHS.values()]
    assert list(month[text["clean_tonnes"]]) == [c for _, c in MONTHS.values()]
    modes = sheets["tonnes by mode"].set_index(text["mode"])[text["tonnes"]].to_dict()
    assert modes == {"road": 250.0, "rail": 100.0, "conveyor": 50.0}
    problems = sheets["rejected and flagged"]
    assert list(problems[text["severity"]]) == ["warning"] and list(problems[text["line"]]) == [11]


def test_what_if_moves_the_tonnes_each_month_needs_with_the_cheapest_option(tmp_path):
    out = _ratio(tmp_path, "--haul-km", "100", "--drayage-km", "10")
    what_if = pd.read_excel(out / "ratio.xlsx", sheet_name="what-if by month", engine="calamine")
    text = load_text("en")
    shift = {m: max(0.0, 0.8 * t - c) for m, (t, c) in MONTHS.items()}
    assert what_if[text["tonnes_to_shift"]].tolist() == pytest.approx(list(shift.values()))
    # January: non-clean road rows 30 t and 32 t of one plate: 31 t per trip, 2 trips per truck
    january = what_if.iloc[0]
    assert january[text["tonnes_per_truck_trip"]] == pytest.approx(31.0)
    assert january[text["truck_trips_to_shift"]] == -(-shift["2025-01"] // 31.0)
    assert january[text["trips_per_truck"]] == pytest.approx(2.0)
    # priced at the mean non-clean road trip (30, 32, 33, 34, 31 t: 32 t) against the truck type carrying the most
    # non-clean tonnes (diesel China IV, 34 t)
    options = price_options(
        haul_km=100, drayage_km=10, tonnes_per_trip=32.0, baseline_vehicle="diesel-cn4", catalog=load_catalog(), costs=load_costs()
    )
    assert january[text["cheapest_option"]] == options[0].option
    assert january[text["extra_cost_cny"]] == pytest.approx(shift["2025-01"] * options[0].extra_cny_per_t)


def test_truck_option_cost_is_vehicle_cost_and_energy_over_the_round_trip():
    catalog, costs = load_catalog(), load_costs()
    vehicle = catalog.vehicle("diesel-cn5")
    by_hand = (
        costs.truck_cost_per_km("diesel-cn5") * 200
        + (vehicle.energy_per_km_loaded + vehicle.energy_per_km_empty) * 100 * costs.energy_prices.diesel_cny_per_l
    ) / 30
    assert truck_cny_per_t("diesel-cn5", 100, 30, catalog, costs) == pytest.approx(by_hand)


def test_no_report_writes_only_the_tables(tmp_path):
    out = _ratio(tmp_path, "--no-report", "--json")
    assert not (out / "report.html").exists() and not (out / "ratio.xlsx").exists()
    assert json.loads((out / "summary.json").read_text(encoding="utf-8"))["rows_duplicate"] == 0


def test_chinese_terminal_table_matches_the_english_numbers(tmp_path):
    records = write_csv(tmp_path / "磅单.csv", [HEADER, *TEN_ROWS], "gbk")
    runs = {
        lang: CliRunner().invoke(app, ["ratio", str(records), "--out", str(tmp_path / lang), "--lang", lang, "--no-report"])
        for lang in ("en", "zh")
    }
    assert {lang: r.exit_code for lang, r in runs.items()} == {"en": 0, "zh": 0}
    en, zh = runs["en"].stdout, runs["zh"].stdout
    assert "清洁运输比例（规则：nev-counts，按月份）" in zh and "合计" in zh and "读取10行" in zh
    assert "Clean-transport ratio" not in zh and "overall" not in zh
    numbers = re.compile(r"\d[\d,]*\.\d+%?")
    assert numbers.findall(zh) == numbers.findall(en)  # same figures, in the same order


@pytest.mark.parametrize("rows, cut", [(5, False), (6, True)])
def test_a_table_longer_than_an_excel_sheet_ends_with_a_row_saying_how_many_are_left_out(tmp_path, monkeypatch, rows, cut):
    """With Excel's limit set to 6 rows (header + 5), a 5-row table fits whole; a 6-row one keeps 4 rows and
    ends with the count of the 2 left out (written in order, as constant-memory mode needs)."""
    import openpyxl
    import xlsxwriter

    from freight_sim.report import ratio_workbook

    monkeypatch.setattr(ratio_workbook, "EXCEL_MAX_ROWS", 6)
    frame = pd.DataFrame({"line": range(2, 2 + rows), "message": [f"row {i}" for i in range(rows)]})
    book = xlsxwriter.Workbook(str(tmp_path / "cut.xlsx"), {"constant_memory": True})
    formats = {"bold": book.add_format({"bold": True}), "percent": book.add_format({"num_format": "0.0%"})}
    ratio_workbook._write_sheet(book, "problems", frame, ["line", "message"], formats, "{more} more rows: see the CSV files")
    book.close()
    values = [[cell.value for cell in row] for row in openpyxl.load_workbook(tmp_path / "cut.xlsx")["problems"].iter_rows()]
    assert values[0] == ["line", "message"] and len(values) == 6
    if cut:
        assert values[1:5] == [[2, "row 0"], [3, "row 1"], [4, "row 2"], [5, "row 3"]]
        assert values[5] == ["2 more rows: see the CSV files", None]
    else:
        assert values[1:] == [[i + 2, f"row {i}"] for i in range(5)]
