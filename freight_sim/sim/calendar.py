"""Calendar inputs of a spec: daily tonnage from monthly profiles, outage factors, alert levels."""

from __future__ import annotations

import calendar as cal
import datetime as dt
from array import array

from freight_sim.config.scenario import AlertLevel, AlertSettings
from freight_sim.sim.alerts import calendar_levels, sample_alert_levels
from freight_sim.sim.spec import ALERT_ORANGE, ALERT_RED
from freight_sim.sim.streams import ALERTS, purpose_rng


def daily_tonnes(tonnes_per_year: float, monthly_profile: list[float] | None, start_date: dt.date, n_days: int) -> array:
    """Tonnes per day: each calendar year carries ``tonnes_per_year`` spread by the monthly weights
    (a compact float64 array: 8 bytes a day)."""
    weights = monthly_profile or [1.0] * 12
    per_year: dict[int, float] = {}
    out = array("d")
    for d in range(n_days):
        date = start_date + dt.timedelta(days=d)
        if date.year not in per_year:
            weighted_days = sum(w * cal.monthrange(date.year, m + 1)[1] for m, w in enumerate(weights))
            per_year[date.year] = tonnes_per_year / weighted_days if weighted_days > 0 else 0.0
        out.append(per_year[date.year] * weights[date.month - 1])
    return out


def outage_factors(outages: list[tuple[dt.date, float]], start_date: dt.date, n_days: int) -> tuple[float, ...]:
    """Production factor per day: 1 minus the share of the day inside any outage (never below 0)."""
    if not outages:
        return ()
    factors = [1.0] * n_days
    for start, days in outages:
        begin = float((start - start_date).days)
        end = begin + days
        for d in range(max(0, int(begin)), min(n_days, int(end) + 1)):
            overlap = min(end, d + 1.0) - max(begin, float(d))
            if overlap > 0:
                factors[d] = max(0.0, factors[d] - overlap)
    return tuple(factors)


def alert_levels(settings: AlertSettings, start_date: dt.date, n_days: int, seed: int) -> tuple[int, ...]:
    """Calendar alert days, raised to the sampled level where sampling gives a higher one."""
    level_of = {AlertLevel.orange: ALERT_ORANGE, AlertLevel.red: ALERT_RED}
    levels = calendar_levels(start_date, n_days, [(a.date, level_of[a.level]) for a in settings.calendar])
    if settings.sampled is not None:
        s = settings.sampled
        sampled = sample_alert_levels(
            start_date, n_days, s.orange_days_per_year, s.red_days_per_year, s.winter_weight, s.mean_episode_days,
            purpose_rng(seed, ALERTS),
        )
        levels = [max(a, b) for a, b in zip(levels, sampled)]
    return tuple(levels)


def month_first_days(start_date: dt.date, n_days: int) -> list[int]:
    """Day indices (from ``start_date``) where a calendar month starts, beginning with 0."""
    firsts = [0]
    for day in range(1, n_days):
        if (start_date + dt.timedelta(days=day)).day == 1:
            firsts.append(day)
    return firsts
