"""Evaluate portfolios by simulation: each is a set of runs (one per replication and sample point of the
uncertain inputs, common random numbers and the same points for every portfolio) executed by the batch
executors and stored like a batch's runs, so a portfolio simulated once is read back (the cache), a resumed
optimisation replays its finished runs, and results do not depend on the executor. A pathway base's runs span
its years (``freight_sim.optimise.pathway_base``).

Objectives are means over the runs. A constraint's margin is the value its bound allows to spare (negative:
violated); it must hold in ``share`` of the runs (replications x sample points), so its robust margin is the
k-th largest margin over the runs, k = ceil(share x runs). ``in_scope_enterprise_ratio`` is the smallest
ratio over the in-scope key enterprises (in the constraint's ``year`` when it names one). What the search
minimises as a constraint's violation is its shortfall, the amount by which the bound is missed, summed over
the in-scope enterprises for ``in_scope_enterprise_ratio`` (the k-th smallest over the runs): zero exactly
when the margin is non-negative, and it falls with every enterprise brought closer to the target, not only
the furthest one (a measure that lifts one of several enterprises below the target counts).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import KW_ONLY, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from freight_sim.config.loader import Loaded, load_merged, validate
from freight_sim.config.scenario import Scenario
from freight_sim.config.yaml_source import SourceMap
from freight_sim.errors import ConfigError
from freight_sim.experiments import store
from freight_sim.experiments.batch import ExecutorName, execute_runs
from freight_sim.experiments.design import Patch, RunSpec, ScenarioDigests, effective_scenario, replication_seeds
from freight_sim.experiments.run_one import RunFn
from freight_sim.experiments.sampling import SampleDesign
from freight_sim.experiments.store import Provenance, RunRecord
from freight_sim.optimise import pathway_base
from freight_sim.optimise.spec import Constraint, Optimisation
from freight_sim.optimise.uncertainty import input_sample, point_patches
from freight_sim.optimise.variables import Choices, decision_choices, portfolio_label, portfolio_patches
from freight_sim.policy.scope import in_scope

IN_SCOPE_RATIO = "in_scope_enterprise_ratio"
REPORTED_METRICS = ("cost_cny", "nox_kg", "co2_wtw_t", "clean_transport_ratio", "truck_trips")
FAILED_PENALTY = 1e12  # objective and violation of a portfolio whose runs failed: dominated by every other


def quiet_run_fn(loaded: Any, seed: int | None = None) -> Any:
    """The model run of an evaluation: fleet substitutions are not warned about again in every run (the checks
    before the search show each once; each run's ``fleet_substitutions`` table keeps them)."""
    import warnings

    from freight_sim.experiments.run_one import default_run_fn
    from freight_sim.sim.fleet_feasibility import FleetSubstitutionWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FleetSubstitutionWarning)
        return default_run_fn(loaded, seed=seed)


@dataclass(frozen=True, kw_only=True)
class Evaluation:
    """One portfolio's simulated outcome."""

    picks: tuple[int, ...]
    label: str
    config_sha256: str
    metrics: tuple[dict[str, float], ...]  # per run (sample point x replication)
    objectives: tuple[float, ...]  # means, in the file's senses (not negated)
    margins: tuple[float, ...]  # robust margin per constraint
    shortfalls: tuple[float, ...] = ()  # robust shortfall per constraint (0: it holds)
    failed: str | None = None
    runs_simulated: int = 0

    @property
    def violation(self) -> float:
        if self.failed:
            return FAILED_PENALTY
        return float(sum(self.shortfalls))

    @property
    def feasible(self) -> bool:
        return self.failed is None and self.violation == 0.0

    def mean(self, metric: str) -> float:
        values = [m.get(metric, math.nan) for m in self.metrics]
        return float(np.mean(values)) if values else math.nan


