"""`freight-sim optimise`: claim the output folder, search, greedy baseline, verify, write the outputs.

Outputs (all written at the end, each atomically, listed in the folder's manifest): ``pareto.csv``,
``evaluations.parquet``, ``greedy.csv``, ``portfolios/*.yaml`` (one runnable scenario per front portfolio),
``summary.json`` and ``report.html``. Simulated runs live in ``runs/`` like a batch's, which is what
``--resume`` reads back.
"""

from __future__ import annotations

import json
import math
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from freight_sim import atomic
from freight_sim.experiments import store
from freight_sim.experiments.batch import ExecutorName
from freight_sim.experiments.run_one import RunFn
from freight_sim.experiments.store import RunRecord
from freight_sim.manifest import FINISHED, WRITING, now_iso, write_manifest
from freight_sim.optimise.evaluate import IN_SCOPE_RATIO, Evaluation, Evaluator, constraint_name
from freight_sim.optimise.search import (
    GreedyResult,
    SearchResult,
    best_feasible,
    drop_order,
    drop_pass,
    front,
    greedy_baseline,
    nsga2_search,
)
from freight_sim.optimise.spec import Optimisation, load_optimisation
from freight_sim.optimise.variables import portfolio_patches
from freight_sim.outdir import claim_out_dir

KIND = "optimisation"
OUTPUT_NAMES = ("pareto.csv", "pareto.parquet", "evaluations.parquet", "greedy.csv", "summary.json", "report.html")


@dataclass(frozen=True, kw_only=True)
class OptimisationResult:
    summary: dict[str, Any]
    pareto: pd.DataFrame
    evaluations: pd.DataFrame
    report: Path | None


def optimise(
    optimisation: Optimisation | Path | str,
    out_dir: Path | str,
    *,
    executor: ExecutorName = "pool",
    workers: int = 2,
    dask_address: str | None = None,
    resume: bool = False,
    overwrite: bool = False,
    run_fn: RunFn | None = None,
    on_record: Callable[[RunRecord], None] | None = None,
    on_generation: Callable[[int, int, Evaluation | None], None] | None = None,
    write_report: bool = True,
    lang: str = "en",
) -> OptimisationResult:
    """Search the file's portfolios, compute the greedy baseline, verify the best and write the outputs."""
    from freight_sim.optimise.checks import check_optimisation

    if not isinstance(optimisation, Optimisation):
        optimisation = load_optimisation(optimisation)
    out_dir = Path(out_dir)
    evaluator = Evaluator(
        optimisation, out_dir, executor=executor, workers=workers, dask_address=dask_address, run_fn=run_fn, on_record=on_record
    )
    check_optimisation(optimisation, evaluator)  # what `validate` checks, before any folder is touched
    started, clock = now_iso(), time.perf_counter()
    with claim_out_dir(out_dir, kind=KIND, overwrite=overwrite, clean=not resume):
        write_manifest(out_dir, kind=KIND, status=WRITING, files=OUTPUT_NAMES, provenance=evaluator.provenance, fields={"started": started})
        greedy = greedy_baseline(evaluator) if optimisation.spec.greedy and optimisation.spec.constraints else None
        seeds = [greedy.final.picks] if greedy is not None and greedy.final is not None else []
        search = nsga2_search(evaluator, on_generation, seeds)
        best = best_feasible(evaluator, [*search.evaluations, *(greedy.steps if greedy else [])])
        if best is not None and optimisation.spec.constraints:
            refined = drop_pass(evaluator, best, drop_order(evaluator, greedy))
            search.refined, search.refined_from = refined, best
            best = best_feasible(evaluator, [best, *refined])
        verified = evaluator.verify(best.picks, optimisation.spec.verify.replications) if best is not None else None
        base = evaluator.evaluate([tuple([0] * len(evaluator.bounds))])[0]
        return _write(evaluator, search, greedy, base, best, verified, out_dir, started, time.perf_counter() - clock, write_report, lang)


