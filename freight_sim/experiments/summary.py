"""Summaries of a batch's metrics table (pure functions of DataFrames).

- per variant: n, mean, standard deviation and a t-based confidence interval of every metric;
- paired differences against the baseline (same sample and replication, so common random numbers
  cancel), with a t-based confidence interval;
- Sobol indices (SALib) or Morris elementary effects (SALib) for sampled designs;
- the siding ranking: the improvement of each ranking metric vs baseline per million CNY of capital cost;
- abatement cost of each variant: extra cost per tonne of CO2 and per kg of NOx avoided.

Directions come from the metric declarations (``freight_sim.metric``): an improvement is baseline minus
variant for a metric where lower is better (NOx) and variant minus baseline where higher is better (the
clean-transport ratio), so every ranking puts the best variant first whatever the metric.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from freight_sim.experiments.design import VariantInfo
from freight_sim.experiments.metrics import declared_metrics
from freight_sim.experiments.sampling import SampleDesign
from freight_sim.experiments.spec import BASELINE
from freight_sim.metric import MetricCatalog

CONFIDENCE = 0.95
ANALYSIS_SEED = 12345  # bootstrap seed of SALib's confidence intervals, fixed so summaries are reproducible


def t_interval(values: np.ndarray, confidence: float = CONFIDENCE) -> tuple[int, float, float, float, float]:
    """``(n, mean, std, ci_low, ci_high)`` of ``values`` (NaN-free) with Student's t; CI is NaN for n < 2."""
    values = np.asarray(values, dtype=float)
    n = len(values)
    if n == 0:
        return 0, float("nan"), float("nan"), float("nan"), float("nan")
    mean = float(values.mean())
    if n < 2:
        return n, mean, float("nan"), float("nan"), float("nan")
    std = float(values.std(ddof=1))
    half = float(stats.t.ppf(0.5 + confidence / 2, n - 1)) * std / np.sqrt(n)
    return n, mean, std, mean - half, mean + half


def variant_summary(metrics: pd.DataFrame, confidence: float = CONFIDENCE) -> pd.DataFrame:
    """One row per (variant, metric): n, mean, std, ci_low, ci_high over its replications (and samples)."""
    rows = []
    for (variant, metric, unit), group in metrics.groupby(["variant", "metric", "unit"], sort=True):
        values = group["value"].dropna().to_numpy()
        rows.append((variant, metric, unit, *t_interval(values, confidence)))
    return pd.DataFrame(rows, columns=["variant", "metric", "unit", "n", "mean", "std", "ci_low", "ci_high"])


def reference_of(variants: Sequence[VariantInfo]) -> dict[str, str]:
    """Each variant's reference: the baseline at the same sweep point (the baseline maps to none)."""
    baseline_at = {tuple(sorted(v.sweep_point.items())): v.name for v in variants if v.base_variant == BASELINE}
    reference = {}
    for v in variants:
        ref = baseline_at.get(tuple(sorted(v.sweep_point.items())))
        if ref is not None and ref != v.name:
            reference[v.name] = ref
    return reference


DIFFERENCE_COLUMNS = [
    "variant", "reference", "metric", "unit", "better", "n", "reference_mean", "mean_difference", "std_difference", "ci_low", "ci_high",
    "improvement", "improvement_ci_low", "improvement_ci_high", "improvement_input_low", "improvement_input_high",
]  # fmt: skip


def _input_range(group: pd.DataFrame, diff: np.ndarray, sign: int, confidence: float) -> tuple[float, float]:
    """The central ``confidence`` range of the improvement over a sampled batch's points (each point: the
    mean over its replications), NaN without sample points: the interval that includes input uncertainty."""
    if not sign or group["sample"].max() < 0 or group["sample"].nunique() < 2:
        return float("nan"), float("nan")
    per_point = pd.Series(sign * diff, index=group["sample"].to_numpy()).groupby(level=0).mean().to_numpy()
    tail = (1 - confidence) / 2
    low, high = np.quantile(per_point, [tail, 1 - tail])
    return float(low), float(high)


