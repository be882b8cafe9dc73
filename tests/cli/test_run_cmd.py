"""`freight-sim run`: files written, --json, defaults, failures leave no finished-looking result."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from freight_sim.cli import app

BROKEN = Path(__file__).resolve().parents[1] / "data" / "broken"
SHORT = ["--set", "simulation.days=6", "--set", "simulation.warmup_days=1"]
REQUIRED_SUMMARY_KEYS = {
    "clean_transport_ratio",
    "rule_profile",
    "enterprises",
    "tonnes_by_chain",
    "tonnes_produced",
    "tonnes_delivered",
    "tonnes_in_stock",
    "tonnes_in_transit",
    "backlog_t",
    "truck_trips",
    "train_departures",
    "nox_kg",
    "pm_kg",
    "co2_ttw_t",
    "co2_wtw_t",
    "cost_cny",
    "simulated_days",
    "events",
    "wall_s",
    "seed",
    "config_sha256",
}


@pytest.fixture(scope="module")
def bundled_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("run") / "changzhi"
    result = CliRunner().invoke(app, ["run", "--out", str(out), *SHORT])
    assert result.exit_code == 0, result.output
    return out, result


def test_run_without_scenario_uses_the_bundled_baseline(bundled_run):
    out, result = bundled_run
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["scenario"] == "changzhi-baseline"
    assert len(summary["enterprises"]) == 40
    assert "clean-transport ratio" in result.stdout


def test_run_writes_summary_tables_legs_report_and_manifest(bundled_run):
    out, _ = bundled_run
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert set(summary) >= REQUIRED_SUMMARY_KEYS
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "finished"
    assert manifest["config_sha256"] == summary["config_sha256"] and manifest["seed"] == summary["seed"]
    for table in ("enterprises", "tonnage", "emissions_by_vehicle", "inventory", "resources", "daily"):
        assert (out / f"{table}.parquet").is_file()
        assert (out / f"{table}.csv").read_bytes().startswith(b"\xef\xbb\xbf")  # utf-8-sig for Excel
    legs = pd.read_parquet(out / "legs.parquet")
    assert {"enterprise", "chain", "segment", "vehicle_type", "tonnes", "nox_g", "co2_wtw_kg"} <= set(legs.columns)
    report = (out / "report.html").read_text(encoding="utf-8")
    assert report.count("<svg") >= 5 and "<h2>Map of flows</h2>" in report  # charts and the flow map
    assert not list(out.glob("*.tmp")) and not list(out.glob(".*.tmp"))


def test_summary_figures_agree_with_tables(bundled_run):
    out, _ = bundled_run
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    tonnage = pd.read_parquet(out / "tonnage.parquet")
    assert summary["tonnes_delivered"] == pytest.approx(tonnage["delivered_t"].sum(), rel=1e-12)
    assert summary["tonnes_produced"] == pytest.approx(
        summary["tonnes_delivered"] + summary["tonnes_in_stock"] + summary["tonnes_in_transit"] + summary["backlog_t"], rel=1e-12
    )
    legs = pd.read_parquet(out / "legs.parquet")
    assert summary["nox_kg"] == pytest.approx(legs["nox_g"].sum() / 1e3, rel=1e-12)
    assert summary["co2_wtw_t"] == pytest.approx(legs["co2_wtw_kg"].sum() / 1e3, rel=1e-12)


def test_json_flag_prints_the_summary(tmp_path):
    result = CliRunner().invoke(app, ["run", str(BROKEN / "valid.yaml"), "--out", str(tmp_path), "--json", "--no-legs", "--no-report"])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    assert printed == json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert not (tmp_path / "legs.parquet").exists() and not (tmp_path / "report.html").exists()


def test_same_seed_same_tables(tmp_path):
    args = [str(BROKEN / "valid.yaml"), "--no-report", "--set", "simulation.days=5"]
    for name in ("a", "b"):
        assert CliRunner().invoke(app, ["run", *args, "--out", str(tmp_path / name)]).exit_code == 0
    for table in ("legs", "tonnage", "enterprises"):
        pd.testing.assert_frame_equal(
            pd.read_parquet(tmp_path / "a" / f"{table}.parquet"), pd.read_parquet(tmp_path / "b" / f"{table}.parquet")
        )


def test_invalid_scenario_exits_1_and_writes_nothing(tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["run", str(BROKEN / "negative_tonnage.yaml"), "--out", str(out)])
    assert result.exit_code == 1
    assert "negative_tonnage.yaml:6: enterprises.E01.flows.steel_out.tonnes_per_year:" in result.stderr
    assert not out.exists()


def test_a_failed_rerun_does_not_leave_an_old_finished_manifest(tmp_path, monkeypatch):
    args = ["run", str(BROKEN / "valid.yaml"), "--out", str(tmp_path), "--no-report", "--set", "simulation.days=3"]
    assert CliRunner().invoke(app, args).exit_code == 0
    assert (tmp_path / "manifest.json").is_file()

    def disk_full(*_args, **_kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("freight_sim.atomic.write_parquet", disk_full)
    result = CliRunner().invoke(app, args)
    assert result.exit_code != 0
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "writing", "a half-written result must not look finished"


@pytest.mark.parametrize("lang, label", [("en", "simulation mode"), ("zh", "仿真模式")])
def test_fast_flag_runs_fast_mode_and_says_so(tmp_path, lang, label):
    result = CliRunner().invoke(
        app, ["run", str(BROKEN / "valid.yaml"), "--out", str(tmp_path), "--fast", "--no-legs", "--no-report", "--lang", lang]
    )
    assert result.exit_code == 0, result.output
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert summary["model"]["mode"] == "fast"
    assert label in result.output
    plain = CliRunner().invoke(app, ["run", str(BROKEN / "valid.yaml"), "--out", str(tmp_path / "full"), "--no-legs", "--no-report"])
    assert json.loads((tmp_path / "full" / "summary.json").read_text(encoding="utf-8"))["model"]["mode"] == "full"
    assert "simulation mode" not in plain.output
