"""Self-contained HTML report of an experiment batch, read from the tables the batch wrote.

Nothing is recomputed from runs: the report shows ``batch.json`` (design, provenance, failures) and
whichever of ``summary_by_variant``, ``paired_differences``, ``abatement_costs``, ``siding_ranking``,
``sobol_indices`` and ``morris_indices`` are present in the batch folder (Parquet, or the CSV copy when the Parquet is missing).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from jinja2 import Environment, PackageLoader, select_autoescape

from freight_sim import atomic
from freight_sim.errors import FreightSimError
from freight_sim.experiments.spec import BASELINE
from freight_sim.report import charts

REPORT_FILE = "report.html"
KEY_METRICS = ("clean_transport_ratio", "nox_kg", "co2_wtw_t", "co2_ttw_t", "truck_trips", "backlog_t", "cost_cny")
TABLE_NAMES = ("summary_by_variant", "paired_differences", "abatement_costs", "siding_ranking", "sobol_indices", "morris_indices")
SENSITIVITY_INDICES = {"sobol_indices": ("S1", "ST"), "morris_indices": ("mu_star", "sigma")}


@dataclass(frozen=True)
class BatchFolder:
    """What a batch folder holds: ``batch.json`` (empty when missing) and the summary tables present."""

    path: Path
    batch: dict[str, Any]
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)

    @property
    def design(self) -> dict[str, Any]:
        return self.batch.get("design") or {}

    @property
    def variant_order(self) -> list[str]:
        """Variants in design order (from batch.json), else in the order the summary lists them."""
        names = [v["name"] for v in self.design.get("variants", [])]
        summary = self.tables.get("summary_by_variant")
        if summary is not None:
            names += [v for v in dict.fromkeys(summary["variant"]) if v not in names]
        return names

    @property
    def baselines(self) -> list[str]:
        """The baseline variant at every sweep point."""
        named = [v["name"] for v in self.design.get("variants", []) if v.get("base_variant") == BASELINE]
        differences = self.tables.get("paired_differences")
        if differences is not None and len(differences):
            named += [r for r in dict.fromkeys(differences["reference"]) if r not in named]
        return named or [BASELINE]


def _read_batch_json(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise FreightSimError(f"{path}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}") from None


def read_batch_folder(batch_dir: Path | str) -> BatchFolder:
    """Read ``batch.json`` and the summary tables of ``batch_dir``; raise if it holds neither."""
    folder = Path(batch_dir)
    if not folder.is_dir():
        raise FreightSimError(f"{folder}: no such batch folder")
    batch = _read_batch_json(folder / "batch.json")
    tables = {}
    for name in TABLE_NAMES:
        parquet, csv = folder / f"{name}.parquet", folder / f"{name}.csv"
        if parquet.is_file():
            tables[name] = pd.read_parquet(parquet)
        elif csv.is_file():
            tables[name] = pd.read_csv(csv, encoding="utf-8-sig")
    if not batch and not tables:
        raise FreightSimError(f"{folder}: not a batch folder (no batch.json and none of {', '.join(TABLE_NAMES)})")
    return BatchFolder(folder, batch, tables)


def format_number(value: Any) -> str:
    """A readable number: thousands separators for large values, 4 significant digits for small ones."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if not isinstance(value, int | float):
        return str(value)
    magnitude = abs(value)
    if magnitude >= 1000:
        return f"{value:,.0f}"
    if magnitude >= 100:
        return f"{value:.1f}"
    if magnitude >= 1:
        return f"{value:.2f}"
    return f"{value:.4g}"


def unit_suffix(unit: Any) -> str:
    """`` [kg]`` for a unit; nothing for dimensionless ratios (unit ``1``) or a missing unit."""
    return "" if unit in (None, "", "1") or (isinstance(unit, float) and math.isnan(unit)) else f" [{unit}]"


