"""The enterprise report of `freight-sim ratio`: one self-contained ``report.html`` (inline CSS and SVG
charts, no scripts, no external files) and ``ratio.xlsx`` with the same tables, in English or Chinese.

Charts are drawn by matplotlib as SVG with ``svg.fonttype: none``, so their text stays text and Chinese
labels are drawn by the reader's browser fonts (a CJK font stack is named in the SVG).
"""

from __future__ import annotations

import io
import math
import warnings
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import yaml
from jinja2 import Environment

from freight_sim.atomic import write_text

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

LANGUAGES = ("en", "zh")
MAX_PROBLEM_ROWS_HTML = 500
FONT_STACK = ["Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", "SimHei", "DejaVu Sans"]
CLEAN_COLOUR, OTHER_COLOUR, TARGET_COLOUR = "#2e86ab", "#a5a5a5", "#c0392b"


def load_text(lang: str) -> dict[str, Any]:
    """The report's words in ``lang`` (``en`` or ``zh``), with option names and value labels."""
    if lang not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, got {lang!r}")
    data = yaml.safe_load(resources.files("freight_sim.report").joinpath("ratio_report_text.yaml").read_text(encoding="utf-8"))
    return {**data[lang], "options_named": data[f"{lang}_options"], "values": data[f"{lang}_values"]}


@dataclass(frozen=True, kw_only=True)
class ReportTables:
    """Everything the report shows; each frame is also a sheet of ratio.xlsx."""

    summary: dict[str, Any]
    by_month: pd.DataFrame
    by_mode: pd.DataFrame
    by_vehicle_class: pd.DataFrame
    what_if: pd.DataFrame
    options: pd.DataFrame
    problems: pd.DataFrame
    what_if_assumptions: dict[str, Any]


def _svg(fig) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg")
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def _chart(draw) -> str:
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    style: dict[RcKeyType, Any] = {
        "svg.fonttype": "none",
        "font.family": "sans-serif",
        "font.sans-serif": FONT_STACK,
        "svg.hashsalt": "freight-sim",
    }
    with matplotlib.rc_context(style), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Glyph .* missing from font")
        fig = Figure(figsize=(7.0, 3.0), layout="constrained")
        draw(fig.add_subplot())
        return _svg(fig)


def ratio_chart(by_month: pd.DataFrame, target: float, text: dict[str, Any]) -> str:
    def draw(ax) -> None:
        colours = [CLEAN_COLOUR if ok else OTHER_COLOUR for ok in by_month["compliant"]]
        ax.bar(by_month["month"], by_month["ratio"] * 100, color=colours)
        ax.axhline(target * 100, color=TARGET_COLOUR, linestyle="--", label=text["target_line"].format(target=target))
        ax.set_ylim(0, 100)
        ax.set_ylabel(text["chart_ratio"])
        ax.tick_params(axis="x", labelrotation=45, labelsize=8)
        ax.legend(loc="upper left", fontsize=8)

    return _chart(draw)


def tonnes_chart(labels: list[str], tonnes: list[float], clean: list[float], text: dict[str, Any]) -> str:
    def draw(ax) -> None:
        ax.barh(labels, clean, color=CLEAN_COLOUR, label=text["clean_tonnes"])
        ax.barh(labels, [t - c for t, c in zip(tonnes, clean, strict=True)], left=clean, color=OTHER_COLOUR)
        ax.set_xlabel(text["chart_tonnes"])
        ax.invert_yaxis()
        ax.legend(loc="lower right", fontsize=8)

    return _chart(draw)


