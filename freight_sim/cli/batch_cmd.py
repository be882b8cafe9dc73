"""`freight-sim batch EXPERIMENT --out DIR`: run an experiment file (design, runs, tables, summaries)."""

from __future__ import annotations

import importlib
import shlex
import sys
from pathlib import Path
from typing import cast

import typer

from freight_sim.cli.common import DASK_OPTION, EXECUTOR_OPTION, EXIT_INTERRUPTED, FAST_HELP, WORKERS_OPTION, user_errors, with_fast
from freight_sim.errors import ConfigError

DEFAULT_RUN_FN = "freight_sim.runner:run_scenario"


def import_run_fn(text: str):
    """``package.module:function`` -> the function (the model each run calls)."""
    module_name, _, attr = text.partition(":")
    if not module_name or not attr:
        raise ConfigError(f"--model:1: model: expected module:function, got {text!r}")
    try:
        return getattr(importlib.import_module(module_name), attr)
    except (ImportError, AttributeError) as exc:
        raise ConfigError(f"--model:1: model: cannot import {text!r}: {exc}") from None


def register(app: typer.Typer) -> None:
    @app.command()
    def batch(
        experiment: Path = typer.Argument(..., help="experiment file (YAML or TOML)"),
        out: Path = typer.Option(..., "--out", help="batch folder (runs/, metrics, summaries, batch.json)"),
        workers: int = WORKERS_OPTION,
        executor: str = EXECUTOR_OPTION,
        dask: str | None = DASK_OPTION,
        resume: bool = typer.Option(False, "--resume", help="skip runs whose manifest says finished with the same config"),
        replications: int | None = typer.Option(None, "--replications", min=1, help="replications per variant (overrides the file)"),
        set_: list[str] = typer.Option([], "--set", help="override a scenario field in every run: dotted.path=value"),
        model: str = typer.Option(DEFAULT_RUN_FN, "--model", help="run function module:function (signature fn(loaded, seed))"),
        report: bool = typer.Option(True, "--report/--no-report", help="write report.html (charts and tables) at the end"),
        overwrite: bool = typer.Option(False, "--overwrite", help="write into a folder that holds files freight-sim did not write"),
        lang: str | None = typer.Option(
            None, "--lang", help="language of report.html and the table: en or zh (default: report.lang of the file)"
        ),
        fast: bool = typer.Option(False, "--fast", help=FAST_HELP),
    ) -> None:
        """Run every variant x sweep point x sample x replication of an experiment; write tidy tables.

        The batch locks its --out folder (a second batch on it fails at once). Without --resume the files of an
        earlier batch there are replaced; Ctrl-C stops it, and --resume continues with the runs not yet finished.
        """
        from freight_sim.cli.summary_table import print_batch_summary
        from freight_sim.config.file_kind import EXPERIMENT, require_kind
        from freight_sim.config.loader import parse_overrides
        from freight_sim.experiments.batch import ExecutorName, run_batch
        from freight_sim.experiments.spec import load_experiment
        from freight_sim.report.i18n import check_language

        if dask is not None:
            executor = "dask"
        if executor not in ("inprocess", "pool", "dask"):
            print(f"--executor: expected inprocess, pool or dask, got {executor!r}", file=sys.stderr)
            raise typer.Exit(2)
        set_ = with_fast(set_, fast)
        with user_errors():
            parse_overrides(set_)
            require_kind(experiment, EXPERIMENT)
            run_fn = None if model == DEFAULT_RUN_FN else import_run_fn(model)
            loaded_experiment = load_experiment(experiment)
            lang = check_language(lang or loaded_experiment.spec.report.lang)
            progress, on_design, on_record = _progress_callbacks()
            try:
                with progress:
                    result = run_batch(
                        loaded_experiment, out, executor=cast(ExecutorName, executor), workers=workers, dask_address=dask, resume=resume,
                        replications=replications, overrides=set_, run_fn=run_fn, on_design=on_design, on_record=on_record,
                        overwrite=overwrite, write_report=report, lang=lang,
                    )  # fmt: skip
            except KeyboardInterrupt:
                print(_resume_hint(experiment, out, set_, replications), file=sys.stderr)
                raise typer.Exit(EXIT_INTERRUPTED) from None
        order = [v.name for v in result.design.variants]
        print_batch_summary(result.tables, loaded_experiment.spec.report.metrics, order, lang)
        finished = len(result.records) - len(result.failures)
        typer.echo(f"{finished} runs finished ({result.skipped} resumed), {len(result.failures)} failed; tables in {out}")
        if result.report is not None:
            typer.echo(f"report: {result.report}")
        if result.failures:
            for record in result.failures:
                last = (record.error or "").strip().splitlines()
                print(f"failed: {record.run_id}: {last[-1] if last else 'unknown error'}", file=sys.stderr)
            raise typer.Exit(1)


def _resume_hint(experiment: Path, out: Path, overrides: list[str], replications: int | None) -> str:
    """What to type to continue an interrupted batch with the same design."""
    parts = ["freight-sim", "batch", shlex.quote(str(experiment)), "--out", shlex.quote(str(out)), "--resume"]
    parts += [f"--set {shlex.quote(text)}" for text in overrides]
    parts += [f"--replications {replications}"] if replications is not None else []
    return f"interrupted: finished runs are kept in {out}; continue with: {' '.join(parts)}"


def _progress_callbacks():
    """A rich progress bar over the batch's runs and the two callbacks ``run_batch`` drives it with."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    progress = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("failed: {task.fields[failed]}"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=False,
    )
    task: TaskID | None = None  # added when the design is known, before any record
    failed = 0

    def on_design(design, n_to_run: int) -> None:
        nonlocal task
        task = progress.add_task(design.experiment, total=len(design.runs), failed=0)

    def on_record(record) -> None:
        nonlocal failed
        failed += int(record.failed)
        assert task is not None, "on_design comes before any record"
        progress.update(task, advance=1, failed=failed)

    return progress, on_design, on_record
