"""`freight-sim generate province --out DIR [--seed N]`."""

from __future__ import annotations

from pathlib import Path

import typer

from freight_sim.cli.common import user_errors
from freight_sim.province import DEFAULT_SEED


def register(app: typer.Typer) -> None:
    generate_app = typer.Typer(help="Generate synthetic scenarios.", no_args_is_help=True)
    app.add_typer(generate_app, name="generate")

    @generate_app.command()
    def province(
        out: Path = typer.Option(..., "--out", help="folder for nodes.csv, edges.csv, scenario.yaml and README.md"),
        seed: int = typer.Option(DEFAULT_SEED, "--seed", min=0, help="seed of the generator (same seed, same files)"),
        figures: Path | None = typer.Option(None, "--figures", help="province figures YAML (default: the bundled Shanxi figures)"),
        overwrite: bool = typer.Option(False, "--overwrite", help="replace the files of an earlier generation in --out"),
    ) -> None:
        """A SYNTHETIC province-scale scenario (about 500 shippers, about 1 Gt/yr) from sourced province figures."""
        from freight_sim.province.generate import generate_province, write_province

        with user_errors():
            generated = generate_province(seed=seed, figures_path=figures)
            write_province(generated, out, overwrite=overwrite)
        typer.echo(
            f"{len(generated.scenario['enterprises'])} synthetic shippers, {generated.tonnes_per_year / 1e6:,.0f} Mt/yr, "
            f"{len(generated.nodes)} nodes, {len(generated.edges)} edges -> {out}/scenario.yaml"
        )
