"""Abatement cost of a variant against its baseline, against a hand computation."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from freight_sim.experiments.design import VariantInfo
from freight_sim.experiments.summary import abatement_costs


def _variant(name: str, base: str) -> VariantInfo:
    return VariantInfo(name=name, base_variant=base)


def _metrics(rows):
    return pd.DataFrame(rows, columns=["run_id", "variant", "sample", "replication", "metric", "value", "unit"])


def test_abatement_cost_is_extra_cost_over_avoided_emissions():
    rows = []
    # baseline and a siding variant, 3 replications; siding costs 10/20/30 more and avoids 2/4/5 t CO2, 1/1/2 kg NOx
    for r, (cost_b, co2_b, nox_b, dc, dco2, dnox) in enumerate([(100, 50, 9, 10, 2, 1), (110, 52, 9, 20, 4, 1), (105, 51, 10, 30, 5, 2)]):
        rows += [
            (f"b{r}", "baseline", None, r, "cost_cny", cost_b, "CNY"),
            (f"b{r}", "baseline", None, r, "co2_wtw_t", co2_b, "t"),
            (f"b{r}", "baseline", None, r, "nox_kg", nox_b, "kg"),
            (f"s{r}", "siding-E05", None, r, "cost_cny", cost_b + dc, "CNY"),
            (f"s{r}", "siding-E05", None, r, "co2_wtw_t", co2_b - dco2, "t"),
            (f"s{r}", "siding-E05", None, r, "nox_kg", nox_b - dnox, "kg"),
        ]
    table = abatement_costs(_metrics(rows), [_variant("baseline", "baseline"), _variant("siding-E05", "siding-E05")])
    co2 = table[table["indicator"] == "cny_per_t_co2"].iloc[0]
    assert co2["extra_cost_cny"] == pytest.approx(20.0)
    assert co2["avoided"] == pytest.approx(11 / 3)
    assert co2["value"] == pytest.approx(20.0 / (11 / 3))
    ratios = [10 / 2, 20 / 4, 30 / 5]
    assert co2["ci_low"] <= sum(ratios) / 3 <= co2["ci_high"]
    nox = table[table["indicator"] == "cny_per_kg_nox"].iloc[0]
    assert nox["value"] == pytest.approx(20.0 / (4 / 3))


def test_no_abatement_cost_when_nothing_is_avoided():
    rows = []
    for r in range(2):
        rows += [
            (f"b{r}", "baseline", None, r, "cost_cny", 100.0, "CNY"),
            (f"b{r}", "baseline", None, r, "co2_wtw_t", 50.0, "t"),
            (f"v{r}", "worse", None, r, "cost_cny", 120.0, "CNY"),
            (f"v{r}", "worse", None, r, "co2_wtw_t", 55.0, "t"),
        ]
    table = abatement_costs(_metrics(rows), [_variant("baseline", "baseline"), _variant("worse", "worse")])
    assert math.isnan(table.iloc[0]["value"])
