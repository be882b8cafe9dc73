"""Self-contained HTML report of an experiment batch, read from the tables the batch wrote.

Nothing is recomputed from runs: the report shows ``batch.json`` (design, provenance, failures) and
whichever of ``summary_by_variant``, ``paired_differences``, ``abatement_costs``, ``siding_ranking``,
``siding_table``, ``sobol_indices`` and ``morris_indices`` are present in the batch folder (Parquet, or the
CSV copy when the Parquet is missing). Decision first: the answer and the combined siding table open the
page; the per-metric sections, rankings and tables follow collapsed.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from jinja2 import Environment, PackageLoader, select_autoescape

from freight_sim import atomic
from freight_sim.errors import FreightSimError
from freight_sim.experiments.metrics import declared_metrics
from freight_sim.experiments.spec import BASELINE
from freight_sim.report import charts, siding_section
from freight_sim.report.formatting import format_number, html_table, unit_suffix
from freight_sim.report.i18n import Translator

REPORT_FILE = "report.html"
KEY_METRICS = ("clean_transport_ratio", "nox_kg", "co2_wtw_t", "co2_ttw_t", "truck_trips", "backlog_t", "cost_cny")
TABLE_NAMES = (
    "summary_by_variant", "paired_differences", "abatement_costs", "siding_ranking", "siding_table", "sobol_indices", "morris_indices",
)  # fmt: skip
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


def _chart(title: str, svg: str) -> dict[str, str]:
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


def metric_section(folder: BatchFolder, metric: str, t: Translator | None = None) -> dict[str, Any]:
    """Charts, sentence and tables of one metric: variant means, paired differences, sweep lines."""
    t = t or Translator("en")
    summary = folder.tables["summary_by_variant"]
    rows = _ordered(summary[summary["metric"] == metric], folder.variant_order)
    unit = rows["unit"].iloc[0]
    name = metric_label(metric, t)
    label = f"{name}{unit_suffix(unit)}"
    section: dict[str, Any] = {"metric": metric, "label": name, "unit": unit, "charts": [], "tables": [], "sentence": "", "note": None}
    section["note"] = _constant_note(rows, unit, t)
    if section["note"] is None:
        title = t("{metric}: mean by variant with 95% CI", metric=name)
        section["charts"].append(
            _chart(title, charts.dots_with_ci(rows, "variant", "mean", "ci_low", "ci_high", label, title, highlight=folder.baselines))
        )
    section["tables"].append({"title": t("Variant means"), "html": _means_table(rows, unit, t)})
    differences = folder.tables.get("paired_differences")
    if differences is not None:
        diff_rows = _ordered(differences[differences["metric"] == metric], folder.variant_order)
        section["sentence"] = difference_sentence(diff_rows, unit, t)
        if len(diff_rows) and section["note"] is None:
            title = t("{metric}: paired difference vs baseline with 95% CI", metric=name)
            section["charts"].append(
                _chart(
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
            _chart(title, charts.lines_with_band(series, swept, swept, label, t("{title} (band: 95% CI)", title=title)))
        )
    return section


def ranking_section(folder: BatchFolder, t: Translator) -> list[dict[str, Any]]:
    """Per ranking metric: the ranked table of improvement per million CNY of capex."""
    ranking = folder.tables["siding_ranking"]
    sections = []
    for metric, rows in ranking.groupby("metric", sort=False):
        unit = rows["unit"].iloc[0]
        u = unit_suffix(unit)
        per = f" [{unit}/{t('M CNY')}]" if u else f" [1/{t('M CNY')}]"
        headers = {
            "rank": t("rank"),
            "variant": t("variant"),
            "enterprise": t("enterprise"),
            "capex_million_cny": t("capex [M CNY]"),
            "n": t("runs"),
            "improvement": f"{t('improvement')}{u}",
            "improvement_ci_low": f"{t('95% CI low')}{u}",
            "improvement_ci_high": f"{t('95% CI high')}{u}",
            "improvement_per_million_cny": f"{t('improvement per M CNY')}{per}",
            "per_million_cny_ci_low": f"{t('95% CI low')}{per}",
            "per_million_cny_ci_high": f"{t('95% CI high')}{per}",
        }
        title = t("Siding ranking by {metric}", metric=metric_label(str(metric), t))
        sections.append({"metric": metric, "title": title, "html": html_table(rows[list(headers)], headers, ["rank", "n"])})
    return sections


def abatement_section(folder: BatchFolder, t: Translator) -> dict[str, Any]:
    """Per indicator (CNY per t CO2, CNY per kg NOx avoided): dots with 95% CI per variant, and the table."""
    table = _ordered(folder.tables["abatement_costs"], folder.variant_order)
    chart_list = []
    for indicator, rows in table.groupby("indicator", sort=False):
        rows = rows.dropna(subset=["value"])
        if rows.empty:
            continue
        unit = rows["unit"].iloc[0]
        title = t("Abatement cost: {unit}, 95% CI", unit=t.unit(str(unit)))
        svg = charts.dots_with_ci(rows, "variant", "value", "ci_low", "ci_high", f"{indicator} [{t.unit(str(unit))}]", title)
        chart_list.append(_chart(title, svg))
    headers = {
        "variant": t("variant"),
        "reference": t("baseline"),
        "indicator": t("indicator"),
        "unit": t("unit"),
        "n": t("runs"),
        "extra_cost_cny": t("extra cost [CNY]"),
        "avoided": t("avoided"),
        "value": t("abatement cost"),
        "ci_low": t("95% CI low"),
        "ci_high": t("95% CI high"),
    }
    return {"charts": chart_list, "html": html_table(table[[c for c in headers if c in table.columns]], headers, ["n"])}


def sensitivity_section(folder: BatchFolder, name: str, metrics: Sequence[str], t: Translator) -> dict[str, Any]:
    """Bars of the sensitivity indices per parameter with their confidence half-widths, and the table."""
    table = folder.tables[name]
    shown = SENSITIVITY_INDICES[name]
    chart_list = []
    for (variant, metric), rows in table.groupby(["variant", "metric"], sort=True):
        if metric not in metrics:
            continue
        rows = rows[rows["index"].isin(shown)]
        title = t(
            "{variant}: {metric}, {indices} per parameter (whiskers: ± conf)",
            variant=variant,
            metric=metric_label(metric, t),
            indices=" / ".join(shown),
        )
        chart_list.append(_chart(title, charts.grouped_bars_with_ci(rows, "parameter", "index", "value", "conf", "index", title)))
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


def _general_answer(folder: BatchFolder, metrics: Sequence[str], t: Translator) -> list[str]:
    """Without sidings: per key metric, the variant that improves it most at 95% confidence."""
    differences = folder.tables.get("paired_differences")
    if differences is None or differences.empty or "improvement" not in differences.columns:
        return []
    sentences = []
    for metric in metrics:
        rows = differences[(differences["metric"] == metric) & (differences["improvement_ci_low"] > 0)]
        if rows.empty:
            continue
        best = rows.sort_values("improvement", ascending=False).iloc[0]
        sentences.append(
            t(
                "{metric}: {variant} improves it most ({value} against {reference}, 95% CI {low} … {high}).",
                metric=metric_label(metric, t),
                variant=best["variant"],
                reference=best["reference"],
                value=format_number(best["improvement"]),
                low=format_number(best["improvement_ci_low"]),
                high=format_number(best["improvement_ci_high"]),
            )
        )
    return sentences or [t("No variant improves a key metric with 95% confidence.")]


def _decision(folder: BatchFolder, metrics: Sequence[str], t: Translator) -> dict[str, Any]:
    table = folder.tables.get("siding_table")
    if table is not None and len(table):
        return {
            "answer": siding_section.answer(table, folder.tables.get("summary_by_variant"), t),
            "siding_table": siding_section.siding_table_html(table, t),
            "siding_charts": siding_section.ranking_charts(table, t),
        }
    return {"answer": _general_answer(folder, metrics, t), "siding_table": None, "siding_charts": []}


def render_batch_report(batch_dir: Path | str, lang: str | None = None) -> str:
    """HTML text of the report of the batch in ``batch_dir`` (``lang``: en or zh; default the file's ``report.lang``)."""
    folder = read_batch_folder(batch_dir)
    hint = folder.batch.get("report") or {}
    t = Translator(lang or hint.get("lang") or "en")
    summary = folder.tables.get("summary_by_variant")
    metrics = key_metrics(summary, hint.get("metrics", [])) if summary is not None and len(summary) else []
    sensitivity_metrics = metrics
    for name in SENSITIVITY_INDICES:
        if not metrics and name in folder.tables:
            sensitivity_metrics = key_metrics(folder.tables[name], hint.get("metrics", []))
    full_tables = []
    if summary is not None:
        full_tables.append({"title": t("Summary by variant (all metrics)"), "html": html_table(summary, integer_columns=["n"])})
    if "paired_differences" in folder.tables:
        full_tables.append(
            {
                "title": t("Paired differences vs baseline (all metrics)"),
                "html": html_table(folder.tables["paired_differences"], integer_columns=["n"]),
            }
        )
    has = {name: name in folder.tables and len(folder.tables[name]) > 0 for name in TABLE_NAMES}
    env = Environment(loader=PackageLoader("freight_sim.report", "templates"), autoescape=select_autoescape(["html", "j2"]))
    return env.get_template("batch.html.j2").render(
        t=t,
        lang=t.lang,
        h=_header(folder),
        decision=_decision(folder, metrics, t),
        metric_sections=[metric_section(folder, m, t) for m in metrics],
        abatement=abatement_section(folder, t) if has["abatement_costs"] else None,
        rankings=ranking_section(folder, t) if has["siding_ranking"] else [],
        sensitivities=[sensitivity_section(folder, n, sensitivity_metrics, t) for n in SENSITIVITY_INDICES if n in folder.tables],
        full_tables=full_tables,
    )


def write_batch_report(batch_dir: Path | str, path: Path | str | None = None, lang: str | None = None) -> Path:
    """Render the report of ``batch_dir`` and write it atomically (default ``batch_dir/report.html``)."""
    target = Path(path) if path is not None else Path(batch_dir) / REPORT_FILE
    atomic.write_text(target, render_batch_report(batch_dir, lang))
    return target
