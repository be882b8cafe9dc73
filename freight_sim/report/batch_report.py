"""Self-contained HTML report of an experiment batch, read from the tables the batch wrote.

Nothing is recomputed from runs: the report shows ``batch.json`` (design, provenance, failures) and
whichever of ``summary_by_variant``, ``paired_differences``, ``abatement_costs``, ``siding_ranking``,
``siding_table``, ``sobol_indices``, ``morris_indices`` and ``spread`` (uncertain inputs vs simulation
noise) are present in the batch folder (Parquet, or the
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
from freight_sim.experiments.spec import BASELINE
from freight_sim.report import charts, siding_section
from freight_sim.report.formatting import format_number, html_table, unit_suffix
from freight_sim.report.i18n import Translator
from freight_sim.report.metric_section import chart, difference_sentence, metric_label, metric_section, ordered

__all__ = ["difference_sentence", "format_number", "metric_section", "read_batch_folder", "render_batch_report", "write_batch_report"]

REPORT_FILE = "report.html"
KEY_METRICS = ("clean_transport_ratio", "nox_kg", "co2_wtw_t", "co2_ttw_t", "truck_trips", "backlog_t", "cost_cny")
TABLE_NAMES = (
    "summary_by_variant", "paired_differences", "abatement_costs", "siding_ranking", "siding_table", "sobol_indices", "morris_indices",
    "returns_per_siding",
    "spread",
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
    table = ordered(folder.tables["abatement_costs"], folder.variant_order)
    chart_list = []
    for indicator, rows in table.groupby("indicator", sort=False):
        rows = rows.dropna(subset=["value"])
        if rows.empty:
            continue
        unit = rows["unit"].iloc[0]
        title = t("Abatement cost: {unit}, 95% CI", unit=t.unit(str(unit)))
        svg = charts.dots_with_ci(rows, "variant", "value", "ci_low", "ci_high", f"{indicator} [{t.unit(str(unit))}]", title)
        chart_list.append(chart(title, svg))
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
        chart_list.append(chart(title, charts.grouped_bars_with_ci(rows, "parameter", "index", "value", "conf", "index", title)))
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
            "siding_input_ranges": siding_section.has_input_ranges(table),
            "siding_charts": siding_section.ranking_charts(table, t),
        }
    return {"answer": _general_answer(folder, metrics, t), "siding_table": None, "siding_input_ranges": False, "siding_charts": []}


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
    if len(folder.tables.get("returns_per_siding", ())):
        full_tables.append(
            {
                "title": t("Returns per siding built, and the waits for train paths they meet"),
                "html": html_table(ordered(folder.tables["returns_per_siding"], folder.variant_order)),
            }
        )
    spread = folder.tables.get("spread")
    if spread is not None and len(spread):
        shown = spread[spread["metric"].isin(metrics)] if metrics else spread
        full_tables.append(
            {
                "title": t("Spread due to uncertain inputs (sample points) and simulation noise (replications)"),
                "html": html_table(shown, integer_columns=["samples", "replications"]),
            }
        )
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
