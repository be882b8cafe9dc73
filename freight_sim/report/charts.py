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
