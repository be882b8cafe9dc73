"""The synthetic province generator: deterministic, true to its figures, labelled synthetic, and its bundled
output (networks/shanxi-synthetic) is exactly what the documented command makes; it validates and runs."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from freight_sim.cli import app
from freight_sim.errors import ConfigError, FreightSimError
from freight_sim.experiments.spec import load_experiment
from freight_sim.paths import bundled_network_dir, experiments_dir
from freight_sim.province import DEFAULT_SEED
from freight_sim.province.figures import FIGURES_PATH, load_figures
from freight_sim.province.generate import FILES, generate_province, write_province

BUNDLED = bundled_network_dir("shanxi-synthetic")


@pytest.fixture(scope="module")
def province():
    return generate_province()


@pytest.fixture(scope="module")
def written(province, tmp_path_factory):
    out = tmp_path_factory.mktemp("province") / "shanxi"
    write_province(province, out)
    return out


def test_the_bundled_province_is_what_the_documented_command_generates(written):
    for name in FILES:
        assert (written / name).read_bytes() == (BUNDLED / name).read_bytes(), f"{name}: regenerate networks/shanxi-synthetic"
    assert f"freight-sim generate province --out networks/shanxi-synthetic --seed {DEFAULT_SEED}" in (BUNDLED / "README.md").read_text()


def test_same_seed_same_files_other_seed_other_sites(province, written, tmp_path):
    again = generate_province(seed=DEFAULT_SEED)
    assert again.nodes.equals(province.nodes) and again.edges.equals(province.edges) and again.scenario == province.scenario
    other = generate_province(seed=DEFAULT_SEED + 1)
    assert not other.nodes[["lon", "lat"]].equals(province.nodes[["lon", "lat"]])


def test_size_and_synthetic_labels(province, written):
    enterprises = province.scenario["enterprises"]
    assert 450 <= len(enterprises) <= 550
    assert 0.9e9 <= province.tonnes_per_year <= 1.3e9
    assert province.scenario["illustrative"] is True and "SYNTHETIC" in province.scenario["description"]
    assert all(e["name"].startswith("Synthetic ") for e in enterprises.values())
    assert "SYNTHETIC" in (written / "README.md").read_text() and "SYNTHETIC" in (written / "scenario.yaml").read_text()
    plants = province.nodes[province.nodes["kind"] == "plant"]
    assert set(plants["district"]) == {c.name for c in province.figures.cities.values()}  # all 11 cities
    assert len(province.figures.cities) == 11


def test_tonnages_follow_the_figures(province):
    """Each kind's total is the figure it was scaled to (flows are rounded to 1,000 t each)."""
    f, t = province.figures, province.figures.tonnages
    enterprises = province.scenario["enterprises"]

    def total(kind, prefix):
        flows = [fl for e in enterprises.values() if e["kind"] == kind for name, fl in e["flows"].items() if name[4:].startswith(prefix)]
        return sum(fl["tonnes_per_year"] for fl in flows), len(flows)

    mine_out, n = total("mine", "coal_out")
    expected = f.province.raw_coal_output_t_per_year * t.mine_output_modelled_share * t.mine_out_of_province_share
    assert abs(mine_out - expected) <= 500 * n
    power_in, n = total("power", "coal_")
    assert abs(power_in - t.power_coal_t_per_year) <= 500 * n
    coke_out, n = total("coking", "coke_out")
    assert abs(coke_out - t.coke_output_t_per_year * (1 - t.coke_to_steel_share)) <= 500 * n
    by_city: dict[str, float] = {}
    for e in enterprises.values():
        if e["kind"] == "mine":
            by_city[e["node"][:2]] = by_city.get(e["node"][:2], 0.0) + sum(fl["tonnes_per_year"] for fl in e["flows"].values())
    shares = {c.code: c.coal_share / sum(x.coal_share for x in f.cities.values()) for c in f.cities.values()}
    for code, tonnes in by_city.items():
        assert tonnes / mine_out == pytest.approx(shares[code], abs=0.002)


def test_every_railway_is_in_the_network_with_its_capacity(province):
    edges = province.edges
    pairs = [(min(u, v), max(u, v), mode) for u, v, mode in zip(edges["u"], edges["v"], edges["mode"], strict=True)]
    assert len(pairs) == len(set(pairs)), "no parallel edges of one mode"
    for railway in province.figures.railways:
        for u, v in zip(railway.stops, railway.stops[1:], strict=False):
            row = edges[(edges["u"] == u) & (edges["v"] == v)]
            assert len(row) == 1, (railway.line, u, v)
            assert row.iloc[0]["paths_per_day"] == railway.paths_per_day and row.iloc[0]["line"] == railway.line