def paired_differences(
    metrics: pd.DataFrame, variants: Sequence[VariantInfo], confidence: float = CONFIDENCE, catalog: MetricCatalog | None = None
) -> pd.DataFrame:
    """Variant minus its baseline, paired by (sample, replication): n, mean, std and CI of the difference.

    ``improvement`` is the difference turned by the metric's declared direction (positive = better), with
    its interval; NaN for metrics declared neither better high nor low, or not declared. In a sampled
    batch ``improvement_input_low`` .. ``improvement_input_high`` is the range the improvement spans over
    the sample points (uncertain inputs), as freight_sim.experiments.spread describes.
    """
    catalog = catalog or declared_metrics()
    columns = DIFFERENCE_COLUMNS
    keyed = metrics.assign(sample=metrics["sample"].fillna(-1).astype("int64"))
    rows = []
    for variant, reference in sorted(reference_of(variants).items()):
        mine = keyed[keyed["variant"] == variant]
        base = keyed[keyed["variant"] == reference]
        paired = mine.merge(base, on=["sample", "replication", "metric", "unit"], suffixes=("", "_ref"))
        for (metric, unit), group in paired.groupby(["metric", "unit"], sort=True):
            group = group.dropna(subset=["value", "value_ref"])
            diff = (group["value"] - group["value_ref"]).to_numpy()
            n, mean, std, low, high = t_interval(diff, confidence)
            declared = catalog.get(metric)
            sign = declared.sign if declared is not None else 0
            improvement = (sign * mean, *sorted((sign * low, sign * high))) if sign else (float("nan"),) * 3
            better = catalog.better(metric).value
            spread = _input_range(group, diff, sign, confidence)
            rows.append(
                (variant, reference, metric, unit, better, n, float(group["value_ref"].mean()), mean, std, low, high, *improvement, *spread)
            )
    return pd.DataFrame(rows, columns=columns)


def _sample_means(metrics: pd.DataFrame, variant: str, metric: str, n_samples: int) -> np.ndarray | None:
    """Replication mean per sample index, in sample order; None when a sample point has no value."""
    part = metrics[(metrics["variant"] == variant) & (metrics["metric"] == metric)].dropna(subset=["value"])
    means = part.groupby("sample")["value"].mean()
    if len(means) != n_samples or set(means.index.astype(int)) != set(range(n_samples)):
        return None
    y = means.sort_index().to_numpy(dtype=float)
    return y if np.ptp(y) > 0 else None


def sensitivity_indices(metrics: pd.DataFrame, sample: SampleDesign) -> pd.DataFrame:
    """Sobol (S1, ST) or Morris (mu_star, sigma) per variant, metric and parameter; long table.

    Metrics that are constant over the sample, or miss a sample point (failed run), are left out.
    """
    columns = ["variant", "metric", "parameter", "index", "value", "conf"]
    if sample.method not in ("sobol", "morris"):
        return pd.DataFrame(columns=columns)
    from SALib.analyze import morris, sobol

    rows = []
    n_samples = len(sample.matrix)
    for variant in sorted(metrics["variant"].unique()):
        for metric in sorted(metrics.loc[metrics["variant"] == variant, "metric"].unique()):
            y = _sample_means(metrics, variant, metric, n_samples)
            if y is None:
                continue
            if sample.method == "sobol":
                result = sobol.analyze(sample.problem, y, calc_second_order=sample.second_order, seed=ANALYSIS_SEED)
                pairs: tuple[tuple[str, str | None], ...] = (("S1", "S1_conf"), ("ST", "ST_conf"))
            else:
                result = morris.analyze(sample.problem, sample.matrix, y, num_levels=sample.num_levels, seed=ANALYSIS_SEED)
                pairs = (("mu_star", "mu_star_conf"), ("sigma", None), ("mu", None))
            for i, name in enumerate(sample.names):
                for index, conf in pairs:
                    conf_value = float(np.asarray(result[conf])[i]) if conf else float("nan")
                    rows.append((variant, metric, name, index, float(np.asarray(result[index])[i]), conf_value))
    return pd.DataFrame(rows, columns=columns)


RANKING_COLUMNS = [
    "metric", "rank", "variant", "enterprise", "capex_million_cny", "unit", "better", "n",
    "improvement", "improvement_ci_low", "improvement_ci_high",
    "improvement_per_million_cny", "per_million_cny_ci_low", "per_million_cny_ci_high",
    "improvement_input_low", "improvement_input_high", "per_million_cny_input_low", "per_million_cny_input_high",
]  # fmt: skip


def siding_ranking(differences: pd.DataFrame, variants: Sequence[VariantInfo], metrics_of_interest: Sequence[str]) -> pd.DataFrame:
    """Improvement over the baseline per million CNY of siding capex, ranked per metric.

    ``rank`` 1 improves the metric most per yuan, in the metric's declared direction (least NOx, highest
    ratio); sidings without a capex get NaN per-yuan values and rank last. Metrics with no declared
    direction cannot be ranked and are left out.
    """
    sidings = {v.name: v for v in variants if v.siding_enterprise is not None}
    rows = []
    for _, row in differences.iterrows():
        info = sidings.get(row["variant"])
        if info is None or row["metric"] not in metrics_of_interest or pd.isna(row["improvement"]):
            continue
        capex = info.capex_million_cny if info.capex_million_cny else float("nan")
        gain, low, high = row["improvement"], row["improvement_ci_low"], row["improvement_ci_high"]
        input_low, input_high = row.get("improvement_input_low", float("nan")), row.get("improvement_input_high", float("nan"))
        rows.append([
            row["metric"], 0, info.name, info.siding_enterprise, capex, row["unit"], row["better"], row["n"],
            gain, low, high, gain / capex, low / capex, high / capex, input_low, input_high, input_low / capex, input_high / capex,
        ])  # fmt: skip
    table = pd.DataFrame(rows, columns=RANKING_COLUMNS)
    if table.empty:
        return table
    table = table.sort_values(["metric", "improvement_per_million_cny", "variant"], ascending=[True, False, True], na_position="last")
    table["rank"] = table.groupby("metric").cumcount() + 1
    return table.reset_index(drop=True)