@dataclass
class Evaluator:
    """Simulates portfolios of ``optimisation`` into ``out_dir/runs`` on an executor; remembers every evaluation."""

    optimisation: Optimisation
    out_dir: Path
    _: KW_ONLY
    executor: ExecutorName = "pool"
    workers: int = 2
    dask_address: str | None = None
    run_fn: RunFn | None = None
    on_record: Callable[[RunRecord], None] | None = None
    provenance: Provenance = field(default_factory=Provenance.detect)
    seeds: list[int] = field(init=False)
    choices: list[Choices] = field(init=False)
    done: dict[tuple[int, ...], Evaluation] = field(init=False, default_factory=dict)
    runs_simulated: int = field(init=False, default=0)
    runs_cached: int = field(init=False, default=0)

    def __post_init__(self) -> None:
        from freight_sim.errors import FreightSimError
        from freight_sim.fleet import load_scenario_fleet

        spec = self.optimisation.spec
        self.base_path = self.optimisation.base_path
        self.base_data, self.base_map = load_merged(self.base_path)
        self.digests = ScenarioDigests({"base_dir": self.base_path.resolve().parent}, self.base_path)
        self.base = validate(
            Scenario, self.base_data, SourceMap(dict(self.base_map.locations), self.base_map.default_file), self.digests.context
        )
        try:
            mixes = load_scenario_fleet(Loaded(self.base, self.base_path, self.base_map)).mixes.mixes
        except FreightSimError:
            mixes = {}
        named = {**{k: dict(v) for k, v in mixes.items()}, **{k: dict(v) for k, v in self.base.fleet.extra_mixes.items()}}
        self.choices = decision_choices(self.optimisation, self.base, named)
        self.seeds = replication_seeds(spec.seed, spec.replications)
        simulation: list[Patch] = [({"simulation": dict(spec.simulation)}, self.optimisation.source)] if spec.simulation else []
        # the pathway's horizon first, so the file's own simulation settings win (as --set does for freight-sim pathway)
        self.fixed_patches = pathway_base.horizon_patches(self.optimisation, self.base, self.base_map) + simulation
        data, smap = effective_scenario(self.base_data, self.base_map, self.fixed_patches, ())
        self.scenario = validate(Scenario, data, smap, self.digests.context)  # the base as every run simulates it
        problems = pathway_base.year_problems(self.optimisation, self.base, self.scenario)
        if problems:
            raise ConfigError(*problems)
        base_loaded = Loaded(self.base, self.base_path, SourceMap(dict(self.base_map.locations), self.base_map.default_file))
        self.sample = input_sample(self.optimisation, base_loaded, spec.seed)
        self.verify_sample = input_sample(self.optimisation, base_loaded, spec.seed + 1)
        self.enterprise_years = pathway_base.needs_enterprise_years(self.optimisation)
        declared = {eid: e.tonnes_per_year for eid, e in self.base.enterprises.items()}
        scope = in_scope(declared, self.base.accounting.scope_threshold_t_per_year)
        self.in_scope = tuple(eid for eid in scope.index[scope] if self.base.enterprises[eid].key_enterprise)

    @property
    def bounds(self) -> list[int]:
        """The largest choice index of each variable."""
        return [len(c.values) - 1 for c in self.choices]

    def _digest(self, patches: list, label: str) -> tuple[str, str]:
        data, smap = effective_scenario(self.base_data, self.base_map, patches, ())
        sha, inputs_sha = self.digests.digest(data, smap, label)
        if not sha:
            raise ConfigError(*self.digests.error_lines())
        return sha, inputs_sha

    def portfolio_loaded(self, picks: Sequence[int]) -> Loaded:
        """A portfolio's scenario at the inputs' nominal values, from the base file read once (as
        ``load_scenario`` with the portfolio's patches)."""
        patches = self.fixed_patches + portfolio_patches(self.choices, picks)
        data, smap = effective_scenario(self.base_data, self.base_map, patches, ())
        return Loaded(validate(Scenario, data, smap, self.digests.context), self.base_path, smap)

    def portfolio_sha(self, picks: Sequence[int]) -> str:
        """The config hash of a portfolio's scenario (at the inputs' nominal values): its identity."""
        return self._digest(self.fixed_patches + portfolio_patches(self.choices, picks), portfolio_label(self.choices, picks))[0]

    def run_specs(
        self,
        picks: Sequence[int],
        seeds: Sequence[int] | None = None,
        tag: str = "p",
        sample: SampleDesign | None = None,
        extra: Sequence[Patch] = (),
    ) -> list[RunSpec]:
        """The runs of a portfolio: each sample point (``sample``, default the search's) x each replication
        (``seeds``, default the common ones); ``extra`` patches apply on top of the portfolio's."""
        patches = self.fixed_patches + portfolio_patches(self.choices, picks) + list(extra)
        label = portfolio_label(self.choices, picks)
        sha, inputs_sha = self._digest(patches, label)
        parameters = {c.name: c.labels[p] for c, p in zip(self.choices, picks, strict=True)}
        sample = sample if sample is not None else self.sample
        points: list[tuple[int | None, list, dict[str, Any]]] = [(None, patches, {})]
        if sample is not None:
            points = []
            for point_index in range(len(sample.matrix)):
                point, values = point_patches(self.optimisation, sample, point_index)
                points.append((point_index, patches + point, values))
        specs = []
        for index, run_patches, values in points:
            run_sha, run_inputs_sha = (sha, inputs_sha) if index is None else self._digest(run_patches, label)
            stem = f"{tag}-{sha[:16]}" + (f"__s{index:04d}" if index is not None else "")
            for rep, seed in enumerate(seeds if seeds is not None else self.seeds):
                specs.append(
                    RunSpec(
                        run_id=f"{stem}__r{rep:03d}",
                        variant=label,
                        sample=index,
                        replication=rep,
                        seed=seed,
                        scenario_path=str(self.base_path),
                        patches=tuple(run_patches),
                        overrides=(),
                        config_sha256=run_sha,
                        parameters={**parameters, **values},
                        inputs_sha256=run_inputs_sha,
                    )
                )
        return specs

    def evaluate(self, portfolios: Sequence[Sequence[int]]) -> list[Evaluation]:
        """Evaluations of ``portfolios`` (in order); only runs not stored yet are simulated, all at once."""
        wanted = [tuple(int(x) for x in p) for p in portfolios]
        new = list(dict.fromkeys(p for p in wanted if p not in self.done))
        if new:
            by_portfolio = {p: self.run_specs(p) for p in new}
            records = self._records([spec for specs in by_portfolio.values() for spec in specs])
            for picks, specs in by_portfolio.items():
                self.done[picks] = self._evaluation(picks, specs, records)
        return [self.done[p] for p in wanted]

    @property
    def search_mode(self) -> str:
        """The simulation mode of the search's runs (``fast`` when the file or ``--fast`` asks for it)."""
        return self.scenario.simulation.mode

    def verify(self, picks: Sequence[int], replications: int) -> Evaluation:
        """A portfolio re-run with fresh seeds (a different root seed from the search's), always in full mode:
        a search in fast mode is checked at full resolution."""
        seeds = replication_seeds(self.optimisation.spec.seed + 1, replications)
        full = [({"simulation": {"mode": "full"}}, None)] if self.search_mode != "full" else []
        specs = self.run_specs(picks, seeds, tag="v", sample=self.verify_sample, extra=full)
        return self._evaluation(tuple(picks), specs, self._records(specs))

    def _records(self, specs: list[RunSpec]) -> dict[str, RunRecord]:
        unique = list({s.run_id: s for s in specs}.values())
        found = {s.run_id: store.finished_record(self.out_dir, s) for s in unique}
        todo = [s for s in unique if found[s.run_id] is None]
        self.runs_cached += len(unique) - len(todo)
        self.runs_simulated += len(todo)
        run_fn = self.run_fn or quiet_run_fn
        ran = execute_runs(todo, self.out_dir, self.executor, self.workers, self.dask_address, run_fn, self.provenance, self.on_record)
        records = {rid: rec for rid, rec in found.items() if rec is not None}
        records.update({r.run_id: r for r in ran})
        return records

    def _evaluation(self, picks: tuple[int, ...], specs: list[RunSpec], records: dict[str, RunRecord]) -> Evaluation:
        spec = self.optimisation.spec
        label = portfolio_label(self.choices, picks)
        sha = self.portfolio_sha(picks)
        runs = [records[s.run_id] for s in specs]
        failures = [r for r in runs if r.failed]
        if failures:
            last = (failures[0].error or "").strip().splitlines()
            return Evaluation(picks=picks, label=label, config_sha256=sha, metrics=(),
                              objectives=tuple(math.nan for _ in spec.objectives), margins=tuple(-math.inf for _ in spec.constraints),
                              failed=last[-1] if last else "run failed", runs_simulated=len(runs))  # fmt: skip
        metrics = tuple(self._run_metrics(r) for r in runs)
        objectives = tuple(float(np.mean([m.get(o.metric, math.nan) for m in metrics])) for o in spec.objectives)
        margins = tuple(robust_margin(c, [self.constraint_value(c, m) for m in metrics]) for c in spec.constraints)
        shortfalls = tuple(robust_shortfall(c, [self.constraint_values(c, m) for m in metrics]) for c in spec.constraints)
        return Evaluation(picks=picks, label=label, config_sha256=sha, metrics=metrics, objectives=objectives,
                          margins=margins, shortfalls=shortfalls, runs_simulated=len(runs))  # fmt: skip

    def _run_metrics(self, record: RunRecord) -> dict[str, float]:
        """A run's metrics, with its enterprises' ratios by year when a constraint needs them."""
        metrics = {name: value for name, value, _unit in record.metrics}
        if self.enterprise_years:
            metrics.update(pathway_base.enterprise_ratios_by_year(store.run_dir(self.out_dir, record.run_id)))
        return metrics

    def constraint_value(self, constraint: Constraint, metrics: dict[str, float]) -> float:
        """The constrained quantity in one run (for ``in_scope_enterprise_ratio`` the smallest ratio)."""
        return min(self.constraint_values(constraint, metrics))

    def constraint_values(self, constraint: Constraint, metrics: dict[str, float]) -> list[float]:
        """The figures the constraint bounds in one run: each in-scope enterprise's ratio for
        ``in_scope_enterprise_ratio``, else the one figure (NaN when missing)."""
        if constraint.year is not None:
            return pathway_base.values_in_year(constraint, metrics, self.in_scope)
        if constraint.metric == IN_SCOPE_RATIO:
            ratios = [metrics[f"enterprise_ratio.{eid}"] for eid in self.in_scope if f"enterprise_ratio.{eid}" in metrics]
            return ratios or [math.nan]
        return [metrics.get(constraint.metric, math.nan)]

    def enterprise_ratios(self, evaluation: Evaluation) -> dict[str, float]:
        """Each enterprise's mean ratio over the evaluation's replications (empty when its runs failed)."""
        if evaluation.failed:
            return {}
        return {eid: evaluation.mean(f"enterprise_ratio.{eid}") for eid in self.base.enterprises}

    def describe(self, evaluation: Evaluation) -> dict[str, Any]:
        """A flat row: variables, objectives, margins, violation (for tables)."""
        spec = self.optimisation.spec
        row: dict[str, Any] = {"portfolio": evaluation.config_sha256[:12], "label": evaluation.label}
        row.update({c.name: c.labels[p] for c, p in zip(self.choices, evaluation.picks, strict=True)})
        row.update({f"{o.metric} ({o.sense})": v for o, v in zip(spec.objectives, evaluation.objectives, strict=True)})
        row.update({f"margin: {constraint_name(c)}": m for c, m in zip(spec.constraints, evaluation.margins, strict=True)})
        row.update({"violation": evaluation.violation, "feasible": evaluation.feasible, "failed": evaluation.failed or ""})
        row.update({metric: evaluation.mean(metric) for metric in REPORTED_METRICS})
        row[IN_SCOPE_RATIO] = min((evaluation.mean(f"enterprise_ratio.{e}") for e in self.in_scope), default=math.nan)
        return row