def _cell(value: Any, column: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if column in ("ratio", "share", "target"):
        return f"{value:.1%}"
    if isinstance(value, float):
        return (
            f"{value:,.2f}" if column in ("cny_per_t", "extra_cny_per_t", "tonnes_per_truck_trip", "trips_per_truck") else f"{value:,.1f}"
        )
    if isinstance(value, bool):
        return "✓" if value else "✗"
    return str(value)


def _translate(frame: pd.DataFrame, text: dict[str, Any]) -> pd.DataFrame:
    values, options = text["values"], text["options_named"]
    out = frame.copy()
    for column, names in (("mode", values), ("severity", values), ("cheapest_option", options), ("option", options)):
        if column in out:
            out[column] = out[column].map(lambda v, names=names: names.get(v, v))
    if "vehicle_class" in out:
        out["vehicle_class"] = out["vehicle_class"].map(lambda v: " ".join(values.get(part, part) for part in str(v).split(" ")))
    return out


def html_table(frame: pd.DataFrame, text: dict[str, Any]) -> dict[str, Any]:
    shown = _translate(frame, text)
    columns = list(shown.columns)
    return {
        "headers": [text.get(c, c) for c in columns],
        "numeric": [pd.api.types.is_numeric_dtype(shown[c]) for c in columns],
        "rows": [[_cell(v, c) for v, c in zip(row, columns, strict=True)] for row in shown.itertuples(index=False)],
    }


_TEMPLATE = """{%- macro table(tb) -%}
<table><tr>{% for h in tb.headers %}<th>{{ h }}</th>{% endfor %}</tr>
{% for row in tb.rows %}<tr>{% for v in row %}<td{% if tb.numeric[loop.index0] %} class="n"{% endif %}>{{ v }}</td>{% endfor %}</tr>
{% endfor %}</table>
{%- endmacro %}
<!DOCTYPE html>
<html lang="{{ 'zh-CN' if lang == 'zh' else 'en' }}"><head><meta charset="utf-8">
<title>{{ t.title }}</title>
<style>
body{font-family:{{ fonts }};max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:.5em 0 1.5em;font-size:13px}th,td{border:1px solid #ccc;padding:3px 7px}
th{background:#f2f2f2}td.n{text-align:right}.ok{color:#1e7b34;font-weight:bold}.no{color:#b03a2e;font-weight:bold}
.note{color:#555;font-size:13px}svg{max-width:100%;height:auto}
</style></head><body>
<h1>{{ t.title }}</h1>
<p>{{ t.overall }}: <b>{{ overall }}</b> · {{ t.target }} {{ target }} ·
<span class="{{ 'ok' if s.compliant else 'no' }}">{{ t.compliant if s.compliant else t.not_compliant }}</span>
· {{ t.profile }} <code>{{ s.rule_profile }}</code></p>
<p class="note">{{ rows_line }}</p>
<p class="note">{{ t.files }}: {% for f in s.files %}{{ f.file }}{% if f.sheet %}[{{ f.sheet }}]{% endif %}{% if f.encoding %} ({{ f.encoding }}){% endif %}{% if not loop.last %}; {% endif %}{% endfor %}</p>
<h2>{{ t.by_month }}</h2>{{ charts.ratio | safe }}{{ table(tables.by_month) }}
<h2>{{ t.by_mode }}</h2>{{ charts.mode | safe }}{{ table(tables.by_mode) }}
<h2>{{ t.by_vehicle }}</h2>{{ charts.vehicle | safe }}{{ table(tables.by_vehicle_class) }}
<h2>{{ t.what_if }}</h2><p class="note">{{ what_if_note }}</p>{{ table(tables.what_if) }}
<h3>{{ t.options }}</h3>{{ table(tables.options) }}
<h2>{{ t.problems }}</h2><p class="note">{{ problems_note }}</p>{{ table(tables.problems) }}
<p class="note">{{ t.generated }}</p>
</body></html>
"""


def render_html(tables: ReportTables, lang: str) -> str:
    """The report as one HTML document."""
    text = load_text(lang)
    summary = tables.summary
    values = text["values"]
    mode_labels = [values.get(m, m) for m in tables.by_mode["mode"]]
    vehicle = _translate(tables.by_vehicle_class, text)
    charts = {
        "ratio": ratio_chart(tables.by_month, summary["target"], text) if len(tables.by_month) else "",
        "mode": tonnes_chart(mode_labels, list(tables.by_mode["tonnes"]), list(tables.by_mode["clean_tonnes"]), text)
        if len(tables.by_mode)
        else "",
        "vehicle": tonnes_chart(list(vehicle["vehicle_class"]), list(vehicle["tonnes"]), list(vehicle["clean_tonnes"]), text)
        if len(vehicle)
        else "",
    }
    shown_problems = tables.problems.head(MAX_PROBLEM_ROWS_HTML)
    assumptions = tables.what_if_assumptions
    env = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
    template = env.from_string(_TEMPLATE)
    ratio = summary["clean_transport_ratio"]
    return template.render(
        lang=lang,
        t=text,
        s=summary,
        fonts=", ".join(f"'{f}'" for f in FONT_STACK) + ", sans-serif",
        overall="" if ratio is None else f"{ratio:.1%}",
        target=f"{summary['target']:.0%}",
        rows_line=text["rows"].format(
            read=summary["rows_read"],
            accepted=summary["rows_accepted"],
            rejected=summary["rows_rejected"],
            duplicates=summary["rows_duplicate"],
        ),
        what_if_note=text["what_if_note"].format(
            haul_km=assumptions["haul_km"],
            drayage_km=assumptions["drayage_km"],
            estimate=text["estimate_note"] if assumptions["estimate"] else "",
            baseline=values.get(assumptions["baseline_vehicle"], assumptions["baseline_vehicle"]),
        ),
        problems_note=text["problems_note"].format(shown=len(shown_problems), total=len(tables.problems)),
        charts=charts,
        tables={
            "by_month": html_table(tables.by_month, text),
            "by_mode": html_table(tables.by_mode, text),
            "by_vehicle_class": html_table(tables.by_vehicle_class, text),
            "what_if": html_table(tables.what_if, text),
            "options": html_table(tables.options, text),
            "problems": html_table(shown_problems, text),
        },
    )


def write_report(out_dir: Path, tables: ReportTables, lang: str) -> list[Path]:
    """Write ``report.html`` and ``ratio.xlsx`` into ``out_dir``; returns their paths."""
    from freight_sim.report.ratio_workbook import write_workbook

    html_path = Path(out_dir) / "report.html"
    write_text(html_path, render_html(tables, lang))
    xlsx_path = Path(out_dir) / "ratio.xlsx"
    write_workbook(xlsx_path, tables, lang)
    return [html_path, xlsx_path]