def html_table(frame: pd.DataFrame, integer_columns: Sequence[str] = ()) -> str:
    """``frame`` as an HTML table with formatted numbers (text escaped)."""
    formatted = frame.copy()
    for column in formatted.columns:
        if column in integer_columns:
            formatted[column] = formatted[column].map(lambda v: "–" if pd.isna(v) else f"{int(v):,d}")
        elif pd.api.types.is_numeric_dtype(formatted[column]):
            formatted[column] = formatted[column].map(lambda v: format_number(float(v)))
    return formatted.to_html(index=False, border=0, escape=True)


def key_metrics(summary: pd.DataFrame, hinted: Sequence[str]) -> list[str]:
    """The hinted metrics, then the standard key metrics, that the summary holds (else its first five)."""
    present = set(summary["metric"])
    chosen = [m for m in dict.fromkeys([*hinted, *KEY_METRICS]) if m in present]
    return chosen or sorted(present)[:5]


def _ordered(frame: pd.DataFrame, order: Sequence[str]) -> pd.DataFrame:
    rank = {name: i for i, name in enumerate(order)}
    return (
        frame.assign(_order=frame["variant"].map(lambda v: rank.get(v, len(rank))))
        .sort_values(["_order", "variant"])
        .drop(columns="_order")
    )


def _interval(row: pd.Series, unit: Any, low: str = "ci_low", high: str = "ci_high") -> str:
    unit_text = "" if unit_suffix(unit) == "" else f" {unit}"
    return f"{format_number(row[low])} to {format_number(row[high])}{unit_text}"


def difference_sentence(differences: pd.DataFrame, unit: Any) -> str:
    """Which variants differ from their baseline at 95% (the CI of the paired difference excludes 0).

    Variants above and below the baseline are each listed from the largest difference down.
    """
    if differences.empty:
        return "No variant is compared with a baseline."
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
        parts.append(f"Higher than the baseline at 95% (CI above 0): {describe(higher)}.")
    if lower:
        parts.append(f"Lower than the baseline at 95% (CI below 0): {describe(lower)}.")
    if not higher and not lower:
        parts.append("No variant differs from the baseline at 95%.")
    if same:
        parts.append(f"Not distinguishable from the baseline (CI includes 0): {', '.join(same)}.")
    if unknown:
        parts.append(f"No interval (fewer than 2 paired runs): {', '.join(unknown)}.")
    return " ".join(parts)


def _chart(title: str, svg: str) -> dict[str, str]:
    return {"title": title, "svg": svg}


def _means_table(rows: pd.DataFrame, unit: Any) -> str:
    u = unit_suffix(unit)
    frame = rows[["variant", "n", "mean", "ci_low", "ci_high"]].rename(
        columns={"mean": f"mean{u}", "ci_low": f"95% CI low{u}", "ci_high": f"95% CI high{u}"}
    )
    return html_table(frame, integer_columns=["n"])


def _differences_table(rows: pd.DataFrame, unit: Any) -> str:
    u = unit_suffix(unit)
    frame = rows[["variant", "reference", "n", "reference_mean", "mean_difference", "ci_low", "ci_high"]].rename(
        columns={
            "reference_mean": f"baseline mean{u}",
            "mean_difference": f"difference{u}",
            "ci_low": f"95% CI low{u}",
            "ci_high": f"95% CI high{u}",
        }
    )
    return html_table(frame, integer_columns=["n"])


def _sweep_series(folder: BatchFolder, rows: pd.DataFrame) -> tuple[str, list[tuple[str, pd.DataFrame]]] | None:
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


