"""Calendar inputs of a spec: daily tonnage from monthly profiles, outage factors, alert levels."""

from __future__ import annotations

import calendar as cal
import datetime as dt
import math
from array import array
from collections.abc import Iterator, Sequence

import numpy as np

from freight_sim.config.disruptions import AlertLevel, AlertSettings
from freight_sim.sim.alerts import calendar_levels, sample_alert_levels
from freight_sim.sim.spec import ALERT_ORANGE, ALERT_RED
from freight_sim.sim.streams import ALERTS, purpose_rng


def daily_tonnes(tonnes_per_year: float, monthly_profile: list[float] | None, start_date: dt.date, n_days: int) -> array:
    """Tonnes per day: each calendar year carries ``tonnes_per_year`` spread by the monthly weights
    (a compact float64 array: 8 bytes a day)."""
    out = array("d")
    for per_day_t, days in _month_runs(tonnes_per_year, monthly_profile, start_date, n_days):
        out.extend(array("d", [per_day_t]) * days)
    return out


def peak_daily_tonnes(tonnes_per_year: float, monthly_profile: list[float] | None, start_date: dt.date, n_days: int) -> float:
    """``max(daily_tonnes(...))``, from one value per calendar month the days touch instead of one per day."""
    return max((per_day_t for per_day_t, _ in _month_runs(tonnes_per_year, monthly_profile, start_date, n_days)), default=-math.inf)


def _month_runs(
    tonnes_per_year: float, monthly_profile: list[float] | None, start_date: dt.date, n_days: int
) -> Iterator[tuple[float, int]]:
    """(tonnes per day, days) of each calendar month the ``n_days`` days from ``start_date`` touch, in order."""
    weights = monthly_profile or [1.0] * 12
    date, left = start_date, n_days
    while left > 0:
        days = min(left, cal.monthrange(date.year, date.month)[1] - date.day + 1)
        yield _per_weighted_day(tonnes_per_year, weights, date.year) * weights[date.month - 1], days
        date += dt.timedelta(days=days)
        left -= days


def _per_weighted_day(tonnes_per_year: float, weights: list[float], year: int) -> float:
    """Tonnes per day of weight 1 in ``year`` (0 when every weight is 0)."""
    weighted_days = sum(w * cal.monthrange(year, m + 1)[1] for m, w in enumerate(weights))
    return tonnes_per_year / weighted_days if weighted_days > 0 else 0.0


def outage_factors(
    outages: list[tuple[dt.date, float]], start_date: dt.date, n_days: int, sampled: Sequence[tuple[float, float]] = ()
) -> tuple[float, ...]:
    """Production factor per day: 1 minus the share of the day inside an outage (calendar ``(date, days)``
    entries and ``sampled`` ``(start_day, days)`` spells; overlapping outages count once)."""
    spells = sorted([(float((start - start_date).days), days) for start, days in outages] + list(sampled))
    if not spells:
        return ()
    merged: list[list[float]] = []
    for begin, days in spells:
        end = begin + days
        if merged and begin <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([begin, end])
    factors = [1.0] * n_days
    for begin, end in merged:
        for d in range(max(0, int(begin)), min(n_days, int(end) + 1)):
            overlap = min(end, d + 1.0) - max(begin, float(d))
            if overlap > 0:
                factors[d] = max(0.0, factors[d] - overlap)
    return tuple(factors)


def sample_outages(days_per_year: float, mean_episode_days: float, n_days: int, rng: np.random.Generator) -> list[tuple[float, float]]:
    """(start_day, days) of unplanned outages over ``n_days``: a two-state (running / down) Markov process
    with exponential spells, down for ``mean_episode_days`` on average and ``days_per_year / 365`` of the
    time in the long run, started in its stationary state."""
    down_share = days_per_year / 365.0
    down_mean = mean_episode_days
    up_mean = down_mean * (1.0 - down_share) / down_share
    spells = []
    t, down = 0.0, bool(rng.random() < down_share)
    while t < n_days:
        length = float(rng.exponential(down_mean if down else up_mean))
        if down:
            spells.append((t, min(length, n_days - t)))
        t += length
        down = not down
    return spells


def alert_levels(settings: AlertSettings, start_date: dt.date, n_days: int, seed: int) -> tuple[int, ...]:
    """Calendar alert days, raised to the sampled level where sampling gives a higher one."""
    level_of = {AlertLevel.orange: ALERT_ORANGE, AlertLevel.red: ALERT_RED}
    levels = calendar_levels(start_date, n_days, [(a.date, level_of[a.level]) for a in settings.calendar])
    if settings.sampled is not None:
        s = settings.sampled
        sampled = sample_alert_levels(
            start_date,
            n_days,
            s.orange_days_per_year,
            s.red_days_per_year,
            s.winter_weight,
            s.mean_episode_days,
            purpose_rng(seed, ALERTS),
        )
        levels = [max(a, b) for a, b in zip(levels, sampled, strict=True)]
    return tuple(levels)


def month_first_days(start_date: dt.date, n_days: int) -> list[int]:
    """Day indices (from ``start_date``) where a calendar month starts, beginning with 0."""
    firsts = [0]
    for day in range(1, n_days):
        if (start_date + dt.timedelta(days=day)).day == 1:
            firsts.append(day)
    return firsts
