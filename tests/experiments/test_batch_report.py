"""The HTML report of a batch: built from the tables of small real batches (queue model, 2 simulated days)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import batch_test_models as models
import numpy as np
import pandas as pd
import pytest
from batch_test_files import copy_mini, write_experiment
from typer.testing import CliRunner

from freight_sim.cli import app
from freight_sim.errors import FreightSimError
from freight_sim.experiments.batch import run_batch
from freight_sim.report.batch_report import difference_sentence, format_number, render_batch_report, write_batch_report

KEY_METRICS_OF_QUEUE_MODEL = ["clean_transport_ratio", "nox_kg", "co2_wtw_t", "co2_ttw_t", "truck_trips"]


def _section(html: str, anchor: str) -> str:
    """The HTML of the element with id ``anchor``: a collapsed ``<details>`` block, or a level-2 heading up to the next."""
    start = html.index(f'id="{anchor}"')
    is_details = html.startswith("<details", html.rfind("<", 0, start))
    end = html.find("</details>", start) if is_details else html.find("<h2", start)
    return html[start : end if end >= 0 else len(html)]


@pytest.fixture(scope="module")
def sidings_batch(tmp_path_factory) -> Path:
    """The mini sidings experiment (5 variants x 3 replications) with its report written."""
    folder = copy_mini(tmp_path_factory.mktemp("sidings"))
    out = folder / "out"
    run_batch(folder / "mini_experiment.yaml", out, executor="inprocess", run_fn=models.queue_model)
    write_batch_report(out)
    return out


@pytest.fixture(scope="module")
def sidings_html(sidings_batch: Path) -> str:
    return (sidings_batch / "report.html").read_text(encoding="utf-8")


def test_format_number():
    assert format_number(1234.6) == "1,235"
    assert format_number(267.54) == "267.5"
    assert format_number(12.3456) == "12.35"
    assert format_number(0.175234) == "0.1752"
    assert format_number(float("nan")) == "–"


def test_difference_sentence_sorts_variants_by_whether_the_ci_excludes_zero():
    frame = pd.DataFrame(
        {
            "variant": ["up", "down", "same", "single"],
            "mean_difference": [2.0, -2.0, 0.1, 5.0],
            "ci_low": [1.0, -3.0, -1.0, np.nan],
            "ci_high": [3.0, -1.0, 1.2, np.nan],
        }
    )
    sentence = difference_sentence(frame, "kg")
    assert "Higher than the baseline at 95% (CI above 0): up (+2 kg, 95% CI 1 … 3 kg)." in sentence
    assert "Lower than the baseline at 95% (CI below 0): down (-2 kg, 95% CI -3 … -1 kg)." in sentence
    assert "Not distinguishable from the baseline (CI includes 0): same." in sentence
    assert "No interval (fewer than 2 paired runs): single." in sentence
    larger = pd.DataFrame({"variant": ["small", "large"], "mean_difference": [1.0, 9.0], "ci_low": [0.5, 8.0], "ci_high": [1.5, 10.0]})
    assert difference_sentence(larger, "t").index("large (") < difference_sentence(larger, "t").index("small (")
    none_differ = difference_sentence(frame.iloc[[2]], "kg")
    assert none_differ.startswith("No variant differs from the baseline at 95%.")


def test_header_shows_design_and_provenance(sidings_html, sidings_batch):
    batch = json.loads((sidings_batch / "batch.json").read_text())
    assert "Experiment batch: mini-sidings" in sidings_html
    assert "15 / 15" in sidings_html and "runs failed<b>0</b>" in sidings_html
    assert "root seed<b>7</b>" in sidings_html and "replications<b>3</b>" in sidings_html
    assert f"freight_sim {batch['package_version']}" in sidings_html
    assert batch["base_scenario"] in sidings_html
    assert 'id="failures"' not in sidings_html


LABELS = {
    "clean_transport_ratio": "clean-transport ratio (city)",
    "nox_kg": "NOx (tailpipe)",
    "co2_wtw_t": "CO2 well-to-wheel",
    "co2_ttw_t": "CO2 tank-to-wheel",
    "truck_trips": "truck trips",
}


def test_every_key_metric_gets_means_and_differences_charts(sidings_html):
    for metric in KEY_METRICS_OF_QUEUE_MODEL:
        section = _section(sidings_html, f"metric-{metric}")
        assert section.count("<svg") == 2, metric
        assert f"{LABELS[metric]}: paired difference vs baseline with 95% CI" in section
    assert 'id="metric-mean_wait_h"' not in sidings_html  # not a key metric, not hinted
    ranking = _section(sidings_html, "siding-ranking")
    assert ranking.count("<table") == 2 and "<svg" not in ranking  # nox_kg and co2_wtw_t tables; charts are by the siding table
    decision = sidings_html[sidings_html.index('id="siding-table"') : sidings_html.index('id="design"')]
    charted = decision.count("<svg")
    assert 1 <= charted <= 4  # improvement per million CNY: NOx, CO2, ratio, trips (those with values)
    assert sidings_html.count("<svg") == 2 * len(KEY_METRICS_OF_QUEUE_MODEL) + charted


def test_numbers_come_from_the_tables(sidings_html, sidings_batch):
    summary = pd.read_parquet(sidings_batch / "summary_by_variant.parquet")
    nox = summary[summary["metric"] == "nox_kg"].set_index("variant")
    section = _section(sidings_html, "metric-nox_kg")
    assert "mean [kg]" in section and "95% CI low [kg]" in section
    for variant in ("baseline", "siding-E02"):
        assert f"<td>{format_number(nox.loc[variant, 'mean'])}</td>" in section
        assert f"<td>{format_number(nox.loc[variant, 'ci_high'])}</td>" in section
    baseline_mean = nox.loc["baseline", "mean"]
    assert f"{baseline_mean:.1f}" in section  # the formatter keeps one decimal at this magnitude


def test_sentence_names_the_variants_whose_ci_excludes_zero(sidings_html, sidings_batch):
    differences = pd.read_parquet(sidings_batch / "paired_differences.parquet")
    nox = differences[differences["metric"] == "nox_kg"]
    sentence = re.search(r'<p class="finding">(.*?)</p>', _section(sidings_html, "metric-nox_kg"), re.S).group(1)
    lower = sentence.split("Lower than the baseline")[1].split("Not distinguishable")[0] if "Lower than" in sentence else ""
    for _, row in nox.iterrows():
        if row["ci_high"] < 0:
            assert f"{row['variant']} (" in lower
        elif row["ci_low"] <= 0 <= row["ci_high"]:
            assert row["variant"] not in lower
    assert (nox["ci_high"] < 0).any(), "the siding variants cut road NOx, so at least one is lower"


def test_siding_ranking_lists_sidings_in_rank_order(sidings_html, sidings_batch):
    ranking = pd.read_parquet(sidings_batch / "siding_ranking.parquet")
    section = _section(sidings_html, "siding-ranking")
    assert "improvement per M CNY [kg/M CNY]" in section and "capex [M CNY]" in section
    nox_table = section[section.index("Siding ranking by NOx (tailpipe)") :]
    ordered = ranking[ranking["metric"] == "nox_kg"].sort_values("rank")
    positions = [nox_table.index(f"<td>{variant}</td>") for variant in ordered["variant"]]
    assert positions == sorted(positions)
    best = ordered.iloc[0]
    assert f"<td>{format_number(best['improvement_per_million_cny'])}</td>" in nox_table


def test_report_is_written_atomically_in_the_batch_folder(sidings_batch):
    assert (sidings_batch / "report.html").is_file()
    assert not list(sidings_batch.glob(".report.html.*"))


def test_works_with_a_subset_of_the_tables(sidings_batch, tmp_path):
    partial = tmp_path / "partial"
    shutil.copytree(sidings_batch, partial, ignore=shutil.ignore_patterns("runs"))
    for name in (
        "batch.json",
        "paired_differences.parquet",
        "paired_differences.csv",
        "siding_ranking.parquet",
        "siding_ranking.csv",
        "siding_table.parquet",
        "siding_table.csv",
    ):
        (partial / name).unlink()
    (partial / "summary_by_variant.parquet").unlink()  # the CSV copy is read instead
    html = render_batch_report(partial)
    assert "Experiment batch: partial" in html
    assert html.count("<svg") == len(KEY_METRICS_OF_QUEUE_MODEL)
    assert 'id="siding-ranking"' not in html and "paired difference vs baseline with 95% CI" not in html
    summary = pd.read_csv(sidings_batch / "summary_by_variant.csv", encoding="utf-8-sig")
    truck = summary[(summary["metric"] == "truck_trips") & (summary["variant"] == "short")]["mean"].iloc[0]
    assert f"<td>{format_number(truck)}</td>" in _section(html, "metric-truck_trips")


def test_not_a_batch_folder_is_a_named_error(tmp_path):
    with pytest.raises(FreightSimError, match="not a batch folder"):
        render_batch_report(tmp_path)
    with pytest.raises(FreightSimError, match="no such batch folder"):
        render_batch_report(tmp_path / "missing")
    (tmp_path / "batch.json").write_text('{\n  "experiment": x\n}\n')
    with pytest.raises(FreightSimError, match=r"batch\.json:2:17: not valid JSON"):
        render_batch_report(tmp_path)


def test_failed_runs_are_listed(tmp_path):
    text = "name: f\nbase: mini_scenario.yaml\nvariants:\n  broken: {description: crash}\nreplications: 2\nsimulation: {days: 1}\n"
    path = write_experiment(tmp_path, text)
    result = run_batch(path, tmp_path / "out", executor="inprocess", run_fn=models.fails_for_description)
    assert len(result.failures) == 2
    html = render_batch_report(tmp_path / "out")
    failures = _section(html, "failures")
    assert "Failed runs (2)" in failures
    for run_id in ("v-broken__r000", "v-broken__r001"):
        assert f"<td>{run_id}</td>" in failures
    assert "ModelError: scenario mini: stockyard overflow beyond recovery" in failures
    assert 'runs failed<b class="failed">2</b>' in html and "2 / 4" in html


def test_sweep_lines_and_sobol_indices(tmp_path):
    text = """name: sweep-sobol