def robust_margin(constraint: Constraint, values: Sequence[float]) -> float:
    """The k-th largest margin of ``values`` (one per run) to the constraint's bound, k = ceil(share x n):
    non-negative when the constraint holds in at least ``share`` of them; a missing value counts as violated."""
    margins = [(v - constraint.min) if constraint.min is not None else (constraint.max - v) for v in values]  # type: ignore[operator]
    return -_kth_best_run(constraint, [-m if math.isfinite(m) else math.inf for m in margins])


def _kth_best_run(constraint: Constraint, shortfalls: Sequence[float]) -> float:
    """The k-th smallest of the runs' ``shortfalls``, k = ceil(share x n): the constraint holds in ``share`` of
    the runs when it is at most 0."""
    k = max(1, math.ceil(constraint.share * len(shortfalls) - 1e-9))
    return float(sorted(shortfalls)[k - 1])


def robust_shortfall(constraint: Constraint, values_by_run: Sequence[Sequence[float]]) -> float:
    """The k-th smallest shortfall over the runs, k = ceil(share x n); a run's shortfall is the sum over its
    figures of the amount by which each misses the bound (a missing figure: infinite). Zero exactly when
    ``robust_margin`` is non-negative."""
    shortfalls = []
    for values in values_by_run:
        missed = [(constraint.min - v) if constraint.min is not None else (v - constraint.max) for v in values]  # type: ignore[operator]
        shortfalls.append(sum(max(0.0, m) if math.isfinite(m) else math.inf for m in missed))
    return _kth_best_run(constraint, shortfalls)


def constraint_name(constraint: Constraint) -> str:
    """``metric [in YEAR] >= bound [in share of runs]``."""
    bound = f">= {constraint.min:g}" if constraint.min is not None else f"<= {constraint.max:g}"
    share = f" in {constraint.share:.0%} of runs" if constraint.share < 1 else ""
    return f"{constraint.metric}{pathway_base.describe_year(constraint)} {bound}{share}"
