"""`freight-sim ratio` through typer's CliRunner: exit codes, files written, --json, error lines."""

from __future__ import annotations

import json

import pandas as pd
import yaml
from record_generators import HEADER, TEN_ROWS, undecodable_file, write_csv, write_xlsx
from typer.testing import CliRunner

from freight_sim.cli import app
from freight_sim.config.scenario import Enterprise

OUTPUTS = {"ratio.csv", "rejected_rows.csv", "warnings.csv", "summary.json", "scenario_snippet.yaml", "report.html", "ratio.xlsx"}


def _run(*args: str):
    return CliRunner().invoke(app, ["ratio", *args])


def test_ratio_writes_every_output(tmp_path):
    rows = [HEADER] + TEN_ROWS + [["2025-02-09", "晋D1", "", "柴油", "国五", "-2", "焦炭", "出厂", "公路", "", ""]]
    records = write_csv(tmp_path / "磅单.csv", rows, "gbk")
    out = tmp_path / "out"
    result = _run(str(records), "--out", str(out), "--profile", "nev-counts", "--by", "mode")
    assert result.exit_code == 4, result.output  # computed, with a rejected row
    assert {p.name for p in out.iterdir()} == OUTPUTS | {"manifest.json"}  # no temp files left behind
    assert "60.0%" in result.stdout and "not compliant" in result.stdout
    assert f"{records}:12:6: 净重(吨): weight must be positive, got '-2'" in result.stderr

    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["clean_transport_ratio"] == 0.6
    assert (summary["tonnes_total"], summary["tonnes_clean"]) == (400.0, 240.0)
    assert (summary["rows_read"], summary["rows_rejected"], summary["compliant"], summary["target"]) == (11, 1, False, 0.8)
    assert summary["rule_profile"] == "nev-counts"
    assert [row["key"] for row in summary["breakdown"]] == ["conveyor", "rail", "road"]
    assert summary["what_if"]["tonnes_to_shift"] == 80.0
    assert summary["files"][0]["encoding"] == "gb18030"

    assert (out / "ratio.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    ratio = pd.read_csv(out / "ratio.csv", encoding="utf-8-sig")
    assert list(ratio["key"]) == ["conveyor", "rail", "road", "(all)"]
    rejected = pd.read_csv(out / "rejected_rows.csv", encoding="utf-8-sig", dtype=str)
    assert rejected[["line", "column", "raw_value"]].values.tolist() == [["12", "6", "-2"]]
    assert rejected["file"].iloc[0] == str(records)
    snippet = yaml.safe_load((out / "scenario_snippet.yaml").read_text(encoding="utf-8"))
    Enterprise.model_validate(snippet["enterprises"]["ENTERPRISE_FROM_RECORDS"])


def test_json_prints_the_summary(tmp_path):
    records = write_csv(tmp_path / "r.csv", [HEADER] + TEN_ROWS)
    result = _run(str(records), "--out", str(tmp_path / "o"), "--json", "--profile", "strict-2019", "--target", "0.3")
    assert result.exit_code == 0
    summary = json.loads(result.stdout)
    assert summary["clean_transport_ratio"] == 0.375 and summary["compliant"] is True
    assert summary == json.loads((tmp_path / "o" / "summary.json").read_text(encoding="utf-8"))


def test_excel_with_sheet_option(tmp_path):
    book = write_xlsx(tmp_path / "b.xlsx", {"一月": [HEADER] + TEN_ROWS[:4], "二月": [HEADER] + TEN_ROWS[4:]})
    result = _run(str(book), "--sheet", "二月", "--out", str(tmp_path / "o"), "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["tonnes_total"] == 278.0 and summary["files"][0]["sheet"] == "二月"


def test_unreadable_file_exits_1_with_file_line_column(tmp_path):
    bad = undecodable_file(tmp_path / "bad.csv")
    result = _run(str(bad), "--out", str(tmp_path / "o"))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{bad}:2:15: cannot decode")
    assert not (tmp_path / "o").exists()


def test_unknown_profile_and_no_accepted_rows_exit_1(tmp_path):
    records = write_csv(tmp_path / "r.csv", [HEADER] + TEN_ROWS)
    unknown = _run(str(records), "--out", str(tmp_path / "o"), "--profile", "lenient")
    assert unknown.exit_code == 1 and "unknown profile 'lenient'" in unknown.stderr
    bad_rows = [[*row[:5], "0", *row[6:]] for row in TEN_ROWS]
    rejected = _run(str(write_csv(tmp_path / "z.csv", [HEADER] + bad_rows)), "--out", str(tmp_path / "z"))
    assert rejected.exit_code == 1
    assert "no accepted rows" in rejected.stderr
    assert json.loads((tmp_path / "z" / "summary.json").read_text(encoding="utf-8"))["rows_rejected"] == 10


def test_bad_breakdown_and_kind_are_usage_errors(tmp_path):
    records = write_csv(tmp_path / "r.csv", [HEADER] + TEN_ROWS)
    assert _run(str(records), "--out", str(tmp_path / "o"), "--by", "week").exit_code == 2
    assert _run(str(records), "--out", str(tmp_path / "o"), "--kind", "bakery").exit_code == 2


def test_the_closing_lines_are_in_chinese_under_lang_zh(tmp_path):
    rows = [HEADER] + TEN_ROWS + [["2025-02-09", "晋D1", "", "柴油", "国五", "-2", "焦炭", "出厂", "公路", "", ""]]
    records = write_csv(tmp_path / "磅单.csv", rows, "gbk")
    result = _run(str(records), "--out", str(tmp_path / "out"), "--lang", "zh", "--no-report")
    assert result.exit_code == 4, result.output
    assert "1行记录被拒收：比例计算未包含这些行（见 rejected_rows.csv）；退出码 4" in result.stderr
    assert "row(s) rejected" not in result.stderr