def _evaluation_rows(evaluator: Evaluator, search: SearchResult, greedy: GreedyResult | None) -> pd.DataFrame:
    rows = []
    for e in search.evaluations:
        rows.append({"source": "search", "generation": search.generation_of[e.picks], **evaluator.describe(e)})
    rows += [{"source": "drop pass", "generation": -1, **evaluator.describe(e)} for e in search.refined]
    if greedy is not None:
        rows += [{"source": "greedy single", "generation": -1, **evaluator.describe(e)} for e in greedy.singles]
        rows += [{"source": f"greedy step {i + 1}", "generation": -1, **evaluator.describe(e)} for i, e in enumerate(greedy.steps)]
    return pd.DataFrame(rows)


def _portfolio_file(evaluator: Evaluator, evaluation: Evaluation, folder: Path) -> Path:
    """A scenario file: the base scenario plus the portfolio's changes and the optimisation's simulation settings."""
    from freight_sim.config.loader import deep_merge
    from freight_sim.config.yaml_source import SourceMap

    data: dict[str, Any] = {}
    smap = SourceMap(default_file="<portfolio>")
    patches = evaluator.fixed_patches + portfolio_patches(evaluator.choices, evaluation.picks)
    for patch, patch_map in patches:
        data = deep_merge(data, patch, smap, patch_map or SourceMap(default_file="<patch>"))
    try:
        base = os.path.relpath(evaluator.base_path.resolve(), folder.resolve())
    except ValueError:  # another drive
        base = str(evaluator.base_path.resolve())
    name = f"portfolio-{evaluation.config_sha256[:12]}"
    header = f"# {evaluation.label}\n# written by freight-sim optimise; run with: freight-sim run {name}.yaml\n"
    body = yaml.safe_dump({"base": base, "name": name, **data}, sort_keys=False, allow_unicode=True)
    path = folder / f"{name}.yaml"
    atomic.write_text(path, header + body)
    return path


def _write(
    evaluator: Evaluator,
    search: SearchResult,
    greedy: GreedyResult | None,
    base: Evaluation,
    best: Evaluation | None,
    verified: Evaluation | None,
    out_dir: Path,
    started: str,
    wall_s: float,
    write_report: bool,
    lang: str,
) -> OptimisationResult:
    spec = evaluator.optimisation.spec
    pareto_set = front(evaluator, search.evaluations + search.refined + (greedy.steps if greedy else []))
    pareto = pd.DataFrame([evaluator.describe(e) for e in pareto_set])
    evaluations = _evaluation_rows(evaluator, search, greedy)
    files: list[Path] = []
    store.write_table(out_dir, "pareto", pareto)
    files += [out_dir / "pareto.csv", out_dir / "pareto.parquet"]
    atomic.write_parquet(out_dir / "evaluations.parquet", evaluations)
    files.append(out_dir / "evaluations.parquet")
    if greedy is not None:
        greedy_rows = pd.DataFrame([{"step": i + 1, **evaluator.describe(e)} for i, e in enumerate(greedy.steps)])
        atomic.write_csv(out_dir / "greedy.csv", greedy_rows)
        files.append(out_dir / "greedy.csv")
    folder = out_dir / "portfolios"
    folder.mkdir(exist_ok=True)
    files += [_portfolio_file(evaluator, e, folder) for e in pareto_set if e.feasible]
    held = _held_share(evaluator, verified) if verified is not None else None
    feasible_found = best is not None
    greedy_final = greedy.final if greedy is not None else None
    summary: dict[str, Any] = {
        "optimisation": spec.name,
        "description": spec.description,
        "base_scenario": str(evaluator.base_path),
        "objectives": [o.model_dump() for o in spec.objectives],
        "constraints": [{**c.model_dump(), "text": constraint_name(c)} for c in spec.constraints],
        "in_scope_enterprises": list(evaluator.in_scope),
        "pathway_years": pathway_years(evaluator),
        "uncertain_inputs": list(evaluator.sample.names) if evaluator.sample is not None else [],
        "sample_points": len(evaluator.sample.matrix) if evaluator.sample is not None else 0,
        "runs_per_portfolio": len(evaluator.seeds) * (len(evaluator.sample.matrix) if evaluator.sample is not None else 1),
        "feasible_found": feasible_found,
        "best_portfolio": _portfolio_summary(evaluator, best) if best is not None else None,
        "base_portfolio": _portfolio_summary(evaluator, base),
        "verification": None
        if verified is None
        else {
            "replications": spec.verify.replications,
            "mode": "full",
            "search_mode": evaluator.search_mode,
            "sample_points": len(evaluator.verify_sample.matrix) if evaluator.verify_sample is not None else 0,
            "runs": len(verified.metrics),
            "constraint_held_share": held,
            "required_share": min((c.share for c in spec.constraints), default=1.0),
            **_portfolio_summary(evaluator, verified),
        },
        "target_met": bool(
            verified is not None and held is not None and all(h >= c.share - 1e-9 for h, c in zip(held, spec.constraints, strict=True))
        ),
        "greedy": None
        if greedy is None
        else {
            "feasible": bool(greedy_final is not None and greedy_final.feasible),
            "steps": len(greedy.steps),
            "final": _portfolio_summary(evaluator, greedy_final) if greedy_final is not None else None,
        },
        "least_violating": [_portfolio_summary(evaluator, e) for e in pareto_set] if not feasible_found else [],
        "evaluations": len(search.evaluations),
        "drop_pass": None
        if search.refined_from is None
        else {
            "tried": len(search.refined),
            "started_from": _portfolio_summary(evaluator, search.refined_from)["objectives"],
            "improved": best is not None and best.picks != search.refined_from.picks,
        },
        "generations": search.generations,
        "runs_simulated": evaluator.runs_simulated,
        "runs_read_back": evaluator.runs_cached,
        "wall_s": wall_s,
    }
    atomic.write_text(out_dir / "summary.json", json.dumps(_json_ready(summary), indent=2, ensure_ascii=False, allow_nan=False))
    files.append(out_dir / "summary.json")
    report = None
    if write_report:
        from freight_sim.optimise.report import write_optimisation_report

        report = write_optimisation_report(out_dir, summary, pareto, evaluations, evaluator, base, best, lang)
        files.append(report)
    write_manifest(
        out_dir, kind=KIND, status=FINISHED, files=files, provenance=evaluator.provenance, fields={"started": started, "ended": now_iso()}
    )
    return OptimisationResult(summary=summary, pareto=pareto, evaluations=evaluations, report=report)


