"""Heavy-pollution alert days: sampling a per-day level array, and which vehicles each day bans."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np

from freight_sim.sim.spec import ALERT_NONE, ALERT_ORANGE, ALERT_RED, HOURS_PER_DAY, VehicleType

WINTER_MONTHS = (11, 12, 1, 2, 3)


def sample_alert_levels(
    start_date: dt.date,
    n_days: int,
    orange_days_per_year: float,
    red_days_per_year: float,
    winter_weight: float,
    mean_episode_days: float,
    rng: np.random.Generator,
) -> list[int]:
    """Alert level per day: episodes (geometric length, mean ``mean_episode_days``) start on a day with
    probability proportional to its weight (``winter_weight`` Nov-Mar, 1 otherwise), scaled so a year has on
    average the given numbers of alert days. Red episodes are drawn first; orange never overwrites red."""
    dates = [start_date + dt.timedelta(days=d) for d in range(n_days)]
    weights = np.array([winter_weight if d.month in WINTER_MONTHS else 1.0 for d in dates])
    mean_weight_per_day = (5 * winter_weight + 7) / 12.0  # average over a calendar year by month
    levels = np.zeros(n_days, dtype=np.int64)
    for level, days_per_year in ((ALERT_RED, red_days_per_year), (ALERT_ORANGE, orange_days_per_year)):
        if days_per_year <= 0:
            continue
        episodes_per_day = days_per_year / mean_episode_days / 365.0
        p_start = np.minimum(1.0, episodes_per_day * weights / mean_weight_per_day)
        starts = rng.random(n_days) < p_start
        lengths = rng.geometric(1.0 / mean_episode_days, n_days)
        for day in np.flatnonzero(starts).tolist():
            stop = min(n_days, day + int(lengths[day]))
            span = levels[day:stop]
            span[span == ALERT_NONE] = level
    return levels.tolist()


def calendar_levels(start_date: dt.date, n_days: int, days: list[tuple[dt.date, int]]) -> list[int]:
    """Alert level per day from (date, level) pairs; dates outside the horizon are ignored."""
    levels = [ALERT_NONE] * n_days
    for date, level in days:
        index = (date - start_date).days
        if 0 <= index < n_days:
            levels[index] = max(levels[index], level)
    return levels


def ban_days(vehicle: VehicleType, levels: tuple[int, ...], orange_bans: tuple[str, ...], red_bans: tuple[str, ...], horizon_h: float):
    """(banned per day, start hour of the next allowed day per day), or (None, None) if never banned."""
    cls = vehicle.ban_class
    banned = [(level == ALERT_ORANGE and cls in orange_bans) or (level == ALERT_RED and cls in red_bans) for level in levels]
    if not any(banned):
        return None, None
    next_allowed = [0.0] * len(banned)
    upcoming = horizon_h if math.isfinite(horizon_h) else len(banned) * HOURS_PER_DAY
    for day in range(len(banned) - 1, -1, -1):
        if not banned[day]:
            upcoming = day * HOURS_PER_DAY
        next_allowed[day] = upcoming
    return banned, next_allowed
