"""Clock hours of a run (hour 0 = 00:00 local time on the start date) as days, months and steps."""

from __future__ import annotations

import datetime as dt

import numpy as np
from scipy.sparse import csr_matrix

STEPS = ("hour", "day", "month")


def month_labels(start: dt.date, n_days: int) -> list[str]:
    """``YYYY-MM`` of every day from ``start``."""
    return [(start + dt.timedelta(days=d)).strftime("%Y-%m") for d in range(n_days)]


def hour_steps(start: dt.date, n_hours: int, step: str) -> tuple[np.ndarray, list[str], np.ndarray]:
    """For each clock hour its step number; the steps' labels; their [start, end) in clock hours."""
    if step not in STEPS:
        raise ValueError(f"time step {step!r}: expected one of {', '.join(STEPS)}")
    hours = np.arange(n_hours)
    if step == "hour":
        labels = [(dt.datetime.combine(start, dt.time()) + dt.timedelta(hours=int(h))).strftime("%Y-%m-%dT%H:00") for h in hours]
        return hours, labels, np.stack([hours, hours + 1], axis=1).astype(float)
    n_days = -(-n_hours // 24)
    days = hours // 24
    if step == "day":
        labels = [(start + dt.timedelta(days=d)).isoformat() for d in range(n_days)]
        return days, labels, np.stack([np.arange(n_days) * 24.0, np.arange(1, n_days + 1) * 24.0], axis=1)
    by_day = month_labels(start, n_days)
    labels = list(dict.fromkeys(by_day))
    number = {label: i for i, label in enumerate(labels)}
    day_step = np.array([number[m] for m in by_day])
    first_day = np.array([by_day.index(m) for m in labels])
    last_day = np.append(first_day[1:], n_days)
    return day_step[days], labels, np.stack([first_day * 24.0, last_day * 24.0], axis=1)


def step_matrix(step_of_hour: np.ndarray, n_steps: int) -> csr_matrix:
    """Sparse hours x steps indicator: ``values_by_hour @ M`` sums hours into steps."""
    n = len(step_of_hour)
    return csr_matrix((np.ones(n), (np.arange(n), step_of_hour)), shape=(n, n_steps))
