"""Charts as inline SVG strings (matplotlib, Agg backend), for self-contained HTML reports."""

from __future__ import annotations

import io
from collections.abc import Sequence

import pandas as pd

TARGET_COLOUR = "#c0392b"
CLEAN_COLOUR = "#2e86ab"
OTHER_COLOUR = "#a5a5a5"


def _figure(width_in: float, height_in: float):
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    return Figure(figsize=(width_in, height_in), layout="constrained")


def to_svg(fig) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg")
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def ratio_by_enterprise(per_enterprise: pd.DataFrame, target: float) -> str:
    """Horizontal bars of each enterprise's clean-transport ratio with the target line."""
    frame = per_enterprise.sort_values("ratio")
    fig = _figure(7.5, max(3.0, 0.22 * len(frame) + 1))
    ax = fig.add_subplot()
    colours = [CLEAN_COLOUR if r >= target else OTHER_COLOUR for r in frame["ratio"]]
    labels = [f"{e}{' *' if s else ''}" for e, s in zip(frame["enterprise"], frame.get("in_scope", [False] * len(frame)))]
    ax.barh(labels, frame["ratio"] * 100, color=colours)
    ax.axvline(target * 100, color=TARGET_COLOUR, linestyle="--", label=f"target {target:.0%}")
    ax.set_xlabel("clean-transport ratio, %")
    ax.set_xlim(0, 100)
    ax.tick_params(axis="y", labelsize=7)
    ax.legend(loc="lower right", fontsize=8)
    ax.set_title("Clean-transport ratio by enterprise (* in scope: >= threshold t/yr)", fontsize=9)
    return to_svg(fig)


def bars(values: dict[str, float], xlabel: str, title: str) -> str:
    """Simple horizontal bar chart of named values."""
    items = sorted(values.items(), key=lambda kv: kv[1])
    fig = _figure(6.5, max(2.2, 0.3 * len(items) + 1))
    ax = fig.add_subplot()
    ax.barh([k for k, _ in items], [v for _, v in items], color=CLEAN_COLOUR)
    ax.set_xlabel(xlabel)
    ax.set_title(title, fontsize=9)
    ax.tick_params(axis="y", labelsize=8)
    return to_svg(fig)


def time_series(frame: pd.DataFrame, x: str, columns: Sequence[str], ylabel: str, title: str) -> str:
    fig = _figure(7.5, 2.8)
    ax = fig.add_subplot()
    for column in columns:
        if column in frame:
            ax.plot(frame[x], frame[column], label=column, linewidth=1)
    ax.set_xlabel(x)
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=9)
    ax.legend(fontsize=8)
    return to_svg(fig)


def ranking_with_ci(frame: pd.DataFrame, label: str, value: str, low: str, high: str, xlabel: str, title: str) -> str:
    """Horizontal bars with 95% confidence intervals (e.g. siding ranking)."""
    frame = frame.sort_values(value)
    fig = _figure(7.0, max(2.5, 0.3 * len(frame) + 1))
    ax = fig.add_subplot()
    errors = [(frame[value] - frame[low]).clip(lower=0), (frame[high] - frame[value]).clip(lower=0)]
    ax.barh(frame[label].astype(str), frame[value], xerr=errors, color=CLEAN_COLOUR, ecolor="black", capsize=3)
    ax.set_xlabel(xlabel)
    ax.set_title(title, fontsize=9)
    ax.tick_params(axis="y", labelsize=8)
    return to_svg(fig)


BASELINE_COLOUR = "#34495e"
SIGNIFICANT_COLOUR = "#c0392b"


def _whiskers(frame: pd.DataFrame, value: str, low: str, high: str) -> list[pd.Series]:
    """Lower and upper whisker lengths; a missing interval (n < 2) draws no whisker."""
    return [(frame[value] - frame[low]).clip(lower=0).fillna(0), (frame[high] - frame[value]).clip(lower=0).fillna(0)]


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
) -> str:
    """Dot-and-whisker chart, one row per ``label`` in the frame's order (first at the top).

    ``highlight`` labels are drawn darker (the baseline); with ``zero_line`` a vertical line marks 0 and
    rows whose interval excludes 0 are drawn in red.
    """
    frame = frame.iloc[::-1].reset_index(drop=True)
    fig = _figure(7.0, max(1.8, 0.32 * len(frame) + 1.0))
    ax = fig.add_subplot()
    positions = list(range(len(frame)))
    errors = _whiskers(frame, value, low, high)
    for i, row in frame.iterrows():
        excludes_zero = zero_line and (row[low] > 0 or row[high] < 0)
        colour = SIGNIFICANT_COLOUR if excludes_zero else BASELINE_COLOUR if row[label] in highlight else CLEAN_COLOUR
        ax.errorbar(row[value], i, xerr=[[errors[0][i]], [errors[1][i]]], fmt="o", color=colour, ecolor=colour, capsize=3, markersize=5)
    if zero_line:
        ax.axvline(0, color="black", linewidth=0.8, linestyle="--")
    ax.set_yticks(positions, [str(v) for v in frame[label]])
    ax.set_ylim(-0.7, len(frame) - 0.3)
    ax.set_xlabel(xlabel)
    ax.set_title(title, fontsize=9)
    ax.tick_params(axis="y", labelsize=8)
    ax.grid(axis="x", color="#eeeeee")
    return to_svg(fig)


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
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=9)
    ax.legend(fontsize=8)
    ax.grid(color="#eeeeee")
    return to_svg(fig)


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
