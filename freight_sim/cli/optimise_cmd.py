"""`freight-sim optimise FILE --out DIR`: search portfolios of measures with the simulation in the loop."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path
from typing import cast

import typer

from freight_sim.cli.common import DASK_OPTION, EXECUTOR_OPTION, EXIT_INTERRUPTED, FAST_HELP, WORKERS_OPTION, user_errors


def register(app: typer.Typer) -> None:
    @app.command()
    def optimise(
        file: Path = typer.Argument(..., help="optimisation file (YAML or TOML)"),
        out: Path = typer.Option(..., "--out", help="output folder (runs/, pareto.csv, evaluations.parquet, portfolios/, report.html)"),
        workers: int = WORKERS_OPTION,
        executor: str = EXECUTOR_OPTION,
        dask: str | None = DASK_OPTION,
        resume: bool = typer.Option(False, "--resume", help="continue an interrupted optimisation: stored runs are read back"),
        overwrite: bool = typer.Option(False, "--overwrite", help="write into a folder that holds files freight-sim did not write"),
        report: bool = typer.Option(True, "--report/--no-report", help="write report.html at the end"),
        lang: str = typer.Option("en", "--lang", help="language of report.html: en or zh"),
        fast: bool = typer.Option(False, "--fast", help=FAST_HELP + "; the chosen portfolio is verified in full mode"),
    ) -> None:
        """Find the cheapest portfolios of measures (sidings, new-energy fleet shares, road -> rail shifts, the years
        of a pathway's dated measures) that meet the file's constraints, by NSGA-II (pymoo) with every portfolio
        simulated; also the greedy baseline.

        The base may be a pathway: runs span its years and constraints may name a year (year: 2026). Uncertain
        inputs (uncertainty: as an experiment's sample) are sampled at the same points for every portfolio;
        constraints must hold in their share of replications x sample points. Each portfolio's runs are stored
        under --out/runs like a batch's, so no portfolio is simulated twice and --resume after Ctrl-C or a crash
        continues with identical results. With --fast (or simulation: {mode: fast} in the file) the search runs in
        fast mode and the chosen portfolio's verification in full mode.
        """
        from freight_sim.config.file_kind import OPTIMISATION, require_kind
        from freight_sim.experiments.batch import ExecutorName
        from freight_sim.optimise.run import optimise as run_optimisation
        from freight_sim.optimise.spec import load_optimisation, with_fast_search
        from freight_sim.report.i18n import check_language

        if dask is not None:
            executor = "dask"
        if executor not in ("inprocess", "pool", "dask"):
            print(f"--executor: expected inprocess, pool or dask, got {executor!r}", file=sys.stderr)
            raise typer.Exit(2)
        with user_errors():
            check_language(lang)
            require_kind(file, OPTIMISATION)
            optimisation = load_optimisation(file)
            if fast:
                optimisation = with_fast_search(optimisation)
            progress, on_generation, on_record = _progress(optimisation.spec.budget.evaluations, optimisation.spec.objectives[0].metric)
            try:
                with progress:
                    result = run_optimisation(
                        optimisation, out, executor=cast(ExecutorName, executor), workers=workers, dask_address=dask, resume=resume,
                        overwrite=overwrite, on_record=on_record, on_generation=on_generation, write_report=report, lang=lang,
                    )  # fmt: skip
            except KeyboardInterrupt:
                hint = " ".join(["freight-sim", "optimise", shlex.quote(str(file)), "--out", shlex.quote(str(out)), "--resume"])
                print(f"interrupted: simulated runs are kept in {out}; continue with: {hint}", file=sys.stderr)
                raise typer.Exit(EXIT_INTERRUPTED) from None
        _print_result(result.summary, out)


def _print_result(summary: dict, out: Path) -> None:
    best = summary["best_portfolio"]
    if best is None:
        typer.echo(
            f"no portfolio met the constraints in {summary['evaluations']} evaluations; least-violating portfolios in {out}/pareto.csv"
        )
    else:
        measures = "; ".join(f"{k}: {v}" for k, v in best["measures"].items()) or "no change"
        typer.echo(f"best feasible portfolio: {measures}")
        typer.echo(f"  cost {best['metrics']['cost_cny'] / 1e6:,.2f} M CNY, NOx {best['metrics']['nox_kg']:,.0f} kg, "
                   f"clean-transport ratio {best['metrics']['clean_transport_ratio']:.1%}")  # fmt: skip
        check = summary["verification"]
        if check and check.get("constraint_held_share") is not None:
            held = ", ".join(f"{h:.0%}" for h in check["constraint_held_share"])
            points = f" at {check['sample_points']} fresh sample points of the uncertain inputs" if check.get("sample_points") else ""
            typer.echo(f"  re-run with {check['replications']} fresh seeds{points}: constraints held in {held} of the {check['runs']} runs")
    greedy = summary.get("greedy")
    if greedy is not None:
        cost = ((greedy.get("final") or {}).get("metrics") or {}).get("cost_cny")
        if greedy["feasible"] and cost is not None:
            typer.echo(f"greedy baseline meets the constraints at {cost / 1e6:,.1f} M CNY")
        else:
            typer.echo(f"greedy baseline does not meet the constraints ({greedy['steps']} measures added)")
    typer.echo(
        f"{summary['evaluations']} portfolios, {summary['runs_simulated']} runs simulated, {summary['runs_read_back']} read back; outputs in {out}"
    )


def _progress(budget: int, cost_metric: str):
    """A rich progress bar over the evaluation budget, with the best feasible first objective (a cost) so far."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    progress = Progress(
        TextColumn("[bold]portfolios"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("generation {task.fields[generation]}, best feasible {task.fields[best]}, runs {task.fields[runs]}"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
    )
    task = progress.add_task("optimise", total=budget, generation=0, best="–", runs=0)
    runs = 0

    def on_generation(generation: int, evaluated: int, best) -> None:
        if best is None:
            text = "–"
        else:
            value = best.objectives[0]
            text = f"{value / 1e6:,.1f} M CNY" if cost_metric.endswith("cny") else f"{value:,.4g} ({cost_metric})"
        progress.update(task, completed=min(evaluated, budget), generation=generation, best=text)

    def on_record(_record) -> None:
        nonlocal runs
        runs += 1
        progress.update(task, runs=runs)

    return progress, on_generation, on_record
