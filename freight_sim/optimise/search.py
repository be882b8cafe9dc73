"""The search: NSGA-II (pymoo) over integer-coded portfolios with the simulation in the loop, the greedy
baseline, and the re-run of the chosen portfolio with fresh seeds.

Each variable is an integer (an index into its choices). pymoo's NSGA-II runs in ask-and-tell mode: each
generation's portfolios are simulated together on the executor. The first population holds the base
portfolio and the one with every measure at its last step; the rest is drawn by pymoo from the file's
seed. Constraints use pymoo's feasibility-first rule. Because the search is deterministic for a seed and
every simulated run is stored, a resumed search replays its finished generations from the stored runs and
carries on with identical results.

The greedy baseline runs first and its portfolio joins the first population, so the search starts from a
feasible portfolio when greedy found one; after the search, a drop pass (``drop_pass``) steps the best
feasible portfolio's measures down one at a time, dearest first, keeping each step that stays feasible and
costs less: measures that later additions made redundant go.

Greedy baseline: each single measure (one variable at one of its steps, the rest at base) is simulated;
measures that reduce the total constraint violation are taken in order of violation removed per extra CNY
of the first objective (a cost), one step per variable (a later step replaces an earlier one), simulating
the cumulative portfolio after each addition until the constraints hold.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from freight_sim.errors import FreightSimError
from freight_sim.optimise.evaluate import Evaluation, Evaluator

OnGeneration = Callable[[int, int, "Evaluation | None"], None]


def _require_pymoo():
    try:
        import pymoo  # noqa: F401
    except ImportError:
        raise FreightSimError("optimisation needs the optional extra: pip install 'freight-sim[optimise]'") from None


@dataclass
class SearchResult:
    """Every evaluation of the search in order, the generation each first appeared in, and the front."""

    evaluations: list[Evaluation] = field(default_factory=list)
    generation_of: dict[tuple[int, ...], int] = field(default_factory=dict)
    generations: int = 0
    refined: list[Evaluation] = field(default_factory=list)  # the drop pass after the search (drop_pass)
    refined_from: Evaluation | None = None  # the portfolio the drop pass started from


def _signed(evaluator: Evaluator, evaluation: Evaluation) -> list[float]:
    """Objectives as minimised values (a maximised metric negated); failed runs get a large penalty."""
    if evaluation.failed:
        return [1e12] * len(evaluation.objectives)
    return [v if o.sense == "min" else -v for o, v in zip(evaluator.optimisation.spec.objectives, evaluation.objectives, strict=True)]


def _first_population(evaluator: Evaluator, size: int, seed: int, seeds: Sequence[tuple[int, ...]] = ()) -> np.ndarray:
    """Base, every measure at its last step, the ``seeds`` (the greedy baseline's portfolio), then distinct
    random portfolios (numpy Generator from ``seed``)."""
    bounds = np.array(evaluator.bounds)
    rows = [tuple([0] * len(bounds)), tuple(bounds.tolist()), *(tuple(picks) for picks in seeds)]
    rng = np.random.default_rng(seed)
    space = int(np.prod(bounds + 1, dtype=float)) if len(bounds) < 60 else size * 10
    while len(set(rows)) < min(size, space):
        rows.append(tuple(int(rng.integers(0, b + 1)) for b in bounds))
    return np.array(list(dict.fromkeys(rows))[:size], dtype=int)


def nsga2_search(evaluator: Evaluator, on_generation: OnGeneration | None = None, seeds: Sequence[tuple[int, ...]] = ()) -> SearchResult:
    """Run NSGA-II within the file's evaluation budget, its first population holding ``seeds``; returns every
    evaluation made."""
    _require_pymoo()
    from pymoo.algorithms.moo.nsga2 import NSGA2
    from pymoo.core.problem import Problem
    from pymoo.operators.crossover.sbx import SBX
    from pymoo.operators.mutation.pm import PM
    from pymoo.operators.repair.rounding import RoundingRepair
    from pymoo.problems.static import StaticProblem

    spec = evaluator.optimisation.spec
    bounds = np.array(evaluator.bounds)
    n_constraints = len(spec.constraints)
    problem = Problem(
        n_var=len(bounds), n_obj=len(spec.objectives), n_ieq_constr=n_constraints, xl=np.zeros(len(bounds)), xu=bounds, vtype=int
    )
    population = min(spec.budget.population, int(np.prod(bounds + 1, dtype=float)))
    algorithm = NSGA2(
        pop_size=population,
        sampling=_first_population(evaluator, population, spec.seed, seeds),
        crossover=SBX(prob=0.9, eta=15, vtype=float, repair=RoundingRepair()),
        mutation=PM(eta=20, vtype=float, repair=RoundingRepair()),
        eliminate_duplicates=True,
    )
    algorithm.setup(problem, termination=("n_eval", spec.budget.evaluations), seed=spec.seed, verbose=False)
    result = SearchResult()
    while algorithm.has_next():
        offspring = algorithm.ask()
        picks = [tuple(int(v) for v in row) for row in np.rint(offspring.get("X")).astype(int)]
        evaluations = evaluator.evaluate(picks)
        for evaluation in evaluations:
            if evaluation.picks not in result.generation_of:
                result.generation_of[evaluation.picks] = result.generations
                result.evaluations.append(evaluation)
        F = np.array([_signed(evaluator, e) for e in evaluations], dtype=float)
        G = np.array([_constraint_row(e, n_constraints) for e in evaluations], dtype=float).reshape(len(evaluations), n_constraints)
        static = StaticProblem(problem, F=F, G=G) if n_constraints else StaticProblem(problem, F=F)
        algorithm.evaluator.eval(static, offspring)  # the algorithm's own evaluator: it counts the budget
        algorithm.tell(infills=offspring)
        result.generations += 1
        if on_generation is not None:
            on_generation(result.generations, len(result.evaluations), best_feasible(evaluator, result.evaluations))
    return result


def best_feasible(evaluator: Evaluator, evaluations: list[Evaluation]) -> Evaluation | None:
    """The feasible evaluation with the best first objective (ties: fewer measures, then the lower choices)."""
    feasible = [e for e in evaluations if e.feasible]
    if not feasible:
        return None
    return min(feasible, key=lambda e: (_signed(evaluator, e)[0], sum(1 for p in e.picks if p), e.picks))


def front(evaluator: Evaluator, evaluations: list[Evaluation]) -> list[Evaluation]:
    """The non-dominated feasible evaluations (by the minimised objectives), best first objective first;
    when none is feasible, the ten least-violating ones."""
    feasible = [e for e in evaluations if e.feasible]
    if not feasible:
        return sorted((e for e in evaluations), key=lambda e: (e.violation, e.picks))[:10]
    points = np.array([_signed(evaluator, e) for e in feasible])
    keep = []
    for i, p in enumerate(points):
        dominated = np.any(np.all(points <= p, axis=1) & np.any(points < p, axis=1))
        if not dominated:
            keep.append(feasible[i])
    unique = {e.picks: e for e in keep}
    return sorted(unique.values(), key=lambda e: (_signed(evaluator, e), e.picks))


@dataclass(frozen=True, kw_only=True)
class GreedyResult:
    singles: list[Evaluation]
    steps: list[Evaluation]  # the cumulative portfolios, in order
    order: list[tuple[int, int]]  # (variable, choice) added at each step

    @property
    def final(self) -> Evaluation | None:
        return self.steps[-1] if self.steps else None


def _constraint_row(evaluation: Evaluation, n_constraints: int) -> list[float]:
    """pymoo's constraint values (<= 0: satisfied): each constraint's shortfall (see freight_sim.optimise.evaluate)."""
    if evaluation.failed or len(evaluation.shortfalls) != n_constraints:
        return [1e12] * n_constraints
    return [s if math.isfinite(s) else 1e12 for s in evaluation.shortfalls]


def single_measures(evaluator: Evaluator) -> list[tuple[int, int]]:
    """Every single measure, (variable, choice), in the order the greedy baseline simulates them."""
    return [(i, c) for i, bound in enumerate(evaluator.bounds) for c in range(1, bound + 1)]


def greedy_baseline(evaluator: Evaluator) -> GreedyResult:
    """Single measures ranked by violation removed per extra cost, added until the constraints hold."""
    n = len(evaluator.bounds)
    base_picks = tuple([0] * n)
    base = evaluator.evaluate([base_picks])[0]
    measures = single_measures(evaluator)
    singles = evaluator.evaluate([tuple(c if j == i else 0 for j in range(n)) for i, c in measures])
    if base.feasible:
        return GreedyResult(singles=singles, steps=[base], order=[])
    base_cost = _signed(evaluator, base)[0]

    def merit(e: Evaluation) -> float:
        removed = base.violation - e.violation
        extra = _signed(evaluator, e)[0] - base_cost
        return math.inf if extra <= 0 else removed / extra

    ranked = sorted(
        ((m, e) for m, e in zip(measures, singles, strict=True) if not e.failed and e.violation < base.violation),
        key=lambda pair: (-merit(pair[1]), pair[0]),
    )
    picks = list(base_picks)
    steps: list[Evaluation] = []
    order: list[tuple[int, int]] = []
    for (variable, choice), _single in ranked:
        if picks[variable] >= choice:
            continue
        picks[variable] = choice
        order.append((variable, choice))
        steps.append(evaluator.evaluate([tuple(picks)])[0])
        if steps[-1].feasible:
            break
    return GreedyResult(singles=singles, steps=steps, order=order)


def drop_pass(evaluator: Evaluator, start: Evaluation, order: Sequence[int]) -> list[Evaluation]:
    """One pass of single steps down from ``start`` (a feasible portfolio): for each variable in ``order``
    that is not at base, its choice one step lower (a siding off, a share one step smaller) is simulated and
    kept when the portfolio stays feasible and costs less. Returns the portfolios simulated, in order; the
    last kept is the pass's result. Measures the additions made redundant are dropped this way."""
    current, tried = start, []
    for variable in order:
        if current.picks[variable] == 0:
            continue
        picks = list(current.picks)
        picks[variable] -= 1
        candidate = evaluator.evaluate([tuple(picks)])[0]
        tried.append(candidate)
        if candidate.feasible and _signed(evaluator, candidate)[0] < _signed(evaluator, current)[0]:
            current = candidate
    return tried


def drop_order(evaluator: Evaluator, greedy: GreedyResult | None) -> list[int]:
    """Variables to try stepping down, the dearest first: by the extra first objective of each variable's
    single measures in the greedy baseline (variable order without one)."""
    n = len(evaluator.bounds)
    if greedy is None or not greedy.singles:
        return list(range(n))
    extra = [0.0] * n
    for (variable, _choice), single in zip(single_measures(evaluator), greedy.singles, strict=True):
        if not single.failed:
            extra[variable] = max(extra[variable], _signed(evaluator, single)[0])
    return sorted(range(n), key=lambda i: (-extra[i], i))