def _json_ready(value: Any) -> Any:
    """``value`` with every non-finite float as null (JSON has no NaN or infinity)."""
    if isinstance(value, dict):
        return {k: _json_ready(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_ready(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def pathway_years(evaluator: Evaluator) -> list[int] | None:
    """The calendar years a pathway base's runs span (None for a scenario base)."""
    from freight_sim.optimise.pathway_base import simulated_years

    if evaluator.base.pathway is None:
        return None
    return simulated_years(evaluator.scenario)


def _held_share(evaluator: Evaluator, verified: Evaluation) -> list[float] | None:
    """Per constraint, the share of the verification's runs (replications x sample points) in which it held."""
    if verified.failed:
        return None
    shares = []
    for c in evaluator.optimisation.spec.constraints:
        values = [evaluator.constraint_value(c, m) for m in verified.metrics]
        held = [(v >= c.min - 1e-12) if c.min is not None else (v <= c.max + 1e-12) for v in values]  # type: ignore[operator]
        shares.append(sum(held) / len(held))
    return shares


def _portfolio_summary(evaluator: Evaluator, evaluation: Evaluation) -> dict[str, Any]:
    spec = evaluator.optimisation.spec
    out: dict[str, Any] = {
        "portfolio": evaluation.config_sha256[:12],
        "label": evaluation.label,
        "measures": {c.name: c.labels[p] for c, p in zip(evaluator.choices, evaluation.picks, strict=True) if p},
        "objectives": {o.metric: v for o, v in zip(spec.objectives, evaluation.objectives, strict=True)},
        "margins": {constraint_name(c): m for c, m in zip(spec.constraints, evaluation.margins, strict=True)},
        "feasible": evaluation.feasible,
        "failed": evaluation.failed,
    }
    if not evaluation.failed:
        for metric in ("cost_cny", "nox_kg", "co2_wtw_t", "clean_transport_ratio"):
            out.setdefault("metrics", {})[metric] = evaluation.mean(metric)
        out["enterprise_ratio"] = evaluator.enterprise_ratios(evaluation)
        out[IN_SCOPE_RATIO] = min((out["enterprise_ratio"][e] for e in evaluator.in_scope), default=None)
    return out
