"""Readable terminal summaries of a run and of a batch (English or Chinese)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from freight_sim.report.formatting import format_number
from freight_sim.report.i18n import Translator


def print_run_summary(summary: dict[str, Any], out_dir: Path, lang: str = "en") -> None:
    t = Translator(lang)
    console = Console()
    title = t(
        "{scenario}: {days} simulated days, seed {seed}",
        scenario=summary["scenario"],
        days=f"{summary['simulated_days']:g}",
        seed=summary["seed"],
    )
    table = Table(title=title, show_header=False)
    table.add_column("figure")
    table.add_column("value", justify="right")
    tonne, kg = t.unit("t"), t.unit("kg")
    rows = [
        (t("clean-transport ratio ({profile})", profile=summary["rule_profile"]), f"{summary['clean_transport_ratio']:.1%}"),
        (
            t("key enterprises at {target}", target=f"{summary['target_ratio']:.0%}"),
            t("{k} of {n}", k=summary["enterprises_compliant"], n=len(summary["enterprises"])),
        ),
        (t("tonnes delivered"), f"{summary['tonnes_delivered']:,.0f} {tonne}"),
        *((f"  {t('by {chain}', chain=t.value(chain))}", f"{tonnes:,.0f} {tonne}") for chain, tonnes in summary["tonnes_by_chain"].items()),
        (t("backlog at end"), f"{summary['backlog_t']:,.0f} {tonne}"),
        (t("truck trips"), f"{summary['truck_trips']:,}"),
        (t("train departures"), f"{summary['train_departures']:,}" + _missed(summary, t)),
        (t("NOx (tailpipe)"), f"{summary['nox_kg']:,.0f} {kg}"),
        (t("PM (tailpipe)"), f"{summary['pm_kg']:,.0f} {kg}"),
        (t("CO2 tank-to-wheel"), f"{summary['co2_ttw_t']:,.0f} {tonne}"),
        (t("CO2 well-to-wheel"), f"{summary['co2_wtw_t']:,.0f} {tonne}"),
        (
            t("transport cost"),
            t("{total} M CNY ({per_t} CNY/t)", total=f"{summary['cost_cny'] / 1e6:,.1f}", per_t=f"{summary['cost_cny_per_t']:.1f}"),
        ),
        (t("mean wait at loading bays"), t("{m} min", m=f"{summary['loading_bay_wait_mean_h'] * 60:.1f}")),
        (t("mean wait at swap stations"), t("{m} min", m=f"{summary['swap_wait_mean_h'] * 60:.1f}")),
        (t("mean wait at full station piles"), t("{m} min", m=f"{summary.get('station_pile_wait_mean_h', 0.0) * 60:.1f}")),
        (t("events / wall time"), f"{summary['events']:,} / {summary['wall_s']:.1f} s"),
    ]
    if summary.get("model", {}).get("mode") == "fast":
        rows.append((t("simulation mode"), t("fast: trucks as convoys, queue waits approximate")))
    for name, value in rows:
        table.add_row(escape(name), value)
    console.print(table)
    console.print(escape(t("results in {out}/ (summary.json, summary.xlsx, report.html, KPI tables, manifest.json)", out=out_dir)))


def _missed(summary: dict, t: Translator) -> str:
    missed = summary.get("train_slots_missed", 0)
    return " " + t("({n} timetable slots missed)", n=f"{missed:,}") if missed else ""


def _cell(mean: float, low: float, high: float) -> str:
    if math.isnan(mean):
        return "-"
    if math.isnan(low):
        return format_number(mean)
    return f"{format_number(mean)} ± {format_number((high - low) / 2)}"


def siding_labels(siding_table: pd.DataFrame | None, lang: str = "en") -> dict[str, str]:
    """``siding-E04`` -> ``siding-E04 Illustrative coking plant A (Lucheng)`` (Chinese name in ``zh``)."""
    if siding_table is None or siding_table.empty:
        return {}
    t = Translator(lang)
    return {
        row[
            "variant"
        ]: f"{row['variant']} {t.name({'name': row.get('enterprise_name'), 'name_zh': row.get('enterprise_name_zh')}, '')}".strip()
        for _, row in siding_table.iterrows()
    }


def batch_table(
    summary: pd.DataFrame, metrics: Sequence[str], order: Sequence[str] = (), lang: str = "en", labels: Mapping[str, str] | None = None
) -> Table | None:
    """Mean ± 95% CI half-width per variant (rows in ``order``: design order, baseline first) and metric;
    ``labels`` name variants (e.g. a siding's enterprise beside its variant id)."""
    from freight_sim.experiments.metrics import declared_metrics

    if summary is None or summary.empty:
        return None
    t = Translator(lang)
    catalog = declared_metrics()
    shown = [m for m in metrics if m in set(summary["metric"])] or sorted(summary["metric"].unique())[:5]
    table = Table(title=t("mean ± 95% CI half-width by variant"))
    table.add_column(t("variant"))
    table.add_column(t("runs"), justify="right")
    for metric in shown:
        unit = summary.loc[summary["metric"] == metric, "unit"].iloc[0]
        label = t.metric(metric, catalog.label(metric))
        unit_text = "" if unit in ("", "1", "count") else f" [{t.unit(unit)}]"
        table.add_column(escape(label + unit_text), justify="right")
    variants = list(dict.fromkeys([*[v for v in order if v in set(summary["variant"])], *sorted(summary["variant"].unique())]))
    for variant in variants:
        group = summary[summary["variant"] == variant]
        by_metric = group.set_index("metric")
        cells = [_cell(*by_metric.loc[m, ["mean", "ci_low", "ci_high"]]) if m in by_metric.index else "-" for m in shown]
        table.add_row(escape((labels or {}).get(variant, str(variant))), str(int(group["n"].max())), *cells)
    return table


def print_batch_summary(tables: Mapping[str, pd.DataFrame], metrics: Sequence[str], order: Sequence[str] = (), lang: str = "en") -> None:
    """The end-of-batch table from the batch's summary tables."""
    labels = siding_labels(tables.get("siding_table"), lang)
    table = batch_table(tables.get("summary_by_variant"), metrics, order, lang, labels)
    if table is not None:
        Console(width=160).print(table)
