"""One metric of a batch: variant means, paired differences vs baseline and sweep lines, with a sentence."""

from __future__ import annotations

from typing import Any

import pandas as pd

from freight_sim.experiments.metrics import declared_metrics
from freight_sim.report import charts
from freight_sim.report.formatting import format_number, html_table, unit_suffix
from freight_sim.report.i18n import Translator


def ordered(frame: pd.DataFrame, order) -> pd.DataFrame:
    """Rows in the order of the variant names ``order`` (others last, by name)."""
    rank = {name: i for i, name in enumerate(order)}
    return (
        frame.assign(_order=frame["variant"].map(lambda v: rank.get(v, len(rank))))
        .sort_values(["_order", "variant"])
        .drop(columns="_order")
    )


def _interval(row: pd.Series, unit: Any, low: str = "ci_low", high: str = "ci_high") -> str:
    unit_text = "" if unit_suffix(unit) == "" else f" {unit}"
    return f"{format_number(row[low])} … {format_number(row[high])}{unit_text}"


def difference_sentence(differences: pd.DataFrame, unit: Any, t: Translator | None = None) -> str:
    """Which variants differ from their baseline at 95% (the CI of the paired difference excludes 0).

    Variants above and below the baseline are each listed from the largest difference down.
    """
    t = t or Translator("en")
    if differences.empty:
        return t("No variant is compared with a baseline.")
    unit_text = "" if unit_suffix(unit) == "" else f" {unit}"
    by_size = differences.reindex(differences["mean_difference"].abs().sort_values(ascending=False, kind="stable").index)
    higher = [r for _, r in by_size.iterrows() if r["ci_low"] > 0]
    lower = [r for _, r in by_size.iterrows() if r["ci_high"] < 0]
    unknown = [r["variant"] for _, r in differences.iterrows() if pd.isna(r["ci_low"])]
    same = [r["variant"] for _, r in differences.iterrows() if r["ci_low"] <= 0 <= r["ci_high"]]

    def describe(rows: list[pd.Series]) -> str:
        return "; ".join(f"{r['variant']} ({r['mean_difference']:+,.4g}{unit_text}, 95% CI {_interval(r, unit)})" for r in rows)

    parts = []
    if higher:
        parts.append(t("Higher than the baseline at 95% (CI above 0): {rows}.", rows=describe(higher)))
    if lower:
        parts.append(t("Lower than the baseline at 95% (CI below 0): {rows}.", rows=describe(lower)))
    if not higher and not lower:
        parts.append(t("No variant differs from the baseline at 95%."))
    if same:
        parts.append(t("Not distinguishable from the baseline (CI includes 0): {rows}.", rows=", ".join(same)))
    if unknown:
        parts.append(t("No interval (fewer than 2 paired runs): {rows}.", rows=", ".join(unknown)))
    return " ".join(parts)


def chart(title: str, svg: str) -> dict[str, str]:
    return {"title": title, "svg": svg}


def _means_table(rows: pd.DataFrame, unit: Any, t: Translator) -> str:
    u = unit_suffix(unit)
    headers = {
        "variant": t("variant"),
        "n": t("runs"),
        "mean": f"{t('mean')}{u}",
        "ci_low": f"{t('95% CI low')}{u}",
        "ci_high": f"{t('95% CI high')}{u}",
    }
    return html_table(rows[list(headers)], headers, integer_columns=["n"])


def _differences_table(rows: pd.DataFrame, unit: Any, t: Translator) -> str:
    u = unit_suffix(unit)
    headers = {
        "variant": t("variant"),
        "reference": t("baseline"),
        "n": t("runs"),
        "reference_mean": f"{t('baseline mean')}{u}",
        "mean_difference": f"{t('difference')}{u}",
        "ci_low": f"{t('95% CI low')}{u}",
        "ci_high": f"{t('95% CI high')}{u}",
        "improvement": f"{t('improvement')}{u}",
    }
    return html_table(rows[[c for c in headers if c in rows.columns]], headers, integer_columns=["n"])


