"""The decision part of a siding batch's report: a plain-language answer and the combined siding table."""

from __future__ import annotations

from html import escape
from typing import Any

import pandas as pd

from freight_sim.experiments.siding_table import COSTS, CRITERIA
from freight_sim.report import charts
from freight_sim.report.formatting import format_number, format_signed
from freight_sim.report.i18n import Translator

# criterion stem -> (English header, metric name for labels, shown in percentage points)
CRITERION_HEADERS = {
    "ratio_city": ("city clean-transport ratio", "clean_transport_ratio", True),
    "ratio_own": ("own clean-transport ratio", "enterprise_ratio.*", True),
    "nox_kg": ("NOx (tailpipe) avoided", "nox_kg", False),
    "co2_wtw_t": ("CO2 well-to-wheel avoided", "co2_wtw_t", False),
    "truck_trips": ("truck trips avoided", "truck_trips", False),
}
COST_HEADERS = {"cny_per_t_co2": "CNY per t CO2 avoided", "cny_per_kg_nox": "CNY per kg NOx avoided"}
ANSWER_CRITERIA = ("nox_kg", "co2_wtw_t", "ratio_city")
ANSWER_WORDS = {
    "nox_kg": "cut NOx (tailpipe)",
    "co2_wtw_t": "cut CO2 well-to-wheel",
    "ratio_city": "raise the city's clean-transport ratio",
}


def siding_label(row: pd.Series, t: Translator) -> str:
    """``E04 Illustrative coking plant A (Lucheng)`` (Chinese name in ``zh``)."""
    names = {"name": row.get("enterprise_name"), "name_zh": row.get("enterprise_name_zh")}
    name = t.name(names, "")
    return f"{row['enterprise']} {name}".strip()


def _station(row: pd.Series, t: Translator) -> str:
    return t.name({"name": row.get("station_name"), "name_zh": row.get("station_name_zh")}, str(row.get("station") or "–"))


def _scaled(value: float, percentage_points: bool) -> float:
    return 100 * value if percentage_points and value == value else value


def _ci_line(low: float, high: float) -> str:
    """The small-print 95% interval under a value (nothing when it is unknown)."""
    return f"<br><small>{escape(format_number(low))} … {escape(format_number(high))}</small>" if low == low else ""


def _interval_cell(row: pd.Series, stem: str, percentage_points: bool, t: Translator) -> str:
    """Improvement with its rank, its 95% confidence interval and, in a batch that samples uncertain inputs,
    the 95% range over them."""
    mean = _scaled(row[f"{stem}_improvement"], percentage_points)
    low, high = _scaled(row[f"{stem}_ci_low"], percentage_points), _scaled(row[f"{stem}_ci_high"], percentage_points)
    excludes_zero = low == low and (low > 0 or high < 0)
    text = escape(format_signed(mean))
    interval = _ci_line(low, high)
    input_low, input_high = (_scaled(row.get(f"{stem}_input_{end}", float("nan")), percentage_points) for end in ("low", "high"))
    if input_low == input_low:
        words = t("inputs {low} … {high}", low=format_number(input_low), high=format_number(input_high))
        interval += f"<br><small class='inputs'>{escape(words)}</small>"
    css = ' class="sure"' if excludes_zero and mean > 0 else ' class="worse"' if excludes_zero else ""
    rank = f" <sup>#{int(row[f'rank_{stem}'])}</sup>" if mean == mean else ""
    return f"<td{css}>{text}{rank}{interval}</td>"


def has_input_ranges(table: pd.DataFrame) -> bool:
    """Whether the siding table comes from a batch that sampled uncertain inputs (its input ranges are set)."""
    columns = [f"{stem}_input_low" for stem, _ in CRITERIA if f"{stem}_input_low" in table.columns]
    return bool(columns) and bool(table[columns].notna().any().any())


def _header(text: str, unit: str) -> str:
    return f"{text} [{unit}]" if unit else text


def siding_table_html(table: pd.DataFrame, t: Translator) -> str:
    """The combined table: one row per siding, improvements with 95% intervals and ranks (#), costs."""
    head = [t("siding"), t("station"), t("capacity [Mt/yr]"), t("capex [M CNY]")]
    head += [_header(t(CRITERION_HEADERS[s][0]), t("pp") if CRITERION_HEADERS[s][2] else t.unit(_unit(table, s))) for s, _ in CRITERIA]
    head += [t(COST_HEADERS[s]) for s, _ in COSTS]
    lines = ["<table class='sidings'><thead><tr>" + "".join(f"<th>{escape(h)}</th>" for h in head) + "</tr></thead><tbody>"]
    for _, row in table.iterrows():
        capacity = row["capacity_t_per_year"]
        cells = [
            f"<td>{escape(siding_label(row, t))}</td>",
            f"<td>{escape(_station(row, t))}</td>",
            f"<td>{escape(format_number(capacity / 1e6 if capacity == capacity and capacity is not None else None))}</td>",
            f"<td>{escape(format_number(row['capex_million_cny']))}{'*' if row.get('capex_estimate') else ''}</td>",
        ]
        cells += [_interval_cell(row, stem, CRITERION_HEADERS[stem][2], t) for stem, _ in CRITERIA]
        for stem, _ in COSTS:
            low, high = row[f"{stem}_ci_low"], row[f"{stem}_ci_high"]
            interval = _ci_line(low, high)
            rank = f" <sup>#{int(row[f'rank_{stem}'])}</sup>" if row[stem] == row[stem] else ""
            cells.append(f"<td>{escape(format_number(row[stem]))}{rank}{interval}</td>")
        lines.append("<tr>" + "".join(cells) + "</tr>")
    lines.append("</tbody></table>")
    return "\n".join(lines)


