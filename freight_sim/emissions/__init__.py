"""Emission and energy factor tables and pure accounting over leg records."""

from freight_sim.emissions.account import ADDED_COLUMNS, EMISSION_COLUMNS, ENERGY_COLUMNS, account_legs
from freight_sim.emissions.aggregate import aggregate, inventory
from freight_sim.emissions.factors import EmissionFactors, load_factors
from freight_sim.emissions.grid import GridFactor, GridTable, grid_factor, load_grid_table

__all__ = [
    "ADDED_COLUMNS",
    "EMISSION_COLUMNS",
    "ENERGY_COLUMNS",
    "EmissionFactors",
    "GridFactor",
    "GridTable",
    "account_legs",
    "aggregate",
    "grid_factor",
    "inventory",
    "load_factors",
    "load_grid_table",
]
