"""Accounting of a multi-year run by calendar year: each leg row is accounted with its year's grid factor.

A row's year is the calendar year of its start (``start_h`` from ``simulation.start_date``); aggregated
rows (``record_legs: false``) start on the first day of their calendar month, so every row lies in one
year. ``pathway.grid`` gives a year's electricity factor (held until the next year given); years before
the first given use ``accounting.grid``.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from freight_sim.config.pathway import GridByYear
from freight_sim.config.scenario import GridSetting, Scenario
from freight_sim.emissions import account_legs
from freight_sim.emissions.grid import GridFactor, GridTable, RowGridFactors, grid_factor


def grid_setting(base: GridSetting, year: GridByYear) -> GridSetting:
    """A year's grid setting: its own fields, the named factor of ``base`` when it names none."""
    return GridSetting(factor=year.factor or base.factor, kg_co2_per_kwh=year.kg_co2_per_kwh, new_energy_share=year.new_energy_share)


def year_of_day(start_date: dt.date, n_days: int) -> np.ndarray:
    """Calendar year of each simulated day (index from ``start_date``)."""
    first = np.datetime64(start_date, "D")
    days = first + np.arange(max(n_days, 1))
    return days.astype("datetime64[Y]").astype(int) + 1970


def row_years(legs: pd.DataFrame, start_date: dt.date, n_days: int) -> np.ndarray:
    """Calendar year of each leg row's start."""
    years = year_of_day(start_date, n_days)
    day = np.clip(np.floor(legs["start_h"].to_numpy(dtype=float) / 24.0), 0, len(years) - 1).astype(int)
    return years[day]


def grids_by_year(scenario: Scenario, table: GridTable, years: list[int]) -> dict[int, GridFactor]:
    """The grid factor of each year (the latest ``pathway.grid`` year at or before it, else ``accounting.grid``)."""
    base = scenario.accounting.grid
    given = scenario.pathway.grid if scenario.pathway is not None else {}
    out = {}
    for year in years:
        known = [y for y in given if y <= year]
        out[year] = grid_factor(grid_setting(base, given[max(known)]) if known else base, table)
    return out


def account_by_year(legs: pd.DataFrame, scenario: Scenario, catalog, factors, table: GridTable) -> pd.DataFrame:
    """The leg rows with a ``year`` column, accounted with each year's grid factor in one pass (rows keep their
    order; no per-year copies of the rows)."""
    import math

    n_days = math.ceil(scenario.simulation.days - 1e-9)
    years = row_years(legs, scenario.simulation.start_date, n_days)
    if len(years) == 0:
        return account_legs(legs, catalog, factors, grid_factor(scenario.accounting.grid, table)).assign(year=pd.Series(dtype=int))
    distinct, row_index = np.unique(years, return_inverse=True)
    grids = grids_by_year(scenario, table, [int(y) for y in distinct])
    return account_legs(legs, catalog, factors, RowGridFactors.pick(list(grids.values()), row_index)).assign(year=years)