def _unit(table: pd.DataFrame, stem: str) -> str:
    units = [u for u in table.get(f"{stem}_unit", pd.Series(dtype=str)) if u]
    unit = units[0] if units else ""
    return "" if unit in ("1", "count") else unit


def _names(rows: pd.DataFrame, t: Translator) -> str:
    labels = [siding_label(r, t) for _, r in rows.iterrows()]
    if len(labels) <= 1:
        return "".join(labels)
    return t("{first} and {last}", first=t(", ").join(labels[:-1]), last=labels[-1])


def answer(table: pd.DataFrame, summary: pd.DataFrame | None, t: Translator) -> list[str]:
    """Plain-language sentences: the best three sidings per million CNY for NOx, CO2 and the city's ratio,
    and what the best siding does to the ratio against its target."""
    if table[[f"{stem}_improvement" for stem in ANSWER_CRITERIA if f"{stem}_improvement" in table.columns]].isna().all().all():
        return [t("No siding has results to compare with the baseline (see the failed runs).")]
    sentences = []
    for stem in ANSWER_CRITERIA:
        column = f"{stem}_per_million_cny"
        if column not in table.columns:
            continue
        ranked = table[table[column] > 0].sort_values(f"rank_{stem}").head(3)
        if ranked.empty:
            sentences.append(t("No siding is found to {what} at all.", what=t(ANSWER_WORDS[stem])))
            continue
        sentences.append(
            t("Per million CNY of capital, the sidings that {what} most are: {names}.", what=t(ANSWER_WORDS[stem]), names=_names(ranked, t))
        )
    best = table.sort_values("ratio_city_improvement", ascending=False).head(1)
    if len(best) and summary is not None and best["ratio_city_improvement"].iloc[0] == best["ratio_city_improvement"].iloc[0]:
        row = best.iloc[0]
        base = _baseline_mean(summary, "clean_transport_ratio")
        target = _baseline_mean(summary, "target_ratio")
        if base == base:
            with_siding = base + row["ratio_city_improvement"]
            text = t(
                "Built alone, {name} raises the city's clean-transport ratio most: by {pp} percentage points, from {base} to {after}.",
                name=siding_label(row, t),
                pp=format_number(100 * row["ratio_city_improvement"]),
                base=f"{100 * base:.1f}%",
                after=f"{100 * with_siding:.1f}%",
            )
            if target == target:
                key = "That reaches the {target} target." if with_siding >= target else "No single siding reaches the {target} target."
                text += " " + t(key, target=f"{100 * target:.0f}%")
            sentences.append(text)
    significant = int((table["nox_kg_ci_low"] > 0).sum()) if "nox_kg_ci_low" in table.columns else 0
    sentences.append(t("{k} of {n} sidings cut NOx with 95% confidence (interval above zero).", k=significant, n=len(table)))
    if has_input_ranges(table) and "nox_kg_input_low" in table.columns:
        robust = int((table["nox_kg_input_low"] > 0).sum())
        sentences.append(t("{k} of {n} sidings cut NOx over the whole 95% range of the uncertain inputs.", k=robust, n=len(table)))
    return sentences


def _baseline_mean(summary: pd.DataFrame, metric: str) -> float:
    rows = summary[(summary["variant"] == "baseline") & (summary["metric"] == metric)]
    return float(rows["mean"].iloc[0]) if len(rows) else float("nan")


def ranking_charts(table: pd.DataFrame, t: Translator) -> list[dict[str, Any]]:
    """Improvement per million CNY of capex with 95% CI, one chart per criterion with values."""
    result = []
    for stem in ("nox_kg", "co2_wtw_t", "ratio_city", "truck_trips"):
        column = f"{stem}_per_million_cny"
        if column not in table.columns or table[column].dropna().empty:
            continue
        scale = 100.0 if CRITERION_HEADERS[stem][2] else 1.0
        capex = table["capex_million_cny"].astype(float)
        frame = pd.DataFrame(
            {
                "label": [siding_label(r, t) for _, r in table.iterrows()],
                "value": scale * table[column],
                "low": scale * table[f"{stem}_ci_low"] / capex,
                "high": scale * table[f"{stem}_ci_high"] / capex,
            }
        ).dropna(subset=["value"])
        frame = frame.sort_values("value", ascending=False)
        unit = t("pp") if CRITERION_HEADERS[stem][2] else t.unit(_unit(table, stem) or "count")
        title = t("{what} per million CNY of capex, 95% CI", what=t(CRITERION_HEADERS[stem][0]))
        svg = charts.dots_with_ci(
            frame, "label", "value", "low", "high", f"{unit} / {t('M CNY')}", title, zero_line=True, improvement=True,
            clipped_note=t("whiskers beyond the axis are clipped (arrows); the tables give every interval"),
        )  # fmt: skip
        result.append({"title": title, "svg": svg})
    return result
