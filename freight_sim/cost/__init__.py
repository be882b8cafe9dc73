"""Transport cost of legs, annualised siding capital and abatement cost."""

from freight_sim.cost.finance import abatement_cost, capital_recovery_factor, siding_annual_cost
from freight_sim.cost.legs import COST_COLUMNS, cost_legs, cost_per_tonne_by_chain
from freight_sim.cost.params import CostParams, load_costs

__all__ = [
    "COST_COLUMNS",
    "CostParams",
    "abatement_cost",
    "capital_recovery_factor",
    "cost_legs",
    "cost_per_tonne_by_chain",
    "load_costs",
    "siding_annual_cost",
]
