"""Command-line interface. Commands parse arguments, call the library and print; nothing else."""

from __future__ import annotations

import sys

import typer

from freight_sim.cli import batch_cmd, generate_cmd, network_cmd, optimise_cmd, pathway_cmd, ratio_cmd, report_cmd, run_cmd, validate_cmd
from freight_sim.cli.common import GuardedGroup

app = typer.Typer(
    name="freight-sim",
    help="Simulate clean bulk-freight transport: mode chains, sidings, fleets, emissions, clean-transport ratio.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=GuardedGroup,
)


@app.callback()
def _root(
    debug: bool = typer.Option(False, "--debug", envvar="FREIGHT_SIM_DEBUG", help="show the traceback of an unexpected error"),
) -> None:
    """Simulate clean bulk-freight transport: mode chains, sidings, fleets, emissions, clean-transport ratio."""


validate_cmd.register(app)
network_cmd.register(app)
run_cmd.register(app)
batch_cmd.register(app)
pathway_cmd.register(app)
optimise_cmd.register(app)
ratio_cmd.register(app)
report_cmd.register(app)
generate_cmd.register(app)


def main() -> None:
    """The ``freight-sim`` script; ``--debug`` may stand anywhere on the command line."""
    argv = sys.argv[1:]
    if "--debug" in argv:
        argv = ["--debug", *(arg for arg in argv if arg != "--debug")]
    app(args=argv, prog_name="freight-sim")
