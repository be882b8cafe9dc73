"""Self-contained HTML report of a pathway: the ratio path against the target, NOx and CO2 paths, and a
per-enterprise compliance timeline (mean over replications; bands and intervals: 95%)."""

from __future__ import annotations

from html import escape
from pathlib import Path

import pandas as pd
from jinja2 import Environment, PackageLoader, select_autoescape

from freight_sim.pathway.trajectory import CITY
from freight_sim.report import charts
from freight_sim.report.formatting import format_number, format_percent, html_table
from freight_sim.report.i18n import Translator


def _city_series(trajectory: pd.DataFrame, metric: str, scale: float = 1.0) -> pd.DataFrame:
    rows = trajectory[(trajectory["enterprise"] == CITY) & (trajectory["metric"] == metric)].sort_values("year")
    return pd.DataFrame(
        {"year": rows["year"].astype(int).astype(str).to_numpy(), "mean": rows["value"].to_numpy() * scale, "ci_low": rows["ci_low"].to_numpy() * scale,
         "ci_high": rows["ci_high"].to_numpy() * scale}
    )  # fmt: skip


def _target_series(summary: dict, years: list[int]) -> pd.DataFrame | None:
    """The target each year is held to, from the first target year on (a flat band: no interval)."""
    from freight_sim.pathway.trajectory import target_for_year

    targets = {int(y): float(v) for y, v in summary.get("targets", {}).items()}
    if not targets:
        return None
    held = [(y, target_for_year(targets, y)) for y in years if y >= min(targets)]
    if not held:
        return None
    values = [100 * float(v or 0.0) for _, v in held]
    return pd.DataFrame({"year": [str(y) for y, _ in held], "mean": values, "ci_low": values, "ci_high": values})


def _charts(result, t: Translator) -> list[dict[str, str]]:
    trajectory = result.trajectory
    years = sorted(int(y) for y in trajectory["year"].unique())
    ratio = [(t("city"), _city_series(trajectory, "clean_transport_ratio", 100.0))]
    target = _target_series(result.summary, years)
    if target is not None:
        ratio.append((t("target"), target))
    year = t("year")
    out = [
        {"title": t("Clean-transport ratio path against the target"),
         "svg": charts.lines_with_band(ratio, "year", year, "%", t("clean-transport ratio (city)"))},
        {"title": t("NOx path"),
         "svg": charts.lines_with_band([(t("NOx (tailpipe)"), _city_series(trajectory, "nox_kg", 1e-3))], "year", year, "t", t("NOx (tailpipe)"))},
        {"title": t("CO2 path"),
         "svg": charts.lines_with_band(
             [(t("CO2 well-to-wheel"), _city_series(trajectory, "co2_wtw_t", 1e-3)), (t("CO2 tank-to-wheel"), _city_series(trajectory, "co2_ttw_t", 1e-3))],
             "year", year, "kt", t("CO2 paths"))},
    ]  # fmt: skip
    return out


def compliance_timeline(compliance: pd.DataFrame, first_years: dict, t: Translator, names: dict[str, str]) -> str:
    """HTML table: one row per key enterprise, its ratio each year (green: meets the target), the first year it does."""
    years = sorted(int(y) for y in compliance["year"].unique())
    head = "".join(f"<th>{y}</th>" for y in years)
    rows = []
    for enterprise, group in compliance.groupby("enterprise", sort=True):
        by_year = group.set_index("year")
        cells = []
        for y in years:
            if y not in by_year.index:
                cells.append("<td>–</td>")
                continue
            row = by_year.loc[y]
            css = "met" if bool(row["meets_target"]) else "unmet"
            cells.append(
                f'<td class="{css}" title="{escape(t("target"))} {format_percent(row["target"], 0)}">{format_percent(row["ratio"], 0)}</td>'
            )
        first = first_years.get(str(enterprise), "")
        first_text = str(first) if isinstance(first, int) else t("not by {year}", year=years[-1] if years else "")
        label = escape(f"{names.get(str(enterprise), str(enterprise))} ({enterprise})")
        rows.append(f"<tr><td>{label}</td>{''.join(cells)}<td>{escape(first_text)}</td></tr>")
    caption = escape(t("first year at target"))
    return f'<table class="timeline"><tr><th>{escape(t("enterprise"))}</th>{head}<th>{caption}</th></tr>{"".join(rows)}</table>'


