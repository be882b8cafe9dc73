"""Command-line interface. Commands parse arguments, call the library and print; nothing else."""

from __future__ import annotations

import typer

from freight_sim.cli import batch_cmd, network_cmd, ratio_cmd, report_cmd, run_cmd, validate_cmd

app = typer.Typer(
    name="freight-sim",
    help="Simulate clean bulk-freight transport: mode chains, sidings, fleets, emissions, clean-transport ratio.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
validate_cmd.register(app)
network_cmd.register(app)
run_cmd.register(app)
batch_cmd.register(app)
ratio_cmd.register(app)
report_cmd.register(app)


def main() -> None:
    app()