def test_existing_sidings_have_spur_edges_and_candidates_do_not(province):
    spurs = set(province.edges.loc[province.edges["mode"] == "spur", "u"])
    for eid, e in province.scenario["enterprises"].items():
        siding = e.get("siding")
        assert (eid in spurs) == (siding is not None and siding["status"] == "existing")
        if siding is not None and siding["status"] == "candidate":
            assert siding["enabled"] is False and siding["capex_million_cny"] > 0


def test_the_province_experiment_names_exactly_the_candidate_sidings(province):
    experiment = load_experiment(experiments_dir() / "province-sidings.yaml")
    variants = experiment.spec.variants
    enterprises = province.scenario["enterprises"]
    candidates = {eid for eid, e in enterprises.items() if e.get("siding", {}).get("status") == "candidate"}
    parks = {eid for eid in candidates if enterprises[eid]["kind"] == "logistics_park"}
    assert set(variants["all-candidate-sidings"]["enterprises"]) == candidates
    assert set(variants["logistics-park-sidings"]["enterprises"]) == parks


def test_figures_file_errors_name_the_file(tmp_path):
    text = FIGURES_PATH.read_text().replace("gateways: {GW_SHIJIAZHUANG: 1.0}}", "gateways: {GW_NOWHERE: 1.0}}", 1)
    broken = tmp_path / "figures.yaml"
    broken.write_text(text)
    with pytest.raises(ConfigError, match=r"cities\.taiyuan\.gateways: unknown gateway GW_NOWHERE"):
        generate_province(figures_path=broken)
    broken.write_text(FIGURES_PATH.read_text().replace("power_coal_t_per_year: {value: 1.6e8,", "power_coal_t_per_year: {value: 1.6e14,"))
    with pytest.raises(ConfigError, match=rf"{broken}:\d+: tonnages.power_coal_t_per_year"):
        load_figures(broken)


def test_output_folder_rules(province, tmp_path):
    (tmp_path / "mine.txt").write_text("user file")
    with pytest.raises(FreightSimError, match="holds other files"):
        write_province(province, tmp_path)
    out = tmp_path / "p"
    write_province(province, out)
    with pytest.raises(FreightSimError, match="--overwrite"):
        write_province(province, out)
    write_province(province, out, overwrite=True)
    assert sorted(p.name for p in out.iterdir()) == sorted(FILES)


def test_cli_generate_refuses_a_non_empty_folder_without_a_traceback(tmp_path):
    (tmp_path / "x.csv").write_text("a\n")
    result = CliRunner().invoke(app, ["generate", "province", "--out", str(tmp_path)])
    assert result.exit_code == 1 and "holds other files" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.slow
def test_the_bundled_province_validates_and_runs_a_day_with_tonnes_conserved(tmp_path):
    scenario = BUNDLED / "scenario.yaml"
    runner = CliRunner()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        checked = runner.invoke(app, ["validate", str(scenario)])
        assert checked.exit_code == 0, checked.output
        assert "ok: scenario 'shanxi-synthetic'" in checked.output
        ran = runner.invoke(app, ["run", str(scenario), "--out", str(tmp_path / "run"), "--set", "simulation.days=1", "--no-report"])
    assert ran.exit_code == 0, ran.output
    summary = json.loads((tmp_path / "run" / "summary.json").read_text())
    annual = sum(fl["tonnes_per_year"] for e in yaml.safe_load(scenario.read_text())["enterprises"].values() for fl in e["flows"].values())
    assert summary["simulated_days"] == 1.0 and summary["truck_trips"] > 10_000
    assert summary["tonnes_produced"] == pytest.approx(annual / 365.0, rel=0.01)  # no monthly profiles: a flat year
    accounted = summary["tonnes_delivered"] + summary["tonnes_in_stock"] + summary["tonnes_in_transit"] + summary["backlog_t"]
    assert accounted == pytest.approx(summary["tonnes_produced"], rel=1e-6)


def test_bundled_scenarios_are_found_by_name():
    from freight_sim.paths import bundled_scenarios

    assert {"changzhi", "shanxi-synthetic"} <= set(bundled_scenarios())
    assert load_experiment(experiments_dir() / "province-sidings.yaml").base_path == BUNDLED / "scenario.yaml"
    assert Path(bundled_scenarios()["shanxi-synthetic"]).is_file()
