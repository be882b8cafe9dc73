"""A constraint's shortfall: what the search and the greedy baseline minimise as its violation.

Three in-scope enterprises below an 80% target, one measure each: no single measure lifts the smallest ratio,
so a violation measured by the smallest ratio alone sees no gain in any of them (the greedy baseline then
added nothing); the shortfall summed over the enterprises falls with each one, and greedy reaches the target.
"""

from __future__ import annotations

import math
from types import SimpleNamespace

import pytest

from freight_sim.optimise.evaluate import Evaluation, robust_margin, robust_shortfall
from freight_sim.optimise.search import greedy_baseline
from freight_sim.optimise.spec import Constraint

TARGET = Constraint(metric="in_scope_enterprise_ratio", min=0.8)


def test_the_shortfall_sums_what_each_figure_misses_and_agrees_with_the_margin_on_feasibility():
    runs = [[0.78, 0.85, 0.70], [0.82, 0.90, 0.81]]  # run 1 misses by 0.02 + 0.10; run 2 holds
    assert robust_shortfall(TARGET, runs) == pytest.approx(0.12)  # in every run (share 1): the worse run counts
    half = Constraint(metric="in_scope_enterprise_ratio", min=0.8, share=0.5)
    assert robust_shortfall(half, runs) == 0.0  # in half the runs: the better run counts
    for constraint in (TARGET, half):
        margin = robust_margin(constraint, [min(r) for r in runs])
        assert (robust_shortfall(constraint, runs) == 0.0) == (margin >= 0.0)
    assert math.isinf(robust_shortfall(TARGET, [[math.nan], [0.9]]))  # a missing figure never holds
    assert robust_shortfall(Constraint(metric="nox_kg", max=100.0), [[120.0], [90.0]]) == pytest.approx(20.0)


RATIOS = {"A": 0.70, "B": 0.72, "C": 0.74}  # base ratios; measure i lifts enterprise i to 0.85 at cost 10 + i


def _evaluation(picks: tuple[int, ...]) -> Evaluation:
    ratios = [0.85 if on else base for on, base in zip(picks, RATIOS.values(), strict=True)]
    cost = 100.0 + sum((10.0 + i) * on for i, on in enumerate(picks))
    return Evaluation(
        picks=picks,
        label=str(picks),
        config_sha256=str(picks),
        metrics=({"cost_cny": cost},),
        objectives=(cost,),
        margins=(robust_margin(TARGET, [min(ratios)]),),
        shortfalls=(robust_shortfall(TARGET, [ratios]),),
    )


def test_greedy_adds_measures_that_each_lift_one_of_several_enterprises_below_the_target():
    evaluator = SimpleNamespace(
        bounds=[1, 1, 1],
        evaluate=lambda portfolios: [_evaluation(tuple(p)) for p in portfolios],
        optimisation=SimpleNamespace(spec=SimpleNamespace(objectives=[SimpleNamespace(metric="cost_cny", sense="min")])),
    )
    single_margins = [_evaluation(p).margins[0] for p in ((1, 0, 0), (0, 1, 0), (0, 0, 1))]
    assert all(m == _evaluation((0, 0, 0)).margins[0] for m in single_margins[1:])  # the smallest ratio: no gain
    result = greedy_baseline(evaluator)  # type: ignore[arg-type]
    assert result.final is not None and result.final.feasible
    assert result.final.picks == (1, 1, 1) and [variable for variable, _ in result.order] == [0, 1, 2]


def _with_redundant(picks: tuple[int, ...]) -> Evaluation:
    """The three-enterprise example plus a fourth measure that costs 20 and lifts nobody."""
    three = _evaluation(picks[:3])
    cost = three.objectives[0] + 20.0 * picks[3]
    return Evaluation(picks=picks, label=str(picks), config_sha256=str(picks), metrics=({"cost_cny": cost},), objectives=(cost,),
                      margins=three.margins, shortfalls=three.shortfalls)  # fmt: skip


def test_the_drop_pass_removes_a_measure_the_others_made_redundant_and_keeps_the_needed_ones():
    from freight_sim.optimise.search import drop_pass

    evaluator = SimpleNamespace(
        bounds=[1, 1, 1, 1],
        evaluate=lambda portfolios: [_with_redundant(tuple(p)) for p in portfolios],
        optimisation=SimpleNamespace(spec=SimpleNamespace(objectives=[SimpleNamespace(metric="cost_cny", sense="min")])),
    )
    start = _with_redundant((1, 1, 1, 1))
    tried = drop_pass(evaluator, start, order=[3, 2, 1, 0])  # type: ignore[arg-type]
    assert [e.picks for e in tried] == [(1, 1, 1, 0), (1, 1, 0, 0), (1, 0, 1, 0), (0, 1, 1, 0)]
    kept = [e for e in tried if e.feasible]
    assert [e.picks for e in kept] == [(1, 1, 1, 0)] and kept[0].objectives[0] == start.objectives[0] - 20.0
