"""Charts as inline SVG strings (matplotlib, Agg backend), for self-contained HTML reports."""

from __future__ import annotations

import functools
import io
import warnings
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

TARGET_COLOUR = "#c0392b"
CLEAN_COLOUR = "#2e86ab"
OTHER_COLOUR = "#a5a5a5"


# Fonts for Chinese labels, in order of preference; only installed ones are used to lay text out. The SVG
# keeps text as text (svg.fonttype none), so the reader's browser draws it with its own fonts.
CJK_FONTS = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Microsoft YaHei",
    "PingFang SC",
    "SimHei",
)


@functools.lru_cache(maxsize=1)
def installed_cjk_fonts() -> tuple[str, ...]:
    from matplotlib import font_manager

    present = {font.name for font in font_manager.fontManager.ttflist}
    return tuple(name for name in CJK_FONTS if name in present)


def chart_style() -> dict[RcKeyType, Any]:
    """matplotlib settings of every chart: text kept as text, CJK fallback fonts, no axis offsets."""
    return {
        "svg.fonttype": "none",
        "svg.hashsalt": "freight_sim",
        "font.family": "sans-serif",
        "font.sans-serif": ["DejaVu Sans", *installed_cjk_fonts()],
        "axes.formatter.useoffset": False,
        "axes.formatter.use_locale": False,
    }