base: mini_scenario.yaml
sweep:
  simulation.days: [1, 2]
sample:
  method: sobol
  n: 2
  parameters:
    accounting.grid.kg_co2_per_kwh: {bounds: [0.53, 0.71]}
    enterprises.E01.truck_loading_h: {bounds: [0.2, 0.4]}
report:
  metrics: [mean_wait_h]
"""
    path = write_experiment(tmp_path, text)
    run_batch(path, tmp_path / "out", executor="inprocess", run_fn=models.queue_model)
    html = render_batch_report(tmp_path / "out")
    sections = re.findall(r'<details class="metric" id="metric-([A-Za-z0-9_.]+)"', html)
    assert sections[0] == "mean_wait_h"  # the hinted metric comes first
    assert set(KEY_METRICS_OF_QUEUE_MODEL) <= set(sections)
    for metric in sections:
        assert " vs simulation.days" in _section(html, f"metric-{metric}")
    sobol = _section(html, "sensitivity-sobol")
    indices = pd.read_parquet(tmp_path / "out" / "sobol_indices.parquet")
    charted = indices[indices["metric"].isin(sections)][["variant", "metric"]].drop_duplicates()
    assert len(charted) > 0 and sobol.count("<svg") == len(charted)
    assert "enterprises.E01.truck_loading_h" in sobol and "<th>conf</th>" in sobol


def test_morris_indices_section(tmp_path):
    text = """name: morris