def _sweep_series(folder: Any, rows: pd.DataFrame) -> tuple[str, list[tuple[str, pd.DataFrame]]] | None:
    """Lines of mean vs the first swept parameter: one per base variant and value of the other swept parameters."""
    variants = [v for v in folder.design.get("variants", []) if v.get("sweep_point")]
    if not variants:
        return None
    parameters = list(variants[0]["sweep_point"])
    swept = parameters[0]
    by_name = rows.set_index("variant")
    lines: dict[str, list[dict[str, Any]]] = {}
    for v in variants:
        if v["name"] not in by_name.index:
            continue
        others = ", ".join(f"{p.rsplit('.', 1)[-1]}={v['sweep_point'][p]}" for p in parameters[1:])
        name = f"{v['base_variant']} ({others})" if others else v["base_variant"]
        row = by_name.loc[v["name"]]
        lines.setdefault(name, []).append(
            {swept: v["sweep_point"][swept], "mean": row["mean"], "ci_low": row["ci_low"], "ci_high": row["ci_high"]}
        )
    if not lines:
        return None
    return swept, [(name, pd.DataFrame(points)) for name, points in lines.items()]


def metric_label(metric: str, t: Translator) -> str:
    """Human label of a metric in the report's language (the key itself when undeclared)."""
    return t.metric(metric, declared_metrics().label(metric))


def _constant_note(rows: pd.DataFrame, unit: Any, t: Translator) -> str | None:
    """A one-line note when every variant has the same mean and no spread (e.g. an all-zero backlog)."""
    values = pd.concat([rows["mean"], rows["ci_low"], rows["ci_high"]]).dropna()
    if len(values) and values.nunique() == 1:
        unit_text = "" if unit_suffix(unit) == "" else f" {t.unit(str(unit))}"
        return t("The same value in every run: {value}. Nothing to chart.", value=f"{format_number(values.iloc[0])}{unit_text}")
    return None


def metric_section(folder: Any, metric: str, t: Translator | None = None) -> dict[str, Any]:
    """Charts, sentence and tables of one metric: variant means, paired differences, sweep lines."""
    t = t or Translator("en")
    summary = folder.tables["summary_by_variant"]
    rows = ordered(summary[summary["metric"] == metric], folder.variant_order)
    unit = rows["unit"].iloc[0]
    name = metric_label(metric, t)
    label = f"{name}{unit_suffix(unit)}"
    section: dict[str, Any] = {"metric": metric, "label": name, "unit": unit, "charts": [], "tables": [], "sentence": "", "note": None}
    section["note"] = _constant_note(rows, unit, t)
    if section["note"] is None:
        title = t("{metric}: mean by variant with 95% CI", metric=name)
        section["charts"].append(
            chart(title, charts.dots_with_ci(rows, "variant", "mean", "ci_low", "ci_high", label, title, highlight=folder.baselines))
        )
    section["tables"].append({"title": t("Variant means"), "html": _means_table(rows, unit, t)})
    differences = folder.tables.get("paired_differences")
    if differences is not None:
        diff_rows = ordered(differences[differences["metric"] == metric], folder.variant_order)
        section["sentence"] = difference_sentence(diff_rows, unit, t)
        if len(diff_rows) and section["note"] is None:
            title = t("{metric}: paired difference vs baseline with 95% CI", metric=name)
            section["charts"].append(
                chart(
                    title,
                    charts.dots_with_ci(
                        diff_rows,
                        "variant",
                        "mean_difference",
                        "ci_low",
                        "ci_high",
                        t("variant − baseline, {label}", label=label),
                        t("{metric}: paired difference vs baseline (red: CI excludes 0)", metric=name),
                        zero_line=True,
                    ),
                )
            )
        if len(diff_rows):
            section["tables"].append({"title": t("Paired differences vs baseline"), "html": _differences_table(diff_rows, unit, t)})
    sweep = _sweep_series(folder, rows)
    if sweep is not None and section["note"] is None:
        swept, series = sweep
        title = t("{metric} vs {swept}", metric=name, swept=swept)
        section["charts"].append(
            chart(title, charts.lines_with_band(series, swept, swept, label, t("{title} (band: 95% CI)", title=title)))
        )
    return section