def styled(function: Callable[..., str]) -> Callable[..., str]:
    """Run a chart function under ``chart_style()``; a glyph missing from the layout font is not an error
    (the text stays text in the SVG and the reader's fonts draw it)."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> str:
        import matplotlib

        matplotlib.use("Agg", force=False)
        with matplotlib.rc_context(chart_style()), warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="Glyph .* missing from font")
            return function(*args, **kwargs)

    return wrapper


def _figure(width_in: float, height_in: float):
    from matplotlib.figure import Figure

    return Figure(figsize=(width_in, height_in), layout="constrained")


def readable_number(value: float, _position: Any = None) -> str:
    """Axis tick text: thousands separators, no spurious decimals, no scientific offsets."""
    magnitude = abs(value)
    if magnitude >= 1000 or value == int(value):
        return f"{value:,.0f}"
    if magnitude >= 10:
        return f"{value:,.1f}"
    return f"{value:.3g}"


def readable_axis(axis) -> None:
    from matplotlib.ticker import FuncFormatter

    axis.set_major_formatter(FuncFormatter(readable_number))


def to_svg(fig, tight: bool = False) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None}, bbox_inches="tight" if tight else None)
    text = buffer.getvalue()
    return text[text.index("<svg") :]


@styled
def ratio_by_enterprise(
    per_enterprise: pd.DataFrame, target: float, labels: Sequence[str] | None = None, text: Callable[..., str] = str.format
) -> str:
    """Horizontal bars of each enterprise's clean-transport ratio with the target line.

    ``labels`` (same order as ``per_enterprise``) name the bars, default the enterprise ids; ``text``
    translates the chart's own words.
    """
    frame = per_enterprise.assign(_label=list(labels) if labels is not None else per_enterprise["enterprise"].astype(str))
    frame = frame.sort_values("ratio")
    fig = _figure(7.5, max(3.0, 0.22 * len(frame) + 1))
    ax = fig.add_subplot()
    colours = [CLEAN_COLOUR if r >= target else OTHER_COLOUR for r in frame["ratio"]]
    scope = frame["in_scope"] if "in_scope" in frame.columns else [False] * len(frame)
    bar_labels = [f"{label}{' *' if s else ''}" for label, s in zip(frame["_label"], scope, strict=True)]
    ax.barh(bar_labels, frame["ratio"] * 100, color=colours)
    ax.axvline(target * 100, color=TARGET_COLOUR, linestyle="--", label=text("target {target}", target=f"{target:.0%}"))
    ax.set_xlabel(text("clean-transport ratio, %"))
    ax.set_xlim(0, 100)
    ax.tick_params(axis="y", labelsize=7)
    ax.legend(loc="lower right", fontsize=8)
    ax.set_title(text("Clean-transport ratio by enterprise (* in scope: >= threshold t/yr)"), fontsize=9)
    return to_svg(fig)


@styled
def bars(values: dict[str, float], xlabel: str, title: str) -> str:
    """Simple horizontal bar chart of named values."""
    items = sorted(values.items(), key=lambda kv: kv[1])
    fig = _figure(6.5, max(2.2, 0.3 * len(items) + 1))
    ax = fig.add_subplot()
    ax.barh([k for k, _ in items], [v for _, v in items], color=CLEAN_COLOUR)
    readable_axis(ax.xaxis)
    ax.set_xlabel(xlabel)
    ax.set_title(title, fontsize=9)
    ax.tick_params(axis="y", labelsize=8)
    return to_svg(fig)


@styled
def time_series(frame: pd.DataFrame, x: str, columns: dict[str, str], xlabel: str, ylabel: str, title: str) -> str:
    """Lines of ``columns`` (column -> legend label) against ``x``."""
    fig = _figure(7.5, 2.8)
    ax = fig.add_subplot()
    for column, label in columns.items():
        if column in frame:
            ax.plot(frame[x], frame[column], label=label, linewidth=1)
    readable_axis(ax.yaxis)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=9)
    ax.legend(fontsize=8)
    return to_svg(fig)


BASELINE_COLOUR = "#34495e"
SIGNIFICANT_COLOUR = "#c0392b"
BETTER_COLOUR = "#1e8449"
OUTLIER_FACTOR = 4.0  # a whisker reaching further than this many times the typical extent is clipped


def _whiskers(frame: pd.DataFrame, value: str, low: str, high: str) -> list[pd.Series]:
    """Lower and upper whisker lengths; a missing interval (n < 2) draws no whisker."""
    return [(frame[value] - frame[low]).clip(lower=0).fillna(0), (frame[high] - frame[value]).clip(lower=0).fillna(0)]


def robust_limits(values: pd.Series, lows: pd.Series, highs: pd.Series) -> tuple[float, float] | None:
    """Axis limits that show every point and all but outlying whiskers; None when nothing needs clipping.

    The typical extent is the range of the points plus the median whisker length; a whisker end beyond
    ``OUTLIER_FACTOR`` times that extent from the points is clipped at the axis edge.
    """
    points = values.dropna()
    if points.empty:
        return None
    ends = pd.concat([lows.dropna(), highs.dropna()])
    if ends.empty:
        return None
    whisker = float((pd.concat([values - lows, highs - values]).abs()).median())
    spread = float(points.max() - points.min()) + 2 * (whisker if whisker == whisker else 0.0)
    spread = spread if spread > 0 else max(abs(float(points.max())), 1e-9)
    low_edge = float(points.min()) - OUTLIER_FACTOR * spread / 2
    high_edge = float(points.max()) + OUTLIER_FACTOR * spread / 2
    if ends.min() >= low_edge and ends.max() <= high_edge:
        return None
    return max(low_edge, float(ends.min())), min(high_edge, float(ends.max()))


@styled
def dots_with_ci(
    frame: pd.DataFrame,
    label: str,
    value: str,
    low: str,
    high: str,
    xlabel: str,
    title: str,
    highlight: Sequence[str] = (),
    zero_line: bool = False,
    improvement: bool = False,
    clipped_note: str = "whiskers beyond the axis are clipped (arrows); the tables give every interval",
) -> str:
    """Dot-and-whisker chart, one row per ``label`` in the frame's order (first at the top).

    ``highlight`` labels are drawn darker (the baseline); with ``zero_line`` a vertical line marks 0 and
    rows whose interval excludes 0 are drawn in red (with ``improvement``: green above 0, red below). A whisker far longer than the others is clipped at
    the axis edge with an arrow and a note, so one wide interval does not squash every other point.
    """
    frame = frame.iloc[::-1].reset_index(drop=True)
    fig = _figure(7.0, max(1.8, 0.32 * len(frame) + 1.0))
    ax = fig.add_subplot()
    positions = list(range(len(frame)))
    errors = _whiskers(frame, value, low, high)
    for i, row in frame.iterrows():
        excludes_zero = zero_line and (row[low] > 0 or row[high] < 0)
        colour = SIGNIFICANT_COLOUR if excludes_zero else BASELINE_COLOUR if row[label] in highlight else CLEAN_COLOUR
        if improvement and excludes_zero and row[low] > 0:
            colour = BETTER_COLOUR
        ax.errorbar(row[value], i, xerr=[[errors[0][i]], [errors[1][i]]], fmt="o", color=colour, ecolor=colour, capsize=3, markersize=5)
    if zero_line:
        ax.axvline(0, color="black", linewidth=0.8, linestyle="--")
    limits = robust_limits(frame[value], frame[low], frame[high])
    if limits is not None:
        pad = 0.03 * (limits[1] - limits[0])
        ax.set_xlim(limits[0] - pad, limits[1] + pad)
        for i, row in frame.iterrows():
            if row[low] < limits[0]:
                ax.annotate("", (limits[0] - pad, i), (row[value], i), arrowprops={"arrowstyle": "->", "color": "#666"})
            if row[high] > limits[1]:
                ax.annotate("", (limits[1] + pad, i), (row[value], i), arrowprops={"arrowstyle": "->", "color": "#666"})
        title = f"{title}\n({clipped_note})"
    readable_axis(ax.xaxis)
    ax.set_yticks(positions, [str(v) for v in frame[label]])
    ax.set_ylim(-0.7, len(frame) - 0.3)
    ax.set_xlabel(xlabel)
    ax.set_title(title, fontsize=9)
    ax.tick_params(axis="y", labelsize=8)
    ax.grid(axis="x", color="#eeeeee")
    return to_svg(fig)


@styled
def lines_with_band(series: Sequence[tuple[str, pd.DataFrame]], x: str, xlabel: str, ylabel: str, title: str) -> str:
    """One line per named frame (columns ``x``, ``mean``, ``ci_low``, ``ci_high``) with its CI as a band.

    Non-numeric ``x`` values are placed at equal steps in order of appearance.
    """
    fig = _figure(7.0, 3.0)
    ax = fig.add_subplot()
    categories: list[str] = []
    for name, frame in series:
        xs = pd.to_numeric(frame[x], errors="coerce")
        if xs.isna().any():
            for value in frame[x].astype(str):
                if value not in categories:
                    categories.append(value)
            xs = frame[x].astype(str).map(categories.index)
        (line,) = ax.plot(xs, frame["mean"], marker="o", markersize=4, linewidth=1.2, label=name)
        ax.fill_between(xs, frame["ci_low"], frame["ci_high"], color=line.get_color(), alpha=0.2, linewidth=0)
    if categories:
        ax.set_xticks(range(len(categories)), categories)
    elif all(float(v).is_integer() for _, frame in series for v in pd.to_numeric(frame[x], errors="coerce").dropna()):
        from matplotlib.ticker import MaxNLocator

        ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # whole-number x (years, counts): whole-number ticks
    readable_axis(ax.yaxis)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=9)
    ax.legend(fontsize=8)
    ax.grid(color="#eeeeee")
    return to_svg(fig)


@styled
def grouped_bars_with_ci(frame: pd.DataFrame, group: str, bar: str, value: str, error: str, ylabel: str, title: str) -> str:
    """Vertical bars of ``value`` per ``group`` (x axis), one bar per ``bar`` level, +/- ``error`` whiskers.

    E.g. Sobol S1 and ST per parameter with their confidence half-widths; a NaN error draws no whisker.
    """
    groups = list(dict.fromkeys(frame[group]))
    bars_ = list(dict.fromkeys(frame[bar]))
    width = 0.8 / max(1, len(bars_))
    fig = _figure(7.0, 3.0)
    ax = fig.add_subplot()
    for j, level in enumerate(bars_):
        part = frame[frame[bar] == level].set_index(group).reindex(groups)
        xs = [i + (j - (len(bars_) - 1) / 2) * width for i in range(len(groups))]
        ax.bar(xs, part[value], width=width, yerr=part[error].fillna(0).abs(), capsize=3, label=str(level), ecolor="black")
    ax.axhline(0, color="black", linewidth=0.6)
    ax.set_xticks(range(len(groups)), [str(g) for g in groups], rotation=15, ha="right", fontsize=8)
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=9)
    ax.legend(fontsize=8)
    return to_svg(fig)


@styled
def front_scatter(points: pd.DataFrame, x: str, y: str, xlabel: str, ylabel: str, title: str, labels: Sequence[str] = ("", "", "")) -> str:
    """Evaluated portfolios as dots (``feasible`` column: filled or grey), the front (``on_front``) as a line.

    ``labels``: legend texts for feasible, infeasible and the front.
    """
    fig = _figure(6.5, 4.0)
    ax = fig.add_subplot()
    feasible = points[points["feasible"]]
    other = points[~points["feasible"]]
    ax.scatter(other[x], other[y], s=12, color=OTHER_COLOUR, label=labels[1] or None)
    ax.scatter(feasible[x], feasible[y], s=16, color=CLEAN_COLOUR, label=labels[0] or None)
    on_front = points[points["on_front"]].sort_values(x)
    if len(on_front):
        ax.plot(on_front[x], on_front[y], color=TARGET_COLOUR, marker="o", markersize=5, linewidth=1.2, label=labels[2] or None)
    readable_axis(ax.xaxis)
    readable_axis(ax.yaxis)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=9)
    if any(labels):
        ax.legend(fontsize=8)
    return to_svg(fig)
