"""The ``disruptions`` section of a scenario: air-quality alerts (a calendar or sampled days, and the vehicle
classes each level bans), plant outages (dated or sampled) and the daily rail maintenance window."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import Field

from freight_sim.config.schema_base import Id, Strict


class AlertLevel(StrEnum):
    orange = "orange"
    red = "red"


class AlertDay(Strict):
    date: dt.date
    level: AlertLevel


class SampledAlerts(Strict):
    orange_days_per_year: float = Field(0, ge=0, le=365)
    red_days_per_year: float = Field(0, ge=0, le=365)
    winter_weight: float = Field(4.0, ge=1, le=100, description="relative daily probability Nov-Mar vs the rest")
    mean_episode_days: float = Field(2.0, ge=1, le=30)


class AlertSettings(Strict):
    calendar: list[AlertDay] = Field(default_factory=list)
    sampled: SampledAlerts | None = None
    orange_bans: list[str] = Field(
        default_factory=lambda: ["diesel-cn3", "diesel-cn4"],
        description="vehicle classes banned on orange days (China IV and below, gas trucks included)",
    )
    red_bans: list[str] = Field(
        default_factory=lambda: ["diesel-cn3", "diesel-cn4", "diesel-cn5", "diesel-cn6", "lng-cn5", "lng-cn6", "methanol-cn6"],
        description="vehicle classes banned on red days (all heavy diesel and gas trucks per the default profile)",
    )


class Outage(Strict):
    enterprise: Id
    start: dt.date
    days: float = Field(gt=0, le=366)


class SampledOutages(Strict):
    """Unplanned plant outages drawn per enterprise (its own random stream): spells of running and of
    standing still, exponential in length, standing still ``days_per_year`` days a year in the long run."""

    days_per_year: float = Field(gt=0, le=100, description="mean outage days per enterprise and year")
    mean_episode_days: float = Field(2.0, ge=0.25, le=30, description="mean length of one outage, days")
    enterprises: list[Id] | None = Field(None, description="the enterprises that can fail; absent: all")


class RailMaintenance(Strict):
    window_start_h: float = Field(0.0, ge=0, lt=24, description="daily maintenance window start, hour of day")
    window_h: float = Field(0.0, ge=0, le=12, description="daily maintenance window length, h (0 = none)")


class Disruptions(Strict):
    alerts: AlertSettings = Field(default_factory=AlertSettings)
    outages: list[Outage] = Field(default_factory=list)
    sampled_outages: SampledOutages | None = None
    rail_maintenance: RailMaintenance = Field(default_factory=RailMaintenance)
