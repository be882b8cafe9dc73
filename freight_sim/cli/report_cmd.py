"""`freight-sim report BATCH_DIR`: (re)write the HTML report of an experiment batch from its tables."""

from __future__ import annotations

from pathlib import Path

import typer

from freight_sim.cli.common import user_errors


def register(app: typer.Typer) -> None:
    @app.command()
    def report(
        batch_dir: Path = typer.Argument(..., help="batch folder written by `freight-sim batch` (batch.json, tables)"),
        out: Path | None = typer.Option(None, "--out", "-o", help="report file (default: BATCH_DIR/report.html)"),
        lang: str | None = typer.Option(None, "--lang", help="en or zh (default: report.lang of the experiment file)"),
    ) -> None:
        """Write a self-contained HTML report (charts and tables) of a batch folder; runs nothing."""
        from freight_sim.manifest import update_hashes
        from freight_sim.outdir import locked_out_dir
        from freight_sim.report.batch_report import write_batch_report
        from freight_sim.spatial.difference import write_difference_grids

        with user_errors():
            if not batch_dir.is_dir():
                path = write_batch_report(batch_dir, out, lang=lang)  # says what is missing
                grids = []
            else:
                with locked_out_dir(batch_dir):
                    path = write_batch_report(batch_dir, out, lang=lang)
                    grids = write_difference_grids(batch_dir)  # runs with spatial enabled: variant minus baseline per cell
                    update_hashes(batch_dir, [path, *grids])
        typer.echo(f"report: {path}")
        for grid in grids:
            typer.echo(f"difference grid: {grid}")