base: mini_scenario.yaml
sample:
  method: morris
  n: 2
  parameters:
    enterprises.E01.truck_loading_h: {bounds: [0.2, 0.4]}
    enterprises.E02.truck_loading_h: {bounds: [0.1, 0.3]}
simulation: {days: 1}
"""
    path = write_experiment(tmp_path, text)
    run_batch(path, tmp_path / "out", executor="inprocess", run_fn=models.queue_model)
    html = render_batch_report(tmp_path / "out")
    morris = _section(html, "sensitivity-morris")
    assert "mu_star" in morris and "<svg" in morris
    assert "morris, 6 points" in html


def test_cli_batch_writes_the_report_unless_told_not_to(tmp_path):
    folder = copy_mini(tmp_path)
    model = ["--model", "batch_test_models:queue_model", "--executor", "inprocess", "--replications", "2"]
    args = ["batch", str(folder / "mini_experiment.yaml"), *model, "--set", "simulation.days=1"]
    quiet = CliRunner().invoke(app, [*args, "--out", str(folder / "quiet"), "--no-report"])
    assert quiet.exit_code == 0, quiet.output
    assert not (folder / "quiet" / "report.html").exists()
    loud = CliRunner().invoke(app, [*args, "--out", str(folder / "loud")])
    assert loud.exit_code == 0, loud.output
    assert "Experiment batch: mini-sidings" in (folder / "loud" / "report.html").read_text(encoding="utf-8")

    again = CliRunner().invoke(app, ["report", str(folder / "quiet"), "--out", str(tmp_path / "quiet.html")])
    assert again.exit_code == 0, again.output
    assert 'id="siding-ranking"' in (tmp_path / "quiet.html").read_text(encoding="utf-8")
    missing = CliRunner().invoke(app, ["report", str(tmp_path / "nowhere")])
    assert missing.exit_code == 1 and "no such batch folder" in missing.output


def test_abatement_costs_section_from_a_table_alone(tmp_path):
    abatement = pd.DataFrame(
        {
            "variant": ["siding-E02", "siding-E02", "short", "short"],
            "reference": ["baseline"] * 4,
            "indicator": ["cny_per_t_co2", "cny_per_kg_nox", "cny_per_t_co2", "cny_per_kg_nox"],
            "unit": ["CNY/t CO2", "CNY/kg NOx", "CNY/t CO2", "CNY/kg NOx"],
            "n": [3, 3, 3, 3],
            "extra_cost_cny": [2.5e6, 2.5e6, -1e5, -1e5],
            "avoided": [1000.0, 40.0, -5.0, -1.0],
            "value": [2500.0, 62500.0, np.nan, np.nan],
            "ci_low": [2100.0, 51000.0, np.nan, np.nan],
            "ci_high": [2900.0, 74000.0, np.nan, np.nan],
        }
    )
    abatement.to_csv(tmp_path / "abatement_costs.csv", index=False, encoding="utf-8-sig")
    html = render_batch_report(tmp_path)
    section = _section(html, "abatement")
    assert section.count("<svg") == 2  # one chart per indicator; variants avoiding nothing are not charted
    assert "<td>2,500</td>" in section and "<td>62,500</td>" in section and "<td>2,500,000</td>" in section
    assert "extra cost [CNY]" in section and "<td>short</td>" in section
    assert 'id="metric-' not in html  # no summary table, no metric sections


def test_report_command_writes_chinese_with_lang_zh(sidings_batch, tmp_path):
    result = CliRunner().invoke(app, ["report", str(sidings_batch), "--out", str(tmp_path / "zh.html"), "--lang", "zh"])
    assert result.exit_code == 0, result.output
    html = (tmp_path / "zh.html").read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in html and '<h2 id="answer">结论</h2>' in html and "Answer" not in html
    bad = CliRunner().invoke(app, ["report", str(sidings_batch), "--lang", "de"])
    assert bad.exit_code == 1 and "unknown language 'de'" in bad.output