def sidings_table(result, t: Translator, names: dict[str, str]) -> str:
    """HTML table of the candidate sidings built: station, capacity, commissioning day, ramp-up, full capacity
    from, capital cost in the run (empty when none is built)."""
    built = getattr(result, "sidings_built", None)
    if built is None or not len(built):
        return ""
    dated = built["commissioned"].astype(str) != ""

    def day(value: str, estimate: bool) -> str:
        return f"{value} ({t('estimate')})" if value and estimate else value or t("from the start")

    frame = pd.DataFrame(
        {
            "name": [f"{names.get(e, e)} ({e})" for e in built["enterprise"]],
            "station": built["station"],
            "capacity": built["capacity_t_per_year"] / 1e6,
            "commissioned": [day(v, bool(e)) for v, e in zip(built["commissioned"], built["date_estimate"], strict=True)],
            "ramp_up_months": built["ramp_up_months"].where(dated),
            "full": [v or t("from the start") for v in built["full_capacity_from"]],
            "capex": built["capex_million_cny"],
            "cost": built["period_cost_cny"] / 1e6,
        }
    )
    headers = {
        "name": t("enterprise"),
        "station": t("station"),
        "capacity": t("capacity [Mt/yr]"),
        "commissioned": t("commissioned"),
        "ramp_up_months": t("ramp-up [months]"),
        "full": t("full capacity from"),
        "capex": t("capex [M CNY]"),
        "cost": t("capital cost in the run [M CNY]"),
    }
    return html_table(frame, headers, integer_columns=["ramp_up_months"])


def _ci(entry: dict) -> str:
    low, high = entry.get("ci_low"), entry.get("ci_high")
    return "–" if low is None or high is None else f"{format_number(low)} – {format_number(high)}"


def cuts_section(summary: dict, t: Translator) -> dict[str, str] | None:
    """The emission cuts against the baseline path (table) and the plan's city-wide cut beside them (text)."""
    cut = summary.get("reduction_against_baseline")
    if not cut:
        return None
    labels = {"nox": t("NOx (tailpipe)"), "pm": t("PM (tailpipe)"), "so2": t("SO2 (tailpipe)"), "total": t("NOx + PM + SO2")}
    rows = [(labels[k], format_number(v["mean"]), _ci(v)) for k, v in cut["cumulative_t"].items()]
    head = f"<tr><th>{escape(t('pollutant'))}</th><th>{escape(t('cumulative cut [t]'))}</th><th>{escape(t('95% interval'))}</th></tr>"
    body = "".join(f"<tr><td>{escape(a)}</td><td>{escape(b)}</td><td>{escape(c)}</td></tr>" for a, b, c in rows)
    plan = cut["plan"]
    pollutants = ("、" if t.lang == "zh" else ", ").join(t(p) for p in plan["pollutants"])
    share = cut.get("transport_share_of_plan")
    if share is not None:
        years = cut["plan_years"]
        text = t(
            "The plan's city-wide cut of {pollutants}: {plan} t cumulative by end-{year}, all sectors. The pathway's cut in {years}: {cut} t, a transport share of {share}.",
            pollutants=pollutants, plan=format_number(plan["cumulative_cut_t"]), year=plan["by_end_of_year"],
            years=str(years[0]) if len(years) == 1 else f"{years[0]}-{years[-1]}", cut=format_number(cut["cut_in_plan_years_t"]["mean"]), share=format_percent(share["mean"], 3),
        )  # fmt: skip
    else:
        text = t(
            "The plan's city-wide cut of {pollutants} ({plan} t cumulative by end-{year}) lies before the pathway's years: no transport share.",
            pollutants=pollutants, plan=format_number(plan["cumulative_cut_t"]), year=plan["by_end_of_year"],
        )  # fmt: skip
    return {"table": f'<table class="cuts">{head}{body}</table>', "plan": text, "source": plan["source"]}


def _names(result, t: Translator) -> dict[str, str]:
    names = dict(zip(result.compliance["enterprise"].astype(str), result.compliance["name"].astype(str), strict=True))
    zh = getattr(result, "names_zh", None) or {}
    return {k: zh.get(k) or v for k, v in names.items()} if t.lang == "zh" else names


def render_pathway_report(result, lang: str = "en") -> str:
    t = Translator(lang)
    env = Environment(loader=PackageLoader("freight_sim.report", "templates"), autoescape=select_autoescape(["html", "j2"]))
    s = result.summary
    return env.get_template("pathway.html.j2").render(
        t=t,
        lang=t.lang,
        s=s,
        n=format_number,
        pct=format_percent,
        charts=_charts(result, t),
        timeline=compliance_timeline(result.compliance, s.get("first_year_meeting_target", {}), t, _names(result, t)),
        sidings=sidings_table(result, t, _names(result, t)),
        cuts=cuts_section(s, t),
        description=s.get("description", "") if t.lang == "en" else "",
    )


def write_pathway_report(result, path: Path | str, lang: str = "en") -> Path:
    from freight_sim.atomic import write_text

    write_text(path, render_pathway_report(result, lang))
    return Path(path)