PER_SIDING_COLUMNS = [
    "variant", "reference", "sidings_added", "truck_trips_avoided", "truck_trips_avoided_per_siding", "nox_kg_avoided_per_siding",
    "co2_wtw_t_avoided_per_siding", "rail_path_wait_mean_h", "rail_path_wait_added_h", "rail_trains_waited",
]  # fmt: skip


def returns_per_siding(differences: pd.DataFrame) -> pd.DataFrame:
    """Per variant that builds more candidate sidings than its baseline: what each added siding avoids
    (truck trips, NOx, CO2; mean paired improvement / sidings added) beside the train-path waits it meets.

    A line that fills up shows here: as sidings are added, waits for train paths rise and the trips
    avoided per siding fall."""
    if differences.empty:
        return pd.DataFrame(columns=PER_SIDING_COLUMNS)
    by = differences.set_index(["variant", "metric"])
    rows = []
    for (variant, metric), row in by.iterrows():
        if metric != "candidate_sidings_built" or not row["mean_difference"] > 0:
            continue
        added = float(row["mean_difference"])

        def of(name: str, column: str, variant: str = variant) -> float:
            return float(by.at[(variant, name), column]) if (variant, name) in by.index else float("nan")

        wait = of("rail_path_wait_mean_h", "reference_mean") + of("rail_path_wait_mean_h", "mean_difference")
        waited = of("rail_trains_waited", "reference_mean") + of("rail_trains_waited", "mean_difference")
        rows.append([
            variant, row["reference"], added, of("truck_trips", "improvement"), of("truck_trips", "improvement") / added,
            of("nox_kg", "improvement") / added, of("co2_wtw_t", "improvement") / added,
            wait, of("rail_path_wait_mean_h", "mean_difference"), waited,
        ])  # fmt: skip
    return pd.DataFrame(rows, columns=PER_SIDING_COLUMNS)


ABATEMENT = (("co2_wtw_t", "cny_per_t_co2"), ("nox_kg", "cny_per_kg_nox"))


def abatement_costs(metrics: pd.DataFrame, variants: Sequence[VariantInfo], confidence: float = CONFIDENCE) -> pd.DataFrame:
    """Cost of abatement of each variant against its baseline: extra cost / emissions avoided.

    Paired by (sample, replication) like ``paired_differences``; the point value is the ratio of the mean
    extra cost (``cost_cny``, which includes annualised siding capital) to the mean avoided amount, and the
    interval is the t-interval of the per-replication ratios (NaN when fewer than two replications avoid
    anything, or when the mean avoided amount is not positive: a ratio then has no meaning).
    """
    columns = ["variant", "reference", "indicator", "unit", "n", "extra_cost_cny", "avoided", "value", "ci_low", "ci_high"]
    keyed = metrics.assign(sample=metrics["sample"].fillna(-1).astype("int64"))
    wide = keyed.pivot_table(index=["variant", "sample", "replication"], columns="metric", values="value", aggfunc="first")
    rows = []
    for variant, reference in sorted(reference_of(variants).items()):
        if variant not in wide.index.get_level_values(0) or reference not in wide.index.get_level_values(0):
            continue
        mine, base = wide.loc[variant], wide.loc[reference]
        paired = mine.merge(base, left_index=True, right_index=True, how="inner", suffixes=("", "_ref"))
        if "cost_cny" not in paired.columns:
            continue
        extra = (paired["cost_cny"] - paired["cost_cny_ref"]).to_numpy(dtype=float)
        for emission, indicator in ABATEMENT:
            if emission not in paired.columns:
                continue
            avoided = (paired[f"{emission}_ref"] - paired[emission]).to_numpy(dtype=float)
            mean_avoided, mean_extra = float(np.mean(avoided)), float(np.mean(extra))
            value = mean_extra / mean_avoided if mean_avoided > 0 else float("nan")
            ratios = extra[avoided > 0] / avoided[avoided > 0]
            n, _, _, low, high = (
                t_interval(ratios, confidence) if len(ratios) == len(avoided) else (len(ratios), 0, 0, float("nan"), float("nan"))
            )
            unit = "CNY/t CO2" if indicator == "cny_per_t_co2" else "CNY/kg NOx"
            rows.append((variant, reference, indicator, unit, n, mean_extra, mean_avoided, value, low, high))
    return pd.DataFrame(rows, columns=columns)
