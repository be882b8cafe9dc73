"""`freight-sim run [SCENARIO] --out DIR`."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from freight_sim.cli.common import FAST_HELP, user_errors, with_fast


def register(app: typer.Typer) -> None:
    @app.command()
    def run(
        scenario: Path | None = typer.Argument(None, help="scenario file (YAML or TOML); default: the bundled Changzhi baseline"),
        out: Path | None = typer.Option(None, "--out", "-o", help="output folder (default: out/<scenario name>)"),
        set_: list[str] = typer.Option([], "--set", help="override a field: dotted.path=value (repeatable)"),
        seed: int | None = typer.Option(None, min=0, help="root seed, 0 or more (default: simulation.seed of the scenario)"),
        legs: bool = typer.Option(True, "--legs/--no-legs", help="write the leg table (legs.parquet)"),
        report: bool = typer.Option(True, "--report/--no-report", help="write report.html"),
        as_json: bool = typer.Option(False, "--json", help="print summary.json instead of the table"),
        spatial: bool = typer.Option(False, "--spatial", help="also write emissions per edge, hour and grid cell (extra 'spatial')"),
        overwrite: bool = typer.Option(False, "--overwrite", help="write into a folder that holds files freight-sim did not write"),
        lang: str = typer.Option("en", "--lang", help="language of report.html and the table: en or zh"),
        fast: bool = typer.Option(False, "--fast", help=FAST_HELP),
    ) -> None:
        """Simulate one scenario and write summary.json, KPI tables, legs, report.html and manifest.json.

        The output folder must be new, empty or an earlier run's (whose files are replaced).
        """
        from freight_sim.cli.progress import sim_progress
        from freight_sim.cli.summary_table import print_run_summary
        from freight_sim.config import load_scenario
        from freight_sim.config.file_kind import SCENARIO, require_kind
        from freight_sim.config.loader import parse_overrides
        from freight_sim.outdir import claim_out_dir
        from freight_sim.paths import default_scenario_path
        from freight_sim.report.i18n import check_language
        from freight_sim.runner import run_scenario, write_run

        with user_errors():
            check_language(lang)
            parse_overrides(set_)
            path = scenario or default_scenario_path()
            require_kind(path, SCENARIO)
            loaded = load_scenario(path, [*with_fast(set_, fast), *(["spatial.enabled=true"] if spatial else [])])
            out_dir = out or Path("out") / loaded.model.name
            with claim_out_dir(out_dir, kind="run", overwrite=overwrite):
                with sim_progress(enabled=not as_json, days=loaded.model.simulation.days) as progress:
                    output = run_scenario(loaded, seed=seed, progress=progress)
                write_run(output, out_dir, legs=legs, report=report, lang=lang)
        if as_json:
            typer.echo(json.dumps(output.summary, indent=2, ensure_ascii=False, default=str))
        else:
            print_run_summary(output.summary, out_dir, lang)