def metric_section(folder: BatchFolder, metric: str) -> dict[str, Any]:
    """Charts, sentence and tables of one metric: variant means, paired differences, sweep lines."""
    summary = folder.tables["summary_by_variant"]
    rows = _ordered(summary[summary["metric"] == metric], folder.variant_order)
    unit = rows["unit"].iloc[0]
    label = f"{metric}{unit_suffix(unit)}"
    section: dict[str, Any] = {"metric": metric, "unit": unit, "charts": [], "tables": [], "sentence": ""}
    section["charts"].append(
        _chart(
            f"{metric}: mean by variant with 95% CI",
            charts.dots_with_ci(
                rows, "variant", "mean", "ci_low", "ci_high", label, f"{metric}: variant means, 95% CI", highlight=folder.baselines
            ),
        )
    )
    section["tables"].append({"title": "Variant means", "html": _means_table(rows, unit)})
    differences = folder.tables.get("paired_differences")
    if differences is not None:
        diff_rows = _ordered(differences[differences["metric"] == metric], folder.variant_order)
        section["sentence"] = difference_sentence(diff_rows, unit)
        if len(diff_rows):
            section["charts"].append(
                _chart(
                    f"{metric}: paired difference vs baseline with 95% CI",
                    charts.dots_with_ci(
                        diff_rows,
                        "variant",
                        "mean_difference",
                        "ci_low",
                        "ci_high",
                        f"variant − baseline, {label}",
                        f"{metric}: paired difference vs baseline (red: CI excludes 0)",
                        zero_line=True,
                    ),
                )  # fmt: skip
            )
            section["tables"].append({"title": "Paired differences vs baseline", "html": _differences_table(diff_rows, unit)})
    sweep = _sweep_series(folder, rows)
    if sweep is not None:
        swept, series = sweep
        section["charts"].append(
            _chart(f"{metric} vs {swept}", charts.lines_with_band(series, swept, swept, label, f"{metric} vs {swept} (band: 95% CI)"))
        )
    return section


def ranking_section(folder: BatchFolder) -> list[dict[str, Any]]:
    """Per ranking metric: bars of avoided per million CNY with CI whiskers, and the ranked table."""
    ranking = folder.tables["siding_ranking"]
    sections = []
    for metric, rows in ranking.groupby("metric", sort=False):
        unit = rows["unit"].iloc[0]
        per_yuan = f"{metric} avoided per million CNY [{unit}/M CNY]"
        svg = charts.ranking_with_ci(
            rows.dropna(subset=["avoided_per_million_cny"]), "variant", "avoided_per_million_cny", "per_million_cny_ci_low",
            "per_million_cny_ci_high", per_yuan, f"{metric} avoided (baseline − siding) per million CNY of capex, 95% CI",
        )  # fmt: skip
        u = unit_suffix(unit)
        table = rows[["rank", "variant", "enterprise", "capex_million_cny", "n", "avoided", "avoided_ci_low", "avoided_ci_high",
                      "avoided_per_million_cny", "per_million_cny_ci_low", "per_million_cny_ci_high"]].rename(
            columns={
                "capex_million_cny": "capex [M CNY]",
                "avoided": f"avoided{u}",
                "avoided_ci_low": f"95% CI low{u}",
                "avoided_ci_high": f"95% CI high{u}",
                "avoided_per_million_cny": f"avoided per M CNY [{unit}/M CNY]",
                "per_million_cny_ci_low": f"95% CI low [{unit}/M CNY]",
                "per_million_cny_ci_high": f"95% CI high [{unit}/M CNY]",
            }
        )  # fmt: skip
        sections.append({"metric": metric, "chart": _chart(f"Siding ranking by {metric}", svg), "html": html_table(table, ["rank", "n"])})
    return sections


def abatement_section(folder: BatchFolder) -> dict[str, Any]:
    """Per indicator (CNY per t CO2, CNY per kg NOx avoided): dots with 95% CI per variant, and the table."""
    table = _ordered(folder.tables["abatement_costs"], folder.variant_order)
    chart_list = []
    for indicator, rows in table.groupby("indicator", sort=False):
        rows = rows.dropna(subset=["value"])
        if rows.empty:
            continue
        unit = rows["unit"].iloc[0]
        svg = charts.dots_with_ci(rows, "variant", "value", "ci_low", "ci_high", f"{indicator} [{unit}]", f"Abatement cost: {unit}, 95% CI")
        chart_list.append(_chart(f"Abatement cost, {unit}", svg))
    shown = table.rename(
        columns={"extra_cost_cny": "extra cost [CNY]", "value": "abatement cost", "ci_low": "95% CI low", "ci_high": "95% CI high"}
    )
    return {"charts": chart_list, "html": html_table(shown, ["n"])}


