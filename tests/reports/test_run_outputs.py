"""A run's report and workbook: flow map, names, units, Chinese, summary.xlsx; --lang on the command line."""

from __future__ import annotations

import re

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from freight_sim.cli import app

ENGLISH_WORD = re.compile(r"[A-Za-z]{3,}")
ALLOWED_LATIN = re.compile(r"(changzhi-baseline|CO2|NOx|SHA-256|freight_sim|nev-counts)")


def _headings(html: str) -> list[str]:
    return (
        re.findall(r"<h[1-4][^>]*>(.*?)</h[1-4]>", html)
        + re.findall(r"<summary>(.*?)</summary>", html)
        + re.findall(r"<th>(.*?)</th>", html)
    )


def test_run_report_shows_the_flow_map_names_and_one_unit_per_quantity(run_folder):
    html = (run_folder / "report.html").read_text(encoding="utf-8")
    assert "<h2>Map of flows</h2>" in html and "<h2>Map of tailpipe NOx along roads</h2>" in html
    flow_map = html[html.index("<h2>Map of flows</h2>") : html.index("<h2>Map of tailpipe NOx")]
    assert "<svg" in flow_map and "flow: road" in flow_map and "candidate siding, built in this run" in flow_map
    assert "Illustrative coking plant A (Lucheng)" in html
    assert "NOx (tailpipe) [kg]" in html and "nox_g" not in html  # kg in cards and tables alike
    assert not re.search(r"\d,\d{3}\.000\b", html), "whole numbers printed with spurious decimals"
    resources = html[html.index('id="resources"') :]
    kinds = re.findall(r"<summary>resource: (\w+)", resources)
    assert kinds[0] == "loading_bays" and len(kinds) == len(set(kinds)) >= 4


def test_run_report_in_chinese_has_no_english_headings(run_folder):
    html = (run_folder / "report_zh.html").read_text(encoding="utf-8")
    english = [h for h in _headings(html) if ENGLISH_WORD.search(ALLOWED_LATIN.sub("", re.sub(r"<[^>]+>", "", h)))]
    assert not english, english
    assert "示例焦化厂A（潞城）" in html and "货流图" in html
    assert re.search(r"<text[^>]*>[^<]*[\u4e00-\u9fff]", html), "chart text is kept as text"


def test_summary_workbook_holds_the_kpi_tables(run_folder):
    workbook = openpyxl.load_workbook(run_folder / "summary.xlsx", read_only=True)
    assert {"key_figures", "enterprises", "emissions_by_vehicle", "cost_by_chain", "resources", "siding_sites"} <= set(workbook.sheetnames)
    figures = pd.read_excel(run_folder / "summary.xlsx", sheet_name="key_figures", engine="calamine").set_index("metric")
    summary = pd.read_json(run_folder / "summary.json", typ="series")
    assert figures.loc["nox_kg", "value"] == pytest.approx(summary["nox_kg"], rel=1e-12) and figures.loc["nox_kg", "unit"] == "kg"
    assert figures.loc["clean_transport_ratio", "better"] == "higher" and figures.loc["nox_kg", "better"] == "lower"
    enterprises = pd.read_excel(run_folder / "summary.xlsx", sheet_name="enterprises", engine="calamine")
    assert len(enterprises) == 40 and enterprises["name"].iloc[0] == "Illustrative steel works (Luzhou)"


def test_a_workbook_keeps_missing_values_empty_and_names_sheets_validly(tmp_path):
    """Missing values of every kind are empty cells, time zones and categories are written as Excel can hold
    them, a sheet name with characters Excel refuses is mended, and the header row stays in view."""
    from freight_sim.report.excel import write_workbook

    frame = pd.DataFrame(
        {
            "metric": ["nox_kg", "a long label " * 6, None],
            "value": [1.5, float("nan"), 2.0],
            "when": pd.to_datetime(["2025-01-01", None, "2025-02-01"]).tz_localize("Asia/Shanghai"),
            "kind": pd.Categorical(["road", "rail", "road"]),
            "count": pd.array([1, pd.NA, 3], dtype="Int64"),
        }
    )
    write_workbook(tmp_path / "book.xlsx", {"key figures": frame, "a/b:c": frame.head(1)})
    book = openpyxl.load_workbook(tmp_path / "book.xlsx")
    assert book.sheetnames == ["key figures", "a_b_c"]
    sheet = book["key figures"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == ["metric", "value", "when", "kind", "count"]
    assert rows[1][:2] == ["nox_kg", 1.5] and rows[1][2].isoformat() == "2025-01-01T00:00:00" and rows[1][3:] == ["road", 1]
    assert rows[2][1:3] == [None, None] and rows[2][4] is None and rows[3][0] is None
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["A"].width >= 50 > sheet.column_dimensions["B"].width  # widths follow the text, at most 50


def test_run_with_lang_zh_prints_a_chinese_table(tmp_path):
    args = ["run", "--set", "simulation.days=2", "--no-legs", "--no-report", "--out", str(tmp_path / "out"), "--lang", "zh"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "货车车次" in result.output and "清洁运输比例" in result.output and "truck trips" not in result.output
    assert (tmp_path / "out" / "summary.xlsx").is_file()


def test_an_unknown_language_is_a_one_line_error(tmp_path):
    result = CliRunner().invoke(app, ["run", "--lang", "fr", "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "--lang:1: lang: unknown language 'fr' (known: en, zh)" in result.output
