"""`freight-sim pathway SCENARIO --out DIR [--years 2024-2030] [--replications N]`."""

from __future__ import annotations

from pathlib import Path

import typer

from freight_sim.cli.common import FAST_HELP, user_errors, with_fast


def register(app: typer.Typer) -> None:
    @app.command()
    def pathway(
        scenario: Path = typer.Argument(..., help="scenario file with a pathway section (dated measures and targets)"),
        out: Path = typer.Option(..., "--out", "-o", help="output folder"),
        years: str | None = typer.Option(None, "--years", help="FIRST-LAST calendar years to simulate (default: pathway.years)"),
        replications: int = typer.Option(1, "--replications", "-r", min=1, max=1000, help="replications (different seeds)"),
        seed: int | None = typer.Option(None, min=0, help="root seed of the replications (default: 20261124)"),
        set_: list[str] = typer.Option(
            [],
            "--set",
            help="override a field: dotted.path=value (repeatable); simulation.days or start_date here shorten the run (quick looks)",
        ),
        workers: int = typer.Option(2, "--workers", min=1, help="parallel worker processes"),
        overwrite: bool = typer.Option(False, "--overwrite", help="write into a folder that holds files freight-sim did not write"),
        lang: str = typer.Option("en", "--lang", help="language of report.html: en or zh"),
        baseline: bool = typer.Option(
            True,
            "--baseline/--no-baseline",
            help="also run the baseline path (same years and seeds without the dated measures) for the emission cuts",
        ),
        fast: bool = typer.Option(False, "--fast", help=FAST_HELP),
    ) -> None:
        """Simulate the pathway's years in one run per replication (measures take effect at their dates) and write
        trajectory.csv, compliance_by_year.csv, summary.json, report.html; the runs are kept in DIR/replications.
        With the baseline path (the default), the same years also run without the dated measures, so the NOx, PM and
        SO2 cut against it is reported beside the plan's city-wide cut.

        The output folder must be new, empty or an earlier pathway's (whose files are replaced).
        """
        from freight_sim.config.file_kind import SCENARIO, require_kind
        from freight_sim.config.loader import parse_overrides
        from freight_sim.experiments.pathway_driver import parse_years, run_pathway
        from freight_sim.report.i18n import check_language

        set_ = with_fast(set_, fast)
        with user_errors():
            check_language(lang)
            parse_overrides(set_)
            span = parse_years(years) if years else None
            require_kind(scenario, SCENARIO)

            def done(record) -> None:
                typer.echo(f"{record.run_id}: {record.status} ({record.seconds:.0f} s)", err=True)

            result = run_pathway(
                scenario, out, years=span, replications=replications, seed=seed, overrides=set_, workers=workers,
                executor="pool" if replications * (2 if baseline else 1) > 1 and workers > 1 else "inprocess", overwrite=overwrite,
                lang=lang, on_record=done, baseline=baseline,
            )  # fmt: skip
        s = result.summary
        typer.echo(f"{s['scenario']}: years {s['years'][0]}-{s['years'][-1]}, {s['replications']} replication(s)")
        for year, ratio in s["city_ratio_by_year"].items():
            at = s["enterprises_meeting_target"].get(year)
            extra = f", key enterprises at target: {at['count']}/{at['of']}" if at else ""
            typer.echo(f"  {year}: city ratio {ratio:.3f}{extra}")
        if s["target_deadline_year"] is not None:
            typer.echo(f"all key enterprises at target by end-{s['target_deadline_year']}: {s['target_met_by_deadline']}")
        cut = s["reduction_against_baseline"]
        if cut is not None:
            total = cut["cumulative_t"]["total"]["mean"]
            typer.echo(f"NOx + PM + SO2 cut against the baseline path, {cut['years'][0]}-{cut['years'][-1]}: {total:,.1f} t")
            share, plan = cut["transport_share_of_plan"], cut["plan"]
            if share is not None:
                typer.echo(
                    f"  share of the plan's city-wide cut ({plan['cumulative_cut_t']:,.0f} t by end-{plan['by_end_of_year']}): {share['mean']:.3%}"
                )
        typer.echo(f"cost, present value: {s['npv_cost_cny'] / 1e6:,.0f} M CNY at {s['discount_rate']:.0%}; written to {result.out_dir}")