def sensitivity_section(folder: BatchFolder, name: str, metrics: Sequence[str]) -> dict[str, Any]:
    """Bars of the sensitivity indices per parameter with their confidence half-widths, and the table."""
    table = folder.tables[name]
    shown = SENSITIVITY_INDICES[name]
    chart_list = []
    for (variant, metric), rows in table.groupby(["variant", "metric"], sort=True):
        if metric not in metrics:
            continue
        rows = rows[rows["index"].isin(shown)]
        title = f"{variant}: {metric}, {' and '.join(shown)} per parameter (whiskers: ± conf)"
        chart_list.append(
            _chart(f"{variant}: {metric}", charts.grouped_bars_with_ci(rows, "parameter", "index", "value", "conf", "index", title))
        )
    method = name.removesuffix("_indices")
    return {"method": method, "charts": chart_list, "html": html_table(table)}


def _header(folder: BatchFolder) -> dict[str, Any]:
    batch, design = folder.batch, folder.design
    return {
        "experiment": batch.get("experiment") or design.get("experiment") or folder.path.name,
        "base_scenario": batch.get("base_scenario", "unknown"),
        "experiment_file": batch.get("experiment_file", ""),
        "status": batch.get("status", "unknown"),
        "runs_total": batch.get("runs_total"),
        "runs_finished": batch.get("runs_finished"),
        "runs_failed": batch.get("runs_failed"),
        "runs_resumed": batch.get("runs_resumed"),
        "failures": batch.get("failures", []),
        "replications": design.get("replications"),
        "root_seed": design.get("root_seed"),
        "variants": len(design.get("variants", [])) or None,
        "sample": design.get("sample"),
        "overrides": batch.get("overrides", []),
        "package_version": batch.get("package_version", "unknown"),
        "git_commit": batch.get("git_commit"),
        "started": batch.get("started"),
        "ended": batch.get("ended"),
    }


def render_batch_report(batch_dir: Path | str) -> str:
    """HTML text of the report of the batch in ``batch_dir``."""
    folder = read_batch_folder(batch_dir)
    hinted = (folder.batch.get("report") or {}).get("metrics", [])
    summary = folder.tables.get("summary_by_variant")
    metrics = key_metrics(summary, hinted) if summary is not None and len(summary) else []
    sensitivity_metrics = metrics
    for name in SENSITIVITY_INDICES:
        if not metrics and name in folder.tables:
            sensitivity_metrics = key_metrics(folder.tables[name], hinted)
    full_tables = []
    if summary is not None:
        full_tables.append({"title": "Summary by variant (all metrics)", "html": html_table(summary, ["n"])})
    if "paired_differences" in folder.tables:
        full_tables.append(
            {"title": "Paired differences vs baseline (all metrics)", "html": html_table(folder.tables["paired_differences"], ["n"])}
        )
    env = Environment(loader=PackageLoader("freight_sim.report", "templates"), autoescape=select_autoescape(["html", "j2"]))
    return env.get_template("batch.html.j2").render(
        h=_header(folder),
        metric_sections=[metric_section(folder, m) for m in metrics],
        abatement=abatement_section(folder) if "abatement_costs" in folder.tables and len(folder.tables["abatement_costs"]) else None,
        rankings=ranking_section(folder) if "siding_ranking" in folder.tables and len(folder.tables["siding_ranking"]) else [],
        sensitivities=[sensitivity_section(folder, n, sensitivity_metrics) for n in SENSITIVITY_INDICES if n in folder.tables],
        full_tables=full_tables,
    )


def write_batch_report(batch_dir: Path | str, path: Path | str | None = None) -> Path:
    """Render the report of ``batch_dir`` and write it atomically (default ``batch_dir/report.html``)."""
    target = Path(path) if path is not None else Path(batch_dir) / REPORT_FILE
    atomic.write_text(target, render_batch_report(batch_dir))
    return target
