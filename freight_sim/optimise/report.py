"""The optimisation report: the answer first (cheapest portfolio that meets the constraints, checked with
fresh seeds, against the greedy baseline), the fronts (cost vs NOx, cost vs CO2), the chosen portfolio per
enterprise, and the front's portfolios. Self-contained HTML in English or Chinese."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pandas as pd
from jinja2 import Environment, PackageLoader, select_autoescape

from freight_sim import atomic
from freight_sim.optimise.evaluate import Evaluation, Evaluator
from freight_sim.report import charts
from freight_sim.report.formatting import format_number, format_percent, html_table
from freight_sim.report.i18n import Translator
from freight_sim.report.metric_section import metric_label

REPORT_FILE = "report.html"


def _money(value: Any, t: Translator) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    return f"{value / 1e6:,.1f} {t('M CNY')}"


def _cost_metric(summary: dict[str, Any]) -> str:
    """The cost the search minimised (a pathway base: the present value): the first cost objective, else ``cost_cny``."""
    return next((o["metric"] for o in summary["objectives"] if "cost" in o["metric"] and o["sense"] == "min"), "cost_cny")


def _cost_of(portfolio: dict[str, Any], metric: str) -> float | None:
    value = portfolio.get("objectives", {}).get(metric)
    return value if value is not None else portfolio.get("metrics", {}).get(metric)


def _answer(summary: dict[str, Any], t: Translator) -> list[str]:
    best, greedy, check = summary["best_portfolio"], summary["greedy"], summary["verification"]
    lines = []
    if best is None:
        lines.append(t("No portfolio met the constraints in {n} evaluations; the least-violating portfolios are listed below.",
                       n=summary["evaluations"]))  # fmt: skip
        return lines
    cost_metric = _cost_metric(summary)
    cost = _cost_of(best, cost_metric)
    measures = "; ".join(f"{k}: {v}" for k, v in best["measures"].items()) or t("no change")
    lines.append(t("Cheapest portfolio found that meets the constraints: {measures}. Its {cost_label} over the simulated period: {cost}.",
                   measures=measures, cost_label=metric_label(cost_metric, t), cost=_money(cost, t)))  # fmt: skip
    base_cost = _cost_of(summary["base_portfolio"], cost_metric) if summary.get("base_portfolio") else None
    if cost is not None and base_cost is not None and cost < base_cost:
        lines.append(t("It costs less than the base scenario ({base}): over the simulated period its measures save more operating cost than they add in capital cost.",
                       base=_money(base_cost, t)))  # fmt: skip
    if check is not None and check.get("constraint_held_share") is not None:
        held = ", ".join(format_percent(h, 0) for h in check["constraint_held_share"])
        verdict = t("holds") if summary["target_met"] else t("does not hold")
        required = format_percent(check["required_share"], 0)
        if check.get("sample_points"):
            lines.append(t("Re-run with {n} fresh seeds at {points} fresh sample points of the uncertain inputs, the constraint held in {held} of the {runs} runs (required {required}): it {verdict}.",
                           n=check["replications"], points=check["sample_points"], runs=check["runs"], held=held, required=required, verdict=verdict))  # fmt: skip
        else:
            lines.append(t("Re-run with {n} fresh seeds, the constraint held in {held} of the replications (required {required}): it {verdict}.",
                           n=check["replications"], held=held, required=required, verdict=verdict))  # fmt: skip
    if greedy is not None:
        final = greedy.get("final")
        if greedy["feasible"] and final is not None:
            greedy_cost = _cost_of(final, cost_metric)
            saving = (greedy_cost - cost) if greedy_cost is not None and cost is not None else None
            lines.append(t("The greedy baseline (single measures added by cost-effectiveness) meets the constraints at {cost}; the search saves {saving}.",
                           cost=_money(greedy_cost, t), saving=_money(saving, t)))  # fmt: skip
        else:
            lines.append(t("The greedy baseline (single measures added by cost-effectiveness) does not meet the constraints."))
    return lines


def _enterprise_table(evaluator: Evaluator, base: Evaluation, best: Evaluation, t: Translator) -> str:
    """Per enterprise: in scope, the measures of the chosen portfolio at it, its ratio before and after."""
    before, after = evaluator.enterprise_ratios(base), evaluator.enterprise_ratios(best)
    rows = []
    for eid, enterprise in evaluator.base.enterprises.items():
        touched = [f"{c.name}: {c.labels[p]}" for c, p in zip(evaluator.choices, best.picks, strict=True) if p and eid in c.path]
        rows.append(
            {
                "enterprise": eid,
                "name": enterprise.name,
                "in_scope": t("yes") if eid in evaluator.in_scope else t("no"),
                "measures": ", ".join(touched),
                "before": before.get(eid, math.nan),
                "after": after.get(eid, math.nan),
            }
        )
    frame = pd.DataFrame(rows)
    headers = {"enterprise": t("enterprise"), "name": t("name"), "in_scope": t("in scope"), "measures": t("measures"),
               "before": t("ratio before"), "after": t("ratio after")}  # fmt: skip
    percent = {"before": lambda v: format_percent(v), "after": lambda v: format_percent(v)}
    return html_table(frame, headers, formatters=percent, css_class="by-enterprise")  # its names and measures wrap


def _front_charts(evaluations: pd.DataFrame, pareto: pd.DataFrame, t: Translator) -> list[dict[str, str]]:
    if evaluations.empty or "cost_cny" not in evaluations:
        return []
    points = evaluations.drop_duplicates("portfolio").assign(on_front=lambda f: f["portfolio"].isin(set(pareto.get("portfolio", []))))
    points = points[points["failed"] == ""]
    out = []
    for metric, label in (("nox_kg", t("NOx, kg")), ("co2_wtw_t", t("CO2 well-to-wheel, t"))):
        title = t("Cost against {what}: every portfolio simulated, the front in red", what=label)
        svg = charts.front_scatter(
            points.assign(cost_m=points["cost_cny"] / 1e6), "cost_m", metric, t("cost, M CNY"), label, "",
            labels=(t("meets the constraints"), t("misses them"), t("front")),
        )  # fmt: skip
        out.append({"title": title, "svg": svg})
    return out


def _column(name: str, t: Translator) -> str:
    from freight_sim.report.metric_section import metric_label

    texts = {"label": t("portfolio"), "in_scope_enterprise_ratio": t("lowest in-scope enterprise ratio"), "violation": t("violation")}
    return texts.get(name) or metric_label(name, t)


def render_optimisation_report(
    summary: dict[str, Any], pareto: pd.DataFrame, evaluations: pd.DataFrame, evaluator: Evaluator, base: Evaluation,
    best: Evaluation | None, lang: str = "en",
) -> str:  # fmt: skip
    t = Translator(lang)
    shown = [c for c in ("label", "cost_cny", "nox_kg", "co2_wtw_t", "clean_transport_ratio", "in_scope_enterprise_ratio", "violation")
             if c in pareto.columns]  # fmt: skip
    env = Environment(loader=PackageLoader("freight_sim.report", "templates"), autoescape=select_autoescape(["html", "j2"]))
    return env.get_template("optimise.html.j2").render(
        t=t,
        lang=t.lang,
        s=summary,
        answer=_answer(summary, t),
        charts=_front_charts(evaluations, pareto, t),
        enterprises=_enterprise_table(evaluator, base, best, t) if best is not None and not base.failed else "",
        front=html_table(pareto[shown], {c: _column(c, t) for c in shown}) if len(pareto) else "",
        greedy=summary.get("greedy"),
        number=format_number,
    )


def write_optimisation_report(
    out_dir: Path, summary: dict[str, Any], pareto: pd.DataFrame, evaluations: pd.DataFrame, evaluator: Evaluator,
    base: Evaluation, best: Evaluation | None, lang: str = "en",
) -> Path:  # fmt: skip
    """Render the report and write it atomically to ``out_dir/report.html``."""
    path = Path(out_dir) / REPORT_FILE
    atomic.write_text(path, render_optimisation_report(summary, pareto, evaluations, evaluator, base, best, lang))
    return path
