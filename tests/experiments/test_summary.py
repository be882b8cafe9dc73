"""Summaries against hand computations and against analytic sensitivity indices."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from freight_sim.experiments.design import VariantInfo
from freight_sim.experiments.sampling import SampleDesign, draw_sample
from freight_sim.experiments.spec import SampleSettings
from freight_sim.experiments.summary import (
    paired_differences,
    returns_per_siding,
    sensitivity_indices,
    siding_ranking,
    t_interval,
    variant_summary,
)

T_975_DF3 = 3.182446305284263  # Student t, 97.5% quantile, 3 degrees of freedom (statistical tables)
T_975_DF2 = 4.302652729911275


def _metrics(rows):
    frame = pd.DataFrame(rows, columns=["run_id", "variant", "sample", "replication", "metric", "value", "unit"])
    return frame.astype({"sample": "Int64"})


def test_t_interval_by_hand():
    values = np.array([1.0, 2.0, 3.0, 4.0])
    n, mean, std, low, high = t_interval(values)
    hand_std = np.sqrt(((1.5**2) * 2 + (0.5**2) * 2) / 3)  # 1.2910
    half = T_975_DF3 * hand_std / 2
    assert (n, mean) == (4, 2.5)
    assert std == pytest.approx(hand_std)
    assert (low, high) == pytest.approx((2.5 - half, 2.5 + half))


def test_t_interval_single_value_has_no_interval():
    n, mean, std, low, high = t_interval(np.array([3.0]))
    assert (n, mean) == (1, 3.0) and np.isnan(std) and np.isnan(low) and np.isnan(high)


def test_variant_summary_by_hand():
    rows = [(f"r{i}", "baseline", None, i, "nox_kg", v, "kg") for i, v in enumerate([10.0, 12.0, 14.0])]
    rows += [(f"s{i}", "siding-E01", None, i, "nox_kg", v, "kg") for i, v in enumerate([7.0, 8.0, 12.0])]
    table = variant_summary(_metrics(rows)).set_index("variant")
    assert table.loc["baseline", "mean"] == pytest.approx(12.0)
    assert table.loc["baseline", "std"] == pytest.approx(2.0)
    assert table.loc["baseline", "ci_high"] == pytest.approx(12.0 + T_975_DF2 * 2.0 / np.sqrt(3))
    assert table.loc["siding-E01", "n"] == 3


def test_paired_differences_use_the_same_replication():
    base = [10.0, 12.0, 14.0]
    variant = [7.0, 8.0, 12.0]  # differences -3, -4, -2: mean -3, sd 1
    rows = [(f"b{i}", "baseline", None, i, "nox_kg", v, "kg") for i, v in enumerate(base)]
    rows += [(f"v{i}", "siding-E01", None, i, "nox_kg", v, "kg") for i, v in reversed(list(enumerate(variant)))]
    infos = [VariantInfo("baseline", "baseline"), VariantInfo("siding-E01", "siding-E01", {}, "E01", 50.0)]
    diffs = paired_differences(_metrics(rows), infos)
    row = diffs.iloc[0]
    assert (row["variant"], row["reference"], row["n"]) == ("siding-E01", "baseline", 3)
    assert row["mean_difference"] == pytest.approx(-3.0)
    assert row["std_difference"] == pytest.approx(1.0)
    half = T_975_DF2 / np.sqrt(3)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((-3 - half, -3 + half))
    assert row["reference_mean"] == pytest.approx(12.0)

    ranking = siding_ranking(diffs, infos, ["nox_kg"])
    top = ranking.iloc[0]
    assert top["improvement"] == pytest.approx(3.0)  # NOx: lower is better, so 3 kg less is +3
    assert top["improvement_per_million_cny"] == pytest.approx(3.0 / 50.0)
    assert (top["per_million_cny_ci_low"], top["per_million_cny_ci_high"]) == pytest.approx(((3 - half) / 50, (3 + half) / 50))


def test_paired_differences_compare_at_the_same_sweep_point():
    infos = [
        VariantInfo("baseline@d=1", "baseline", {"d": 1}),
        VariantInfo("baseline@d=2", "baseline", {"d": 2}),
        VariantInfo("x@d=1", "x", {"d": 1}),
        VariantInfo("x@d=2", "x", {"d": 2}),
    ]
    rows = [
        ("a", "baseline@d=1", None, 0, "m", 1.0, ""),
        ("b", "baseline@d=2", None, 0, "m", 10.0, ""),
        ("c", "x@d=1", None, 0, "m", 2.0, ""),
        ("d", "x@d=2", None, 0, "m", 15.0, ""),
    ]
    diffs = paired_differences(_metrics(rows), infos).set_index("variant")
    assert diffs.loc["x@d=1", "mean_difference"] == 1.0
    assert diffs.loc["x@d=2", "mean_difference"] == 5.0
    assert diffs.loc["x@d=2", "reference"] == "baseline@d=2"


def _differences(metric: str, unit: str, means: dict[str, float]) -> pd.DataFrame:
    """Paired differences of three replications (sd 1) per variant, through ``paired_differences``."""
    rows, infos = [], [VariantInfo("baseline", "baseline")]
    capex = {"siding-A": 80.0, "siding-B": 20.0, "siding-C": None}
    for i, offset in enumerate([-1.0, 0.0, 1.0]):
        rows.append((f"b{i}", "baseline", None, i, metric, 100.0, unit))
        for variant, mean in means.items():
            rows.append((f"{variant}{i}", variant, None, i, metric, 100.0 + mean + offset, unit))
    for variant in means:
        infos.append(VariantInfo(variant, variant, {}, variant[-1], capex[variant]))
    return paired_differences(_metrics(rows), infos), infos


def test_siding_ranking_orders_by_avoided_per_yuan():
    diffs, infos = _differences("nox_kg", "kg", {"siding-A": -40.0, "siding-B": -30.0, "siding-C": -90.0})
    ranking = siding_ranking(diffs, infos, ["nox_kg"])
    assert list(ranking["enterprise"]) == ["B", "A", "C"]  # 1.5 and 0.5 kg per M CNY; C has no capex: last
    assert list(ranking["rank"]) == [1, 2, 3]
    assert ranking["improvement_per_million_cny"].iloc[0] == pytest.approx(1.5)


def test_a_ratio_ranks_the_siding_that_raises_it_first():
    """Higher is better for the clean-transport ratio: the siding that raises it most per yuan is rank 1."""
    diffs, infos = _differences("clean_transport_ratio", "1", {"siding-A": 0.08, "siding-B": -0.02, "siding-C": 0.01})
    ratio = diffs.set_index("variant")
    assert ratio.loc["siding-A", "better"] == "higher"
    assert ratio.loc["siding-A", "improvement"] == pytest.approx(0.08)
    assert ratio.loc["siding-B", "improvement"] == pytest.approx(-0.02)
    assert ratio.loc["siding-A", "improvement_ci_low"] < 0.08 < ratio.loc["siding-A", "improvement_ci_high"]
    ranking = siding_ranking(diffs, infos, ["clean_transport_ratio"])
    assert list(ranking["variant"]) == ["siding-A", "siding-B", "siding-C"]  # +0.001, -0.001 per M CNY; C no capex
    nox, _ = _differences("nox_kg", "kg", {"siding-A": 5.0, "siding-B": -5.0, "siding-C": 0.0})
    assert list(siding_ranking(nox, infos, ["nox_kg"])["variant"][:2]) == ["siding-B", "siding-A"]  # the mirror image


def test_metrics_without_a_direction_are_not_ranked():
    diffs, infos = _differences("tonnes_in_stock", "t", {"siding-A": 10.0, "siding-B": 5.0, "siding-C": 1.0})
    assert diffs["improvement"].isna().all() and (diffs["better"] == "neither").all()
    assert siding_ranking(diffs, infos, ["tonnes_in_stock"]).empty


def _analytic_metrics(sample: SampleDesign, fn) -> pd.DataFrame:
    rows = [(f"s{i}", "baseline", i, 0, "y", float(fn(x)), "") for i, x in enumerate(sample.matrix)]
    return _metrics(rows)


def test_sobol_indices_of_a_linear_model_match_theory():
    # y = 2 x1 + x2 with x uniform on [0, 1]: Var = (4 + 1)/12, so S1 = ST = 0.8 and 0.2.
    settings = SampleSettings(method="sobol", n=512, parameters={"x1": {"bounds": [0, 1]}, "x2": {"bounds": [0, 1]}})
    sample = draw_sample(settings, root_seed=1)
    table = sensitivity_indices(_analytic_metrics(sample, lambda x: 2 * x[0] + x[1]), sample)
    got = table.set_index(["parameter", "index"])["value"]
    assert got["x1", "S1"] == pytest.approx(0.8, abs=0.05)
    assert got["x2", "S1"] == pytest.approx(0.2, abs=0.05)
    assert got["x1", "ST"] == pytest.approx(0.8, abs=0.05)


def test_morris_elementary_effects_of_a_linear_model_are_its_slopes():
    settings = SampleSettings(method="morris", n=10, parameters={"x1": {"bounds": [0, 1]}, "x2": {"bounds": [0, 1]}})
    sample = draw_sample(settings, root_seed=1)
    table = sensitivity_indices(_analytic_metrics(sample, lambda x: 2 * x[0] - 3 * x[1]), sample)
    got = table.set_index(["parameter", "index"])["value"]
    assert got["x1", "mu_star"] == pytest.approx(2.0)
    assert got["x2", "mu"] == pytest.approx(-3.0)
    assert got["x1", "sigma"] == pytest.approx(0.0, abs=1e-9)


def test_siding_table_keeps_sidings_without_results():
    """A siding whose runs all failed stays in the table with no values and no rank above those with values."""
    from freight_sim.experiments.siding_table import FACT_COLUMNS, siding_table

    diffs, infos = _differences("nox_kg", "kg", {"siding-A": -40.0, "siding-B": -30.0})
    infos.append(VariantInfo("siding-C", "siding-C", {}, "C", 10.0))
    table = siding_table(diffs, pd.DataFrame(), infos, pd.DataFrame(columns=FACT_COLUMNS)).set_index("variant")
    assert table.loc["siding-C", "n"] == 0 and np.isnan(table.loc["siding-C", "nox_kg_improvement"])
    assert list(table.sort_values("rank_nox_kg").index) == ["siding-B", "siding-A", "siding-C"]  # 1.5 and 0.5 kg per M CNY, then none


def test_returns_per_siding_divide_the_paired_improvement_by_the_sidings_added():
    variants = [VariantInfo("baseline", "baseline"), VariantInfo("two", "two"), VariantInfo("fleet", "fleet")]
    rows = []
    for rep in range(3):
        for variant, sidings, trips, wait in (("baseline", 0, 1000.0, 0.5), ("two", 2, 800.0 + rep, 0.9), ("fleet", 0, 990.0, 0.5)):
            rows += [
                (variant, None, rep, "candidate_sidings_built", sidings, "count"),
                (variant, None, rep, "truck_trips", trips, "count"),
                (variant, None, rep, "rail_path_wait_mean_h", wait, "h"),
            ]
    metrics = pd.DataFrame(rows, columns=["variant", "sample", "replication", "metric", "value", "unit"])
    table = returns_per_siding(paired_differences(metrics, variants))
    assert list(table["variant"]) == ["two"]  # a variant that builds no siding has no row
    row = table.iloc[0]
    assert row.sidings_added == 2 and row.truck_trips_avoided == pytest.approx(199.0)
    assert row.truck_trips_avoided_per_siding == pytest.approx(99.5)
    assert row.rail_path_wait_mean_h == pytest.approx(0.9) and row.rail_path_wait_added_h == pytest.approx(0.4)
